import { expect, test } from "./fixtures";

type Counts = { pending: number; posted: number; held: number; failed: number; skipped: number };
type Flow = { id: string; name: string };

test("the dashboard shows the demo flow's status counts, holds by missing mapping and billed vs posted", async ({ adminPage: page }) => {
  test.setTimeout(240_000);
  const flows = (await (await page.request.get("/api/flows")).json()) as Flow[];
  const demo = flows.find((f) => f.name === "Zuora → Acumatica (demo)")!;
  expect(demo, "the demo flow npm start seeds").toBeTruthy();

  // Let the demo flow poll now rather than at its next 5-minute tick, and wait until it settles.
  await page.goto(`/flows/${demo.id}`);
  await page.getByRole("button", { name: "Sync now" }).click();
  let counts: Counts = { pending: 0, posted: 0, held: 0, failed: 0, skipped: 0 };
  let previous = "";
  await expect
    .poll(
      async () => {
        counts = (await (await page.request.get(`/api/records/counts?flowId=${demo.id}`)).json()) as Counts;
        const activity = (await (await page.request.get(`/api/flows/${demo.id}/activity`)).json()) as { isRunning: boolean };
        const key = JSON.stringify(counts);
        const isSettled = key === previous && counts.pending === 0 && !activity.isRunning && counts.posted > 0;
        previous = key;
        return isSettled;
      },
      { message: "the demo flow's records settle (nothing pending, some posted)", timeout: 200_000, intervals: [3000] },
    )
    .toBe(true);

  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  const status = page.getByTestId("status-counts");
  // Every demo record was created today (the sandbox's demo period), so both windows match the ledger's counts.
  for (const s of ["posted", "held", "failed", "pending", "skipped"] as const) {
    await expect(status.getByTestId(`last-30-days-${s}`), s).toHaveText(counts[s].toLocaleString("en-US"));
  }
  expect(counts.held, "the demo leaves two charges unmapped").toBeGreaterThan(0);

  const missing = page.getByTestId("missing-mappings");
  await expect(missing).toContainText("Training Day");
  await expect(missing).toContainText("API Calls (per 1,000)");

  const reconciliation = page.getByTestId("reconciliation");
  await expect(reconciliation.getByRole("row").filter({ hasText: "Invoices" }).first()).toBeVisible();
  await expect(page.getByTestId("last-activity")).toContainText("Last successful poll:");
  await expect(page.getByTestId("last-activity")).not.toContainText("Last successful poll: never");
  await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("dashboard.png"), fullPage: true });
});
