// The planner of Zuora -> Acumatica: what each Zuora record becomes in Acumatica (post, hold, skip
// or fail), from its document, the value maps, the settings, the ledger and reads of Acumatica
// (customers, financial periods).
import { z } from "zod";
import { acumaticaConfig } from "../../connectors/acumatica/config";
import type { CustomerLookup, PeriodLookup } from "../../connectors/acumatica/target";
import { acumaticaCustomerSchema, type AcumaticaCustomer } from "../../connectors/acumatica/schemas";
import {
  zuoraAccountDocumentSchema,
  zuoraCreditMemoDocumentSchema,
  zuoraInvoiceDocumentSchema,
  zuoraPaymentDocumentSchema,
  zuoraRefundDocumentSchema,
  type ZuoraAccountDocument,
  type ZuoraAccountRef,
} from "../../connectors/zuora/documents";
import type { MappingIssue } from "../../mapping/create-mapping-context";
import { deriveCustomerId } from "../../mapping/derive-customer-id";
import type { MissingKey } from "../../mapping/missing-key";
import type { ValueMapIndex } from "../../mapping/value-map-index";
import type { FlowRuntime, LedgerReader, ProcessPlan } from "../types";
import { mapAccountToCustomer, mapCreditMemo, mapInvoice, mapPayment, mapRefund, periodOf, tenantDate, type PostingPeriod, type ResolvedCustomer, type ZuoraAcumaticaSettings } from "./mapping";
import { planPostedPayment } from "./payment-changes";
import { periodDocumentSchema } from "./periods";

const holdReason = (missing: MissingKey[]) =>
  missing.some((m) => !m.dependency)
    ? "mapping-missing"
    : missing.some((m) => m.kind === "invoice")
      ? "waiting-for-invoice"
      : missing.some((m) => m.kind === "payment")
        ? "waiting-for-payment"
        : missing.some((m) => m.kind === "credit-memo")
          ? "waiting-for-credit-memo"
          : "waiting-for-customer";

/** Turns a mapping result into a plan: invalid data fails, missing keys hold, else `post`. */
const planFrom = <T, R extends ProcessPlan | Promise<ProcessPlan>>(
  result: { output: T | null; issues: MappingIssue[] },
  post: (output: T) => R,
  ensureFor: (missing: MissingKey) => { objectType: string; sourceId: string } | null,
): ProcessPlan | R => {
  const invalid = result.issues.flatMap((i) => (i.type === "invalid" ? [i.message] : []));
  if (invalid.length > 0) return { action: "fail", reason: invalid.join("; ") };
  const missing = result.issues.flatMap((i) => (i.type === "missing" ? [i.missing] : []));
  if (missing.length > 0) {
    const ensure = missing.flatMap((m) => (m.dependency ? [ensureFor(m)].filter((x) => x !== null) : []));
    return { action: "hold", reason: holdReason(missing), missing, ...(ensure.length > 0 ? { ensure } : {}) };
  }
  return post(result.output as T);
};

/** The part of an account record's mapped payload (AcumaticaCustomerDoc) the planner trusts. */
const postedCustomerSchema = z.object({ customerId: z.string(), currencyId: z.string().nullish() });

/**
 * Why an Acumatica customer cannot take this Zuora account's documents, or null: another currency,
 * or another account's id in its Account Ref.
 */
export const customerMismatch = (row: Pick<AcumaticaCustomer, "CustomerID" | "CurrencyID" | "AccountRef">, account: { id: string; accountNumber: string }, currency: string): string | null => {
  if (row.CurrencyID && row.CurrencyID !== currency) {
    return `Zuora account ${account.accountNumber} bills in ${currency}; Acumatica customer ${row.CustomerID} is in ${row.CurrencyID}`;
  }
  if (row.AccountRef && row.AccountRef !== account.id) {
    return `Acumatica customer ${row.CustomerID} belongs to Zuora account id ${row.AccountRef}, not to ${account.accountNumber} (id ${account.id})`;
  }
  return null;
};

/**
 * Holds a record until an admin maps the account to the right customer: the "customer" value map of
 * the account number, to any customer but `refused` when the refused one is already mapped.
 */
const holdMismatch = (account: { accountNumber: string }, description: string, refused?: string): ProcessPlan => ({
  action: "hold",
  reason: "customer-mismatch",
  missing: [{ kind: "customer", sourceKey: account.accountNumber, label: description, ...(refused ? { refusedTarget: refused } : {}) }],
});

/**
 * A posted account whose Zuora version changed (accounts are master data): its customer gets the
 * mapped name (and class, e-mail). The currency is never updated: Acumatica keeps a customer's
 * currency once documents use it, so a changed Zuora currency holds `customer-mismatch` until the
 * account is mapped to a customer in its new currency.
 */
export const planCustomerUpdate = ({
  account,
  posted,
  maps,
  settings,
}: {
  account: ZuoraAccountDocument;
  posted: { targetRef: string | null; mappedPayload: unknown };
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
}): ProcessPlan => {
  const before = postedCustomerSchema.safeParse(posted.mappedPayload);
  const customerId = before.success ? before.data.customerId : posted.targetRef;
  if (!customerId) return { action: "fail", reason: `The customer posted for Zuora account ${account.accountNumber} is not known; replay the account's first posting` };
  const result = mapAccountToCustomer({ account, maps: withCustomer(maps, account.accountNumber, customerId), settings });
  return planFrom(
    result,
    (doc) => {
      const postedCurrency = before.success ? before.data.currencyId : null;
      if (postedCurrency && doc.currencyId !== postedCurrency) {
        return holdMismatch(account, `Zuora account ${account.accountNumber} changed its currency from ${postedCurrency} to ${doc.currencyId}; Acumatica customer ${customerId} keeps ${postedCurrency}`, customerId);
      }
      return { action: "post", documents: [{ entity: "Customer", naturalKey: customerId, document: doc }], mapped: doc };
    },
    () => null,
  );
};

/**
 * The CustomerIDs a billing account's customer may have: its account number (matched) and the id a
 * new customer gets. A first-pass poll page asks Acumatica for both of each account in one call
 * (the target's lookUpMany).
 */
export const accountCustomerIds = (settings: Pick<ZuoraAcumaticaSettings, "customerIdPrefix">, accountNumber: string) => [
  accountNumber,
  deriveCustomerId({ prefix: settings.customerIdPrefix, accountNumber }),
];

/** What a first-pass page found of an account's customers (the Acumatica target's lookUpMany hits). */
const pageCustomersSchema = z.array(z.object({ read: acumaticaCustomerSchema }));

/** `maps` with the account's customer set (an update keeps the customer it posted to). */
const withCustomer = (maps: ValueMapIndex, accountNumber: string, customerId: string): ValueMapIndex =>
  new Map([...maps, ["customer", new Map([...(maps.get("customer") ?? []), [accountNumber, customerId]])]]);

/** The posted invoice a canceled invoice's record holds in its ledger (what to reverse). */
const postedInvoiceSchema = z.object({ customerId: z.string() }).loose();

export const createPlanner = (settings: ZuoraAcumaticaSettings, lookup: CustomerLookup, periods: PeriodLookup): FlowRuntime["plan"] => {
  type Resolved = ResolvedCustomer | null | { absent: string } | { mismatch: string; refused?: string };
  /**
   * The customer a document's account maps to, checked against the document: its currency and the
   * Zuora account id in its Account Ref. A customer this flow posted for the account (ledger) is
   * known without asking Acumatica; a map an admin entered is checked there (once per job). Without a
   * map, a customer the account would be matched to is checked too, so its documents hold
   * `customer-mismatch` with the account.
   */
  const resolveCustomer = async (account: ZuoraAccountRef, currency: string, maps: ValueMapIndex, ledger: LedgerReader): Promise<Resolved> => {
    const customerId = maps.get("customer")?.get(account.accountNumber);
    if (!customerId) {
      if (!settings.createCustomers || !settings.matchExistingCustomers) return null;
      const match = (await lookup.find(account.accountNumber))[0];
      const problem = match ? customerMismatch(match, account, currency) : null;
      return problem ? { mismatch: problem } : null;
    }
    const posted = postedCustomerSchema.safeParse((await ledger.postedRecord({ objectType: "account", sourceId: account.id }))?.mappedPayload);
    if (posted.success && posted.data.customerId === customerId) {
      const known = posted.data.currencyId ?? null;
      if (known && known !== currency) return { mismatch: `Zuora account ${account.accountNumber} has a ${currency} document; Acumatica customer ${customerId} is in ${known}`, refused: customerId };
      return { customerId, currency: known };
    }
    const row = (await lookup.find(customerId))[0];
    if (!row) return { absent: customerId };
    const problem = customerMismatch(row, account, currency);
    return problem ? { mismatch: problem, refused: customerId } : { customerId, currency: row.CurrencyID ?? null };
  };
  /** A plan for a customer that is absent or refused, else null (the customer, or null, is usable). */
  const refusal = (resolved: Resolved, account: ZuoraAccountRef): ProcessPlan | null => {
    if (resolved && "absent" in resolved) {
      return { action: "fail", reason: `Acumatica has no customer ${resolved.absent} (mapped from Zuora account ${account.accountNumber}); fix the customer mapping, then replay` };
    }
    if (resolved && "mismatch" in resolved) return holdMismatch(account, resolved.mismatch, resolved.refused);
    return null;
  };

  /**
   * Where a document dated `date` lands: its own period when open; a closed period holds it
   * `period-closed` (released when the flow's period check sees it open), or with the flow setting
   * it goes to the next open period, its date kept and named in the description.
   */
  const periodFor = async (date: string): Promise<{ hold: ProcessPlan } | { period?: PostingPeriod }> => {
    const id = periodOf(date);
    if ((await periods.state(id)) !== "Closed" || (await periods.state(id, { fresh: true })) !== "Closed") return {};
    if (settings.closedPeriods === "next-open-period") {
      const next = await periods.nextOpen(id);
      if (next) return { period: { postPeriod: next, note: `${id.slice(0, 2)}-${id.slice(2)} is closed` } };
    }
    const missing: MissingKey[] = [{ kind: "period", sourceKey: id, label: `${id.slice(0, 2)}-${id.slice(2)} is closed in Acumatica's Accounts Receivable` }];
    return { hold: { action: "hold", reason: "period-closed", missing, ensure: [{ objectType: "period", sourceId: id }] } };
  };

  return async ({ record, maps, ledger }) => {
    const type = record.objectType;
    if (type === "period") {
      const period = periodDocumentSchema.parse(record.sourcePayload);
      if (period.status === "Closed") return { action: "skip", reason: `the ${period.label} financial period is closed in Acumatica's Accounts Receivable` };
      return { action: "post", documents: [{ entity: "FinancialPeriod", naturalKey: period.period, document: period }], mapped: period };
    }
    if (type === "account") {
      if (!settings.createCustomers) return { action: "skip", reason: "createCustomers is off: accounts are matched to existing customers by value map" };
      const account = zuoraAccountDocumentSchema.parse(record.sourcePayload);
      if (record.posted) return planCustomerUpdate({ account, posted: record.posted, maps, settings });
      const mapped = maps.get("customer")?.get(account.accountNumber);
      // The first-pass page that listed the account asked Acumatica for both its ids: that answer stands for
      // this attempt's look-ups of them (the planner's and the engine's), in whichever process it runs, as
      // long as a look-up of the process's own would (customerLookUpTtlMs). The create is insert-only, so a
      // customer keyed in meanwhile under the new id is refused (412), never overwritten or doubled.
      const [accountId, derivedId] = accountCustomerIds(settings, account.accountNumber) as [string, string];
      const fresh = record.targetLookUp && record.naturalKey === account.accountNumber && record.targetLookUp.ageMs < acumaticaConfig.customerLookUpTtlMs;
      const pageRows = fresh ? pageCustomersSchema.safeParse(record.targetLookUp!.found) : undefined;
      if (pageRows?.success) {
        for (const id of [accountId, derivedId]) lookup.answer(id, pageRows.data.flatMap((hit) => (hit.read.CustomerID.toLowerCase() === id.toLowerCase() ? [hit.read] : [])));
      }
      let matched: AcumaticaCustomer | undefined;
      if (settings.matchExistingCustomers && !mapped) {
        // the id a new customer would get goes in the same call (its check below reads it without one)
        const [existing] = await Promise.all([lookup.find(accountId), lookup.find(derivedId)]);
        if (existing.length > 1) return { action: "fail", reason: `Acumatica has ${existing.length} customers ${account.accountNumber}; resolve the duplicate there first` };
        matched = existing[0];
      }
      const result = mapAccountToCustomer({ account, maps: matched ? withCustomer(maps, account.accountNumber, matched.CustomerID) : maps, settings });
      return planFrom(
        result,
        async (doc) => {
          // The customer it would use (matched, mapped, or one already holding the derived id) must be this account's.
          const row = matched ?? (await lookup.find(doc.customerId))[0];
          const problem = row ? customerMismatch(row, account, account.currency) : null;
          if (problem) return holdMismatch(account, problem, mapped);
          const label = matched ? "matched by account number" : "created by ml-connector";
          const document = matched ? { ...doc, name: matched.CustomerName ?? doc.name, currencyId: matched.CurrencyID ?? doc.currencyId } : doc;
          return {
            action: "post",
            documents: [{ entity: "Customer", naturalKey: doc.customerId, document }],
            mapped: document,
            valueMaps: mapped ? [] : [{ kind: "customer", sourceKey: account.accountNumber, sourceLabel: account.name, targetValue: doc.customerId, targetLabel: label }],
          };
        },
        () => null,
      );
    }
    if (type === "invoice") {
      const invoice = zuoraInvoiceDocumentSchema.parse(record.sourcePayload);
      if (record.posted) {
        // Invoices follow their source after posting only to catch a cancellation; anything else keeps what was posted.
        const keep: ProcessPlan = { action: "post", documents: [{ entity: "Invoice", naturalKey: invoice.invoiceNumber, document: record.posted.mappedPayload }], mapped: record.posted.mappedPayload };
        if (invoice.status !== "Canceled" && invoice.status !== "Cancelled") return keep;
        const decision = maps.get("canceled-invoice")?.get(invoice.invoiceNumber);
        if (decision === "keep") return keep;
        if (settings.canceledInvoices === "hold" && decision !== "reverse") {
          return {
            action: "hold",
            reason: "canceled-after-posting",
            missing: [{ kind: "canceled-invoice", sourceKey: invoice.invoiceNumber, label: `canceled in Zuora after it posted as ${record.posted.targetRef ?? record.posted.targetId}: map to "reverse" or "keep"` }],
          };
        }
        if (!record.posted.targetRef || !postedInvoiceSchema.safeParse(record.posted.mappedPayload).success) {
          return { action: "fail", reason: `Invoice ${invoice.invoiceNumber} was canceled in Zuora but its Acumatica invoice is not known; reverse it in Acumatica by hand` };
        }
        const reversal = { invoiceRef: record.posted.targetRef, reason: `canceled in Zuora` };
        return {
          action: "post",
          documents: [
            { entity: "Invoice", naturalKey: invoice.invoiceNumber, document: record.posted.mappedPayload },
            { entity: "InvoiceReversal", naturalKey: invoice.invoiceNumber, document: reversal },
          ],
          mapped: { ...(record.posted.mappedPayload as object), reversal },
        };
      }
      if (invoice.status !== "Posted") return { action: "skip", reason: `invoice status is ${invoice.status}: only posted invoices are synced` };
      const customer = await resolveCustomer(invoice.account, invoice.currency, maps, ledger);
      const refused = refusal(customer, invoice.account);
      if (refused) return refused;
      const at = await periodFor(tenantDate(invoice.invoiceDate, settings.tenantTimeZone));
      if ("hold" in at) return at.hold;
      const result = mapInvoice({ invoice, customer: customer as ResolvedCustomer | null, maps, settings, period: at.period });
      return planFrom(
        result,
        (doc) => ({ action: "post", documents: [{ entity: "Invoice", naturalKey: invoice.invoiceNumber, document: doc }], mapped: doc }),
        () => ({ objectType: "account", sourceId: invoice.account.id }),
      );
    }
    if (type === "payment") {
      if (!settings.invoiceSettlement) {
        return { action: "skip", reason: "invoice-settlement-off: without Invoice Settlement Zuora does not say which invoices a payment paid (/v1/payments/{key}/parts needs it); apply it in Acumatica by hand" };
      }
      const payment = zuoraPaymentDocumentSchema.parse(record.sourcePayload);
      if (record.posted) return planPostedPayment({ payment, posted: record.posted, maps, settings });
      if (payment.status !== "Processed") return { action: "skip", reason: `payment status is ${payment.status}: only processed payments are synced` };
      if (payment.type === "External" && !settings.postExternalPayments) return { action: "skip", reason: "external payments are not posted (postExternalPayments is off)" };
      const customer = await resolveCustomer(payment.account, payment.currency, maps, ledger);
      const refused = refusal(customer, payment.account);
      if (refused) return refused;
      const invoiceRefs = new Map<string, string>();
      for (const app of payment.applications) {
        const posted = await ledger.postedRecord({ objectType: "invoice", sourceId: app.invoiceId });
        if (posted?.targetRef) invoiceRefs.set(app.invoiceId, posted.targetRef);
      }
      const at = await periodFor(tenantDate(payment.effectiveDate, settings.tenantTimeZone));
      if ("hold" in at) return at.hold;
      const result = mapPayment({ payment, customer: customer as ResolvedCustomer | null, invoiceRefs, maps, settings, period: at.period });
      return planFrom(
        result,
        (doc) => ({ action: "post", documents: [{ entity: "Payment", naturalKey: payment.number, document: doc }], mapped: doc }),
        (m) => (m.kind === "invoice" ? { objectType: "invoice", sourceId: m.sourceKey } : { objectType: "account", sourceId: payment.account.id }),
      );
    }
    if (type === "credit-memo") {
      if (!settings.invoiceSettlement) return { action: "skip", reason: "invoice-settlement-off: credit memos are posted only where the tenant has Invoice Settlement" };
      const memo = zuoraCreditMemoDocumentSchema.parse(record.sourcePayload);
      if (memo.status !== "Posted") return { action: "skip", reason: `credit memo status is ${memo.status}: only posted credit memos are synced` };
      const invoice = memo.referredInvoiceId ? await ledger.postedRecord({ objectType: "invoice", sourceId: memo.referredInvoiceId }) : null;
      if (memo.referredInvoiceId && !invoice) {
        const missing: MissingKey[] = [{ kind: "invoice", sourceKey: memo.referredInvoiceId, dependency: true }];
        return { action: "hold", reason: "waiting-for-invoice", missing, ensure: [{ objectType: "invoice", sourceId: memo.referredInvoiceId }] };
      }
      const customer = await resolveCustomer(memo.account, memo.currency, maps, ledger);
      const refused = refusal(customer, memo.account);
      if (refused) return refused;
      const at = await periodFor(tenantDate(memo.memoDate, settings.tenantTimeZone));
      if ("hold" in at) return at.hold;
      const result = mapCreditMemo({ memo, customer: customer as ResolvedCustomer | null, invoiceRef: invoice?.targetRef, maps, settings, period: at.period });
      return planFrom(
        result,
        (doc) => ({ action: "post", documents: [{ entity: "CreditMemo", naturalKey: memo.number, document: doc }], mapped: doc }),
        () => ({ objectType: "account", sourceId: memo.account.id }),
      );
    }
    if (type === "refund") {
      if (!settings.invoiceSettlement) return { action: "skip", reason: "invoice-settlement-off: refunds of unapplied payments exist only where the tenant has Invoice Settlement" };
      const refund = zuoraRefundDocumentSchema.parse(record.sourcePayload);
      if (refund.status !== "Processed") return { action: "skip", reason: `refund status is ${refund.status}: only processed refunds are synced` };
      const customer = await resolveCustomer(refund.account, refund.currency, maps, ledger);
      const refused = refusal(customer, refund.account);
      if (refused) return refused;
      // What the money came from: the Acumatica payment (its unapplied balance) or credit memo Zuora refunded.
      const sourceRefs = new Map<string, { docType: "Payment" | "Credit Memo"; referenceNbr: string }>();
      for (const source of refund.sources) {
        const objectType = source.paymentId ? "payment" : "credit-memo";
        const id = source.paymentId ?? source.creditMemoId;
        if (!id) continue;
        const posted = await ledger.postedRecord({ objectType, sourceId: id });
        if (posted?.targetRef) sourceRefs.set(id, { docType: source.paymentId ? "Payment" : "Credit Memo", referenceNbr: posted.targetRef });
      }
      const at = await periodFor(tenantDate(refund.refundDate, settings.tenantTimeZone));
      if ("hold" in at) return at.hold;
      const result = mapRefund({ refund, customer: customer as ResolvedCustomer | null, sourceRefs, maps, settings, period: at.period });
      return planFrom(
        result,
        (doc) => ({ action: "post", documents: [{ entity: "Refund", naturalKey: refund.number, document: doc }], mapped: doc }),
        (m) => (m.kind === "payment" || m.kind === "credit-memo" ? { objectType: m.kind, sourceId: m.sourceKey } : { objectType: "account", sourceId: refund.account.id }),
      );
    }
    return { action: "skip", reason: `object type ${type} is not synced by this flow` };
  };
};
