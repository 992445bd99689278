import { describe, expect, it } from "vitest";
import type { ZuoraInvoiceDocument, ZuoraPaymentDocument } from "../../connectors/zuora/documents";
import { indexValueMaps } from "../../mapping/value-map-index";
import type { LedgerChecks } from "./ledger-checks";
import { createPlanner } from "./planner";
import { zuoraIfsCloudSettingsSchema } from "./settings";

const settings = zuoraIfsCloudSettingsSchema.parse({ balanceSheetCostCenter: "900" });
const account = { id: "acc1", accountNumber: "A00000001", name: "Acme" };

const invoice: ZuoraInvoiceDocument = {
  id: "inv1",
  invoiceNumber: "INV00000001",
  account,
  status: "Posted",
  currency: "USD",
  amount: 130.9,
  taxAmount: 10.9,
  invoiceDate: "2026-12-01",
  lines: [
    { id: "l1", productName: "Platform", chargeName: "Seats", accountingCode: "40100", amount: 100, taxAmount: 10.9 },
    { id: "l2", productName: "Support", chargeName: "Support", accountingCode: "40200", amount: 25, taxAmount: 0 },
    { id: "l3", productName: "Support", chargeName: "Discount", accountingCode: "40200", amount: -5, taxAmount: 0 },
  ],
};
const payment: ZuoraPaymentDocument = { id: "p1", number: "P-00000001", account, type: "External", status: "Processed", currency: "USD", amount: 130.9, effectiveDate: "2026-12-02", applications: [{ invoiceId: "inv1", invoiceNumber: "INV00000001", amount: 130.9 }] };

const allMaps = [
  { kind: "company", sourceKey: "currency:USD", targetValue: "10" },
  { kind: "gl-account", sourceKey: "10 | 40100", targetValue: "3010" },
  { kind: "gl-account", sourceKey: "10 | 40200", targetValue: "3020" },
  { kind: "gl-account", sourceKey: "10 | Receivable", targetValue: "1510" },
  { kind: "gl-account", sourceKey: "10 | Tax", targetValue: "2610" },
  { kind: "gl-account", sourceKey: "10 | Cash: External", targetValue: "1930" },
  { kind: "cost-center", sourceKey: "Platform", targetValue: "100" },
  { kind: "cost-center", sourceKey: "Support", targetValue: "200" },
];

const checks = (over: Partial<{ currency: string | null; company: boolean; period: string | null }> = {}): LedgerChecks => ({
  companyCurrency: async () => (over.company === false ? null : { currency: over.currency === undefined ? "USD" : over.currency }),
  periodStatus: async () => (over.period === undefined ? "Open" : over.period),
  clear: () => {},
});
type Rows = { Company: string; VoucherType: string; rows: Record<string, unknown>[] };
/** The voucher of a `post` plan (fails the test for any other plan). */
const voucherOf = (p: Awaited<ReturnType<typeof plan>>): Rows => {
  if (p.action !== "post") throw new Error(`expected a post, got ${JSON.stringify(p)}`);
  return p.documents[0].document as Rows;
};
const plan = (objectType: string, payload: unknown, maps = allMaps, c = checks(), s = settings) =>
  createPlanner(s, c)({ record: { id: "r", objectType, sourceId: "x", naturalKey: null, sourcePayload: payload }, maps: indexValueMaps(maps), ledger: null as never, partnerMaps: new Map() });

describe("Zuora -> IFS Cloud planner", () => {
  it("posts an invoice as one balanced voucher: receivable debited, revenue and tax credited, every row with company, account, cost center, currency and reference", async () => {
    const p = await plan("invoice", invoice);
    expect(p).toMatchObject({ action: "post", documents: [{ entity: "Voucher", naturalKey: "INV00000001" }] });
    const voucher = voucherOf(p);
    expect(voucher).toMatchObject({ Company: "10", VoucherType: "I", VoucherDate: "2026-12-01" });
    expect(voucher.rows.map((r) => [r.Account, r.CodeB, r.CurrencyDebetAmount ?? null, r.CurrencyCreditAmount ?? null])).toEqual([
      ["1510", "900", 130.9, null],
      ["3010", "100", null, 100],
      ["3020", "200", null, 25],
      ["3020", "200", 5, null],
      ["2610", "900", null, 10.9],
    ]);
    for (const r of voucher.rows) expect(r).toMatchObject({ Company: "10", CurrencyCode: "USD", ReferenceNumber: "INV00000001" });
  });

  it("posts an external payment (cash debited, receivable credited), or records it captured for audit when external payments are off", async () => {
    const p = await plan("payment", payment);
    const rows = voucherOf(p);
    expect(rows.VoucherType).toBe("U");
    expect(rows.rows.map((r) => [r.Account, r.CurrencyDebetAmount ?? null, r.CurrencyCreditAmount ?? null])).toEqual([
      ["1930", 130.9, null],
      ["1510", null, 130.9],
    ]);
    expect(await plan("payment", payment, allMaps, checks(), { ...settings, postExternalPayments: false })).toEqual({ action: "skip", reason: "external-payment-captured: captured for audit; postExternalPayments is off" });
  });

  it("holds mapping-missing naming the company first, then every GL account and cost center it lacks", async () => {
    expect(await plan("invoice", invoice, allMaps.filter((m) => m.kind !== "company"))).toEqual({
      action: "hold",
      reason: "mapping-missing",
      missing: [{ kind: "company", sourceKey: "currency:USD", label: "company for Zuora account A00000001 (or its currency USD)" }],
    });
    const p = await plan("invoice", invoice, allMaps.filter((m) => m.sourceKey !== "10 | 40200" && m.sourceKey !== "Platform"));
    expect(p).toMatchObject({ action: "hold", reason: "mapping-missing" });
    expect((p as { missing: { kind: string; sourceKey: string }[] }).missing.map((m) => `${m.kind} ${m.sourceKey}`)).toEqual(["cost-center Platform", "gl-account 10 | 40200"]);
    // an account-level company map wins over the currency's
    const byAccount = await plan("invoice", invoice, [...allMaps, { kind: "company", sourceKey: "account:A00000001", targetValue: "20" }, { kind: "gl-account", sourceKey: "20 | 40100", targetValue: "3010" }]);
    expect(byAccount).toMatchObject({ action: "hold", missing: expect.arrayContaining([{ kind: "gl-account", sourceKey: "20 | 40200", label: expect.any(String) }]) });
  });

  it("holds period-closed, and fails a company that does not exist or keeps its books in another currency", async () => {
    expect(await plan("invoice", invoice, allMaps, checks({ period: "Closed" }))).toEqual({
      action: "hold",
      reason: "period-closed",
      missing: [{ kind: "period-open", sourceKey: "10 2026-12", label: "IFS period 2026-12 of company 10 is closed; replay once it is open" }],
    });
    expect(await plan("invoice", invoice, allMaps, checks({ company: false }))).toMatchObject({ action: "fail", reason: expect.stringMatching(/^IFS has no company 10/) });
    expect(await plan("invoice", invoice, allMaps, checks({ currency: "EUR" }))).toMatchObject({ action: "fail", reason: expect.stringMatching(/is in USD but IFS company 10 keeps its books in EUR/) });
  });

  it("fails an invoice whose lines do not add up to its amount, so no unbalanced or wrong voucher is posted", async () => {
    expect(await plan("invoice", { ...invoice, amount: 131 })).toMatchObject({ action: "fail", reason: expect.stringMatching(/add up to 130.9 but the invoice amount is 131/) });
  });

  it("posts a credit memo as a reversing voucher, or tracks it as skipped when credit memos are off", async () => {
    const memo = { id: "cm1", number: "CM00000001", account, status: "Posted", currency: "USD", amount: 25, memoDate: "2026-12-03", referredInvoiceId: "inv1", lines: [{ id: "c1", productName: "Support", accountingCode: "40200", amount: 25, taxAmount: 0 }] };
    const p = await plan("credit-memo", memo);
    const v = voucherOf(p);
    expect(v.rows.map((r) => [r.Account, r.CurrencyDebetAmount ?? null, r.CurrencyCreditAmount ?? null])).toEqual([
      ["3020", 25, null],
      ["1510", null, 25],
    ]);
    expect(await plan("credit-memo", memo, allMaps, checks(), { ...settings, postCreditMemos: false })).toEqual({ action: "skip", reason: "credit-memo-tracked: postCreditMemos is off" });
  });
});

describe("the balance check before posting", () => {
  it("passes debits = credits to the cent and names both totals otherwise", async () => {
    const { unbalancedReason } = await import("./mapping");
    const row = { Company: "10", Account: "1510", CurrencyCode: "USD", ReferenceNumber: "X" };
    expect(unbalancedReason({ Company: "10", VoucherType: "I", VoucherDate: "2026-12-01", rows: [{ ...row, CurrencyDebetAmount: 0.1 }, { ...row, CurrencyCreditAmount: 0.07 }, { ...row, CurrencyCreditAmount: 0.03 }] })).toBe("");
    expect(unbalancedReason({ Company: "10", VoucherType: "I", VoucherDate: "2026-12-01", rows: [{ ...row, CurrencyDebetAmount: 10 }, { ...row, CurrencyCreditAmount: 9.99 }] })).toBe("the voucher does not balance: debits 10.00, credits 9.99");
  });
});

describe("debit memos, refunds and invoice item adjustments", () => {
  const debitMemo = { id: "dm1", number: "DM00000001", account, status: "Posted", currency: "USD", amount: 21.8, memoDate: "2026-12-03", reasonCode: "Late fee", lines: [{ id: "d1", productName: "Platform", chargeName: "Seats", accountingCode: "40100", amount: 20, taxAmount: 1.8 }] };
  const refund = { id: "r1", number: "R-00000001", account, type: "External", methodType: "Check", status: "Processed", currency: "USD", amount: 12.5, refundDate: "2026-12-04", sources: [{ paymentId: "p1", creditMemoId: null, amount: 12.5 }] };
  const adjustment = (type: string, reasonCode = "Write-off") => ({ id: "a1", number: "IIA-00000001", account, invoiceId: "inv1", type, status: "Processed", currency: "USD", amount: 7.25, adjustmentDate: "2026-12-05", reasonCode, accountingCode: "40100" });
  const side = (rows: Record<string, unknown>[]) => rows.map((r) => [r.Account, r.CurrencyDebetAmount ?? 0, r.CurrencyCreditAmount ?? 0]);

  it("a debit memo posts like an invoice: receivable debited, revenue and tax credited, its own voucher type", async () => {
    const v = voucherOf(await plan("debit-memo", debitMemo));
    expect(v.VoucherType).toBe("I");
    expect(side(v.rows)).toEqual([
      ["1510", 21.8, 0],
      ["3010", 0, 20],
      ["2610", 0, 1.8],
    ]);
  });

  it("a refund debits the receivable (the customer's credit is used up) and credits the cash account of its type", async () => {
    const v = voucherOf(await plan("refund", refund));
    expect(v.VoucherType).toBe("U");
    expect(side(v.rows)).toEqual([
      ["1510", 12.5, 0],
      ["1930", 0, 12.5],
    ]);
    expect(await plan("refund", { ...refund, type: "Electronic", methodType: null })).toMatchObject({ action: "hold", reason: "mapping-missing", missing: [{ kind: "gl-account", sourceKey: "10 | Cash: Electronic" }] });
  });

  it("an adjustment posts by its posting rule (reason before type); without one it holds naming the rule", async () => {
    expect(await plan("invoice-adjustment", adjustment("Credit"))).toEqual({
      action: "hold",
      reason: "mapping-missing",
      missing: [{ kind: "posting-rule", sourceKey: "Credit | Write-off", label: 'posting rule for Credit adjustments with reason "Write-off" (or "Credit" for all of them)' }],
    });
    const rules = [...allMaps, { kind: "posting-rule", sourceKey: "Credit", targetValue: "3090" }, { kind: "posting-rule", sourceKey: "Charge | Late fee", targetValue: "3020" }];
    expect(side(voucherOf(await plan("invoice-adjustment", adjustment("Credit"), rules)).rows)).toEqual([
      ["3090", 7.25, 0],
      ["1510", 0, 7.25],
    ]);
    expect(side(voucherOf(await plan("invoice-adjustment", adjustment("Charge", "Late fee"), rules)).rows)).toEqual([
      ["1510", 7.25, 0],
      ["3020", 0, 7.25],
    ]);
    expect(await plan("invoice-adjustment", adjustment("Charge", "Other"), rules)).toMatchObject({ action: "hold", missing: [{ kind: "posting-rule", sourceKey: "Charge | Other" }] });
  });
});
