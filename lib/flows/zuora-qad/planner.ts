// The planner of Zuora -> QAD: what each Zuora record becomes in QAD (post, hold, skip or fail), from its
// document, the value maps, the settings, QAD's GL calendar and customers, and the ledger.
import { z } from "zod";
import type { QadClient } from "../../connectors/qad/client";
import { zuoraCreditMemoDocumentSchema, zuoraInvoiceDocumentSchema, zuoraPaymentDocumentSchema, type ZuoraAccountRef } from "../../connectors/zuora/documents";
import type { MappingResult } from "../../mapping/create-mapping-context";
import type { MissingKey } from "../../mapping/missing-key";
import type { ValueMapIndex } from "../../mapping/value-map-index";
import type { FlowRuntime, PlannedDocument, ProcessPlan } from "../types";
import { mapCreditMemo, mapInvoice, mapPayment, round2, VALUE_MAP_KINDS, type PeriodInfo } from "./mapping";
import type { ZuoraQadSettings } from "./settings";

/**
 * Why a record waits: a mapping the admin must add (customer match, GL or bank account) comes first;
 * then a closed QAD period (the admin reopens it and replays, or maps a posting date for it); else
 * another record (the invoice a payment or credit memo applies to).
 */
export const holdReason = (missing: readonly MissingKey[]) =>
  missing.some((m) => !m.dependency && m.kind !== VALUE_MAP_KINDS.period) ? "mapping-missing" : missing.some((m) => m.kind === VALUE_MAP_KINDS.period) ? "period-closed" : "waiting-for-invoice";

/** Turns a mapping result into a plan: invalid data fails, missing keys hold (invoices they wait on are ensured), else posts. */
const planFrom = <T>(result: MappingResult<T>, post: (output: T) => PlannedDocument, extraMissing: MissingKey[] = []): ProcessPlan => {
  const invalid = result.issues.flatMap((i) => (i.type === "invalid" ? [i.message] : []));
  if (invalid.length > 0) return { action: "fail", reason: invalid.join("; ") };
  const missing = [...result.issues.flatMap((i) => (i.type === "missing" ? [i.missing] : [])), ...extraMissing];
  if (missing.length > 0) {
    const ensure = missing.filter((m) => m.dependency && m.kind === "invoice").map((m) => ({ objectType: "invoice", sourceId: m.sourceKey }));
    return { action: "hold", reason: holdReason(missing), missing, ...(ensure.length > 0 ? { ensure } : {}) };
  }
  const document = post(result.output as T);
  return { action: "post", documents: [document], mapped: document.document };
};

/** The part of a posted invoice's mapped payload (QadInvoiceInput) a credit memo needs: its total. */
const postedInvoiceSchema = z.object({ lines: z.array(z.object({ amountTC: z.number() })) });

export const createPlanner = (settings: ZuoraQadSettings, client: QadClient): FlowRuntime["plan"] => {
  const periods = async (): Promise<PeriodInfo[]> =>
    (await client.glPeriods()).map((p) => ({ year: p.periodYear, period: p.periodPeriod, startDate: p.periodStartDate, endDate: p.periodEndDate, open: p.periodStatus.toUpperCase() === "OPEN" }));

  /** The QAD customer code the account is matched to (null: not matched yet), or a failure when the match names no usable customer. */
  const customerOf = async (account: ZuoraAccountRef, maps: ValueMapIndex): Promise<{ code: string | null } | { fail: string }> => {
    const code = maps.get(VALUE_MAP_KINDS.customer)?.get(account.accountNumber) ?? null;
    if (!code) return { code: null };
    const customer = await client.findCustomer(code);
    if (!customer) return { fail: `QAD has no customer ${code} (matched to Zuora account ${account.accountNumber}); fix the customer match, then replay` };
    if (customer.isActive === false) return { fail: `QAD customer ${code} (matched to Zuora account ${account.accountNumber}) is inactive; activate it in QAD or change the match, then replay` };
    return { code: customer.customerCode };
  };

  return async ({ record, maps, ledger }) => {
    const common = async (account: ZuoraAccountRef) => {
      const customer = await customerOf(account, maps);
      return "fail" in customer ? customer : { customerCode: customer.code, maps, settings, periods: await periods() };
    };

    if (record.objectType === "invoice") {
      const invoice = zuoraInvoiceDocumentSchema.parse(record.sourcePayload);
      if (invoice.status !== "Posted") return { action: "skip", reason: `invoice status is ${invoice.status}: only posted invoices are synced` };
      const base = await common(invoice.account);
      if ("fail" in base) return { action: "fail", reason: base.fail };
      return planFrom(mapInvoice({ invoice, ...base }), (doc) => ({ entity: "invoice", naturalKey: invoice.invoiceNumber, document: doc }));
    }

    if (record.objectType === "payment") {
      if (!settings.invoiceSettlement) {
        return { action: "skip", reason: "invoice-settlement-off: without Invoice Settlement Zuora does not say which invoices a payment paid, so no receipt can be allocated; post it in QAD by hand" };
      }
      const payment = zuoraPaymentDocumentSchema.parse(record.sourcePayload);
      if (payment.status !== "Processed") return { action: "skip", reason: `payment status is ${payment.status}: only processed payments are synced` };
      if (payment.amount <= 0) return { action: "skip", reason: `payment amount is ${payment.amount}: QAD receipts need a positive amount` };
      if (payment.type === "External" && !settings.postExternalPayments) return { action: "skip", reason: "external payments are not posted (postExternalPayments is off)" };
      const base = await common(payment.account);
      if ("fail" in base) return { action: "fail", reason: base.fail };
      const invoiceVouchers = new Map<string, string>();
      for (const app of payment.applications) {
        const posted = await ledger.postedRecord({ objectType: "invoice", sourceId: app.invoiceId });
        if (posted?.targetRef) invoiceVouchers.set(app.invoiceId, posted.targetRef);
      }
      return planFrom(mapPayment({ payment, invoiceVouchers, ...base }), (doc) => ({ entity: "receipt", naturalKey: payment.number, document: doc }));
    }

    if (record.objectType === "credit-memo") {
      if (!settings.invoiceSettlement) return { action: "skip", reason: "invoice-settlement-off: credit memos become QAD adjustments only where the Zuora tenant has Invoice Settlement" };
      const memo = zuoraCreditMemoDocumentSchema.parse(record.sourcePayload);
      if (memo.status !== "Posted") return { action: "skip", reason: `credit memo status is ${memo.status}: only posted credit memos are synced` };
      const base = await common(memo.account);
      if ("fail" in base) return { action: "fail", reason: base.fail };
      const extra: MissingKey[] = [];
      let referredInvoice: { voucher: string; total: number } | null = null;
      if (memo.referredInvoiceId) {
        const posted = await ledger.postedRecord({ objectType: "invoice", sourceId: memo.referredInvoiceId });
        const lines = postedInvoiceSchema.safeParse(posted?.mappedPayload);
        if (posted?.targetRef && lines.success) referredInvoice = { voucher: posted.targetRef, total: round2(lines.data.lines.reduce((s, l) => s + l.amountTC, 0)) };
        else extra.push({ kind: "invoice", sourceKey: memo.referredInvoiceId, dependency: true });
      }
      return planFrom(mapCreditMemo({ memo, referredInvoice, ...base }), (doc) => ({ entity: "adjustment", naturalKey: memo.number, document: doc }), extra);
    }

    return { action: "skip", reason: `object type ${record.objectType} is not synced by this flow` };
  };
};
