import { expect, test, type Page } from "@playwright/test";
import { signInByApi } from "./fixtures";
import { getRecord, SANDBOX_CONTROL } from "./records-support";
import { E2E_ADMIN, uniqueEmail } from "./support";

test.describe.configure({ mode: "serial" });

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
  await page.getByLabel("Document number").fill(number);
  await page.getByLabel("Document number").press("Enter");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText(number);
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
