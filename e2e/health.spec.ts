import { expect, test } from "./fixtures";
import { DEMO_FLOW_NAME, SANDBOX_CONTROL } from "./records-support";

// The admin's browser runs in another zone than the server: every time shown must still say its zone.
test.use({ timezoneId: "America/New_York", viewport: { width: 1440, height: 900 } });

const FAULT_ID = "health-target-down";
const UTC_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? UTC/;

type Flow = { id: string; name: string; target: { id: string; name: string } };

test("a target answering 503 to every write shows as failing on the dashboard within 10 s, with its retrying records and their next attempt, the run not succeeded; the banner goes once it works again", async ({ adminPage: page }) => {
  test.setTimeout(480_000);
  const flows = (await (await page.request.get("/api/flows")).json()) as Flow[];
  const demo = flows.find((f) => f.name === DEMO_FLOW_NAME);
  expect(demo, "the demo flow npm start seeds").toBeDefined();
  const target = demo!.target.name;

  // The demo flow has synced once (its first poll also posts the customers), so the outage meets a running flow.
  await page.goto(`/flows/${demo!.id}`);
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect
    .poll(
      async () => {
        const activity = (await (await page.request.get(`/api/flows/${demo!.id}/activity`)).json()) as { runs: { objectType: string; status: string }[] };
        return activity.runs.some((r) => r.objectType === "invoice" && r.status === "succeeded");
      },
      { message: "the demo flow has read its invoices once", timeout: 200_000, intervals: [3000] },
    )
    .toBe(true);

  // The dashboard is open and healthy before the outage (on a loaded machine the demo's first sync can
  // meet a transient error of its own, which shows until the next success: wait for that).
  await page.goto(`/?flowId=${demo!.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await expect(page.getByTestId("system-connections")).toContainText("no failures seen", { timeout: 150_000 });
  await expect(page.getByTestId("failing-connections")).toHaveCount(0);

  // The outage, through the sandbox control API: the target answers 503 to every write (PUT). Its reads
  // still answer, so the poll (whose closed-period check reads the target first) brings the bill run in
  // and its records are what retries; with every read failing too, nothing new would be read to retry.
  const fault = await page.request.post(`${SANDBOX_CONTROL}/faults/rules`, { data: { id: FAULT_ID, vendor: "acumatica", method: "PUT", action: { kind: "status", status: 503 } } });
  expect(fault.status(), "sandbox control: add fault").toBeLessThan(300);
  try {
    const bill = await page.request.post(`${SANDBOX_CONTROL}/zuora/bill-runs`, { data: { invoices: 6, seed: 1818 } });
    expect(bill.status(), "sandbox control: bill run").toBeLessThan(300);

    // In a second tab, the admin asks the flow to sync now (mouse on the button).
    const flowTab = await page.context().newPage();
    await flowTab.goto(`/flows/${demo!.id}`);
    const syncNow = flowTab.getByRole("button", { name: "Sync now" });
    await syncNow.hover();
    await flowTab.mouse.down();
    await flowTab.mouse.up();
    await expect(flowTab.getByRole("main").getByRole("status").filter({ hasText: "Sync queued" })).toBeVisible();

    // The failures start with the first 503 the target sends (the sandbox's fault log).
    let firstFault = 0;
    await expect
      .poll(
        async () => {
          const log = (await (await page.request.get(`${SANDBOX_CONTROL}/faults/log`)).json()) as { ruleId: string }[];
          if (log.some((e) => e.ruleId === FAULT_ID)) firstFault = Date.now();
          return firstFault;
        },
        { message: "the target answers 503", timeout: 120_000, intervals: [200] },
      )
      .toBeGreaterThan(0);

    // Within 10 s, on the dashboard tab as it was left open (no reload): the banner names the target and the 503.
    const banner = page.getByRole("alert", { name: "Failing connections" });
    await expect(banner).toContainText(`Posting to ${target} is failing`, { timeout: Math.max(1, 10_000 - (Date.now() - firstFault)) });
    const seenAfterMs = Date.now() - firstFault;
    expect(seenAfterMs, "banner within 10 s of the first 503").toBeLessThanOrEqual(10_000);
    test.info().annotations.push({ type: "banner-after-ms", description: String(seenAfterMs) });
    await expect(banner).toContainText("HTTP 503");
    await expect(banner).toContainText(UTC_TIME);
    await expect(page.getByTestId("system-connections")).toContainText(`${target} failing`);

    // The records being retried, each with its next attempt time (labelled UTC) or "running now".
    const retrying = page.getByTestId("retrying-records");
    await expect(retrying).toBeVisible();
    await expect(page.getByTestId("retrying-total")).toContainText(/waiting for another attempt/);
    const rows = retrying.getByRole("row").filter({ hasText: "HTTP 503" });
    await expect(rows.first()).toBeVisible();
    // Listed by document number (the first records to fail are whatever the worker was posting: the demo's
    // customers, or the bill run's invoices and the customers they need).
    const documents = (await retrying.locator("tbody tr td:first-child a").allTextContents()).map((d) => d.trim());
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.every((d) => d.length > 0)).toBe(true);
    await expect(rows.first().getByTestId("next-attempt")).toHaveText(new RegExp(`${UTC_TIME.source}|running now`));
    // The records list says the same of a retried record, with its next attempt time.
    const recordsTab = await page.context().newPage();
    await recordsTab.goto(`/records?flowId=${demo!.id}&status=pending&q=${encodeURIComponent(documents[0]!)}`);
    await expect(recordsTab.getByRole("link", { name: documents[0]!, exact: true })).toBeVisible();
    await expect(recordsTab.getByTestId("retry-info").first()).toContainText(/retrying after \d+ failed attempts? · next/);
    await expect(recordsTab.getByTestId("retry-info").first()).toContainText(new RegExp(`${UTC_TIME.source}|when the worker picks it up`));
    await recordsTab.screenshot({ path: "docs/screenshots/health-records-retrying.png" });
    await recordsTab.close();
    await expect(page.getByTestId("recent-failures")).not.toContainText("No failed records.");
    await page.screenshot({ path: "docs/screenshots/health-target-failing-dashboard.png", fullPage: true });

    // The flow's page: the same banner, and the invoice run is not "succeeded" while its records retry.
    await expect(flowTab.getByRole("alert", { name: "Failing connections" })).toContainText(`Posting to ${target} is failing`);
    // The invoice run that read the bill run (a scheduled run that found nothing new may be listed above it,
    // rightly "succeeded"): retrying or posting while its records retry, held when they wait on customers
    // that retry; never "succeeded".
    const stuckRun = flowTab
      .getByTestId("runs")
      .getByRole("row")
      .filter({ hasText: "Posted invoices → AR invoices" })
      .filter({ has: flowTab.getByTestId("run-outcome").filter({ hasText: /retrying|posting|held/ }) })
      .first();
    await expect(stuckRun).toBeVisible({ timeout: 60_000 });
    // the banner counts the records waiting for another attempt (the progress bar stays only while the run's
    // own records are pending; when they are held on retrying customers it is the banner that says so)
    await expect(flowTab.getByRole("alert", { name: "Failing connections" })).toContainText(/\d+ records? waiting to be retried/);
    await flowTab.screenshot({ path: "docs/screenshots/health-target-failing-flow.png", fullPage: true });
    await flowTab.close();
  } finally {
    await page.request.delete(`${SANDBOX_CONTROL}/faults/rules/${FAULT_ID}`);
  }

  // The target works again; the admin follows the banner to the connection and tests it (keyboard).
  await page.getByRole("alert", { name: "Failing connections" }).getByRole("link", { name: "Open the connection and test it" }).click();
  const test_ = page.getByRole("button", { name: "Test connection" });
  await test_.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("test-result")).toContainText("Connection works", { timeout: 60_000 });
  await expect(page.getByTestId("test-result")).not.toContainText("result not stored");

  await page.goto(`/?flowId=${demo!.id}`);
  await expect(page.getByTestId("failing-connections")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("system-connections")).toContainText("no failures seen");
  // The retried records then post on their next attempt, and the banner stays away.
  await expect(page.getByTestId("retrying-records")).toHaveCount(0, { timeout: 180_000 });
  await expect(page.getByTestId("failing-connections")).toHaveCount(0);
  await page.screenshot({ path: "docs/screenshots/health-target-recovered-dashboard.png", fullPage: true });
});
