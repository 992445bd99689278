import { expect, test } from "./fixtures";
import { pageAlert } from "./support";

type Connection = { id: string; name: string; vendor: string };

test("an admin creates a flow, sees its callout setup, turns it on, clicks Sync now and sees the runs with counts", async ({ adminPage: page }) => {
  test.setTimeout(180_000);
  const connections = (await (await page.request.get("/api/connections")).json()) as Connection[];
  const zuora = connections.find((c) => c.name === "Zuora (sandbox)")!;
  const acumatica = connections.find((c) => c.name === "Acumatica (sandbox)")!;
  expect(zuora && acumatica, "the demo connections npm start seeds").toBeTruthy();
  const name = `E2E flow ${Math.random().toString(36).slice(2, 7)}`;

  await page.goto("/flows");
  await page.getByRole("link", { name: "New flow" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("From (Zuora)").selectOption(zuora.id);
  await page.getByLabel("To (Acumatica)").selectOption(acumatica.id);
  await page.getByLabel("Schedule").selectOption({ label: "Custom (cron)…" });
  await page.getByLabel("Cron expression (UTC)").fill("*/10 * * * *");
  await expect(page.getByText("Polls every 10 minutes (UTC).")).toBeVisible();
  await page.getByLabel("Cron expression (UTC)").fill("61 * * * *");
  await page.getByRole("button", { name: "Create flow" }).click();
  await expect(pageAlert(page)).toContainText('"61 * * * *" is not a valid cron expression');
  await page.getByLabel("Schedule").selectOption({ label: "Every 15 minutes" });
  await expect(page.getByText("Polls every 15 minutes (UTC).")).toBeVisible();
  const backfill = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel("Backfill from").fill(backfill);
  await page.getByLabel("Invoice Settlement").uncheck();
  await page.getByLabel("Zuora tenant time zone").fill("Mars/Olympus");
  await page.getByRole("button", { name: "Create flow" }).click();
  await expect(page.getByTestId("setting-tenantTimeZone-error")).toBeVisible();
  await page.getByLabel("Zuora tenant time zone").fill("Europe/Berlin");
  await page.getByRole("button", { name: "Create flow" }).click();

  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  const flowId = page.url().split("/").pop()!;
  await expect(page.getByRole("switch", { name: `${name} on` })).toHaveAttribute("aria-checked", "false");
  await expect(page.getByRole("button", { name: "Sync now" })).toBeDisabled();
  // shown as typed, ISO like every other date here (a native date input shows 11/07/2026 in a US browser)
  await expect(page.getByLabel("Backfill from")).toHaveValue(backfill);
  await expect(page.getByLabel("Backfill from")).toHaveAttribute("placeholder", "YYYY-MM-DD");
  await expect(page.getByLabel("Invoice Settlement")).not.toBeChecked();

  // What to enter in Zuora: the callout URL for the source connection and its HMAC options.
  const url = page.getByTestId("callout-callout-url");
  await expect(url).toHaveText(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/webhooks/zuora/${zuora.id}$`));
  await expect(page.getByTestId("callout-callout-hmac-algorithm")).toHaveText("SHA-256");
  await expect(page.getByTestId("callout-callout-signature-header")).toHaveText("X-Zuora-Signature");
  await expect(page.getByTestId("callout-signed-data")).toHaveText("{{Request.Body}}");
  await expect(page.getByTestId("callout-callout-signature-encoding")).toHaveText("BASE64");
  // the panel says whether the source connection holds its signing secret, as the connection's own view does
  const source = (await (await page.request.get(`/api/connections/${zuora.id}`)).json()) as { secretsSet: string[] };
  await expect(page.getByTestId("callout-secret")).toContainText(source.secretsSet.includes("calloutHmacSecret") ? "•••• set" : "not set");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy callout url" }).click();
  await expect(page.getByRole("button", { name: "Copy callout url" })).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await url.textContent());

  // On, Sync now: runs appear per object type with their counts.
  await page.getByRole("switch", { name: `${name} on` }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: "Flow turned on." })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toBeEnabled();
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByRole("main").getByRole("status").filter({ hasText: "Sync queued" })).toBeVisible();
  const runs = page.getByTestId("runs");
  const invoices = runs.getByRole("row").filter({ hasText: "Posted invoices → AR invoices" }).first();
  // finished: succeeded, or with records held for a mapping this new flow does not have yet
  await expect(invoices).toContainText(/succeeded|finished with held records/, { timeout: 120_000 });
  // Turned on at a quarter hour, the schedule fires at once too; Sync now then joins that run (one poll per object type at a time).
  await expect(invoices).toContainText(/Sync now|schedule/);
  const invoiceCells = await invoices.getByRole("cell").allTextContents();
  const [read, created] = [Number(invoiceCells[4]), Number(invoiceCells[5])];
  expect(read).toBeGreaterThan(0);
  expect(created).toBeGreaterThan(0);
  expect(invoiceCells[8]).toMatch(/\d+(\.\d)? (ms|s)|min/);

  // The runs shown are the stored FlowRun rows.
  const activity = (await (await page.request.get(`/api/flows/${flowId}/activity`)).json()) as { runs: { objectType: string; status: string; listed: number; created: number }[] };
  const stored = activity.runs.find((r) => r.objectType === "invoice" && r.status === "succeeded")!;
  expect([stored.listed, stored.created]).toEqual([read, created]);
  await expect(runs.getByRole("row").filter({ hasText: "Billing accounts → customers" }).first()).toContainText(/succeeded|finished with held records/, { timeout: 60_000 });
  await page.screenshot({ path: test.info().outputPath("flow-after-sync.png"), fullPage: true });

  // The list shows it in words; the flow can be turned off again.
  await page.goto("/flows");
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("every 15 minutes (UTC)");
  await row.getByRole("switch").click();
  await expect(row.getByRole("switch")).toHaveAttribute("aria-checked", "false");
  // the switch shows the new state at once and stays disabled until the server has saved it
  await expect(row.getByRole("switch")).toBeEnabled();
  await page.reload();
  await expect(page.getByRole("row", { name: new RegExp(name) }).getByRole("switch")).toHaveAttribute("aria-checked", "false");
});
