import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIfsSandboxFlow, IFS_CALLOUT_SECRET } from "../../bench/scenarios/ifs-backfill";
import { listMissingMappings } from "../../lib/sync/list-missing-mappings";
import { receiveCallout } from "../../lib/sync/receive-callout";
import { releaseHeldRecords } from "../../lib/sync/release-held-records";
import { replayRecord } from "../../lib/sync/replay-record";
import { DEMO_IFS_COST_CENTERS } from "../../prisma/seed/seed-demo-ifs-flow";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { getToken, zuoraGet, zuoraPost } from "../../sandbox/zuora/test-support";
import { createTestDb, type TestDb } from "../db";
import { pollAndSettle, settle, startWorker, statusCounts } from "./harness";

/*
 * Zuora -> IFS Cloud end to end: a Zuora bill run (electronic and external payments, credit memos)
 * polled and posted as GL vouchers by the real worker over real HTTP to the sandbox, on a real
 * Postgres. The ledger is reconciled against Zuora's own state, per company and currency.
 * IFS_E2E_INVOICES sizes the main run (default 1,000).
 */

const INVOICES = Number(process.env.IFS_E2E_INVOICES ?? 1000);
const COMPANY_OF: Record<string, string> = { USD: "10", EUR: "20" };
const RECEIVABLE = "1510";

type Row = { Company: string; Account: string; CodeB?: string | null; CurrencyCode: string; CurrencyDebetAmount?: number | null; CurrencyCreditAmount?: number | null; ReferenceNumber?: string | null };
type Voucher = { Company: string; VoucherType: string; VoucherNo: number; AccountingYear: number; Objstate: string; VoucherText?: string | null; VoucherRowArray: Row[] };

const cents = (n: number | null | undefined) => Math.round((n ?? 0) * 100);

const zuoraAll = async (sandbox: RunningSandbox, object: string) => {
  const token = await getToken(sandbox);
  const rows: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await zuoraGet(sandbox, token, `/object-query/${object}?pageSize=99${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    rows.push(...(page.body.data as Record<string, unknown>[]));
    cursor = page.body.nextPage as string | undefined;
  } while (cursor);
  return rows;
};

/** Zuora's amounts of the run's documents, summed per "<company> <currency>" (the company the demo maps each currency to). */
const zuoraTotals = async (sandbox: RunningSandbox, object: string, numberField: string, numbers: Set<string>, amountField = "amount") => {
  const totals = new Map<string, number>();
  for (const r of await zuoraAll(sandbox, object)) {
    if (!numbers.has(String(r[numberField]))) continue;
    const currency = String(r.currency);
    const key = `${COMPANY_OF[currency]} ${currency}`;
    totals.set(key, (totals.get(key) ?? 0) + cents(r[amountField] as number));
  }
  return Object.fromEntries([...totals].sort());
};

/** The receivable amount of each document's voucher (debit for invoices, credit for payments and memos), summed per "<company> <currency>". */
const ledgerTotals = (vouchers: Voucher[], numbers: Set<string>, side: "debit" | "credit") => {
  const totals = new Map<string, number>();
  for (const v of vouchers) {
    const ref = v.VoucherRowArray[0]?.ReferenceNumber;
    if (!ref || !numbers.has(ref)) continue;
    for (const r of v.VoucherRowArray.filter((x) => x.Account === RECEIVABLE)) {
      const key = `${r.Company} ${r.CurrencyCode}`;
      totals.set(key, (totals.get(key) ?? 0) + (side === "debit" ? cents(r.CurrencyDebetAmount) - cents(r.CurrencyCreditAmount) : cents(r.CurrencyCreditAmount) - cents(r.CurrencyDebetAmount)));
    }
  }
  return Object.fromEntries([...totals].sort());
};

/** Net debit (debit - credit, cents) of the vouchers of these documents, per "<company> <currency> <account>". */
const accountTotals = (vouchers: Voucher[], numbers: Set<string>) => {
  const totals = new Map<string, number>();
  for (const v of vouchers) {
    const ref = v.VoucherRowArray[0]?.ReferenceNumber;
    if (!ref || !numbers.has(ref)) continue;
    for (const r of v.VoucherRowArray) {
      const key = `${r.Company} ${r.CurrencyCode} ${r.Account}`;
      totals.set(key, (totals.get(key) ?? 0) + cents(r.CurrencyDebetAmount) - cents(r.CurrencyCreditAmount));
    }
  }
  return Object.fromEntries([...totals].filter(([, c]) => c !== 0).sort());
};
const addTo = (totals: Map<string, number>, key: string, amount: number) => totals.set(key, (totals.get(key) ?? 0) + amount);
const sorted = (totals: Map<string, number>) => Object.fromEntries([...totals].filter(([, c]) => c !== 0).sort());

/** Every voucher is confirmed and balanced, and each row carries company, account, cost center, currency and the document's reference. */
const expectWellFormed = (vouchers: Voucher[]) => {
  for (const v of vouchers) {
    const ref = v.VoucherRowArray[0]?.ReferenceNumber;
    expect(v.Objstate, `${v.Company} ${v.VoucherType} ${v.VoucherNo}`).toBe("Confirmed");
    const debit = v.VoucherRowArray.reduce((s, r) => s + cents(r.CurrencyDebetAmount), 0);
    const credit = v.VoucherRowArray.reduce((s, r) => s + cents(r.CurrencyCreditAmount), 0);
    expect(debit, `${ref} balances`).toBe(credit);
    for (const r of v.VoucherRowArray) {
      expect(r, String(ref)).toMatchObject({ Company: v.Company, Account: expect.any(String), CodeB: expect.any(String), CurrencyCode: expect.stringMatching(/^(USD|EUR)$/), ReferenceNumber: ref });
    }
  }
};

describe("Zuora bill run -> IFS Cloud GL vouchers, end to end against the sandbox", () => {
  let t: TestDb;
  let worker: Runner;
  beforeAll(async () => {
    t = await createTestDb();
    worker = await startWorker(t);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.drop();
  });

  it(`posts a ${INVOICES}-invoice bill run once per document: balanced vouchers whose totals per company and currency equal Zuora's; an unmapped cost center holds and releases`, async () => {
    const sandbox = await startSandbox({ port: 0, demo: { accounts: 60 } });
    try {
      const { flowId } = await createIfsSandboxFlow({ db: t.db, sandbox, withoutCostCenters: ["Training"] });
      // posting rules of invoice item adjustments: charges only; credit adjustments have none yet
      await t.db.valueMap.createMany({
        data: [
          { flowId, kind: "posting-rule", sourceKey: "Charge", targetValue: "3090" },
          { flowId, kind: "posting-rule", sourceKey: "Charge | Correcting invoice error", targetValue: "3020" },
        ],
      });
      const run = await sandbox.control.zuora.billRun({ invoices: INVOICES, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.15, debitMemoRate: 0.1, adjustmentRate: 0.1, overpaymentRate: 0.2, seed: 21 });
      expect(new Set(run.payments.map((p) => p.type))).toEqual(new Set(["Electronic", "External"]));
      expect(run.creditMemos.length).toBeGreaterThan(0);
      expect(run.debitMemos.length).toBeGreaterThan(0);
      expect(new Set(run.adjustments.map((a) => a.type))).toEqual(new Set(["Credit", "Charge"]));
      // refunds of the overpaid payments' credit balances, through Zuora's API
      const token = await getToken(sandbox);
      const overpaid = (await zuoraAll(sandbox, "payments")).filter((p) => (p.unappliedAmount as number) > 0).slice(0, 20);
      const refunds: { number: string }[] = [];
      for (const p of overpaid) {
        const body = p.type === "Electronic" ? { type: "Electronic", totalAmount: p.unappliedAmount } : { type: "External", totalAmount: p.unappliedAmount, methodType: "WireTransfer" };
        const refund = (await zuoraPost(sandbox, token, `/v1/payments/${String(p.paymentNumber)}/refunds`, body)).body;
        expect(refund.success).toBe(true);
        refunds.push({ number: String(refund.number) });
      }
      expect(refunds.length).toBeGreaterThan(0);

      const started = Date.now();
      // debit memos, adjustments and refunds add about a fifth to the documents of the run
      await pollAndSettle(t, flowId, 60_000 + INVOICES * 750);
      const firstPass = Date.now() - started;

      // credit adjustments wait for a posting rule, naming it
      const heldRules = await t.db.syncRecord.findMany({ where: { flowId, status: "held", objectType: "invoice-adjustment" }, select: { naturalKey: true, statusReason: true, missing: true } });
      const credits = run.adjustments.filter((a) => a.type === "Credit");
      expect(heldRules.map((r) => r.naturalKey).sort()).toEqual(credits.map((a) => a.number).sort());
      const ruleKeys = new Set<string>();
      for (const h of heldRules) {
        expect(h).toMatchObject({ statusReason: "mapping-missing", missing: [{ kind: "posting-rule", sourceKey: expect.stringMatching(/^Credit \| /), label: expect.stringMatching(/^posting rule for Credit adjustments with reason/) }] });
        ruleKeys.add((h.missing as { sourceKey: string }[])[0]!.sourceKey);
      }
      for (const key of ruleKeys) await t.db.valueMap.create({ data: { flowId, kind: "posting-rule", sourceKey: key, targetValue: "3090" } });
      let releasedRules = 0;
      for (const key of ruleKeys) releasedRules += await releaseHeldRecords({ db: t.db, flowId, kind: "posting-rule", sourceKey: key, actorUserId: null });
      expect(releasedRules).toBe(heldRules.length);
      await settle(t, 300_000);

      // invoices with a Training line (and memos crediting or charging one) wait for its cost center, naming it
      const held = await t.db.syncRecord.findMany({ where: { flowId, status: "held" }, select: { statusReason: true, missing: true } });
      expect(held.length).toBeGreaterThan(0);
      for (const h of held) expect(h).toEqual({ statusReason: "mapping-missing", missing: [{ kind: "cost-center", sourceKey: "Training", label: "cost center of product Training" }] });
      expect(await listMissingMappings({ db: t.db, flowId })).toEqual([expect.objectContaining({ kind: "cost-center", sourceKey: "Training", records: held.length })]);
      const heldRefs = (await t.db.syncRecord.findMany({ where: { flowId, status: "held" }, select: { naturalKey: true } })).map((r) => r.naturalKey);
      const before = (await sandbox.control.ifsCloud.vouchers()) as unknown as Voucher[];
      expect(before.filter((v) => heldRefs.includes(v.VoucherRowArray[0]?.ReferenceNumber ?? ""))).toEqual([]);

      await t.db.valueMap.create({ data: { flowId, kind: "cost-center", sourceKey: "Training", targetValue: DEMO_IFS_COST_CENTERS.Training! } });
      expect(await releaseHeldRecords({ db: t.db, flowId, kind: "cost-center", sourceKey: "Training", actorUserId: null })).toBe(held.length);
      await settle(t, 300_000);
      const durationMs = Date.now() - started;

      expect(await statusCounts(t, flowId)).toEqual({
        "credit-memo/posted": run.creditMemos.length,
        "debit-memo/posted": run.debitMemos.length,
        "invoice/posted": INVOICES,
        "invoice-adjustment/posted": run.adjustments.length,
        "payment/posted": run.payments.length,
        "refund/posted": refunds.length,
      });
      expect(await sandbox.control.ifsCloud.duplicates()).toEqual([]);
      const vouchers = (await sandbox.control.ifsCloud.vouchers()) as unknown as Voucher[];
      expect(vouchers).toHaveLength(INVOICES + run.payments.length + run.creditMemos.length + run.debitMemos.length + run.adjustments.length + refunds.length);
      expectWellFormed(vouchers);
      const training = vouchers.filter((v) => heldRefs.includes(v.VoucherRowArray[0]?.ReferenceNumber ?? ""));
      expect(training).toHaveLength(held.length);
      for (const v of training) expect(v.VoucherRowArray.map((r) => r.CodeB)).toContain("300");

      // the ledger agrees with Zuora, balance by balance: billed, paid (electronic and external), credited
      const numbers = (docs: { number: string }[]) => new Set(docs.map((d) => d.number));
      const invoices = numbers(run.invoices);
      const payments = numbers(run.payments);
      const memos = numbers(run.creditMemos);
      expect(ledgerTotals(vouchers, invoices, "debit")).toEqual(await zuoraTotals(sandbox, "invoices", "invoiceNumber", invoices));
      expect(ledgerTotals(vouchers, payments, "credit")).toEqual(await zuoraTotals(sandbox, "payments", "paymentNumber", payments));
      expect(ledgerTotals(vouchers, memos, "credit")).toEqual(await zuoraTotals(sandbox, "credit-memos", "memoNumber", memos, "totalAmount"));
      expect(Object.keys(ledgerTotals(vouchers, invoices, "debit"))).toEqual(["10 USD", "20 EUR"]);

      // debit memos, refunds and adjustments: per account and currency as Zuora's documents say
      const debitMemos = numbers(run.debitMemos);
      expect(ledgerTotals(vouchers, debitMemos, "debit")).toEqual(await zuoraTotals(sandbox, "debit-memos", "memoNumber", debitMemos, "totalAmount"));
      const refundNumbers = numbers(refunds);
      const expectedRefunds = new Map<string, number>();
      for (const r of (await zuoraAll(sandbox, "refunds")).filter((x) => refundNumbers.has(String(x.refundNumber)))) {
        const at = `${COMPANY_OF[String(r.currency)]} ${String(r.currency)}`;
        addTo(expectedRefunds, `${at} ${RECEIVABLE}`, cents(r.amount as number));
        addTo(expectedRefunds, `${at} ${r.type === "Electronic" ? "1920" : "1930"}`, -cents(r.amount as number));
      }
      expect(accountTotals(vouchers, refundNumbers)).toEqual(sorted(expectedRefunds));
      const adjustmentNumbers = new Set(run.adjustments.map((a) => a.number));
      const currencyOf = new Map((await zuoraAll(sandbox, "invoices")).map((i) => [String(i.id), String(i.currency)]));
      const expectedAdjustments = new Map<string, number>();
      for (const a of (await zuoraAll(sandbox, "invoice-item-adjustments")).filter((x) => adjustmentNumbers.has(String(x.adjustmentNumber)))) {
        const currency = currencyOf.get(String(a.invoiceId))!;
        const at = `${COMPANY_OF[currency]} ${currency}`;
        const amount = cents(a.amount as number);
        const rule = a.type === "Charge" && a.reasonCode === "Correcting invoice error" ? "3020" : "3090";
        addTo(expectedAdjustments, `${at} ${RECEIVABLE}`, a.type === "Credit" ? -amount : amount);
        addTo(expectedAdjustments, `${at} ${rule}`, a.type === "Credit" ? amount : -amount);
      }
      expect(accountTotals(vouchers, adjustmentNumbers)).toEqual(sorted(expectedAdjustments));

      const ifsStats = await sandbox.control.ifsCloud.stats();
      const zStats = await sandbox.control.zuora.stats();
      const documents = INVOICES + run.payments.length + run.creditMemos.length + run.debitMemos.length + run.adjustments.length + refunds.length;
      console.log(
        `[e2e ifs bill-run] ${documents} documents (${INVOICES} invoices, ${run.payments.length} payments, ${run.creditMemos.length} credit memos, ${run.debitMemos.length} debit memos, ${run.adjustments.length} invoice item adjustments (${heldRules.length} held on a posting rule then released), ${refunds.length} refunds; ${held.length} held on the Training cost center then released) ` +
          `in ${durationMs} ms (first pass ${firstPass} ms); IFS ${ifsStats.requests} requests (${(ifsStats.requests / documents).toFixed(2)} per document, ${ifsStats.tokensIssued} tokens), Zuora ${zStats.requests} requests`,
      );
    } finally {
      await sandbox.close();
    }
  }, 1_200_000);

  it("with 429s, 5xx, dropped connections, expired tokens and stale ETags on both vendors, every document posts once and the ledger still reconciles", async () => {
    const sandbox = await startSandbox({ port: 0, seed: 17, demo: { accounts: 30 } });
    try {
      const { flowId } = await createIfsSandboxFlow({ db: t.db, sandbox });
      const invoices = Number(process.env.IFS_E2E_FAULT_INVOICES ?? 80);
      const run = await sandbox.control.zuora.billRun({ invoices, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.15, seed: 23 });

      // Six invoices' vouchers were left Waiting by an earlier import (header, then rows): the flow finds
      // them by reference and confirms them, reading the ETag before each If-Match while "other users"
      // change half of the vouchers it writes to (seeded stale-ETag rate).
      const zInvoices = (await zuoraAll(sandbox, "invoices")).filter((r) => run.invoices.some((i) => i.number === r.invoiceNumber));
      const waiting = zInvoices.slice(0, 6);
      const i = sandbox.credentials.ifsCloud;
      const tokenRes = await fetch(`${i.baseUrl}/auth/realms/${i.realm}/protocol/openid-connect/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: i.clientId, client_secret: i.clientSecret }) });
      const headers = { authorization: `Bearer ${((await tokenRes.json()) as { access_token: string }).access_token}`, "content-type": "application/json" };
      const svc = `${i.baseUrl}/int/ifsapplications/projection/v1/ManualVoucherHandling.svc`;
      for (const inv of waiting) {
        const currency = String(inv.currency);
        const company = COMPANY_OF[currency]!;
        const amount = inv.amount as number;
        const header = (await (await fetch(`${svc}/Vouchers`, { method: "POST", headers, body: JSON.stringify({ Company: company, VoucherType: "I", VoucherDate: inv.invoiceDate }) })).json()) as { AccountingYear: number; VoucherNo: number };
        const rows = `${svc}/Vouchers(Company='${company}',AccountingYear=${header.AccountingYear},VoucherType='I',VoucherNo=${header.VoucherNo})/VoucherRowArray`;
        const row = { Company: company, CurrencyCode: currency, ReferenceNumber: String(inv.invoiceNumber) };
        expect((await fetch(rows, { method: "POST", headers, body: JSON.stringify({ ...row, Account: RECEIVABLE, CodeB: "900", CurrencyDebetAmount: amount }) })).status).toBe(201);
        expect((await fetch(rows, { method: "POST", headers, body: JSON.stringify({ ...row, Account: "3010", CodeB: "100", CurrencyCreditAmount: amount }) })).status).toBe(201);
      }

      await sandbox.control.ifsCloud.configure({ staleEtagRate: 0.5 });
      // Zuora is asked ~30 times in such a run (pages of 99), IFS ~2 times per document: Zuora's rates are higher so every kind fires
      const rules = (["zuora", "ifs-cloud"] as const).flatMap((vendor) => {
        const p = vendor === "zuora" ? 0.2 : 0.03;
        return [
          { id: `${vendor}-429`, vendor, probability: p, action: { kind: "status" as const, status: 429 as const, retryAfterSeconds: 1 } },
          { id: `${vendor}-503`, vendor, probability: p, action: { kind: "status" as const, status: 503 as const } },
          { id: `${vendor}-500`, vendor, probability: p, action: { kind: "status" as const, status: 500 as const } },
          { id: `${vendor}-drop-before`, vendor, probability: p, action: { kind: "drop" as const, when: "before" as const } },
          { id: `${vendor}-drop-after`, vendor, probability: p, action: { kind: "drop" as const, when: "after" as const } },
        ];
      });
      rules.push({ id: "ifs-cloud-expire-tokens", vendor: "ifs-cloud", probability: 0.03, action: { kind: "expire-tokens" } } as never);
      await sandbox.control.faults.set({ seed: 31, rules });

      const started = Date.now();
      await pollAndSettle(t, flowId, 600_000);
      const durationMs = Date.now() - started;
      const log = await sandbox.control.faults.log();
      await sandbox.control.faults.set({ rules: [] });

      const notPosted = await t.db.syncRecord.findMany({ where: { flowId, status: { not: "posted" } }, select: { naturalKey: true, status: true, statusReason: true, lastError: true } });
      expect(notPosted).toEqual([]);
      expect(await statusCounts(t, flowId)).toEqual({ "credit-memo/posted": run.creditMemos.length, "invoice/posted": invoices, "payment/posted": run.payments.length });
      expect(await sandbox.control.ifsCloud.duplicates()).toEqual([]);
      const vouchers = (await sandbox.control.ifsCloud.vouchers()) as unknown as Voucher[];
      expect(vouchers).toHaveLength(invoices + run.payments.length + run.creditMemos.length);
      expectWellFormed(vouchers);
      const numbers = (docs: { number: string }[]) => new Set(docs.map((d) => d.number));
      expect(ledgerTotals(vouchers, numbers(run.invoices), "debit")).toEqual(await zuoraTotals(sandbox, "invoices", "invoiceNumber", numbers(run.invoices)));
      expect(ledgerTotals(vouchers, numbers(run.payments), "credit")).toEqual(await zuoraTotals(sandbox, "payments", "paymentNumber", numbers(run.payments)));
      expect(ledgerTotals(vouchers, numbers(run.creditMemos), "credit")).toEqual(await zuoraTotals(sandbox, "credit-memos", "memoNumber", numbers(run.creditMemos), "totalAmount"));

      // the faults fired, of every kind, and the Waiting vouchers were completed (found, not created again)
      const fired = new Set(log.map((f) => f.ruleId));
      const foundExisting = await t.db.recordEvent.findMany({ where: { record: { flowId }, kind: "posted", detail: { path: ["via"], equals: "found-existing" } }, select: { record: { select: { naturalKey: true } } } });
      const foundRefs = new Set(foundExisting.map((e) => e.record.naturalKey));
      const lostWrites = log.filter((f) => f.ruleId === "ifs-cloud-drop-after" && f.method === "POST").length;
      console.log(
        `[e2e ifs faults] ${invoices + run.payments.length + run.creditMemos.length} documents posted in ${durationMs} ms with ${log.length} faults (${[...fired].map((id) => `${id} ${log.filter((f) => f.ruleId === id).length}`).join(", ")}); ` +
          `${lostWrites} IFS writes done with the answer lost; ${foundExisting.length} documents posted by finding their voucher (6 left Waiting, confirmed with If-Match at a 50 % stale-ETag rate)`,
      );
      for (const r of rules) expect(fired, r.id).toContain(r.id);
      for (const inv of waiting) expect(foundRefs, String(inv.invoiceNumber)).toContain(String(inv.invoiceNumber));
    } finally {
      await sandbox.close();
    }
  }, 900_000);

  it("a closed IFS period holds its documents period-closed, naming the period; reopened, a replay posts them once", async () => {
    const sandbox = await startSandbox({ port: 0, demo: { accounts: 12 } });
    try {
      const { flowId } = await createIfsSandboxFlow({ db: t.db, sandbox });
      const now = new Date();
      const period = { Company: "10", AccountingYear: now.getUTCFullYear(), AccountingPeriod: now.getUTCMonth() + 1 };
      await sandbox.control.ifsCloud.setPeriodStatus({ ...period, PeriodStatus: "Closed" });
      const run = await sandbox.control.zuora.billRun({ invoices: 12, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 5 });
      const usd = (await zuoraAll(sandbox, "invoices")).filter((r) => r.currency === "USD" && run.invoices.some((i) => i.number === r.invoiceNumber));
      expect(usd.length).toBeGreaterThan(0);
      expect(usd.length).toBeLessThan(12);
      await pollAndSettle(t, flowId);

      const month = `${period.AccountingYear}-${String(period.AccountingPeriod).padStart(2, "0")}`;
      const held = await t.db.syncRecord.findMany({ where: { flowId, status: "held" }, select: { id: true, naturalKey: true, statusReason: true, missing: true } });
      expect(held.map((h) => h.naturalKey).sort()).toEqual(usd.map((r) => String(r.invoiceNumber)).sort());
      for (const h of held) {
        expect(h).toMatchObject({ statusReason: "period-closed", missing: [{ kind: "period-open", sourceKey: `10 ${month}`, label: `IFS period ${month} of company 10 is closed; replay once it is open` }] });
      }
      expect(await statusCounts(t, flowId)).toEqual({ "invoice/held": usd.length, "invoice/posted": 12 - usd.length });
      expect(((await sandbox.control.ifsCloud.vouchers()) as unknown as Voucher[]).filter((v) => v.Company === "10")).toEqual([]);

      await sandbox.control.ifsCloud.setPeriodStatus({ ...period, PeriodStatus: "Open" });
      for (const h of held) expect(await replayRecord({ db: t.db, recordId: h.id, actorUserId: null })).toEqual({ status: "queued" });
      await settle(t);
      expect(await statusCounts(t, flowId)).toEqual({ "invoice/posted": 12 });
      const trail = await t.db.recordEvent.findMany({ where: { recordId: held[0]!.id }, orderBy: { id: "asc" }, select: { kind: true } });
      expect(trail.map((e) => e.kind)).toEqual(["received", "fetched", "held", "replayed", "fetched", "mapped", "attempt", "posted"]);
      expect(await sandbox.control.ifsCloud.duplicates()).toEqual([]);
      expect(((await sandbox.control.ifsCloud.vouchers()) as unknown as Voucher[]).filter((v) => v.Company === "10")).toHaveLength(usd.length);
    } finally {
      await sandbox.close();
    }
  }, 300_000);

  it("Zuora callouts (delivered twice, newest first) post electronic payments, invoices and credit memos once; external payments come by the poll", async () => {
    const sandbox = await startSandbox({ port: 0, demo: { accounts: 12 } });
    const { flowId, sourceConnectionId } = await createIfsSandboxFlow({ db: t.db, sandbox });
    // the receiver: a real HTTP server handing the raw bytes and headers to receiveCallout, as the route does
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        receiveCallout({ db: t.db, connectionId: sourceConnectionId, rawBody: new Uint8Array(Buffer.concat(chunks)), headers })
          .then((r) => res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify({ success: r.status === 200 })))
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/zuora/${sourceConnectionId}`;
      await sandbox.control.zuora.callouts.addTemplate({ url, events: ["InvoicePosted", "PaymentProcessed", "CreditMemoPosted"], hmac: { secret: IFS_CALLOUT_SECRET } });
      await sandbox.control.zuora.callouts.setMode({ hold: true, duplicate: true });
      const run = await sandbox.control.zuora.billRun({ invoices: 10, electronicPaymentRate: 0.5, externalPaymentRate: 0.4, creditMemoRate: 0.3, seed: 9 });
      const electronic = run.payments.filter((p) => p.type === "Electronic");
      const external = run.payments.filter((p) => p.type === "External");
      expect(electronic.length).toBeGreaterThan(0);
      expect(external.length).toBeGreaterThan(0);
      const notifications = 10 + electronic.length + run.creditMemos.length;
      expect((await sandbox.control.zuora.callouts.release("reverse")).released).toHaveLength(notifications);
      expect((await sandbox.control.zuora.callouts.drain(60_000)).idle).toBe(true);
      await settle(t);
      expect(await t.db.inboundEvent.count({ where: { connectionId: sourceConnectionId } })).toBe(notifications);
      expect(await statusCounts(t, flowId)).toEqual({ "credit-memo/posted": run.creditMemos.length, "invoice/posted": 10, "payment/posted": electronic.length });

      await pollAndSettle(t, flowId);
      expect(await statusCounts(t, flowId)).toEqual({ "credit-memo/posted": run.creditMemos.length, "invoice/posted": 10, "payment/posted": run.payments.length });
      const polled = await t.db.syncRecord.findMany({ where: { flowId, naturalKey: { in: external.map((p) => p.number) } }, select: { events: { select: { kind: true, detail: true }, orderBy: { id: "asc" }, take: 1 } } });
      for (const p of polled) expect(p.events[0]).toMatchObject({ kind: "received", detail: { origin: "poll" } });
      expect(await sandbox.control.ifsCloud.duplicates()).toEqual([]);
      const vouchers = (await sandbox.control.ifsCloud.vouchers()) as unknown as Voucher[];
      expect(vouchers).toHaveLength(10 + run.payments.length + run.creditMemos.length);
      expectWellFormed(vouchers);
    } finally {
      await new Promise((r) => server.close(r));
      await sandbox.close();
    }
  }, 300_000);
});
