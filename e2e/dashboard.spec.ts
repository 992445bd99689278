import { expect, test } from "./fixtures";

type Counts = { pending: number; posted: number; held: number; failed: number; skipped: number };

type Flow = { id: string; name: string };

test("the dashboard shows the demo flow's status counts, holds by missing mapping and billed vs posted", async ({ adminPage: page }) => {
  test.setTimeout(300_000);
  const flows = (await (await page.request.get("/api/flows")).json()) as Flow[];
  const demo = flows.find((f) => f.name === "Zuora → Acumatica (demo)")!;
  expect(demo, "the demo flow npm start seeds").toBeTruthy();

  // Let the demo flow poll now rather than at its next 5-minute tick; wait for its invoice poll and the first postings.
  await page.goto(`/flows/${demo.id}`);
  const runIds = async (objectType: string) =>
    ((await (await page.request.get(`/api/flows/${demo.id}/activity`)).json()) as { runs: { id: string; objectType: string; status: string }[] }).runs.filter((r) => r.objectType === objectType);
  // runs from before the click (the start's own poll) do not count: this test waits for the one it asked for
  const earlier = new Set((await runIds("invoice")).map((r) => r.id));
  await page.getByRole("button", { name: "Sync now" }).click();
  const readCounts = async () => (await (await page.request.get(`/api/records/counts?flowId=${demo.id}`)).json()) as Counts;
  await expect
    .poll(
      async () => {
        const counts = await readCounts();
        return (await runIds("invoice")).some((r) => !earlier.has(r.id) && r.status === "succeeded") && counts.posted > 0;
      },
      { message: "the demo flow has polled its invoices and posted records", timeout: 200_000, intervals: [3000] },
    )
    .toBe(true);

  // The worker keeps posting meanwhile, so each count shown must lie between the ledger's counts read
  // just before and just after the page (GET /api/records/counts, computed apart from the dashboard).
  await expect(async () => {
    const before = await readCounts();
    await page.goto(`/?flowId=${demo.id}`);
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    const status = page.getByTestId("status-counts");
    const shown: Record<string, number> = {};
    for (const s of ["posted", "held", "failed", "pending", "skipped"] as const) {
      shown[s] = Number((await status.getByTestId(`last-30-days-${s}`).textContent())!.replace(/,/g, ""));
    }
    const after = await readCounts();
    for (const s of ["posted", "held", "failed", "pending", "skipped"] as const) {
      expect(shown[s], s).toBeGreaterThanOrEqual(Math.min(before[s], after[s]));
      expect(shown[s], s).toBeLessThanOrEqual(Math.max(before[s], after[s]));
    }
    expect(shown.posted).toBeGreaterThan(0);
    // Every demo record was created today, so today's numbers are the same ones.
    for (const s of ["posted", "held", "failed", "skipped"] as const) {
      expect(Number((await status.getByTestId(`today-${s}`).textContent())!.replace(/,/g, "")), `today ${s}`).toBeGreaterThanOrEqual(Math.min(before[s], after[s]));
    }
  }).toPass({ timeout: 60_000, intervals: [2000] });

  // Billed vs posted: the invoices received this period are every invoice the poll ingested (the demo bill run is dated today).
  const invoiceCounts = (await (await page.request.get(`/api/records/counts?flowId=${demo.id}&objectType=invoice`)).json()) as Counts;
  const ingested = Object.values(invoiceCounts).reduce((a, b) => a + b, 0);
  expect(ingested).toBeGreaterThan(0);
  const invoiceRows = page.getByTestId("reconciliation").getByRole("row").filter({ hasText: "Posted invoices" });
  await expect(invoiceRows.first()).toBeVisible();
  let received = 0;
  for (const row of await invoiceRows.all()) received += Number((await row.getByRole("cell").nth(2).textContent())!.replace(/,/g, ""));
  expect(received).toBe(ingested);
  await expect(page.getByTestId("missing-mappings")).toBeVisible();
  await expect(page.getByTestId("recent-failures")).toBeVisible();
  await expect(page.getByTestId("last-activity")).toContainText("Last successful poll:");
  await expect(page.getByTestId("last-activity")).not.toContainText("Last successful poll: never");
  await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("dashboard.png"), fullPage: true });
});
