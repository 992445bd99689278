import { expect, test } from "./fixtures";
import { getRecord, heldWaitingOnlyOn, waitForStatus } from "./records-support";

test.describe.configure({ mode: "serial" });

test("an admin draws a mapping on the canvas from a Zuora charge to a GL account; the held records are released and posted", async ({ adminPage: page }) => {
  test.setTimeout(300_000);
  // The demo leaves "Training Day" unmapped: after the first poll, invoices wait on it.
  const waiting = await heldWaitingOnlyOn(page.request, "Training Day");
  const record = waiting[0]!;

  // Other journeys create flows of their own: open the mappings of the flow this record belongs to.
  await page.goto(`/mappings?flowId=${record.flowId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Mappings" })).toBeVisible();
  const coverage = page.getByRole("region", { name: "Mapping coverage" });
  await expect(coverage).toContainText("Training Day");
  await expect(coverage).toContainText(/held records? wait on/);

  await page.getByLabel("Search Zuora charge").fill("Training Day");
  await page.getByLabel("Search Acumatica GL account").fill("40200");
  const source = page.getByTestId("source-node-Training Day");
  const target = page.getByTestId("target-node-40200");
  await expect(source).toContainText("held");
  await expect(target).toBeVisible();
  // the charge search hides other charges, except those the GL account search found a partner for
  await expect(page.getByTestId("source-node-API Calls (per 1,000)")).toHaveCount(0);
  await expect(page.getByTestId("source-node-Premium Support").getByTestId("partner")).toHaveText("→ 40200");

  // Draw the edge: click the charge's handle, then the GL account's (the canvas's click-to-connect).
  await source.getByRole("button", { name: "Map Training Day" }).click();
  await target.getByRole("button", { name: "Map Training Day to 40200" }).click();

  const dialog = page.getByRole("dialog", { name: "Saved: “Training Day” → 40200" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/\d+ held records? waits? on this mapping/);
  const releaseButton = dialog.getByRole("button", { name: "Release now" });
  const count = Number((await dialog.textContent())!.match(/(\d+) can be released/)![1]);
  expect(count).toBeGreaterThanOrEqual(waiting.length);
  await releaseButton.click();
  // The demo is still posting, so more records may be held between the offer and the click: the
  // release takes every record waiting at that moment, at least the number offered.
  const released = page.getByRole("status").filter({ hasText: /Released \d+ held record/ });
  await expect(released).toBeVisible();
  expect(Number((await released.textContent())!.match(/Released (\d+)/)![1])).toBeGreaterThanOrEqual(count);

  // The mapping is an edge now and the source no longer counts as waiting.
  await expect(page.locator('[data-testid="mapping-line"][data-source="Training Day"][data-target="40200"]')).toHaveCount(1);
  await expect(source).not.toContainText("held");
  await expect(coverage).not.toContainText("Training Day");

  await waitForStatus(page.request, record.id, "posted");
  await page.goto(`/records/${record.id}`);
  await expect(page.getByTestId("record-status")).toHaveText("posted");
  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail.locator('[data-kind="held"]')).toContainText("Training Day");
  await expect(trail.locator('[data-kind="released"]')).toContainText("by admin@e2e.test");
  await expect(trail.locator('[data-kind="posted"]')).toBeVisible();
  await expect(page.getByRole("link", { name: /AR invoice .* in Acumatica/ })).toHaveAttribute("href", /\/Main\?ScreenId=AR301000&DocType=INV&RefNbr=/);
  expect((await getRecord(page.request, record.id)).status).toBe("posted");

  await page.goto(`/mappings?flowId=${record.flowId}&q=Training%20Day`);
  await page.getByLabel("Search Acumatica GL account").fill("40200");
  await expect(page.locator('[data-testid="mapping-line"][data-source="Training Day"][data-target="40200"]')).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath("mapping-canvas-drawn.png"), fullPage: true });
});
