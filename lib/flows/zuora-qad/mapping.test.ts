import { describe, expect, it } from "vitest";
import type { ZuoraCreditMemoDocument, ZuoraDocumentLine, ZuoraInvoiceDocument, ZuoraPaymentDocument } from "../../connectors/zuora/documents";
import { missingKeysOf, type MappingIssue } from "../../mapping/create-mapping-context";
import { indexValueMaps, type ValueMapEntry } from "../../mapping/value-map-index";
import { mapCreditMemo, mapInvoice, mapPayment, type PeriodInfo } from "./mapping";
import { holdReason } from "./planner";
import { zuoraQadSettingsSchema } from "./settings";
import { indexCustomersForMatching, suggestedCodeOf, suggestionLabel } from "./suggest-customer-matches";

const settings = zuoraQadSettingsSchema.parse({});
const maps = (entries: [string, string, string][]) => indexValueMaps(entries.map(([kind, sourceKey, targetValue]): ValueMapEntry => ({ kind, sourceKey, targetValue })));
const GL: [string, string, string][] = [
  ["gl-account", "Platform Fee", "40100"],
  ["gl-account", "Tax", "23100"],
  ["bank-account", "USD", "10200"],
];
const periods: PeriodInfo[] = [
  { year: 2026, period: 10, startDate: "2026-10-01", endDate: "2026-10-31", open: false },
  { year: 2026, period: 11, startDate: "2026-11-01", endDate: "2026-11-30", open: true },
];
const account = { id: "acc-1", accountNumber: "A00000001", name: "Acme Inc." };
const line = (over: Partial<ZuoraDocumentLine> = {}): ZuoraDocumentLine => ({ id: "L1", chargeName: "Platform Fee", productName: "Platform", accountingCode: "40100", description: "Platform Fee Nov", quantity: 1, amount: 100, taxAmount: 0, ...over });
const invoice = (over: Partial<ZuoraInvoiceDocument> = {}): ZuoraInvoiceDocument => ({
  id: "inv-1",
  invoiceNumber: "INV00000001",
  account,
  status: "Posted",
  currency: "USD",
  amount: 110,
  taxAmount: 10,
  balance: 110,
  invoiceDate: "2026-11-05",
  dueDate: "2026-12-05",
  lines: [line({ taxAmount: 10 })],
  ...over,
});
const missingOf = (r: { issues: MappingIssue[] }) => missingKeysOf(r.issues);

describe("mapInvoice", () => {
  it("posts to the matched customer on the mapped GL accounts, tax on the Tax account, in the open period", () => {
    const r = mapInvoice({ invoice: invoice(), customerCode: "00000001", maps: maps(GL), settings, periods });
    expect(r.output).toEqual({
      customerCode: "00000001",
      reference: "INV00000001",
      date: "2026-11-05",
      dueDate: "2026-12-05",
      postingDate: "2026-11-05",
      description: "Zuora invoice INV00000001",
      currencyCode: "USD",
      lines: [
        { glCode: "40100", amountTC: 100, lineDescription: "Platform Fee Nov" },
        { glCode: "23100", amountTC: 10, lineDescription: "Tax" },
      ],
    });
  });

  it("an unmatched account is a missing customer mapping (never a made-up customer), with every other missing key", () => {
    const r = mapInvoice({ invoice: invoice(), customerCode: null, maps: maps([]), settings, periods });
    expect(r.output).toBeNull();
    const missing = missingOf(r);
    expect(missing).toEqual([
      { kind: "customer", sourceKey: "A00000001", label: "Acme Inc." },
      { kind: "gl-account", sourceKey: "Platform Fee", label: "charge" },
      { kind: "gl-account", sourceKey: "Tax", label: "tax" },
    ]);
    expect(holdReason(missing)).toBe("mapping-missing");
  });

  it("a document in a closed period holds period-closed, and posts with the admin's posting date once mapped", () => {
    const closed = mapInvoice({ invoice: invoice({ invoiceDate: "2026-10-20", dueDate: "2026-11-20" }), customerCode: "C1", maps: maps(GL), settings, periods });
    const missing = missingOf(closed);
    expect(missing).toEqual([{ kind: "posting-period", sourceKey: "2026-10", label: "QAD period 2026/10 is closed" }]);
    expect(holdReason(missing)).toBe("period-closed");
    const mapped = mapInvoice({ invoice: invoice({ invoiceDate: "2026-10-20", dueDate: "2026-11-20" }), customerCode: "C1", maps: maps([...GL, ["posting-period", "2026-10", "2026-11-01"]]), settings, periods });
    expect(mapped.output).toMatchObject({ date: "2026-10-20", postingDate: "2026-11-01" });
    const undefinedPeriod = mapInvoice({ invoice: invoice({ invoiceDate: "2027-03-01", dueDate: null }), customerCode: "C1", maps: maps(GL), settings, periods });
    expect(missingOf(undefinedPeriod)).toEqual([{ kind: "posting-period", sourceKey: "2027-03", label: "QAD has no GL period for 2027-03" }]);
  });

  it("balance check: lines that do not add up to the total fail; zero lines are left out", () => {
    const off = mapInvoice({ invoice: invoice({ amount: 120 }), customerCode: "C1", maps: maps(GL), settings, periods });
    expect(off.issues).toEqual([{ type: "invalid", field: "amount", message: "Balance check: Invoice INV00000001 lines add up to 110 but its total is 120" }]);
    const zero = mapInvoice({ invoice: invoice({ lines: [line({ taxAmount: 10 }), line({ id: "L2", chargeName: "Free trial", amount: 0 })] }), customerCode: "C1", maps: maps(GL), settings, periods });
    expect(zero.output?.lines.map((l) => l.glCode)).toEqual(["40100", "23100"]);
  });
});

describe("mapPayment and mapCreditMemo", () => {
  const payment: ZuoraPaymentDocument = {
    id: "pay-1",
    number: "P-00000001",
    account,
    type: "Electronic",
    status: "Processed",
    currency: "USD",
    amount: 110,
    effectiveDate: "2026-11-06",
    applications: [{ invoiceId: "inv-1", invoiceNumber: "INV00000001", amount: 110 }],
  };
  it("a receipt on the currency's bank account, allocated to the QAD voucher of the invoice it paid", () => {
    const r = mapPayment({ payment, invoiceVouchers: new Map([["inv-1", "2026/SINV/000001"]]), customerCode: "C1", maps: maps(GL), settings, periods });
    expect(r.output).toMatchObject({ bankGLCode: "10200", amount: 110, reference: "P-00000001", allocations: [{ invoiceVoucher: "2026/SINV/000001", amount: 110 }] });
  });
  it("waits for an invoice not posted yet, needs a bank account per currency, and refuses applications above the amount", () => {
    const waiting = mapPayment({ payment, invoiceVouchers: new Map(), customerCode: "C1", maps: maps(GL), settings, periods });
    expect(missingOf(waiting)).toEqual([{ kind: "invoice", sourceKey: "inv-1", label: "INV00000001", dependency: true }]);
    expect(holdReason(missingOf(waiting))).toBe("waiting-for-invoice");
    const eur = mapPayment({ payment: { ...payment, currency: "EUR" }, invoiceVouchers: new Map([["inv-1", "V"]]), customerCode: "C1", maps: maps(GL), settings, periods });
    expect(missingOf(eur)).toEqual([{ kind: "bank-account", sourceKey: "EUR", label: "currency" }]);
    const over = mapPayment({ payment: { ...payment, amount: 100 }, invoiceVouchers: new Map([["inv-1", "V"]]), customerCode: "C1", maps: maps(GL), settings, periods });
    expect(over.issues[0]).toMatchObject({ type: "invalid", field: "applications" });
  });
  it("an adjustment allocated to the credited invoice, up to that invoice's total", () => {
    const memo: ZuoraCreditMemoDocument = { id: "cm-1", number: "CM00000001", account, status: "Posted", currency: "USD", amount: 22, memoDate: "2026-11-07", referredInvoiceId: "inv-1", reasonCode: null, lines: [line({ amount: 20, taxAmount: 2 })] };
    const r = mapCreditMemo({ memo, referredInvoice: { voucher: "2026/SINV/000001", total: 110 }, customerCode: "C1", maps: maps(GL), settings, periods });
    expect(r.output).toMatchObject({ reference: "CM00000001", lines: [{ glCode: "40100", amountTC: 20 }, { glCode: "23100", amountTC: 2 }], allocations: [{ invoiceVoucher: "2026/SINV/000001", amount: 22 }] });
    const capped = mapCreditMemo({ memo, referredInvoice: { voucher: "V", total: 15 }, customerCode: "C1", maps: maps(GL), settings, periods });
    expect(capped.output?.allocations).toEqual([{ invoiceVoucher: "V", amount: 15 }]);
  });
});

describe("customer match suggestions", () => {
  const index = indexCustomersForMatching([
    { customerCode: "00000042", name: "Cedar Labs GmbH" },
    { customerCode: "C1004", name: "ACME ANALYTICS INC" },
    { customerCode: "C1005", name: "Twin Co" },
    { customerCode: "C1006", name: "Twin Co" },
    { customerCode: "C9005", name: "Old Mill Bakery Inc", isActive: false },
  ]);
  it("by number (the code, or the account number's digits), then by name ignoring case and punctuation; only a single active candidate", () => {
    expect(index.suggest({ accountNumber: "A00000042", name: "Something else" })).toEqual({ customerCode: "00000042", name: "Cedar Labs GmbH", by: "number" });
    expect(index.suggest({ accountNumber: "A00000007", name: "Acme Analytics Inc." })).toEqual({ customerCode: "C1004", name: "ACME ANALYTICS INC", by: "name" });
    expect(index.suggest({ accountNumber: "C1005", name: null })).toEqual({ customerCode: "C1005", name: "Twin Co", by: "number" });
    expect(index.suggest({ accountNumber: "A00000008", name: "Twin Co." })).toBeNull();
    expect(index.suggest({ accountNumber: "A00000009", name: "Old Mill Bakery Inc." })).toBeNull();
  });
  it("the label carries the suggestion and can be read back", () => {
    const label = suggestionLabel("Acme Analytics Inc.", { customerCode: "C1004", name: "ACME ANALYTICS INC", by: "name" });
    expect(label).toBe("Acme Analytics Inc. · suggested: C1004 ACME ANALYTICS INC (same name)");
    expect(suggestedCodeOf(label)).toBe("C1004");
    expect(suggestionLabel("Acme", null)).toBe("Acme");
    expect(suggestedCodeOf("Acme")).toBeNull();
  });
});
