import { expect, test } from "./fixtures";
import { getRecord, heldWaitingOnlyOn, waitForStatus } from "./records-support";

test.describe.configure({ mode: "serial" });

test("an admin draws a mapping on the canvas from a Zuora charge to a GL account; the held records are released and posted", async ({ adminPage: page }) => {
  test.setTimeout(900_000);
  // The demo leaves "Training Day" unmapped: after the first poll, invoices wait on it.
  const waiting = await heldWaitingOnlyOn(page.request, "Training Day");
  const record = waiting[0]!;

  await page.goto("/mappings");
  await expect(page.getByRole("heading", { level: 1, name: "Mappings" })).toBeVisible();
  const coverage = page.getByRole("region", { name: "Mapping coverage" });
  await expect(coverage).toContainText("Training Day");
  await expect(coverage).toContainText(/held records? wait on/);

  await page.getByLabel("Search Zuora charges").fill("Training Day");
  await page.getByLabel("Search Acumatica GL accounts").fill("40200");
  const source = page.getByTestId("source-node-Training Day");
  const target = page.getByTestId("target-node-40200");
  await expect(source).toContainText("held");
  await expect(target).toBeVisible();
  await expect(page.getByTestId("source-node-Premium Support")).toHaveCount(0);

  // Draw the edge: from the charge's handle to the GL account's handle.
  const from = (await source.locator(".react-flow__handle").boundingBox())!;
  const to = (await target.locator(".react-flow__handle").boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();

  const dialog = page.getByRole("dialog", { name: "Saved: “Training Day” → 40200" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/\d+ held records? waits? on this mapping/);
  const releaseButton = dialog.getByRole("button", { name: /^Release \d+ records?$/ });
  const count = Number((await releaseButton.textContent())!.match(/\d+/)![0]);
  expect(count).toBeGreaterThanOrEqual(waiting.length);
  await releaseButton.click();
  await expect(page.getByRole("status").filter({ hasText: `Released ${count} held record` })).toBeVisible();

  // The mapping is an edge now and the source no longer counts as waiting.
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
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

  await page.goto("/mappings?q=Training%20Day");
  await page.getByLabel("Search Acumatica GL accounts").fill("40200");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath("mapping-canvas-drawn.png"), fullPage: true });
});
