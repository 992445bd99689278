import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runner } from "graphile-worker";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listMissingMappings } from "../../lib/sync/list-missing-mappings";
import { receiveCallout } from "../../lib/sync/receive-callout";
import { releaseHeldRecords } from "../../lib/sync/release-held-records";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createTestDb, type TestDb } from "../db";
import { acumaticaDocuments, ALL_GL_MAPS, createFlow, pollAndSettle, settle, startWorker, statusCounts } from "./harness";

/*
 * Zuora -> Acumatica against the sandbox, one scenario per test, each on a fresh sandbox and its own
 * flow (one database and one real graphile-worker runner for the file).
 */

const CALLOUT_SECRET = "e2e-callout-secret";

describe("Zuora -> Acumatica scenarios against the sandbox", () => {
  let t: TestDb;
  let worker: Runner;
  let sandbox: RunningSandbox | undefined;
  const newSandbox = async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 6, existingCustomerRate: 0.5 } });
    return sandbox;
  };

  beforeAll(async () => {
    t = await createTestDb();
    worker = await startWorker(t);
  }, 60_000);
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.drop();
  });

  it("Invoice Settlement off: invoices post; credit memos and payments are recorded skipped with that reason", async () => {
    const s = await newSandbox();
    const { flowId } = await createFlow({ t, sandbox: s, settings: { invoiceSettlement: false } });
    const run = await s.control.zuora.billRun({ invoices: 8, electronicPaymentRate: 0.4, externalPaymentRate: 0.4, creditMemoRate: 0.5, seed: 3 });
    expect(run.creditMemos.length).toBeGreaterThan(0);
    await pollAndSettle(t, flowId);
    expect(await statusCounts(t, flowId)).toMatchObject({
      "invoice/posted": 8,
      "credit-memo/skipped": run.creditMemos.length,
      "payment/skipped": run.payments.length,
    });
    const memos = await t.db.syncRecord.findMany({ where: { flowId, objectType: "credit-memo" }, select: { statusReason: true, events: { select: { kind: true }, orderBy: { id: "asc" } } } });
    for (const m of memos) {
      expect(m.statusReason).toMatch(/^invoice-settlement-off: /);
      expect(m.events.map((e) => e.kind)).toEqual(["received", "fetched", "skipped"]);
    }
    expect((await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "payment" } })).statusReason).toMatch(/^invoice-settlement-off: /);

    // The tenant itself without Invoice Settlement (v1 payments and credit memos refused): payments
    // are still read (Object Query) and recorded skipped; no credit memos exist; nothing errors.
    await s.control.zuora.updateSettings({ invoiceSettlement: false });
    const later = await s.control.zuora.billRun({ invoices: 4, electronicPaymentRate: 0.5, externalPaymentRate: 0.5, seed: 4 });
    expect(later.creditMemos).toEqual([]);
    await pollAndSettle(t, flowId);
    expect(await statusCounts(t, flowId)).toMatchObject({ "invoice/posted": 12, "payment/skipped": run.payments.length + later.payments.length });
    expect(await t.db.flowRun.count({ where: { flowId, error: { not: null } } })).toBe(0);
    const acu = await acumaticaDocuments(s);
    expect(acu.counts).toMatchObject({ invoices: 12, creditMemos: 0, payments: 0 });
  }, 120_000);

  it("callouts delivered twice and out of order are processed once; external payments (no callout) are caught by the poll", async () => {
    const s = await newSandbox();
    const { flowId, sourceConnectionId } = await createFlow({ t, sandbox: s });
    // The receiver: a real HTTP server handing the raw bytes and headers to receiveCallout, as the route does.
    const received: number[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        receiveCallout({ db: t.db, connectionId: sourceConnectionId, rawBody: new Uint8Array(Buffer.concat(chunks)), headers })
          .then((r) => {
            received.push(r.status);
            res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify({ success: r.status === 200 }));
          })
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/zuora/${sourceConnectionId}`;
      await s.control.zuora.callouts.addTemplate({ url, events: ["InvoicePosted", "PaymentProcessed", "CreditMemoPosted"], hmac: { secret: CALLOUT_SECRET } });
      await s.control.zuora.callouts.setMode({ hold: true, duplicate: true });
      const run = await s.control.zuora.billRun({ invoices: 10, electronicPaymentRate: 0.5, externalPaymentRate: 0.4, creditMemoRate: 0.3, seed: 9 });
      const electronic = run.payments.filter((p) => p.type === "Electronic");
      const external = run.payments.filter((p) => p.type === "External");
      expect(electronic.length).toBeGreaterThan(0);
      expect(external.length).toBeGreaterThan(0);
      const notifications = 10 + electronic.length + run.creditMemos.length;

      // newest first (payments and memos before their invoices), every notification twice
      expect((await s.control.zuora.callouts.release("reverse")).released).toHaveLength(notifications);
      expect((await s.control.zuora.callouts.drain(60_000)).idle).toBe(true);
      await settle(t);
      expect(received.filter((x) => x === 200)).toHaveLength(2 * notifications);
      expect(await t.db.inboundEvent.count({ where: { connectionId: sourceConnectionId } })).toBe(notifications);
      expect(await t.db.inboundEvent.count({ where: { connectionId: sourceConnectionId, processedAt: null } })).toBe(0);

      const counts = await statusCounts(t, flowId);
      expect(counts).toMatchObject({ "invoice/posted": 10, "payment/posted": electronic.length, "credit-memo/posted": run.creditMemos.length });
      expect(await t.db.syncRecord.count({ where: { flowId, objectType: "payment", naturalKey: { in: external.map((p) => p.number) } } })).toBe(0);
      const calloutRecords = await t.db.syncRecord.findMany({ where: { flowId, objectType: { notIn: ["account", "period"] } }, select: { naturalKey: true, events: { select: { kind: true, detail: true }, orderBy: { id: "asc" } } } });
      // a payment or memo whose callout came first is posted by its callout job, which holds it and fetches
      // the invoice it waits for at once (origin "dependency"); that invoice's own callouts then change nothing
      for (const r of calloutRecords) {
        expect(r.events.filter((e) => e.kind === "received"), r.naturalKey!).toEqual([{ kind: "received", detail: expect.objectContaining({ origin: expect.stringMatching(/^(callout|dependency)$/) }) }]);
        expect(r.events.filter((e) => e.kind === "posted"), r.naturalKey!).toHaveLength(1);
      }

      // external payments raise no callout: the poll brings them
      await pollAndSettle(t, flowId);
      expect(await statusCounts(t, flowId)).toMatchObject({ "payment/posted": run.payments.length, "invoice/posted": 10 });
      const polled = await t.db.syncRecord.findMany({ where: { flowId, naturalKey: { in: external.map((p) => p.number) } }, select: { status: true, events: { select: { kind: true, detail: true }, orderBy: { id: "asc" } } } });
      expect(polled).toHaveLength(external.length);
      for (const p of polled) expect(p.events[0]).toMatchObject({ kind: "received", detail: { origin: "poll" } });

      expect(await s.control.acumatica.duplicates()).toEqual([]);
      expect((await acumaticaDocuments(s)).counts).toMatchObject({ invoices: 10, payments: run.payments.length, creditMemos: run.creditMemos.length });
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 120_000);

  it("an unmapped charge holds the invoice naming the key; adding the map and releasing posts it", async () => {
    const s = await newSandbox();
    const { "Training Day": _unmapped, ...maps } = ALL_GL_MAPS;
    const { flowId } = await createFlow({ t, sandbox: s, glMaps: maps });
    const catalog = await s.control.zuora.catalog();
    const training = catalog.find((c) => c.chargeName === "Training Day")!;
    const support = catalog.find((c) => c.chargeName === "Premium Support")!;
    const account = "A00000001";
    await s.control.zuora.postInvoice({ account, lines: [{ chargeId: support.id, quantity: 1 }, { chargeId: training.id, quantity: 2 }] });
    await s.control.zuora.postInvoice({ account, lines: [{ chargeId: support.id, quantity: 1 }] });
    await pollAndSettle(t, flowId);

    const held = await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "invoice", status: "held" } });
    expect(held).toMatchObject({ statusReason: "mapping-missing", missing: [expect.objectContaining({ kind: "gl-account", sourceKey: "Training Day" })] });
    expect(await statusCounts(t, flowId)).toMatchObject({ "invoice/posted": 1, "invoice/held": 1 });
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([expect.objectContaining({ kind: "gl-account", sourceKey: "Training Day", records: 1 })]);
    expect((await acumaticaDocuments(s)).invoices.has(held.naturalKey!)).toBe(false);

    await t.db.valueMap.create({ data: { flowId, kind: "gl-account", sourceKey: "Training Day", targetValue: "40200" } });
    expect(await releaseHeldRecords({ db: t.db, flowId, kind: "gl-account", sourceKey: "Training Day", actorUserId: null })).toBe(1);
    await settle(t);
    const posted = await t.db.syncRecord.findUniqueOrThrow({ where: { id: held.id }, include: { events: { orderBy: { id: "asc" } } } });
    expect(posted.status).toBe("posted");
    expect(posted.events.map((e) => e.kind)).toEqual(["received", "fetched", "held", "released", "mapped", "attempt", "posted"]);
    const doc = (await acumaticaDocuments(s)).invoices.get(held.naturalKey!) as { Details: { Account: string }[]; Status: string };
    expect(doc.Status).toBe("Open");
    expect(doc.Details.map((d) => d.Account)).toContain("40200");
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([]);
  }, 120_000);

  it("with 'post into the next open period', a document of a closed period posts there, its own date in the description", async () => {
    const s = await newSandbox();
    const { flowId } = await createFlow({ t, sandbox: s, settings: { closedPeriods: "next-open-period" } });
    const now = new Date();
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    const closed = `${String(last.getUTCMonth() + 1).padStart(2, "0")}${last.getUTCFullYear()}`;
    const open = `${String(now.getUTCMonth() + 1).padStart(2, "0")}${now.getUTCFullYear()}`;
    await s.control.acumatica.setPeriodStatus([closed], "Closed");
    const run = await s.control.zuora.billRun({ invoices: 1, invoiceDate: last.toISOString().slice(0, 10), electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 5 });
    await pollAndSettle(t, flowId);
    const record = await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "invoice" } });
    expect(record.status).toBe("posted");
    const doc = (await acumaticaDocuments(s)).invoices.get(run.invoices[0]!.number) as { PostPeriod: string; Date: string; Description: string; Status: string };
    expect(doc).toMatchObject({ PostPeriod: open, Status: "Open" });
    expect(doc.Date.slice(0, 10)).toBe(last.toISOString().slice(0, 10));
    expect(doc.Description).toContain(`dated ${last.toISOString().slice(0, 10)}, posted in ${open.slice(0, 2)}-${open.slice(2)}`);
  }, 120_000);
});
