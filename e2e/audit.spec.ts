import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import Papa from "papaparse";
import { demoFlowId, recordSandboxCalls, seedFailedRecord, withE2eDb } from "./audit-support";
import { signInByApi } from "./fixtures";
import { getRecord, SANDBOX_CONTROL } from "./records-support";
import { collectPageErrors, E2E_ADMIN } from "./support";

test.describe.configure({ mode: "serial" });
// The browser lives in New York, the server in UTC: what the page shows must not depend on either.
test.use({ timezoneId: "America/New_York", viewport: { width: 1440, height: 900 } });

const SHOTS = "docs/screenshots";
const DEMO_FLOW = "Zuora → Acumatica (demo)";
/** Where the demo maps "API Calls (per 1,000)" (prisma/seed/seed-demo-flow.ts). */
const ACCOUNT = "40000";
let refusedRecordId = "";

const setAccountActive = async (page: Page, active: boolean) => {
  const res = await page.request.post(`${SANDBOX_CONTROL}/acumatica/seed`, { data: { accounts: [{ AccountCD: ACCOUNT, Type: "Income", Active: active }] } });
  expect(res.status(), "sandbox control: seed account").toBeLessThan(300);
};

test("a refusal on an inactive GL account names the line and the charge, and links to the mapping that chose the account", async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectPageErrors(page);
  await signInByApi(page.request, E2E_ADMIN);
  await setAccountActive(page, false);
  try {
    const run = await page.request.post(`${SANDBOX_CONTROL}/zuora/bill-runs`, { data: { invoices: 20, seed: 1818 } });
    expect(run.status(), "sandbox control: bill run").toBeLessThan(300);
    const billed = new Set(((await run.json()) as { invoices: { number: string }[] }).invoices.map((i) => i.number));

    await page.goto("/flows");
    await page.getByRole("link", { name: DEMO_FLOW }).first().click();
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: "Sync queued" })).toBeVisible();

    let naturalKey = "";
    await expect
      .poll(
        async () => {
          const { items } = (await (await page.request.get("/api/records?status=failed&objectType=invoice&limit=200")).json()) as { items: { id: string; naturalKey: string | null }[] };
          const mine = items.find((i) => i.naturalKey && billed.has(i.naturalKey));
          if (mine) [refusedRecordId, naturalKey] = [mine.id, mine.naturalKey!];
          return refusedRecordId !== "";
        },
        { message: "an invoice of the new bill run is refused on the inactive account", timeout: 180_000, intervals: [2000] },
      )
      .toBe(true);
    expect((await getRecord(page.request, refusedRecordId)).lastError).toContain(`Account '${ACCOUNT}' is inactive`);

    // The records list: the refusal reads as one, with its words.
    await page.goto("/records");
    await page.getByRole("button", { name: /^Failed/ }).click();
    await page.getByLabel("Search").click();
    await page.keyboard.type(naturalKey);
    await page.keyboard.press("Enter");
    const row = page.locator("tbody tr").filter({ hasText: naturalKey });
    await expect(row).toContainText("failed: refused by the target");
    await row.getByRole("link", { name: naturalKey }).click();

    // The record: what was refused, on which line, and the mapping behind it.
    await expect(page.getByTestId("record-status")).toContainText("refused by the target");
    const failure = page.getByTestId("failure");
    await expect(failure).toHaveAttribute("data-nature", "permanent");
    await expect(failure).toContainText("Refused by the target");
    await expect(failure).toContainText("sending it again unchanged fails again");
    const trace = page.getByTestId("error-trace").first();
    await expect(trace).toContainText(/^Line \d+ \(“.+”\): account 40000 comes from the gl-account mapping “API Calls \(per 1,000\)” → 40000\.$/);
    await page.screenshot({ path: `${SHOTS}/audit-refusal-traced-to-mapping.png`, fullPage: true });

    await trace.getByRole("link", { name: "“API Calls (per 1,000)” → 40000" }).click();
    await expect(page).toHaveURL(/\/mappings\?flowId=[0-9a-f-]+&kind=gl-account&q=API\+Calls/);
    await expect(page.getByRole("heading", { level: 1, name: "Mappings" })).toBeVisible();
    await expect(page.getByRole("tab", { name: "GL accounts", selected: true })).toBeVisible();
    await expect(page.getByLabel("Search Zuora charge")).toHaveValue("API Calls (per 1,000)");
  } finally {
    await setAccountActive(page, true);
  }
  expect(errors).toEqual([]);
});

test("a failure after retries were spent reads differently from a refusal, and the attempt shows what was sent and what came back, secrets redacted", async ({ page }) => {
  expect(refusedRecordId, "the refusal journey must run first").not.toBe("");
  const errors = collectPageErrors(page);
  await signInByApi(page.request, E2E_ADMIN);
  // The engine's wiring of the call recorder into its attempts is merged separately: this journey seeds a
  // failed record whose attempt carries calls recorded by the app's recorder from real sandbox calls.
  const { calls, password, clientSecret } = await recordSandboxCalls(page.request);
  expect(calls.map((c) => [c.method, c.status])).toEqual([["POST", 200], ["GET", 200]]);
  const flowId = await demoFlowId(page.request);
  const naturalKey = `E2E-TEMP-${Date.now().toString(36).toUpperCase()}`;
  const temporaryId = await withE2eDb((db) =>
    seedFailedRecord(db, { flowId, naturalKey, statusReason: "retries-exhausted", lastError: "Acumatica (HTTP 503): Service Unavailable (retries gave up after 3 attempts)", retryable: true, calls }),
  );

  await page.goto("/records");
  await page.getByRole("button", { name: /^Failed/ }).click();
  await expect(page).toHaveURL(/status=failed/);
  const temporary = page.locator("tbody tr").filter({ hasText: naturalKey });
  const refused = page.locator("tbody tr").filter({ has: page.locator(`a[href="/records/${refusedRecordId}"]`) });
  await expect(temporary.locator("[data-nature]")).toHaveAttribute("data-nature", "temporary");
  await expect(temporary).toContainText("failed: target unavailable, retries spent");
  await expect(refused.locator("[data-nature]")).toHaveAttribute("data-nature", "permanent");
  await expect(refused).toContainText("failed: refused by the target");
  const [temporaryColor, refusedColor] = await Promise.all([temporary.locator("[data-nature]"), refused.locator("[data-nature]")].map((l) => l.evaluate((el) => getComputedStyle(el).backgroundColor)));
  expect(temporaryColor).not.toBe(refusedColor);
  await page.screenshot({ path: `${SHOTS}/audit-temporary-vs-refused.png`, fullPage: true });

  await temporary.getByRole("link", { name: naturalKey }).click();
  await expect(page).toHaveURL(new RegExp(`/records/${temporaryId}$`));
  const failure = page.getByTestId("failure");
  await expect(failure).toHaveAttribute("data-nature", "temporary");
  await expect(failure).toContainText("Temporary failure: the target was unavailable");
  await expect(failure).toContainText("Replay: it posts as it is");
  await expect(page.getByRole("region", { name: "Audit trail" }).locator('[data-kind="failed"]')).toContainText("Failed, retries spent (temporary)");

  // The attempt's calls: open them, then the sign-in's request and response bodies, with the mouse.
  const attempt = page.getByRole("region", { name: "Audit trail" }).locator('[data-kind="attempt"]');
  await attempt.getByText("2 vendor calls: what was sent and what came back").click();
  const signIn = attempt.getByTestId("attempt-call").first();
  await expect(signIn).toContainText(/POST \/\S*identity\/connect\/token → HTTP 200/);
  await signIn.getByText(/^Request body/).click();
  const sent = signIn.getByTestId("call-request").locator("pre");
  await expect(sent).toContainText("password=[redacted]");
  await expect(sent).toContainText("client_secret=[redacted]");
  await expect(sent).toContainText("grant_type=password");
  await signIn.getByText(/^Response body/).click();
  await expect(signIn.getByTestId("call-response").locator("pre")).toContainText('"access_token": "[redacted]"');
  const read = attempt.getByTestId("attempt-call").nth(1);
  await read.getByText(/^Response body/).click();
  await expect(read.getByTestId("call-response").locator("pre")).toContainText('"CustomerID"');
  const html = await page.content();
  for (const secret of [password, clientSecret]) expect(html).not.toContain(secret);
  await page.screenshot({ path: `${SHOTS}/audit-attempt-calls-redacted.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test("a mapping change appears in the change log with who, when and old -> new, and exports as CSV", async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await signInByApi(page.request, E2E_ADMIN);
  const flowId = await demoFlowId(page.request);
  const remap = async (to: string) => {
    await page.goto(`/mappings?flowId=${flowId}&kind=gl-account`);
    await page.getByRole("tab", { name: "Table" }).click();
    await page.getByLabel("Search Zuora charge").fill("Premium Support");
    const target = page.getByLabel("Target of Premium Support");
    await target.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type(to);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: `Saved: “Premium Support” → ${to}` })).toBeVisible();
  };
  await remap("40100");
  try {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Change log" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Change log" })).toBeVisible();
    await page.getByLabel("What").selectOption("mapping");
    await page.getByLabel("Search").click();
    await page.keyboard.type("premium support");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/entity=mapping/);
    const entry = page.getByTestId("config-change").first();
    await expect(entry).toContainText("admin@e2e.test");
    await expect(entry).toContainText("updated");
    await expect(entry).toContainText("gl-account “Premium Support”");
    await expect(entry).toContainText(DEMO_FLOW);
    // the table's save also sends the catalogues' labels, so labels may change alongside the value
    await expect(entry.getByTestId("config-change-field").filter({ hasText: /^targetValue:/ })).toHaveText("targetValue: 40200 → 40100");
    await expect(entry).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    await page.screenshot({ path: `${SHOTS}/audit-change-log.png`, fullPage: true });

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export (CSV)" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^config-changes-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    expect(rows.find((r) => r.field === "targetValue")).toMatchObject({ actor: "admin@e2e.test", entity: "mapping", action: "updated", name: "gl-account “Premium Support”", flow: DEMO_FLOW, from: "40200", to: "40100" });
    expect(rows[0]!.at_utc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(rows.every((r) => r.entity === "mapping" && /premium support/i.test(r.name!))).toBe(true);
  } finally {
    await remap("40200");
  }
  expect(errors).toEqual([]);
});
