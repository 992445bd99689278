import type { QadAdjustmentInput, QadInvoiceInput, QadPostingLine, QadReceiptInput } from "../../connectors/qad/client";
import type { ZuoraAccountRef, ZuoraCreditMemoDocument, ZuoraDocumentLine, ZuoraInvoiceDocument, ZuoraPaymentDocument } from "../../connectors/zuora/documents";
import { createMappingContext, type MappingContext, type MappingResult } from "../../mapping/create-mapping-context";
import type { MissingKey } from "../../mapping/missing-key";
import type { ValueMapIndex } from "../../mapping/value-map-index";
import { glKeyOf } from "../../connectors/zuora/documents";
import { TAX_GL_KEY } from "./tax-key";
import type { ZuoraQadSettings } from "./settings";

/*
 * Zuora documents -> QAD business-entity records, pure. Every document needs, first, the customer
 * match of its billing account ("customer" value map: account number -> QAD customer code; never a
 * made-up customer), then GL accounts for its lines, a bank account for its currency (receipts), an
 * open GL period for its date (or the admin's posting date for that closed period), and its balance
 * check: lines add up to the Zuora total; allocations stay within the amount.
 */

export const VALUE_MAP_KINDS = { customer: "customer", gl: "gl-account", bank: "bank-account", period: "posting-period" } as const;

/** QAD field lengths (§6.2): references 20, descriptions 40. */
const MAX_REFERENCE = 20;
const MAX_DESCRIPTION = 40;

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** A GL period as the planner knows it from QAD's calendar. */
export type PeriodInfo = { year: number; period: number; startDate: string; endDate: string; open: boolean };

/** "2026-03": the value-map key of the GL period a date falls in (a calendar month, as QAD's monthly periods). */
export const periodKeyOf = (date: string) => date.slice(0, 7);

/** The key a document needs when its account has no QAD customer yet: a mapping for the admin. */
export const customerKeyOf = (account: ZuoraAccountRef): MissingKey => ({ kind: VALUE_MAP_KINDS.customer, sourceKey: account.accountNumber, label: account.name ?? account.accountNumber });

/**
 * The posting date of a document dated `date`: the date itself in an open period; for a closed (or
 * missing) period the date the admin mapped for it ("posting-period"), else the key is noted missing.
 */
const postingDateOf = (ctx: MappingContext, date: string, periods: readonly PeriodInfo[]): string | undefined => {
  const day = date.slice(0, 10);
  const period = periods.find((p) => p.startDate.slice(0, 10) <= day && day <= p.endDate.slice(0, 10));
  if (period?.open) return day;
  const key = periodKeyOf(day);
  const label = period ? `QAD period ${period.year}/${String(period.period).padStart(2, "0")} is closed` : `QAD has no GL period for ${key}`;
  return ctx.lookup(VALUE_MAP_KINDS.period, key, label);
};

const requireCustomer = (ctx: MappingContext, account: ZuoraAccountRef, customerCode: string | null) => {
  if (!customerCode) ctx.require(customerKeyOf(account));
  return customerCode;
};

const checkReference = (ctx: MappingContext, reference: string, what: string) => {
  if (reference.length > MAX_REFERENCE) ctx.invalid("reference", `${what} number ${reference} is longer than QAD's ${MAX_REFERENCE}-character reference`);
};

/** Lines on mapped GL accounts, the tax total on the "Tax" account; zero lines are left out (QAD refuses them). */
const mapLines = (ctx: MappingContext, lines: ZuoraDocumentLine[], settings: ZuoraQadSettings, what: string): (() => QadPostingLine[]) => {
  const taxTotal = round2(lines.reduce((sum, l) => sum + (l.taxAmount ?? 0), 0));
  const accounts = lines.map((line) => {
    if (round2(line.amount) === 0) return undefined;
    const key = glKeyOf(line, settings.glAccountKey);
    if (key === null) {
      ctx.invalid(`lines.${line.id}`, `${what} line ${line.id} has no ${settings.glAccountKey} name to choose its GL account`);
      return undefined;
    }
    return ctx.lookup(VALUE_MAP_KINDS.gl, key, settings.glAccountKey);
  });
  const taxAccount = taxTotal !== 0 ? ctx.lookup(VALUE_MAP_KINDS.gl, TAX_GL_KEY, "tax") : undefined;
  return () => [
    ...lines.flatMap((line, i) =>
      round2(line.amount) === 0
        ? []
        : [{ glCode: accounts[i]!, amountTC: round2(line.amount), lineDescription: (line.description || line.chargeName || line.productName || `Line ${i + 1}`).slice(0, MAX_DESCRIPTION) }],
    ),
    ...(taxTotal !== 0 ? [{ glCode: taxAccount!, amountTC: taxTotal, lineDescription: "Tax" }] : []),
  ];
};

/** Balance check: the lines (with tax) add up to the Zuora total. */
const checkBalance = (ctx: MappingContext, lines: ZuoraDocumentLine[], amount: number, what: string) => {
  const total = round2(lines.reduce((sum, l) => sum + l.amount + (l.taxAmount ?? 0), 0));
  if (Math.abs(total - amount) > 0.005) ctx.invalid("amount", `Balance check: ${what} lines add up to ${total} but its total is ${amount}`);
};

type Common = { customerCode: string | null; maps: ValueMapIndex; settings: ZuoraQadSettings; periods: readonly PeriodInfo[] };

/** Posted Zuora invoice -> QAD customer invoice. */
export const mapInvoice = ({ invoice, customerCode, maps, settings, periods }: Common & { invoice: ZuoraInvoiceDocument }): MappingResult<QadInvoiceInput> => {
  const ctx = createMappingContext(maps);
  const what = `Invoice ${invoice.invoiceNumber}`;
  requireCustomer(ctx, invoice.account, customerCode);
  if (invoice.lines.length === 0) ctx.invalid("lines", `${what} has no lines`);
  if (invoice.amount <= 0) ctx.invalid("amount", `${what} has a total of ${invoice.amount}: QAD takes invoices with a positive total only`);
  checkReference(ctx, invoice.invoiceNumber, "Invoice");
  const lines = mapLines(ctx, invoice.lines, settings, what);
  checkBalance(ctx, invoice.lines, invoice.amount, what);
  const postingDate = postingDateOf(ctx, invoice.invoiceDate, periods);
  return ctx.finish(() => ({
    customerCode: customerCode!,
    reference: invoice.invoiceNumber,
    date: invoice.invoiceDate,
    ...(invoice.dueDate && invoice.dueDate >= invoice.invoiceDate ? { dueDate: invoice.dueDate } : {}),
    postingDate: postingDate!,
    description: `Zuora invoice ${invoice.invoiceNumber}`.slice(0, MAX_DESCRIPTION),
    currencyCode: invoice.currency,
    lines: lines(),
  }));
};

/**
 * Processed Zuora payment -> QAD receipt on the currency's bank account, allocated to the QAD invoices
 * (vouchers) its Zuora applications name; an application whose invoice is not posted yet is a dependency.
 */
export const mapPayment = ({
  payment,
  invoiceVouchers,
  customerCode,
  maps,
  settings: _settings,
  periods,
}: Common & { payment: ZuoraPaymentDocument; invoiceVouchers: ReadonlyMap<string, string> }): MappingResult<QadReceiptInput> => {
  const ctx = createMappingContext(maps);
  const what = `Payment ${payment.number}`;
  requireCustomer(ctx, payment.account, customerCode);
  checkReference(ctx, payment.number, "Payment");
  const bank = ctx.lookup(VALUE_MAP_KINDS.bank, payment.currency, "currency");
  for (const app of payment.applications) {
    if (!invoiceVouchers.has(app.invoiceId)) ctx.require({ kind: "invoice", sourceKey: app.invoiceId, label: app.invoiceNumber ?? app.invoiceId, dependency: true });
  }
  const allocated = round2(payment.applications.reduce((s, a) => s + a.amount, 0));
  if (allocated - payment.amount > 0.005) ctx.invalid("applications", `Balance check: ${what} applies ${allocated}, more than its amount ${payment.amount}`);
  const postingDate = postingDateOf(ctx, payment.effectiveDate, periods);
  return ctx.finish(() => ({
    customerCode: customerCode!,
    reference: payment.number,
    date: payment.effectiveDate,
    postingDate: postingDate!,
    description: `Zuora ${payment.type.toLowerCase()} payment ${payment.number}`.slice(0, MAX_DESCRIPTION),
    currencyCode: payment.currency,
    bankGLCode: bank!,
    amount: round2(payment.amount),
    allocations: payment.applications.map((a) => ({ invoiceVoucher: invoiceVouchers.get(a.invoiceId)!, amount: round2(a.amount) })),
  }));
};

/**
 * Posted Zuora credit memo -> QAD adjustment (credit note) on the mapped GL accounts, allocated to the
 * QAD invoice of the Zuora invoice it credits, up to that invoice's total (Zuora applies a memo created
 * from an invoice to it; the rest stays unallocated).
 */
export const mapCreditMemo = ({
  memo,
  referredInvoice,
  customerCode,
  maps,
  settings,
  periods,
}: Common & { memo: ZuoraCreditMemoDocument; referredInvoice: { voucher: string; total: number } | null }): MappingResult<QadAdjustmentInput> => {
  const ctx = createMappingContext(maps);
  const what = `Credit memo ${memo.number}`;
  requireCustomer(ctx, memo.account, customerCode);
  if (memo.lines.length === 0) ctx.invalid("lines", `${what} has no lines`);
  if (memo.amount <= 0) ctx.invalid("amount", `${what} has a total of ${memo.amount}`);
  checkReference(ctx, memo.number, "Credit memo");
  const lines = mapLines(ctx, memo.lines, settings, what);
  checkBalance(ctx, memo.lines, memo.amount, what);
  const postingDate = postingDateOf(ctx, memo.memoDate, periods);
  return ctx.finish(() => ({
    customerCode: customerCode!,
    reference: memo.number,
    date: memo.memoDate,
    postingDate: postingDate!,
    description: `Zuora credit memo ${memo.number}`.slice(0, MAX_DESCRIPTION),
    currencyCode: memo.currency,
    lines: lines(),
    allocations: referredInvoice ? [{ invoiceVoucher: referredInvoice.voucher, amount: round2(Math.min(memo.amount, referredInvoice.total)) }] : [],
  }));
};
