import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { createConnection } from "../connections/create-connection";
import { getFlowDashboard } from "../dashboard/get-flow-dashboard";
import { syncFlowNow } from "../sync/sync-flow-now";
import { getFlow } from "./get-flow";
import { getFlowActivity } from "./get-flow-activity";
import { listFlows } from "./list-flows";
import { saveFlow } from "./save-flow";
import { flowFormSchema, type FlowForm } from "./schemas";
import { setFlowEnabled } from "./set-flow-enabled";

let t: TestDb;
let zuoraId = "";
let acumaticaId = "";

beforeAll(async () => {
  t = await createTestDb();
  zuoraId = (
    await createConnection({
      db: t.db,
      input: { vendor: "zuora", name: "Zuora EU", baseUrl: "https://rest.eu.zuora.com", settings: { callout: { algorithm: "SHA-512", headerName: "X-Sig", encoding: "HEX" } }, secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: "hmac-top-secret" } },
    })
  ).id;
  acumaticaId = (await createConnection({ db: t.db, input: { vendor: "acumatica", name: "Acumatica", baseUrl: "https://erp.example.com", secrets: { clientId: "a", clientSecret: "b", username: "u", password: "p" } } })).id;
});
afterAll(() => t?.drop());

const settings = {
  createCustomers: true,
  customerIdPrefix: "Z",
  glAccountKey: "charge",
  invoiceSettlement: false,
  postExternalPayments: true,
  taxMode: "zuora",
  tenantTimeZone: "UTC",
  closedPeriods: "hold",
  canceledInvoices: "reverse",
  reversedPayments: "void",
} as const;
const form = (over: Partial<FlowForm> = {}): FlowForm => ({
  kind: "zuora-acumatica",
  name: `Flow ${Math.random().toString(36).slice(2, 7)}`,
  sourceConnectionId: zuoraId,
  targetConnectionId: acumaticaId,
  schedule: "*/15 * * * *",
  backfillFrom: "2026-01-01",
  settings,
  ...over,
});
const save = (f: FlowForm) => saveFlow({ db: t.db, form: flowFormSchema.parse(f) });

describe("flows for the admin UI", () => {
  it("creates a disabled flow with its settings and shows the callout setup without the secret", async () => {
    const { id } = await save(form({ settings: { ...settings, customerClass: "SAAS" } }));
    const flow = await getFlow({ db: t.db, flowId: id, appUrl: "https://connector.example.com/" });
    expect(flow.enabled).toBe(false);
    expect(flow.backfillFrom).toBe("2026-01-01");
    expect(flow.settings).toMatchObject({ invoiceSettlement: false, customerClass: "SAAS", taxMode: "zuora", closedPeriods: "hold" });
    expect((await t.db.flow.findUniqueOrThrow({ where: { id } })).settings).toMatchObject({ pollPageSize: 99 });
    expect(flow.kindLabel).toBe("Zuora → Acumatica");
    expect(flow.callout).toEqual({
      url: `https://connector.example.com/api/webhooks/zuora/${zuoraId}`,
      systemLabel: "Zuora",
      options: [
        { label: "Callout signature header", value: "X-Sig" },
        { label: "Callout HMAC algorithm", value: "SHA-512" },
        { label: "Callout signature encoding", value: "HEX" },
        { label: "Signed data", value: "{{Request.Body}}" },
      ],
      isSecretSet: true,
    });
    expect(JSON.stringify(flow)).not.toContain("hmac-top-secret");
  });

  it("refuses swapped connections, an invalid cron and invalid settings, each at its field", async () => {
    const fieldsOf = (f: FlowForm) => save(f).then(() => ({}), (err: { fields?: Record<string, string> }) => err.fields ?? {});
    expect(await fieldsOf(form({ sourceConnectionId: acumaticaId, targetConnectionId: zuoraId }))).toEqual({
      sourceConnectionId: "Choose one of your Zuora connections as the source.",
      targetConnectionId: "Choose one of your Acumatica connections as the target.",
    });
    expect((await fieldsOf(form({ schedule: "61 * * * *" })) as Record<string, string>).schedule).toMatch(/not a valid cron/);
    expect(() => flowFormSchema.parse(form({ schedule: "every day" }))).toThrow(/5 fields/);
    expect(await fieldsOf(form({ settings: { ...settings, customerIdPrefix: "lower" } }))).toEqual({ "settings.customerIdPrefix": expect.any(String) });
    expect(await fieldsOf(form({ settings: { ...settings, glAccountKey: "sku" } }))).toEqual({ "settings.glAccountKey": expect.stringMatching(/Charge name/) });
    expect(await fieldsOf(form({ kind: "no-such-kind" }))).toEqual({ kind: expect.any(String) });
  });

  it("updates a flow keeping settings the form does not show, and only an enabled flow syncs now", async () => {
    const { id } = await save(form());
    await t.db.flow.update({ where: { id }, data: { settings: { ...settings, pollPageSize: 7 } } });
    await save(form({ id, name: "Renamed flow", schedule: null, backfillFrom: null, settings: { ...settings, invoiceSettlement: true } }));
    const flow = await getFlow({ db: t.db, flowId: id, appUrl: "http://localhost:3000" });
    expect(flow).toMatchObject({ name: "Renamed flow", schedule: null, backfillFrom: null });
    expect(flow.settings).toMatchObject({ invoiceSettlement: true });
    expect((await t.db.flow.findUniqueOrThrow({ where: { id } })).settings).toMatchObject({ invoiceSettlement: true, pollPageSize: 7 });

    expect(await syncFlowNow({ db: t.db, flowId: id })).toEqual({ status: "disabled" });
    await setFlowEnabled({ db: t.db, flowId: id, enabled: true });
    expect(await syncFlowNow({ db: t.db, flowId: id })).toMatchObject({ status: "queued" });
    expect((await listFlows({ db: t.db })).find((f) => f.id === id)).toMatchObject({ enabled: true, source: { name: "Zuora EU" } });
  });

  it("reports runs with durations and the progress of a backfill in progress", async () => {
    const { id } = await save(form());
    const now = new Date("2026-03-11T00:00:00Z");
    const since = new Date("2026-03-01T00:00:00Z");
    await t.db.flowRun.create({ data: { flowId: id, objectType: "account", trigger: "manual", status: "succeeded", since, startedAt: new Date("2026-03-10T23:00:00Z"), finishedAt: new Date("2026-03-10T23:00:02.500Z"), listed: 12, created: 12 } });
    const running = await t.db.flowRun.create({ data: { flowId: id, objectType: "invoice", trigger: "manual", since, startedAt: new Date("2026-03-10T23:01:00Z"), listed: 40 } });
    await t.db.syncCursor.create({ data: { flowId: id, objectType: "invoice", state: { runId: running.id, maxVersion: "2026-03-06T00:00:00.000Z" } } });

    const activity = await getFlowActivity({ db: t.db, flowId: id, now });
    expect(activity.isRunning).toBe(true);
    expect(activity.runs.find((r) => r.objectType === "account")).toMatchObject({ durationMs: 2500, created: 12, outcome: "succeeded" });
    expect(activity.runs.find((r) => r.objectType === "invoice")).toMatchObject({ outcome: "reading" });
    expect(activity.objects.map((o) => [o.objectType, o.state, Math.round(o.readFraction * 100), Math.round(o.fraction * 100)])).toEqual([
      ["period", "waiting", 0, 0],
      ["account", "done", 100, 100],
      ["invoice", "running", 50, 25],
      ["payment", "waiting", 0, 0],
      ["credit-memo", "waiting", 0, 0],
      ["refund", "waiting", 0, 0],
    ]);
    // the mean of the six object types (the period check included), reading and posting each half of an object type
    expect(activity.fraction).toBeCloseTo((1 + 0.25) / 6, 5);
  });

  it("counts what became of each run's records, and a run whose records wait or retry is not succeeded", async () => {
    const { id } = await save(form({ name: "Run outcomes" }));
    const startedAt = new Date(Date.now() - 60_000);
    const run = await t.db.flowRun.create({ data: { flowId: id, objectType: "invoice", trigger: "manual", status: "succeeded", since: startedAt, startedAt, finishedAt: new Date(Date.now() + 60_000), listed: 5, created: 5 } });
    const rec = (n: number, status: "posted" | "held" | "failed" | "pending", lastError: string | null = null, objectType = "invoice") =>
      t.db.syncRecord.create({ data: { flowId: id, objectType, sourceId: `run${n}`, status, lastError } });
    await rec(1, "posted");
    await rec(2, "posted");
    await rec(3, "held");
    const retried = await rec(4, "pending", "Ledger (HTTP 503)");
    await rec(5, "pending");
    await rec(6, "pending", null, "payment"); // another object type: not this run's
    const view = async () => (await getFlowActivity({ db: t.db, flowId: id })).runs.find((r) => r.id === run.id)!;
    expect(await view()).toMatchObject({ status: "succeeded", outcome: "retrying", records: { received: 5, posted: 2, held: 1, failed: 0, pending: 2, retrying: 1 } });
    let activity = await getFlowActivity({ db: t.db, flowId: id });
    expect(activity.isRunning, "posting is part of the run").toBe(true);
    const invoice = activity.objects.find((o) => o.objectType === "invoice")!;
    expect([invoice.state, invoice.readFraction, invoice.postFraction, invoice.retrying]).toEqual(["posting", 1, 3 / 5, 1]);

    await t.db.syncRecord.update({ where: { id: retried.id }, data: { status: "failed", statusReason: "retries-exhausted" } });
    expect(await view()).toMatchObject({ outcome: "posting" });
    await t.db.syncRecord.updateMany({ where: { flowId: id, status: "pending" }, data: { status: "posted" } });
    expect(await view()).toMatchObject({ outcome: "finished with failures", records: { posted: 3, failed: 1, pending: 0 } });
    activity = await getFlowActivity({ db: t.db, flowId: id });
    expect(activity.objects.find((o) => o.objectType === "invoice")!.state).toBe("done");
  });
});

describe("dashboard of a flow", () => {
  it("counts records by status, per day, and reconciles billed vs posted per currency to the cent", async () => {
    const { id: flowId } = await save(form());
    const now = new Date("2026-05-20T12:00:00Z");
    const rec = (n: number, status: "posted" | "held" | "failed" | "pending", amount: string | null, currency: string, documentDate: string, createdAt: Date, objectType = "invoice") =>
      t.db.syncRecord.create({
        data: { flowId, objectType, sourceId: `s${n}`, naturalKey: `INV${n}`, status, amount, currency, documentDate: new Date(documentDate), createdAt, lastError: status === "failed" ? "Acumatica: Customer is inactive" : null, missing: status === "held" ? [{ kind: "gl-account", sourceKey: "Training Day" }] : undefined },
      });
    await rec(1, "posted", "100.10", "USD", "2026-05-02", new Date("2026-05-20T08:00:00Z"));
    await rec(2, "posted", "200.20", "USD", "2026-05-03", new Date("2026-05-19T08:00:00Z"));
    await rec(3, "held", "0.05", "USD", "2026-05-04", new Date("2026-05-20T09:00:00Z"));
    await rec(4, "failed", "50.00", "EUR", "2026-05-05", new Date("2026-05-20T10:00:00Z"));
    await rec(5, "posted", "999.99", "USD", "2026-04-30", new Date("2026-05-01T10:00:00Z"));
    await rec(6, "posted", "70.00", "USD", "2026-05-06", new Date("2026-05-20T10:00:00Z"), "payment");
    await rec(7, "posted", null, "USD", "2026-05-06", new Date("2026-03-01T10:00:00Z"), "account");

    const d = (await getFlowDashboard({ db: t.db, flowId, now }))!;
    expect(d.today).toEqual({ pending: 0, posted: 2, held: 1, failed: 1, skipped: 0 });
    expect(d.last30Days).toEqual({ pending: 0, posted: 4, held: 1, failed: 1, skipped: 0 });
    expect(d.daily).toHaveLength(30);
    expect(d.daily.at(-1)).toMatchObject({ day: "2026-05-20", posted: 2, held: 1, failed: 1 });
    expect(d.daily.find((x) => x.day === "2026-05-19")).toMatchObject({ posted: 1 });
    expect(d.missingMappings).toEqual([{ kind: "gl-account", sourceKey: "Training Day", label: null, records: 1, amountByCurrency: { USD: "0.0500" } }]);
    expect(d.recentFailures).toEqual([expect.objectContaining({ naturalKey: "INV4", lastError: "Acumatica: Customer is inactive" })]);

    expect(d.reconciliation.period).toBe("2026-05");
    expect(d.reconciliation.rows).toEqual([
      expect.objectContaining({ objectType: "invoice", currency: "EUR", receivedCount: 1, receivedAmount: "50.00", postedCount: 0, postedAmount: "0.00", differenceAmount: "50.00", failedCount: 1 }),
      expect.objectContaining({ objectType: "invoice", currency: "USD", receivedCount: 3, receivedAmount: "300.35", postedCount: 2, postedAmount: "300.30", differenceAmount: "0.05", heldCount: 1 }),
      expect.objectContaining({ objectType: "payment", currency: "USD", receivedCount: 1, receivedAmount: "70.00", postedAmount: "70.00", differenceAmount: "0.00" }),
    ]);
    const april = (await getFlowDashboard({ db: t.db, flowId, now, period: "2026-04" }))!;
    expect(april.reconciliation.rows).toEqual([expect.objectContaining({ objectType: "invoice", receivedAmount: "999.99", postedAmount: "999.99" })]);
  });
});
