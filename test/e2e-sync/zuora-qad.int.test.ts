import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptSuggestedMatches, createAndMatchCustomers, createQadSandboxFlow, zuoraObjects } from "../../bench/lib/qad-flow";
import { BENCH_CALLOUT_SECRET } from "../../bench/lib/stack";
import { listMissingMappings } from "../../lib/sync/list-missing-mappings";
import { readCatalog } from "../../lib/sync/read-catalog";
import { receiveCallout } from "../../lib/sync/receive-callout";
import { releaseHeldRecords } from "../../lib/sync/release-held-records";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { QAD_DEMO_WORKSPACE_ID } from "../../sandbox/qad/demo";
import { createTestDb, type TestDb } from "../db";
import { pollAndSettle, settle, startWorker, statusCounts } from "./harness";

/*
 * Zuora -> QAD end to end: a Zuora bill run (Invoice Settlement on: electronic and external payments,
 * credit memos) polled and posted into the QAD sandbox's demo company by the real worker over real HTTP.
 * The admin matches accounts the way the canvas offers it: every suggestion (by number or by name) is
 * accepted; the accounts QAD has no customer for stay unmatched, and exactly their documents are held.
 * Matching them posts each document once, and QAD's open balances per customer and currency equal Zuora's.
 */

/**
 * The issue's size, 1,000 invoices (1,838 documents, 20 % of the accounts unmatched): 76 s for this test on
 * the shared 2-core machine at load average 7-10 (first sync 47 s, held documents after matching 22 s, 2.19
 * vendor calls per document); at load 15-27 it took 310 s. E2E_QAD_INVOICES sets another size.
 */
const INVOICES = Number(process.env.E2E_QAD_INVOICES ?? 1_000);
const FAULT_INVOICES = Number(process.env.E2E_QAD_FAULT_INVOICES ?? 150);

/** Zuora documents of the run per account number, and each account's open balance per currency. */
const zuoraView = async (sandbox: RunningSandbox) => {
  const accounts = await zuoraObjects(sandbox, "accounts");
  const numberOf = new Map(accounts.map((a) => [String(a.id), String(a.accountNumber)]));
  const documents = new Map<string, number>();
  const balances = new Map<string, number>();
  const count = (accountId: unknown) => {
    const n = numberOf.get(String(accountId))!;
    documents.set(n, (documents.get(n) ?? 0) + 1);
  };
  for (const i of await zuoraObjects(sandbox, "invoices")) {
    count(i.accountId);
    const key = `${numberOf.get(String(i.accountId))}|${String(i.currency)}`;
    balances.set(key, Math.round(((balances.get(key) ?? 0) + Number(i.balance)) * 100) / 100);
  }
  for (const p of await zuoraObjects(sandbox, "payments")) count(p.accountId);
  for (const c of await zuoraObjects(sandbox, "credit-memos")) count(c.accountId);
  return { documents, balances, accounts };
};

/** QAD's open balance per (Zuora account, currency), through the customer match. */
const qadBalances = async (t: TestDb, sandbox: RunningSandbox, flowId: string) => {
  const matches = await t.db.valueMap.findMany({ where: { flowId, kind: "customer" }, select: { sourceKey: true, targetValue: true } });
  const accountOf = new Map(matches.map((m) => [m.targetValue.toUpperCase(), m.sourceKey]));
  const out = new Map<string, number>();
  for (const b of await sandbox.control.qad.customerBalances({ workspace: QAD_DEMO_WORKSPACE_ID })) {
    const account = accountOf.get(b.customerCode.toUpperCase());
    if (account && (b.openBalance !== 0 || b.invoices > 0)) out.set(`${account}|${b.currencyCode}`, b.openBalance);
  }
  return out;
};

const expectBalancesEqual = (zuora: Map<string, number>, qad: Map<string, number>) => {
  const keys = [...new Set([...zuora.keys(), ...qad.keys()])].sort();
  const diff = keys.flatMap((k) => (Math.abs((zuora.get(k) ?? 0) - (qad.get(k) ?? 0)) > 0.005 ? [`${k}: Zuora ${zuora.get(k) ?? 0}, QAD ${qad.get(k) ?? 0}`] : []));
  expect(diff).toEqual([]);
};

describe("Zuora bill run -> QAD, end to end against the sandbox", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let worker: Runner;
  let flowId: string;

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 300 } })]);
    flowId = await createQadSandboxFlow({ db: t.db, sandbox });
    worker = await startWorker(t, 4);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  /** `n` Zuora accounts matched to a QAD customer: the first test's matches, or the canvas's suggestions accepted here when a test runs alone. */
  const matchedAccounts = async (n: number) => {
    const find = () => t.db.valueMap.findMany({ where: { flowId, kind: "customer" }, select: { sourceKey: true }, orderBy: { sourceKey: "asc" }, take: n });
    const found = await find();
    if (found.length >= n) return found.map((m) => m.sourceKey);
    await acceptSuggestedMatches({ db: t.db, flowId });
    return (await find()).map((m) => m.sourceKey);
  };

  it(`${INVOICES} invoices with payments and credit memos: unmatched accounts' documents held, then matched and posted once; balances equal Zuora's`, async () => {
    const run = await sandbox.control.zuora.billRun({ invoices: INVOICES, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.15, seed: 21 });
    const total = run.invoices.length + run.payments.length + run.creditMemos.length;
    const accepted = await acceptSuggestedMatches({ db: t.db, flowId });
    const unmatched = accepted.unmatched.map((a) => a.accountNumber);
    const zuora = await zuoraView(sandbox);
    // about 20 % of the demo's accounts have no QAD customer; the rest were found by number or by name
    expect(unmatched.length / zuora.accounts.length).toBeGreaterThan(0.12);
    expect(unmatched.length / zuora.accounts.length).toBeLessThan(0.28);
    expect(accepted.matched + unmatched.length).toBe(zuora.accounts.length);

    const started = Date.now();
    await pollAndSettle(t, flowId, 540_000);
    const firstMs = Date.now() - started;

    // exactly the unmatched accounts' documents are held, mapping-missing on their customer, counted per account
    const expectedHeld = new Map([...zuora.documents].filter(([n]) => unmatched.includes(n)));
    const heldTotal = [...expectedHeld.values()].reduce((s, n) => s + n, 0);
    expect(heldTotal).toBeGreaterThan(0);
    const notPosted = await t.db.syncRecord.findMany({ where: { flowId, status: { not: "posted" } }, select: { status: true, statusReason: true, sourcePayload: true } });
    expect(notPosted.filter((r) => r.status !== "held" || r.statusReason !== "mapping-missing")).toEqual([]);
    expect(notPosted).toHaveLength(heldTotal);
    const missing = await listMissingMappings({ db: t.db, flowId });
    expect(missing.every((m) => m.kind === "customer")).toBe(true);
    expect(new Map(missing.map((m) => [m.sourceKey, m.records]))).toEqual(expectedHeld);
    expect(await t.db.syncRecord.count({ where: { flowId, status: "posted" } })).toBe(total - heldTotal);

    // the admin finds the missing customers in QAD (created there), matches them; the held documents post
    await createAndMatchCustomers({ db: t.db, sandbox, flowId, prefix: "N", accountNumbers: unmatched });
    const released = await releaseHeldRecords({ db: t.db, flowId, keys: unmatched.map((n) => ({ kind: "customer", sourceKey: n })), actorUserId: null });
    // the held invoices go now; their payments and credit memos also wait on those invoices and follow once they post
    const heldInvoices = run.invoices.length - (await t.db.syncRecord.count({ where: { flowId, objectType: "invoice", status: "posted" } }));
    expect(released).toBe(heldInvoices);
    const releasedAt = Date.now();
    await pollAndSettle(t, flowId, 540_000);
    const secondMs = Date.now() - releasedAt;

    expect(await statusCounts(t, flowId)).toEqual({ "credit-memo/posted": run.creditMemos.length, "invoice/posted": run.invoices.length, "payment/posted": run.payments.length });
    expect(await sandbox.control.qad.duplicates(QAD_DEMO_WORKSPACE_ID)).toEqual([]);
    const refs = async (collection: "customerInvoices" | "customerPayments" | "customerAdjustments", field: string) =>
      (await sandbox.control.qad.documents(collection, QAD_DEMO_WORKSPACE_ID)).map((d) => String(d[field])).sort();
    expect(await refs("customerInvoices", "dInvoiceReference")).toEqual(run.invoices.map((i) => i.number).sort());
    expect(await refs("customerPayments", "dDocumentReference")).toEqual(run.payments.map((p) => p.number).sort());
    expect(await refs("customerAdjustments", "dInvoiceReference")).toEqual(run.creditMemos.map((c) => c.number).sort());

    // every posted record's one "posted" event; QAD open balances per customer and currency equal Zuora's
    const postedTwice = await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM (SELECT "recordId" FROM "RecordEvent" e JOIN "SyncRecord" r ON r.id = e."recordId" WHERE r."flowId" = ${flowId}::uuid AND e.kind = 'posted' GROUP BY 1 HAVING count(*) > 1) x`;
    expect(Number(postedTwice[0]!.n)).toBe(0);
    expectBalancesEqual((await zuoraView(sandbox)).balances, await qadBalances(t, sandbox, flowId));

    const zStats = await sandbox.control.zuora.stats();
    const qStats = await sandbox.control.qad.stats();
    console.log(
      `[e2e zuora-qad] ${total} documents (${run.invoices.length} invoices, ${run.payments.length} payments, ${run.creditMemos.length} credit memos; ${heldTotal} held for ${unmatched.length} unmatched accounts): ` +
        `first sync ${firstMs} ms, after matching ${secondMs} ms; Zuora ${zStats.requests} requests, QAD ${qStats.requests} requests (${qStats.tokenRequests} token) = ${((zStats.requests! + qStats.requests!) / total).toFixed(2)} calls per document`,
    );
  }, 1_200_000);

  it("Zuora callouts (duplicated, newest first) post their documents without a poll; external payments (no callout) come with the next poll", async () => {
    const flow = await t.db.flow.findUniqueOrThrow({ where: { id: flowId }, select: { sourceConnectionId: true } });
    const matched = await matchedAccounts(10);
    // the receiver: a real HTTP server handing the raw bytes and headers to receiveCallout, as the webhook route does
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        receiveCallout({ db: t.db, connectionId: flow.sourceConnectionId, rawBody: new Uint8Array(Buffer.concat(chunks)), headers })
          .then((r) => res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify({ success: r.status === 200 })))
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/zuora/${flow.sourceConnectionId}`;
      await sandbox.control.zuora.callouts.addTemplate({ url, events: ["InvoicePosted", "PaymentProcessed", "CreditMemoPosted"], hmac: { secret: BENCH_CALLOUT_SECRET } });
      await sandbox.control.zuora.callouts.setMode({ hold: true, duplicate: true });
      const run = await sandbox.control.zuora.billRun({ invoices: 8, accounts: matched, electronicPaymentRate: 0.5, externalPaymentRate: 0.4, creditMemoRate: 0.3, seed: 17 });
      const external = run.payments.filter((p) => p.type === "External").map((p) => p.number);
      await sandbox.control.zuora.callouts.release("reverse");
      expect((await sandbox.control.zuora.callouts.drain(60_000)).idle).toBe(true);
      await settle(t);
      const numbers = [...run.invoices, ...run.payments, ...run.creditMemos].map((d) => d.number);
      const records = await t.db.syncRecord.findMany({ where: { flowId, naturalKey: { in: numbers } }, select: { naturalKey: true, status: true, events: { select: { kind: true, detail: true }, orderBy: { id: "asc" } } } });
      expect(records.filter((r) => r.status === "posted").map((r) => r.naturalKey).sort()).toEqual(numbers.filter((n) => !external.includes(n)).sort());
      for (const r of records) expect(r.events.filter((e) => e.kind === "posted"), r.naturalKey!).toHaveLength(1);
      await pollAndSettle(t, flowId, 60_000);
      expect(await t.db.syncRecord.count({ where: { flowId, naturalKey: { in: numbers }, status: "posted" } })).toBe(numbers.length);
      expect(await sandbox.control.qad.duplicates(QAD_DEMO_WORKSPACE_ID)).toEqual([]);
    } finally {
      await sandbox.control.zuora.callouts.setMode({ hold: false, duplicate: false });
      await new Promise((r) => server.close(r));
    }
  }, 120_000);

  it("with seeded 429s, 503s, dropped connections and expired tokens on both vendors, everything posts once and balances still agree", async () => {
    const faulty = await startSandbox({ port: 0, seed: 7, demo: { accounts: 60 } });
    try {
      const faultyFlow = await createQadSandboxFlow({ db: t.db, sandbox: faulty });
      const run = await faulty.control.zuora.billRun({ invoices: FAULT_INVOICES, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.2, seed: 13 });
      const { unmatched } = await acceptSuggestedMatches({ db: t.db, flowId: faultyFlow });
      await createAndMatchCustomers({ db: t.db, sandbox: faulty, flowId: faultyFlow, prefix: "F", accountNumbers: unmatched.map((a) => a.accountNumber) });
      const rules = (["zuora", "qad"] as const).flatMap((vendor) => [
        { id: `${vendor}-429`, vendor, probability: 0.06, action: { kind: "status" as const, status: 429 as const, retryAfterSeconds: 1 } },
        { id: `${vendor}-503`, vendor, probability: 0.05, action: { kind: "status" as const, status: 503 as const } },
        { id: `${vendor}-drop-before`, vendor, probability: 0.04, action: { kind: "drop" as const, when: "before" as const } },
        { id: `${vendor}-drop-after`, vendor, probability: 0.04, action: { kind: "drop" as const, when: "after" as const } },
        { id: `${vendor}-expire-tokens`, vendor, probability: 0.02, action: { kind: "expire-tokens" as const } },
      ]);
      await faulty.control.faults.set({ seed: 42, rules });

      const started = Date.now();
      await pollAndSettle(t, faultyFlow, 540_000);
      const durationMs = Date.now() - started;

      const notPosted = await t.db.syncRecord.findMany({ where: { flowId: faultyFlow, status: { not: "posted" } }, select: { naturalKey: true, status: true, statusReason: true, lastError: true } });
      expect(notPosted).toEqual([]);
      expect(await statusCounts(t, faultyFlow)).toEqual({ "credit-memo/posted": run.creditMemos.length, "invoice/posted": run.invoices.length, "payment/posted": run.payments.length });
      expect(await faulty.control.qad.duplicates(QAD_DEMO_WORKSPACE_ID)).toEqual([]);
      const count = async (collection: "customerInvoices" | "customerPayments" | "customerAdjustments") => (await faulty.control.qad.documents(collection, QAD_DEMO_WORKSPACE_ID)).length;
      expect([await count("customerInvoices"), await count("customerPayments"), await count("customerAdjustments")]).toEqual([run.invoices.length, run.payments.length, run.creditMemos.length]);
      // the faults really fired, of every kind, on both vendors, including QAD writes whose answer was lost
      const log = await faulty.control.faults.log();
      await faulty.control.faults.set({ rules: [] });
      expectBalancesEqual((await zuoraView(faulty)).balances, await qadBalances(t, faulty, faultyFlow));
      const fired = new Set(log.map((f) => f.ruleId));
      for (const r of rules) expect(fired, r.id).toContain(r.id);
      const lostWrites = log.filter((f) => f.ruleId === "qad-drop-after" && f.method === "POST" && f.path.startsWith("/api/erp/")).length;
      expect(lostWrites).toBeGreaterThan(0);
      const foundExisting = await t.db.recordEvent.count({ where: { record: { flowId: faultyFlow }, kind: "posted", detail: { path: ["via"], equals: "found-existing" } } });
      console.log(
        `[e2e zuora-qad faults] ${log.length} faults fired (${[...fired].map((id) => `${id} ${log.filter((f) => f.ruleId === id).length}`).join(", ")}); ` +
          `${lostWrites} QAD writes done with the answer lost, ${foundExisting} documents posted by finding what an earlier attempt created; all posted in ${durationMs} ms`,
      );
    } finally {
      await faulty.close();
    }
  }, 600_000);

  it("the canvas's catalogues: bank accounts per currency, GL accounts that take lines, closed and open periods, QAD customers", async () => {
    const read = async (kind: string, side: "source" | "target") => {
      const r = await readCatalog({ db: t.db, flowId, kind, side, refresh: true });
      expect(r.error).toBeNull();
      return r.values;
    };
    expect((await read("bank-account", "source")).map((v) => v.key)).toEqual(["EUR", "USD"]);
    expect((await read("bank-account", "target")).map((v) => v.key)).toEqual(["10200", "10250", "10300"]);
    const gl = (await read("gl-account", "target")).map((v) => v.key);
    expect(gl).toEqual(expect.arrayContaining(["23100", "40000", "40100", "40200", "49500"]));
    expect(gl).not.toContain("10200");
    expect((await read("gl-account", "source")).map((v) => v.key)).toEqual(expect.arrayContaining(["Platform Subscription – Starter", "Tax"]));
    const closed = await read("posting-period", "source");
    const now = new Date();
    expect(closed.map((v) => v.key)).toContain(`${now.getUTCFullYear() - 1}-01`);
    expect(closed.map((v) => v.key)).not.toContain(now.toISOString().slice(0, 7));
    expect((await read("posting-period", "target")).map((v) => v.key)).toContain(`${now.toISOString().slice(0, 7)}-01`);
    expect((await read("customer", "target")).find((v) => v.key === "C9005")).toMatchObject({ inactive: true });
  }, 60_000);

  it("a document in a closed QAD period holds period-closed; a posting date mapped for that period posts it", async () => {
    const matched = await matchedAccounts(3);
    const now = new Date();
    const closedMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 15)).toISOString().slice(0, 10);
    const run = await sandbox.control.zuora.billRun({ invoices: 3, accounts: matched, invoiceDate: closedMonth, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 5 });
    await pollAndSettle(t, flowId, 60_000);
    const held = await t.db.syncRecord.findMany({ where: { flowId, naturalKey: { in: run.invoices.map((i) => i.number) } }, select: { status: true, statusReason: true, missing: true } });
    expect(held.map((r) => [r.status, r.statusReason])).toEqual(run.invoices.map(() => ["held", "period-closed"]));
    const [missing] = await listMissingMappings({ db: t.db, flowId });
    expect(missing).toMatchObject({ kind: "posting-period", sourceKey: closedMonth.slice(0, 7), records: 3 });

    const open = await readCatalog({ db: t.db, flowId, kind: "posting-period", side: "target", refresh: true });
    const firstOpen = open.values.find((v) => v.key >= now.toISOString().slice(0, 8) + "01")!.key;
    // (the admin's save action knows the kinds customer and gl-account only so far: the map is written as the engine reads it)
    await t.db.valueMap.create({ data: { flowId, kind: "posting-period", sourceKey: closedMonth.slice(0, 7), targetValue: firstOpen } });
    expect(await releaseHeldRecords({ db: t.db, flowId, kind: "posting-period", sourceKey: closedMonth.slice(0, 7), actorUserId: null })).toBe(3);
    await pollAndSettle(t, flowId, 60_000);
    const invoices = (await sandbox.control.qad.documents("customerInvoices", QAD_DEMO_WORKSPACE_ID)).filter((d) => run.invoices.some((i) => i.number === d.dInvoiceReference));
    expect(invoices.map((d) => [d.dInvoiceDate, d.dInvoicePostingDate])).toEqual(run.invoices.map(() => [closedMonth, firstOpen]));
  }, 120_000);
});
