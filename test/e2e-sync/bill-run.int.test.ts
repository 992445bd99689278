import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { getToken, zuoraGet } from "../../sandbox/zuora/test-support";
import { createTestDb, type TestDb } from "../db";
import { acumaticaDocuments, createFlow, pollAndSettle, startWorker, statusCounts } from "./harness";

/*
 * A Zuora bill run (Invoice Settlement on: electronic and external payments, credit memos) polled and
 * posted to Acumatica by the real worker, over real HTTP to the sandbox: one Acumatica document per
 * Zuora document, a complete audit trail per record, payments applied to the right AR invoices.
 */

type ZuoraInvoice = { id: string; invoiceNumber: string; amount: number; balance: number; accountId: string };

const zuoraAll = async (sandbox: RunningSandbox, token: string, object: string) => {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await zuoraGet(sandbox, token, `/object-query/${object}?pageSize=99${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    rows.push(...(page.body.data as Record<string, unknown>[]));
    cursor = page.body.nextPage as string | undefined;
  } while (cursor);
  return rows;
};

describe("Zuora bill run -> Acumatica, end to end against the sandbox", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let worker: Runner;
  let flowId: string;

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 12, existingCustomerRate: 0.5 } })]);
    ({ flowId } = await createFlow({ t, sandbox }));
    worker = await startWorker(t);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  it("posts every document exactly once, with its audit trail, payments applied to the right invoices", async () => {
    const run = await sandbox.control.zuora.billRun({ invoices: 30, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.2, seed: 11 });
    expect(run.creditMemos.length).toBeGreaterThan(0);
    expect(new Set(run.payments.map((p) => p.type))).toEqual(new Set(["Electronic", "External"]));

    const started = Date.now();
    await pollAndSettle(t, flowId, 100_000);
    const durationMs = Date.now() - started;

    const counts = await statusCounts(t, flowId);
    const { "period/posted": periods, ...byType } = counts;
    expect(periods).toBe(12);
    expect(byType).toEqual({
      "account/posted": 12,
      "credit-memo/posted": run.creditMemos.length,
      "invoice/posted": 30,
      "payment/posted": run.payments.length,
    });

    // exactly one Acumatica document per Zuora document
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
    const acu = await acumaticaDocuments(sandbox);
    expect(acu.counts).toMatchObject({ invoices: 30, creditMemos: run.creditMemos.length, payments: run.payments.length });
    for (const inv of run.invoices) expect(acu.invoices.get(inv.number), inv.number).toMatchObject({ Status: expect.stringMatching(/^(Open|Closed)$/) });
    for (const cm of run.creditMemos) expect(acu.creditMemos.get(cm.number), cm.number).toMatchObject({ Status: expect.stringMatching(/^(Open|Closed)$/) });
    for (const p of run.payments) expect(acu.payments.get(p.number), p.number).toMatchObject({ Status: expect.stringMatching(/^(Open|Closed)$/) });

    // each billing account is one Acumatica customer: an existing one (CustomerID = account number) or one created as Z<number>
    const customers = (await sandbox.control.acumatica.documents("Customer")).map((c) => String(c.CustomerID));
    const accounts = await t.db.syncRecord.findMany({ where: { flowId, objectType: "account" }, select: { naturalKey: true, targetRef: true } });
    for (const a of accounts) {
      const matches = customers.filter((id) => id === a.naturalKey || id === `Z${a.naturalKey}`);
      expect(matches, a.naturalKey!).toEqual([a.targetRef]);
    }
    expect(accounts.filter((a) => a.targetRef === a.naturalKey).length).toBeGreaterThan(0);

    // every record: received, fetched, mapped, attempt, posted (in that order of first appearance)
    const records = await t.db.syncRecord.findMany({ where: { flowId, objectType: { not: "period" } }, select: { id: true, objectType: true, naturalKey: true, targetRef: true, events: { select: { kind: true }, orderBy: { id: "asc" } } } });
    for (const r of records) {
      const kinds = r.events.map((e) => e.kind);
      const firsts = ["received", "fetched", "mapped", "attempt", "posted"].map((k) => kinds.indexOf(k));
      expect(firsts.every((i) => i >= 0), `${r.naturalKey}: ${kinds.join(",")}`).toBe(true);
      expect([...firsts].sort((a, b) => a - b), `${r.naturalKey}: ${kinds.join(",")}`).toEqual(firsts);
      expect(kinds.at(-1), r.naturalKey ?? r.id).toBe("posted");
      expect(kinds.filter((k) => k === "posted")).toHaveLength(1);
    }

    // Payments applied to the right AR invoices, credit memos to the invoices Zuora applied them to,
    // and invoice balances as in Zuora.
    const token = await getToken(sandbox);
    const zInvoices = (await zuoraAll(sandbox, token, "invoices")) as unknown as ZuoraInvoice[];
    const refOf = new Map(records.filter((r) => r.objectType === "invoice").map((r) => [r.naturalKey!, r.targetRef!]));
    for (const p of run.payments) {
      const parts = (await zuoraGet(sandbox, token, `/v1/payments/${p.id}/parts`)).body.parts as { invoiceId: string | null; amount: number }[];
      const applied = parts.filter((x) => x.invoiceId).map((x) => ({ invoice: zInvoices.find((i) => i.id === x.invoiceId)!.invoiceNumber, amount: x.amount }));
      // released applications: which AR invoice (and its Zuora number), how much
      const doc = acu.payments.get(p.number) as { ApplicationHistory?: { AdjustedRefNbr: string; CustomerOrder: string; AmountPaid: number }[] };
      const rows = doc.ApplicationHistory ?? [];
      expect(rows.map((x) => [x.AdjustedRefNbr, x.CustomerOrder, x.AmountPaid]).sort(), p.number).toEqual(applied.map((a) => [refOf.get(a.invoice), a.invoice, a.amount]).sort());
      expect(applied.length, p.number).toBeGreaterThan(0);
    }
    for (const z of zInvoices.filter((i) => run.invoices.some((r) => r.id === i.id))) {
      const doc = acu.invoices.get(z.invoiceNumber) as { Amount: number; Balance: number };
      expect(doc.Amount, z.invoiceNumber).toBeCloseTo(z.amount, 2);
      expect(doc.Balance, z.invoiceNumber).toBeCloseTo(z.balance, 2);
    }

    const zStats = await sandbox.control.zuora.stats();
    const aStats = await sandbox.control.acumatica.stats();
    const documents = 30 + run.payments.length + run.creditMemos.length;
    console.log(
      `[e2e bill-run] ${documents} documents (30 invoices, ${run.payments.length} payments, ${run.creditMemos.length} credit memos, 12 accounts) in ${durationMs} ms; ` +
        `Zuora ${zStats.requests} requests, Acumatica ${aStats.requests} requests = ${((zStats.requests! + aStats.requests) / 30).toFixed(1)} calls per invoice; ` +
        `Acumatica by route ${JSON.stringify(aStats.byRoute)}`,
    );
  }, 180_000);

  it("a later bill run, past the flow's first pass, creates each invoice without looking it up first", async () => {
    const cursors = await t.db.syncCursor.findMany({ where: { flowId, objectType: "invoice" }, select: { highWater: true } });
    expect(cursors[0]?.highWater, "the first pass over invoices is done").toBeInstanceOf(Date);
    const before = (await sandbox.control.acumatica.stats()).byRoute;
    const run = await sandbox.control.zuora.billRun({ invoices: 8, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 29 });
    await pollAndSettle(t, flowId, 100_000);
    const after = (await sandbox.control.acumatica.stats()).byRoute;
    const delta = (route: string) => (after[route] ?? 0) - (before[route] ?? 0);
    const records = await t.db.syncRecord.findMany({
      where: { flowId, objectType: "invoice", naturalKey: { in: run.invoices.map((i) => i.number) } },
      select: { status: true, lookUpFirst: true, events: { where: { kind: "attempt" }, select: { detail: true } } },
    });
    expect(records.map((r) => [r.status, r.lookUpFirst])).toEqual(run.invoices.map(() => ["posted", false]));
    // no attempt looked its invoice up by natural key (the sandbox's GET Invoice also counts the shared
    // release status reads, so the look-ups are read from the attempts' own call lists)
    const operations = records.flatMap((r) => r.events.flatMap((e) => ((e.detail as { request?: { operation: string }[] }).request ?? []).map((c) => c.operation)));
    expect(operations.filter((o) => o === "find")).toEqual([]);
    // counted by the sandbox: one create and one release per invoice
    expect({ creates: delta("PUT Invoice"), releases: delta("POST Invoice/ReleaseInvoice") }).toEqual({ creates: 8, releases: 8 });
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
  }, 180_000);

  it("with seeded 429s, 503s and dropped connections on both vendors, everything posts eventually and nothing twice", async () => {
    const faulty = await startSandbox({ port: 0, seed: 7, demo: { accounts: 10, existingCustomerRate: 0.5 } });
    try {
      const flow = await createFlow({ t, sandbox: faulty });
      const run = await faulty.control.zuora.billRun({ invoices: 20, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.2, seed: 13 });
      const rules = (["zuora", "acumatica"] as const).flatMap((vendor) => [
        { id: `${vendor}-429`, vendor, probability: 0.06, action: { kind: "status" as const, status: 429 as const, retryAfterSeconds: 1 } },
        { id: `${vendor}-503`, vendor, probability: 0.06, action: { kind: "status" as const, status: 503 as const } },
        // 5 %: with Zuora's documents read a page at a time the run makes few Zuora calls, and every kind must fire
        { id: `${vendor}-drop-before`, vendor, probability: 0.05, action: { kind: "drop" as const, when: "before" as const } },
        { id: `${vendor}-drop-after`, vendor, probability: 0.05, action: { kind: "drop" as const, when: "after" as const } },
      ]);
      await faulty.control.faults.set({ seed: 42, rules });

      const started = Date.now();
      await pollAndSettle(t, flow.flowId, 280_000);
      const durationMs = Date.now() - started;

      const notPosted = await t.db.syncRecord.findMany({ where: { flowId: flow.flowId, status: { not: "posted" } }, select: { naturalKey: true, status: true, statusReason: true, lastError: true } });
      expect(notPosted).toEqual([]);
      const { "period/posted": _periods, ...documents } = await statusCounts(t, flow.flowId);
      expect(documents).toEqual({
        "account/posted": 10,
        "credit-memo/posted": run.creditMemos.length,
        "invoice/posted": 20,
        "payment/posted": run.payments.length,
      });
      expect(await faulty.control.acumatica.duplicates()).toEqual([]);
      const acu = await acumaticaDocuments(faulty);
      expect(acu.counts).toMatchObject({ invoices: 20, creditMemos: run.creditMemos.length, payments: run.payments.length });
      for (const p of run.payments) expect(acu.payments.get(p.number), p.number).toMatchObject({ Status: expect.stringMatching(/^(Open|Closed)$/) });
      for (const i of run.invoices) expect(acu.invoices.get(i.number), i.number).toMatchObject({ Status: expect.stringMatching(/^(Open|Closed)$/) });

      // the faults really fired, of every kind, on both vendors, including writes whose answer was lost
      const log = await faulty.control.faults.log();
      const fired = new Set(log.map((f) => f.ruleId));
      for (const r of rules) expect(fired, r.id).toContain(r.id);
      const lostWrites = log.filter((f) => f.ruleId === "acumatica-drop-after" && f.method !== "GET");
      const retriedRecords = await t.db.recordEvent.count({ where: { record: { flowId: flow.flowId }, kind: "attempt", detail: { path: ["retryable"], equals: true } } });
      const foundExisting = await t.db.recordEvent.count({ where: { record: { flowId: flow.flowId, objectType: { not: "account" } }, kind: "posted", detail: { path: ["via"], equals: "found-existing" } } });
      console.log(
        `[e2e faults] ${log.length} faults fired (${[...fired].map((id) => `${id} ${log.filter((f) => f.ruleId === id).length}`).join(", ")}); ` +
          `${lostWrites.length} Acumatica writes done with the answer lost; ${retriedRecords} record attempts retried by the job; ` +
          `${foundExisting} documents posted by finding what an earlier attempt created; all posted in ${durationMs} ms`,
      );
    } finally {
      await faulty.close();
    }
  }, 300_000);
});
