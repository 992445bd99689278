import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import Papa from "papaparse";
import { signInByApi } from "./fixtures";
import { getRecord, SANDBOX_CONTROL } from "./records-support";
import { collectPageErrors, E2E_ADMIN, uniqueEmail } from "./support";

test.describe.configure({ mode: "serial" });
// The browser lives in New York, the server in UTC: what the page shows must not depend on either.
test.use({ timezoneId: "America/New_York" });


const SHOTS = "docs/screenshots";

const DEMO_FLOW = "Zuora → Acumatica (demo)";
const ACCOUNT = "40000";
let failedRecordId = "";
let replayActionId = "";

const setAccountActive = async (page: Page, active: boolean) => {
  const res = await page.request.post(`${SANDBOX_CONTROL}/acumatica/seed`, { data: { accounts: [{ AccountCD: ACCOUNT, Type: "Income", Active: active }] } });
  expect(res.status(), "sandbox control: seed account").toBeLessThan(300);
};

test("a failed posting is replayed after the fault is cleared and becomes posted", async ({ page }) => {
  test.setTimeout(300_000);
  await signInByApi(page.request, E2E_ADMIN);

  // The fault, through the sandbox control API: GL account 40000 (where the demo maps "API Calls")
  // becomes inactive, so Acumatica refuses invoices with such lines (HTTP 422, a field error).
  await setAccountActive(page, false);
  try {
    // New documents in Zuora: a bill run whose invoices include usage charges.
    const run = await page.request.post(`${SANDBOX_CONTROL}/zuora/bill-runs`, { data: { invoices: 30, seed: 4242 } });
    expect(run.status(), "sandbox control: bill run").toBeLessThan(300);
    const { invoices } = (await run.json()) as { invoices: { number: string }[] };
    const billed = new Set(invoices.map((i) => i.number));

    // The admin asks for a sync instead of waiting for the schedule.
    await page.goto("/flows");
    await page.getByRole("link", { name: DEMO_FLOW }).first().click();
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: "Sync queued" })).toBeVisible();

    let failed: Awaited<ReturnType<typeof getRecord>> | undefined;
    await expect
      .poll(
        async () => {
          const res = await page.request.get("/api/records?status=failed&objectType=invoice&limit=200");
          const { items } = (await res.json()) as { items: { id: string; naturalKey: string | null }[] };
          const mine = items.find((i) => i.naturalKey && billed.has(i.naturalKey));
          failed = mine ? await getRecord(page.request, mine.id) : undefined;
          return !!failed;
        },
        { message: "an invoice of the new bill run fails on the inactive account", timeout: 180_000, intervals: [2000] },
      )
      .toBe(true);
    failedRecordId = failed!.id;
    expect(failed!.lastError).toContain(ACCOUNT);

    await page.goto(`/records?status=failed`);
    await expect(page.getByRole("link", { name: failed!.naturalKey! })).toBeVisible();
    await page.getByRole("link", { name: failed!.naturalKey! }).click();
    await expect(page.getByTestId("record-status")).toHaveText(/failed/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText(`Target answer:`);
    await expect(page.getByRole("region", { name: "Audit trail" }).locator('[data-kind="attempt"]').first()).toContainText("HTTP 422");
  } finally {
    await setAccountActive(page, true);
  }

  // Fault cleared: replay from the record page.
  const replayRequest = page.waitForRequest((req) => req.method() === "POST" && !!req.headers()["next-action"]);
  await page.getByRole("button", { name: "Replay" }).click();
  replayActionId = (await replayRequest).headers()["next-action"]!;
  await expect(page.getByRole("status").filter({ hasText: "Queued for replay" })).toBeVisible();
  await expect(page.getByTestId("record-status")).toHaveText("posted", { timeout: 90_000 });
  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail.locator('[data-kind="replayed"]')).toContainText("by admin@e2e.test");
  await expect(trail.locator('[data-kind="posted"]')).toBeVisible();
  expect((await getRecord(page.request, failedRecordId)).status).toBe("posted");
  await page.getByRole("button", { name: /Source payload/ }).click();
  await page.screenshot({ path: test.info().outputPath("record-replayed-posted.png"), fullPage: true });
});

test("the records browser filters by status and document number and pages by cursor", async ({ page }) => {
  await signInByApi(page.request, E2E_ADMIN);
  await page.goto("/records");
  const all = Number((await page.getByTestId("count-all").textContent())!.replace(/,/g, ""));
  expect(all).toBeGreaterThan(100);
  await expect(page.getByRole("row")).toHaveCount(101);
  await page.getByRole("button", { name: "Load 100 more" }).click();
  await expect(page.getByRole("row")).toHaveCount(Math.min(all, 200) + 1);

  await page.getByRole("button", { name: /^Posted/ }).click();
  await expect(page).toHaveURL(/status=posted/);
  const posted = Number((await page.getByTestId("count-posted").textContent())!.replace(/,/g, ""));
  expect(posted).toBeGreaterThan(0);
  await expect(page.locator("tbody tr").first()).toContainText("posted");

  const { items } = (await (await page.request.get("/api/records?status=posted&objectType=invoice&limit=1")).json()) as { items: { naturalKey: string }[] };
  const number = items[0]!.naturalKey;
  await page.getByLabel("Search").fill(number);
  await page.getByLabel("Search").press("Enter");
  // the demo flows that read the same Zuora tenant each hold a record of this number: one row per flow
  const matching = (await (await page.request.get(`/api/records?status=posted&q=${encodeURIComponent(number)}&limit=200`)).json()) as { items: { naturalKey: string }[] };
  expect(matching.items.length).toBeGreaterThanOrEqual(1);
  expect(matching.items.every((i) => i.naturalKey === number)).toBe(true);
  await expect(page.locator("tbody tr")).toHaveCount(matching.items.length);
  for (const row of await page.locator("tbody tr").all()) await expect(row).toContainText(number);
  await page.screenshot({ path: test.info().outputPath("records-browser.png"), fullPage: true });
});

test("a viewer sees records but cannot replay: no button, and the server refuses the action", async ({ browser }) => {
  expect(replayActionId, "the replay journey must run first").not.toBe("");
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInByApi(admin.request, E2E_ADMIN);
  await admin.goto("/settings/users");
  const email = uniqueEmail("records-viewer");
  await admin.getByLabel("Email", { exact: true }).fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption({ label: "Viewer" });
  await admin.getByRole("button", { name: "Invite user" }).click();
  const password = (await admin.getByTestId("initial-password").textContent())!.trim();
  await adminContext.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByApi(page.request, { email, password });
  // A record that can be replayed: a held one (Training Day or another unmapped key), else any failed/held.
  const { items } = (await (await page.request.get("/api/records?status=held&limit=1")).json()) as { items: { id: string }[] };
  const target = items[0]?.id ?? failedRecordId;
  const before = await getRecord(page.request, target);
  await page.goto(`/records/${target}`);
  await expect(page.getByTestId("record-status")).toBeVisible();
  await expect(page.getByRole("button", { name: "Replay" })).toHaveCount(0);
  await page.goto("/records");
  await expect(page.getByText("You have viewer access")).toBeVisible();
  await expect(page.getByRole("button", { name: /Replay all matching/ })).toHaveCount(0);

  const res = await page.request.post(`/records/${target}`, {
    headers: { "Next-Action": replayActionId, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component" },
    data: JSON.stringify([{ recordId: target }]),
  });
  expect(res.status()).toBe(200);
  const body = await res.text();
  expect(body).toContain('"ok":false');
  expect(body).toContain('"code":"FORBIDDEN"');
  const after = await getRecord(page.request, target);
  expect(after.status).toBe(before.status);
  await page.goto(`/records/${target}`);
  await page.screenshot({ path: test.info().outputPath("viewer-record-no-replay.png"), fullPage: true });
  await context.close();
});

type ListItem = { id: string; naturalKey: string | null; targetRef: string | null; amount: string | null; documentDate: string | null; createdAt: string };

test("every time on the records pages is labelled UTC, the received-day filter finds what the list shows that day, and nothing re-renders", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signInByApi(page.request, E2E_ADMIN);
  expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe("America/New_York");
  await page.goto("/records");
  await expect(page.getByRole("columnheader", { name: "Received (UTC)" })).toBeVisible();
  const receivedCells = page.locator("tbody tr td:last-child");
  const first = (await receivedCells.first().textContent())!;
  expect(first).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  const { items } = (await (await page.request.get("/api/records?limit=1")).json()) as { items: ListItem[] };
  expect(first).toBe(`${items[0]!.createdAt.slice(0, 10)} ${items[0]!.createdAt.slice(11, 19)} UTC`);
  for (const cell of await page.locator("tbody tr td:nth-last-child(3)").allTextContents()) expect(cell).toMatch(/^(\d{4}-\d{2}-\d{2})?$/);

  // The admin filters on the day the newest record shows, typed as shown: ISO, not the browser's mm/dd/yyyy.
  const day = first.slice(0, 10);
  await expect(page.getByLabel("Received from (UTC)")).toHaveAttribute("placeholder", "YYYY-MM-DD");
  for (const label of ["Received from (UTC)", "Received to (UTC)"]) {
    await page.getByLabel(label).click();
    await page.keyboard.type(day);
  }
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${day}&to=${day}`));
  await expect(page.getByLabel("Received from (UTC)")).toHaveValue(day);
  await expect(page.locator("tbody tr").first()).toBeVisible();
  const shown = await receivedCells.allTextContents();
  expect(shown.length).toBeGreaterThan(0);
  for (const cell of shown) expect(cell.startsWith(day)).toBe(true);
  await page.screenshot({ path: `${SHOTS}/records-received-day-utc.png`, fullPage: true });

  // the document's own link (a held row also links what it waits for)
  await page.locator("tbody tr").first().getByRole("link").first().click();
  await expect(page.getByTestId("record-status")).toBeVisible();
  await expect(page.getByText(/received \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/)).toBeVisible();
  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  await page.screenshot({ path: `${SHOTS}/record-detail-utc.png`, fullPage: true });
  expect(errors, "no hydration mismatch or page error").toEqual([]);
});

test("records are found in any case by part of their number or target reference, filtered by document date and amount, and exported as CSV with their audit trail", async ({ page }) => {
  await signInByApi(page.request, E2E_ADMIN);
  const { items } = (await (await page.request.get("/api/records?status=posted&objectType=invoice&limit=50")).json()) as { items: ListItem[] };
  const record = items.find((i) => i.naturalKey && i.targetRef && i.amount && i.documentDate);
  expect(record, "a posted invoice with a target reference").toBeDefined();
  const number = record!.naturalKey!;
  const ref = record!.targetRef!;
  await page.goto("/records");

  const search = async (text: string) => {
    await page.getByLabel("Search").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.type(text);
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(text)}`));
  };
  // The same invoice number can exist in another flow's ledger: the row is this record's.
  const row = page.locator(`tbody tr:has(a[href="/records/${record!.id}"])`);

  await search(number.toLowerCase());
  await expect(row).toHaveCount(1);
  const digits = number.replace(/^\D+/, "");
  await search(digits);
  await expect(row).toHaveCount(1);
  await search(ref.toLowerCase());
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(ref);
  await page.screenshot({ path: `${SHOTS}/records-search-target-reference.png`, fullPage: true });

  // Document date and amount, around the record's own.
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page).not.toHaveURL(/q=/);
  const day = record!.documentDate!.slice(0, 10);
  for (const label of ["Document date from", "Document date to"]) {
    await page.getByLabel(label).click();
    await page.keyboard.type(day);
  }
  const amount = Number(record!.amount);
  await page.getByLabel("Amount from").click();
  await page.keyboard.type(String(Math.floor(amount)));
  await page.getByLabel("Amount to").click();
  await page.keyboard.type(String(Math.ceil(amount)));
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/amountMax=/);
  await expect(page.locator("tbody tr").first()).toBeVisible();
  for (const cell of await page.locator("tbody tr td:nth-last-child(3)").allTextContents()) expect(cell).toBe(day);
  for (const cell of await page.locator("tbody tr td:nth-last-child(4)").allTextContents()) {
    const n = Number(cell.replace(/^[A-Z]{3} /, "").replace(/,/g, ""));
    expect(n).toBeGreaterThanOrEqual(Math.floor(amount));
    expect(n).toBeLessThanOrEqual(Math.ceil(amount));
  }
  const shownNumbers = await page.locator("tbody tr td:nth-child(2)").allTextContents();
  expect(shownNumbers).toContain(number);
  await page.screenshot({ path: `${SHOTS}/records-document-date-amount-filter.png`, fullPage: true });

  // Export what the filter shows.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export matching records (CSV)" }).click()]);
  const csv = Papa.parse<Record<string, string>>(readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "").trim(), { header: true }).data;
  expect(csv.map((l) => l.document).sort()).toEqual([...shownNumbers].sort());
  expect(csv.find((l) => l.id === record!.id)).toMatchObject({ document: number, target_ref: ref, document_date: day });

  const [trailDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export audit trail of matching (CSV)" }).click()]);
  const trail = Papa.parse<Record<string, string>>(readFileSync((await trailDownload.path())!, "utf8").replace(/^\uFEFF/, "").trim(), { header: true }).data;
  expect(trail.filter((e) => e.record_id === record!.id).map((e) => e.kind)).toEqual(expect.arrayContaining(["fetched", "posted"]));
  expect(new Set(trail.map((e) => e.document))).toEqual(new Set(shownNumbers));

  // One record's trail from its page.
  await row.getByRole("link").click();
  const [one] = await Promise.all([page.waitForEvent("download"), page.getByRole("region", { name: "Audit trail" }).getByRole("link", { name: "Export (CSV)" }).click()]);
  const mine = Papa.parse<Record<string, string>>(readFileSync((await one.path())!, "utf8").replace(/^\uFEFF/, "").trim(), { header: true }).data;
  expect(mine.length).toBeGreaterThan(1);
  expect(new Set(mine.map((e) => e.record_id))).toEqual(new Set([record!.id]));
});
