// What each Zuora document becomes in IFS Cloud: one balanced GL voucher, every row with company,
// account, cost center (code part B), currency amounts and the Zuora document number as reference.
// Pure functions over the document, the value maps and the settings.
import type { IfsVoucherInput, IfsVoucherRowInput } from "../../connectors/ifs-cloud/schemas";
import type {
  ZuoraAccountRef,
  ZuoraCreditMemoDocument,
  ZuoraDebitMemoDocument,
  ZuoraDocumentLine,
  ZuoraInvoiceAdjustmentDocument,
  ZuoraInvoiceDocument,
  ZuoraPaymentDocument,
  ZuoraRefundDocument,
} from "../../connectors/zuora/documents";
import { createMappingContext, type MappingContext, type MappingResult } from "../../mapping/create-mapping-context";
import type { ValueMapIndex } from "../../mapping/value-map-index";
import type { ZuoraIfsCloudSettings } from "./settings";

/** Value-map kinds of this flow. */
export const MAP = { company: "company", glAccount: "gl-account", costCenter: "cost-center", postingRule: "posting-rule" } as const;

/**
 * Source keys of the "posting-rule" maps (target: the IFS account that takes the other side of an
 * invoice item adjustment): by type and reason code, else by type alone.
 */
export const postingRuleKeyOf = (type: string, reasonCode?: string | null) => (reasonCode?.trim() ? `${type} | ${reasonCode.trim()}` : type);

/** The balance-sheet roles of the "gl-account" maps, next to the revenue lines' own keys. */
export const GL_ROLE = { receivable: "Receivable", tax: "Tax", electronic: "Cash: Electronic", external: "Cash: External" } as const;

/** The compound key of a "gl-account" map: the company, then the Zuora value or role. */
export const glKeyOf = (company: string, value: string) => `${company} | ${value}`;

/** Source keys of the "company" maps: a billing account, else the document currency. */
export const companyKeyOf = { account: (accountNumber: string) => `account:${accountNumber}`, currency: (currency: string) => `currency:${currency}` };

const round2 = (n: number) => Math.round(n * 100) / 100;
const cents = (n: number) => Math.round(n * 100);

/**
 * The company of a document: the map of its billing account, else of its currency. A missing one is
 * noted on the currency key (the map most admins add); a map per account added later is found on replay.
 */
export const resolveCompany = (ctx: MappingContext, maps: ValueMapIndex, account: ZuoraAccountRef, currency: string): string | undefined => {
  const byAccount = maps.get(MAP.company)?.get(companyKeyOf.account(account.accountNumber));
  if (byAccount) return byAccount;
  return ctx.lookup(MAP.company, companyKeyOf.currency(currency), `company for Zuora account ${account.accountNumber} (or its currency ${currency})`);
};

const lineValue = (line: ZuoraDocumentLine, key: "accountingCode" | "product" | "charge"): string | null => {
  const raw = key === "product" ? line.productName : key === "charge" ? line.chargeName : line.accountingCode;
  return raw?.trim() || null;
};

type Side = "debit" | "credit";
type Row = { account: string; costCenter: string | undefined; side: Side; amount: number; text: string };

/** Voucher rows: a negative amount goes to the other side; zero rows are left out. */
const toRows = (rows: Row[], company: string, currency: string, reference: string): IfsVoucherRowInput[] =>
  rows
    .filter((r) => cents(r.amount) !== 0)
    .map((r) => {
      const side: Side = r.amount < 0 ? (r.side === "debit" ? "credit" : "debit") : r.side;
      const amount = round2(Math.abs(r.amount));
      return {
        Company: company,
        Account: r.account,
        ...(r.costCenter ? { CodeB: r.costCenter } : {}),
        CurrencyCode: currency,
        ...(side === "debit" ? { CurrencyDebetAmount: amount } : { CurrencyCreditAmount: amount }),
        Text: r.text.slice(0, 200),
        ReferenceNumber: reference.slice(0, 50),
      };
    });

/** "" when the voucher balances (debits = credits, in cents), else why not: the check before posting. */
export const unbalancedReason = (voucher: IfsVoucherInput): string => {
  const debit = voucher.rows.reduce((s, r) => s + cents(r.CurrencyDebetAmount ?? 0), 0);
  const credit = voucher.rows.reduce((s, r) => s + cents(r.CurrencyCreditAmount ?? 0), 0);
  return debit === credit ? "" : `the voucher does not balance: debits ${(debit / 100).toFixed(2)}, credits ${(credit / 100).toFixed(2)}`;
};

/** Revenue rows of document lines (and the tax row), each on its mapped account and cost center. */
const lineRows = (ctx: MappingContext, company: string, lines: ZuoraDocumentLine[], side: Side, settings: ZuoraIfsCloudSettings, what: string): (() => Row[]) => {
  const resolved = lines.map((line) => {
    const glValue = lineValue(line, settings.glAccountKey);
    const ccValue = lineValue(line, settings.costCenterKey);
    if (glValue === null) ctx.invalid(`lines.${line.id}`, `${what} line ${line.id} has no ${settings.glAccountKey} to choose its GL account`);
    if (ccValue === null) ctx.invalid(`lines.${line.id}`, `${what} line ${line.id} has no ${settings.costCenterKey} to choose its cost center`);
    const account = glValue === null ? undefined : ctx.lookup(MAP.glAccount, glKeyOf(company, glValue), `GL account of ${settings.glAccountKey} ${glValue} in company ${company}`);
    const costCenter = ccValue === null ? undefined : ctx.lookup(MAP.costCenter, ccValue, `cost center of ${settings.costCenterKey} ${ccValue}`);
    return { line, account, costCenter };
  });
  const tax = round2(lines.reduce((s, l) => s + (l.taxAmount ?? 0), 0));
  const taxAccount = cents(tax) !== 0 ? ctx.lookup(MAP.glAccount, glKeyOf(company, GL_ROLE.tax), `tax account in company ${company}`) : undefined;
  return () => [
    ...resolved.map(({ line, account, costCenter }) => ({ account: account!, costCenter, side, amount: line.amount, text: (line.description || line.chargeName || line.productName || what).trim() })),
    ...(cents(tax) !== 0 ? [{ account: taxAccount!, costCenter: settings.balanceSheetCostCenter, side, amount: tax, text: "Tax" }] : []),
  ];
};

const sum = (rows: Row[]) => round2(rows.reduce((s, r) => s + r.amount, 0));

/** Posted invoice -> voucher: credit each line's revenue account and the tax account, debit the receivable with the total. */
export const mapInvoiceVoucher = ({ invoice, maps, settings }: { invoice: ZuoraInvoiceDocument; maps: ValueMapIndex; settings: ZuoraIfsCloudSettings }): MappingResult<IfsVoucherInput> => {
  const ctx = createMappingContext(maps);
  const company = resolveCompany(ctx, maps, invoice.account, invoice.currency);
  if (company === undefined) return ctx.finish(() => null as never);
  if (invoice.lines.length === 0) ctx.invalid("lines", `Invoice ${invoice.invoiceNumber} has no lines`);
  const credits = lineRows(ctx, company, invoice.lines, "credit", settings, `Invoice ${invoice.invoiceNumber}`);
  const receivable = ctx.lookup(MAP.glAccount, glKeyOf(company, GL_ROLE.receivable), `receivable account in company ${company}`);
  const total = round2(invoice.lines.reduce((s, l) => s + l.amount + (l.taxAmount ?? 0), 0));
  if (cents(total) !== cents(invoice.amount)) ctx.invalid("amount", `Invoice ${invoice.invoiceNumber} lines and tax add up to ${total} but the invoice amount is ${invoice.amount}`);
  return ctx.finish(() => {
    const rows = credits();
    return {
      Company: company,
      VoucherType: settings.invoiceVoucherType,
      VoucherDate: invoice.invoiceDate,
      VoucherText: `Zuora invoice ${invoice.invoiceNumber}`,
      rows: toRows([{ account: receivable!, costCenter: settings.balanceSheetCostCenter, side: "debit", amount: sum(rows), text: `Receivable ${invoice.account.accountNumber}` }, ...rows], company, invoice.currency, invoice.invoiceNumber),
    };
  });
};

/** Posted credit memo -> reversing voucher: debit the lines' revenue accounts and tax, credit the receivable. */
export const mapCreditMemoVoucher = ({ memo, maps, settings }: { memo: ZuoraCreditMemoDocument; maps: ValueMapIndex; settings: ZuoraIfsCloudSettings }): MappingResult<IfsVoucherInput> => {
  const ctx = createMappingContext(maps);
  const company = resolveCompany(ctx, maps, memo.account, memo.currency);
  if (company === undefined) return ctx.finish(() => null as never);
  if (memo.lines.length === 0) ctx.invalid("lines", `Credit memo ${memo.number} has no lines`);
  const debits = lineRows(ctx, company, memo.lines, "debit", settings, `Credit memo ${memo.number}`);
  const receivable = ctx.lookup(MAP.glAccount, glKeyOf(company, GL_ROLE.receivable), `receivable account in company ${company}`);
  const total = round2(memo.lines.reduce((s, l) => s + l.amount + (l.taxAmount ?? 0), 0));
  if (cents(total) !== cents(memo.amount)) ctx.invalid("amount", `Credit memo ${memo.number} lines and tax add up to ${total} but its amount is ${memo.amount}`);
  return ctx.finish(() => {
    const rows = debits();
    return {
      Company: company,
      VoucherType: settings.creditMemoVoucherType,
      VoucherDate: memo.memoDate,
      VoucherText: `Zuora credit memo ${memo.number}${memo.reasonCode ? ` (${memo.reasonCode})` : ""}`.slice(0, 200),
      rows: toRows([...rows, { account: receivable!, costCenter: settings.balanceSheetCostCenter, side: "credit", amount: sum(rows), text: `Receivable ${memo.account.accountNumber}` }], company, memo.currency, memo.number),
    };
  });
};

/** Processed payment -> voucher: debit the cash (clearing) account of its type, credit the receivable. */
export const mapPaymentVoucher = ({ payment, maps, settings }: { payment: ZuoraPaymentDocument; maps: ValueMapIndex; settings: ZuoraIfsCloudSettings }): MappingResult<IfsVoucherInput> => {
  const ctx = createMappingContext(maps);
  const company = resolveCompany(ctx, maps, payment.account, payment.currency);
  if (company === undefined) return ctx.finish(() => null as never);
  const role = payment.type === "Electronic" ? GL_ROLE.electronic : GL_ROLE.external;
  const cash = ctx.lookup(MAP.glAccount, glKeyOf(company, role), `${role.toLowerCase()} account in company ${company}`);
  const receivable = ctx.lookup(MAP.glAccount, glKeyOf(company, GL_ROLE.receivable), `receivable account in company ${company}`);
  if (!(payment.amount > 0)) ctx.invalid("amount", `Payment ${payment.number} has no positive amount (${payment.amount})`);
  const applied = payment.applications.map((a) => a.invoiceNumber ?? a.invoiceId).join(", ");
  return ctx.finish(() => ({
    Company: company,
    VoucherType: settings.paymentVoucherType,
    VoucherDate: payment.effectiveDate,
    VoucherText: `Zuora ${payment.type.toLowerCase()} payment ${payment.number}`,
    rows: toRows(
      [
        { account: cash!, costCenter: settings.balanceSheetCostCenter, side: "debit", amount: payment.amount, text: `${payment.type} payment ${payment.number}` },
        { account: receivable!, costCenter: settings.balanceSheetCostCenter, side: "credit", amount: payment.amount, text: applied ? `Applied to ${applied}` : `Receivable ${payment.account.accountNumber}` },
      ],
      company,
      payment.currency,
      payment.number,
    ),
  }));
};

/** Posted debit memo -> voucher, as an invoice: credit each line's revenue account and the tax, debit the receivable. */
export const mapDebitMemoVoucher = ({ memo, maps, settings }: { memo: ZuoraDebitMemoDocument; maps: ValueMapIndex; settings: ZuoraIfsCloudSettings }): MappingResult<IfsVoucherInput> => {
  const result = mapInvoiceVoucher({
    invoice: { id: memo.id, invoiceNumber: memo.number, account: memo.account, status: memo.status, currency: memo.currency, amount: memo.amount, invoiceDate: memo.memoDate, lines: memo.lines },
    maps,
    settings,
  });
  if (!result.output) return result;
  const text = `Zuora debit memo ${memo.number}${memo.reasonCode ? ` (${memo.reasonCode})` : ""}`.slice(0, 200);
  return { ...result, output: { ...result.output, VoucherType: settings.debitMemoVoucherType, VoucherText: text } };
};

/**
 * Processed refund -> voucher: the money leaves the cash account of its type (credit) and the
 * customer's credit in the receivable is used up (debit): the payment's voucher credited the
 * receivable with all of it, the refunded part included.
 */
export const mapRefundVoucher = ({ refund, maps, settings }: { refund: ZuoraRefundDocument; maps: ValueMapIndex; settings: ZuoraIfsCloudSettings }): MappingResult<IfsVoucherInput> => {
  const ctx = createMappingContext(maps);
  const company = resolveCompany(ctx, maps, refund.account, refund.currency);
  if (company === undefined) return ctx.finish(() => null as never);
  const role = refund.type === "Electronic" ? GL_ROLE.electronic : GL_ROLE.external;
  const cash = ctx.lookup(MAP.glAccount, glKeyOf(company, role), `${role.toLowerCase()} account in company ${company}`);
  const receivable = ctx.lookup(MAP.glAccount, glKeyOf(company, GL_ROLE.receivable), `receivable account in company ${company}`);
  if (!(refund.amount > 0)) ctx.invalid("amount", `Refund ${refund.number} has no positive amount (${refund.amount})`);
  return ctx.finish(() => ({
    Company: company,
    VoucherType: settings.refundVoucherType,
    VoucherDate: refund.refundDate,
    VoucherText: `Zuora ${refund.type.toLowerCase()} refund ${refund.number}`,
    rows: toRows(
      [
        { account: receivable!, costCenter: settings.balanceSheetCostCenter, side: "debit", amount: refund.amount, text: `Refund to ${refund.account.accountNumber}` },
        { account: cash!, costCenter: settings.balanceSheetCostCenter, side: "credit", amount: refund.amount, text: `${refund.type} refund ${refund.number}${refund.methodType ? ` (${refund.methodType})` : ""}` },
      ],
      company,
      refund.currency,
      refund.number,
    ),
  }));
};

/**
 * Invoice item adjustment -> voucher by the admin's posting rule ("posting-rule" map of
 * "<type> | <reason code>", else "<type>": the IFS account of the other side). A Credit lowers the
 * receivable (debit the rule's account, credit receivable); a Charge raises it. No rule holds the
 * record, naming the rule to add.
 */
export const mapAdjustmentVoucher = ({ adjustment, maps, settings }: { adjustment: ZuoraInvoiceAdjustmentDocument; maps: ValueMapIndex; settings: ZuoraIfsCloudSettings }): MappingResult<IfsVoucherInput> => {
  const ctx = createMappingContext(maps);
  const company = resolveCompany(ctx, maps, adjustment.account, adjustment.currency);
  if (company === undefined) return ctx.finish(() => null as never);
  const credit = adjustment.type === "Credit";
  if (!credit && adjustment.type !== "Charge") ctx.invalid("type", `Invoice adjustment ${adjustment.number} has type ${adjustment.type}, neither Credit nor Charge`);
  if (!(adjustment.amount > 0)) ctx.invalid("amount", `Invoice adjustment ${adjustment.number} has no positive amount (${adjustment.amount})`);
  const rules = maps.get(MAP.postingRule);
  const specific = postingRuleKeyOf(adjustment.type, adjustment.reasonCode);
  const account =
    rules?.get(specific) ??
    rules?.get(postingRuleKeyOf(adjustment.type)) ??
    ctx.lookup(MAP.postingRule, specific, `posting rule for ${adjustment.type} adjustments${adjustment.reasonCode ? ` with reason "${adjustment.reasonCode}"` : ""} (or "${adjustment.type}" for all of them)`);
  const receivable = ctx.lookup(MAP.glAccount, glKeyOf(company, GL_ROLE.receivable), `receivable account in company ${company}`);
  return ctx.finish(() => {
    const rule: Row = { account: account!, costCenter: settings.balanceSheetCostCenter, side: credit ? "debit" : "credit", amount: adjustment.amount, text: `${adjustment.type} adjustment ${adjustment.number}${adjustment.reasonCode ? ` (${adjustment.reasonCode})` : ""}` };
    const ar: Row = { account: receivable!, costCenter: settings.balanceSheetCostCenter, side: credit ? "credit" : "debit", amount: adjustment.amount, text: `Receivable ${adjustment.account.accountNumber}` };
    return {
      Company: company,
      VoucherType: settings.adjustmentVoucherType,
      VoucherDate: adjustment.adjustmentDate,
      VoucherText: `Zuora invoice adjustment ${adjustment.number}`,
      rows: toRows(credit ? [rule, ar] : [ar, rule], company, adjustment.currency, adjustment.number),
    };
  });
};
