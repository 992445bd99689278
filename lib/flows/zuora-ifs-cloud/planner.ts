// The planner of Zuora -> IFS Cloud: what each Zuora record becomes in IFS (post, hold, skip or fail).
import {
  zuoraCreditMemoDocumentSchema,
  zuoraDebitMemoDocumentSchema,
  zuoraInvoiceAdjustmentDocumentSchema,
  zuoraInvoiceDocumentSchema,
  zuoraPaymentDocumentSchema,
  zuoraRefundDocumentSchema,
} from "../../connectors/zuora/documents";
import type { IfsVoucherInput } from "../../connectors/ifs-cloud/schemas";
import type { MappingResult } from "../../mapping/create-mapping-context";
import type { FlowRuntime, ProcessPlan } from "../types";
import type { LedgerChecks } from "./ledger-checks";
import { mapAdjustmentVoucher, mapCreditMemoVoucher, mapDebitMemoVoucher, mapInvoiceVoucher, mapPaymentVoucher, mapRefundVoucher, unbalancedReason } from "./mapping";
import type { ZuoraIfsCloudSettings } from "./settings";

/** The kind of the missing key a closed period holds a record on (released by replay once it is open). */
export const PERIOD_OPEN = "period-open";

/** Target entity of every document of this flow. */
export const VOUCHER = "Voucher";

export const createPlanner = (settings: ZuoraIfsCloudSettings, checks: LedgerChecks): FlowRuntime["plan"] => {
  /** A mapped voucher checked (balance, company, currency, period) and posted, or why not. */
  const planVoucher = async (result: MappingResult<IfsVoucherInput>, doc: { number: string; currency: string; what: string }): Promise<ProcessPlan> => {
    const invalid = result.issues.flatMap((i) => (i.type === "invalid" ? [i.message] : []));
    if (invalid.length > 0) return { action: "fail", reason: invalid.join("; ") };
    const missing = result.issues.flatMap((i) => (i.type === "missing" ? [i.missing] : []));
    if (missing.length > 0 || !result.output) return { action: "hold", reason: "mapping-missing", missing };
    const voucher = result.output;
    const unbalanced = unbalancedReason(voucher);
    if (unbalanced) return { action: "fail", reason: `${doc.what}: ${unbalanced}` };
    const company = await checks.companyCurrency(voucher.Company);
    if (!company) return { action: "fail", reason: `IFS has no company ${voucher.Company} (mapped for ${doc.what}); fix the company mapping, then replay` };
    if (company.currency && company.currency !== doc.currency) {
      return {
        action: "fail",
        reason: `${doc.what} is in ${doc.currency} but IFS company ${voucher.Company} keeps its books in ${company.currency}; map the account or currency to a company in ${doc.currency}, then replay`,
      };
    }
    const period = await checks.periodStatus(voucher.Company, voucher.VoucherDate);
    if (period === null) return { action: "fail", reason: `IFS company ${voucher.Company} has no accounting period for ${voucher.VoucherDate} (${doc.what})` };
    if (period !== "Open") {
      const month = voucher.VoucherDate.slice(0, 7);
      return {
        action: "hold",
        reason: "period-closed",
        missing: [{ kind: PERIOD_OPEN, sourceKey: `${voucher.Company} ${month}`, label: `IFS period ${month} of company ${voucher.Company} is ${period.toLowerCase()}; replay once it is open` }],
      };
    }
    return { action: "post", documents: [{ entity: VOUCHER, naturalKey: doc.number, document: voucher }], mapped: voucher };
  };

  return async ({ record, maps }) => {
    const type = record.objectType;
    if (type === "invoice") {
      const invoice = zuoraInvoiceDocumentSchema.parse(record.sourcePayload);
      if (invoice.status !== "Posted") return { action: "skip", reason: `invoice status is ${invoice.status}: only posted invoices are synced` };
      return planVoucher(mapInvoiceVoucher({ invoice, maps, settings }), { number: invoice.invoiceNumber, currency: invoice.currency, what: `Invoice ${invoice.invoiceNumber}` });
    }
    if (type === "payment") {
      const payment = zuoraPaymentDocumentSchema.parse(record.sourcePayload);
      if (payment.status !== "Processed") return { action: "skip", reason: `payment status is ${payment.status}: only processed payments are synced` };
      if (payment.type !== "Electronic" && !settings.postExternalPayments) return { action: "skip", reason: "external-payment-captured: captured for audit; postExternalPayments is off" };
      return planVoucher(mapPaymentVoucher({ payment, maps, settings }), { number: payment.number, currency: payment.currency, what: `Payment ${payment.number}` });
    }
    if (type === "credit-memo") {
      if (!settings.invoiceSettlement) return { action: "skip", reason: "invoice-settlement-off: credit memos exist only with Invoice Settlement" };
      const memo = zuoraCreditMemoDocumentSchema.parse(record.sourcePayload);
      if (!settings.postCreditMemos) return { action: "skip", reason: "credit-memo-tracked: postCreditMemos is off" };
      if (memo.status !== "Posted") return { action: "skip", reason: `credit memo status is ${memo.status}: only posted credit memos are synced` };
      return planVoucher(mapCreditMemoVoucher({ memo, maps, settings }), { number: memo.number, currency: memo.currency, what: `Credit memo ${memo.number}` });
    }
    if (type === "debit-memo") {
      if (!settings.invoiceSettlement) return { action: "skip", reason: "invoice-settlement-off: debit memos exist only with Invoice Settlement" };
      const memo = zuoraDebitMemoDocumentSchema.parse(record.sourcePayload);
      if (memo.status !== "Posted") return { action: "skip", reason: `debit memo status is ${memo.status}: only posted debit memos are synced` };
      return planVoucher(mapDebitMemoVoucher({ memo, maps, settings }), { number: memo.number, currency: memo.currency, what: `Debit memo ${memo.number}` });
    }
    if (type === "refund") {
      const refund = zuoraRefundDocumentSchema.parse(record.sourcePayload);
      if (refund.status !== "Processed") return { action: "skip", reason: `refund status is ${refund.status}: only processed refunds are synced` };
      return planVoucher(mapRefundVoucher({ refund, maps, settings }), { number: refund.number, currency: refund.currency, what: `Refund ${refund.number}` });
    }
    if (type === "invoice-adjustment") {
      const adjustment = zuoraInvoiceAdjustmentDocumentSchema.parse(record.sourcePayload);
      if (adjustment.status !== "Processed") return { action: "skip", reason: `invoice adjustment status is ${adjustment.status}: only processed adjustments are synced` };
      return planVoucher(mapAdjustmentVoucher({ adjustment, maps, settings }), { number: adjustment.number, currency: adjustment.currency, what: `Invoice adjustment ${adjustment.number}` });
    }
    return { action: "skip", reason: `object type ${type} is not synced by this flow` };
  };
};
