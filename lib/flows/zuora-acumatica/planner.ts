// The planner of Zuora -> Acumatica: what each Zuora record becomes in Acumatica (post, hold, skip
// or fail), from its document, the value maps, the settings and the ledger.
import { z } from "zod";
import type { CustomerLookup } from "../../connectors/acumatica/target";
import { zuoraAccountDocumentSchema, zuoraCreditMemoDocumentSchema, zuoraInvoiceDocumentSchema, zuoraPaymentDocumentSchema, type ZuoraAccountDocument } from "../../connectors/zuora/documents";
import type { MappingIssue } from "../../mapping/create-mapping-context";
import type { MissingKey } from "../../mapping/missing-key";
import type { ValueMapIndex } from "../../mapping/value-map-index";
import type { FlowRuntime, LedgerReader, ProcessPlan } from "../types";
import { journalKeyOf, mapAccountToCustomer, mapCreditMemo, mapInvoice, mapJournal, mapPayment, type ResolvedCustomer, type ZuoraAcumaticaSettings } from "./mapping";

const holdReason = (missing: MissingKey[]) =>
  missing.some((m) => !m.dependency) ? "mapping-missing" : missing.some((m) => m.kind === "invoice") ? "waiting-for-invoice" : "waiting-for-customer";

/** Turns a mapping result into a plan: invalid data fails, missing keys hold, else `post`. */
const planFrom = <T>(
  result: { output: T | null; issues: MappingIssue[] },
  post: (output: T) => ProcessPlan,
  ensureFor: (missing: MissingKey) => { objectType: string; sourceId: string } | null,
): ProcessPlan => {
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

export /**
 * A posted account whose Zuora version changed (accounts are master data): its customer gets the
 * mapped name (and class, e-mail). The currency is never updated: Acumatica keeps a customer's
 * currency once documents use it, so a changed Zuora currency fails with that reason.
 */
const planCustomerUpdate = ({
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
        return {
          action: "fail",
          reason: `Zuora account ${account.accountNumber} changed its currency from ${postedCurrency} to ${doc.currencyId}; Acumatica customer ${customerId} keeps ${postedCurrency}. Map the account to a customer in ${doc.currencyId}, then replay`,
        };
      }
      return { action: "post", documents: [{ entity: "Customer", naturalKey: customerId, document: doc }], mapped: doc };
    },
    () => null,
  );
};

/** `maps` with the account's customer set (an update keeps the customer it posted to). */
const withCustomer = (maps: ValueMapIndex, accountNumber: string, customerId: string): ValueMapIndex =>
  new Map([...maps, ["customer", new Map([...(maps.get("customer") ?? []), [accountNumber, customerId]])]]);

export const createPlanner = (settings: ZuoraAcumaticaSettings, lookup: CustomerLookup): FlowRuntime["plan"] => {
  const customers = new Map<string, ResolvedCustomer | null>();
  /**
   * The customer a document's account maps to, with its Acumatica currency; null when not mapped yet.
   * A customer this flow posted for the account (ledger) is known without asking Acumatica; a map an
   * admin entered is checked there once per job.
   */
  const resolveCustomer = async (account: { id: string; accountNumber: string }, maps: ValueMapIndex, ledger: LedgerReader): Promise<ResolvedCustomer | null | "absent"> => {
    const customerId = maps.get("customer")?.get(account.accountNumber);
    if (!customerId) return null;
    if (!customers.has(customerId)) {
      const posted = postedCustomerSchema.safeParse((await ledger.postedRecord({ objectType: "account", sourceId: account.id }))?.mappedPayload);
      if (posted.success && posted.data.customerId === customerId) {
        customers.set(customerId, { customerId, currency: posted.data.currencyId ?? null });
      } else {
        const row = (await lookup.find(customerId))[0];
        customers.set(customerId, row ? { customerId, currency: row.CurrencyID ?? null } : null);
      }
    }
    return customers.get(customerId) ?? "absent";
  };
  const absent = (customerId: string | undefined, accountNumber: string): ProcessPlan => ({
    action: "fail",
    reason: `Acumatica has no customer ${customerId} (mapped from Zuora account ${accountNumber}); fix the customer mapping, then replay`,
  });

  return async ({ record, maps, ledger }) => {
    const type = record.objectType;
    if (type === "account") {
      if (!settings.createCustomers) return { action: "skip", reason: "createCustomers is off: accounts are matched to existing customers by value map" };
      const account = zuoraAccountDocumentSchema.parse(record.sourcePayload);
      if (record.posted) return planCustomerUpdate({ account, posted: record.posted, maps, settings });
      if (settings.matchExistingCustomers && !maps.get("customer")?.has(account.accountNumber)) {
        const existing = await lookup.find(account.accountNumber);
        if (existing.length > 1) return { action: "fail", reason: `Acumatica has ${existing.length} customers ${account.accountNumber}; resolve the duplicate there first` };
        const match = existing[0];
        if (match) {
          const doc = { customerId: match.CustomerID, name: match.CustomerName ?? account.name, currencyId: match.CurrencyID ?? account.currency };
          return {
            action: "post",
            documents: [{ entity: "Customer", naturalKey: match.CustomerID, document: doc }],
            mapped: doc,
            valueMaps: [{ kind: "customer", sourceKey: account.accountNumber, sourceLabel: account.name, targetValue: match.CustomerID, targetLabel: "matched by account number" }],
          };
        }
      }
      const result = mapAccountToCustomer({ account, maps, settings });
      return planFrom(result, (doc) => ({
        action: "post",
        documents: [{ entity: "Customer", naturalKey: doc.customerId, document: doc }],
        mapped: doc,
        valueMaps: maps.get("customer")?.has(account.accountNumber)
          ? []
          : [{ kind: "customer", sourceKey: account.accountNumber, sourceLabel: account.name, targetValue: doc.customerId, targetLabel: "created by ml-connector" }],
      }), () => null);
    }

    if (type === "invoice") {
      const invoice = zuoraInvoiceDocumentSchema.parse(record.sourcePayload);
      if (invoice.status !== "Posted") return { action: "skip", reason: `invoice status is ${invoice.status}: only posted invoices are synced` };
      const customer = await resolveCustomer(invoice.account, maps, ledger);
      if (customer === "absent") return absent(maps.get("customer")?.get(invoice.account.accountNumber), invoice.account.accountNumber);
      const result = mapInvoice({ invoice, customer, maps, settings });
      return planFrom(result, (doc) => {
        if (!settings.postJournal) return { action: "post", documents: [{ entity: "Invoice", naturalKey: invoice.invoiceNumber, document: doc }], mapped: doc };
        const journal = mapJournal({ invoice, mapped: doc, settings });
        if (!journal.output) return { action: "fail", reason: journal.issues.map((i) => (i.type === "invalid" ? i.message : i.missing.sourceKey)).join("; ") };
        return {
          action: "post",
          documents: [
            { entity: "Invoice", naturalKey: invoice.invoiceNumber, document: doc },
            { entity: "JournalTransaction", naturalKey: journalKeyOf(invoice.invoiceNumber), document: journal.output },
          ],
          mapped: { invoice: doc, journal: journal.output },
        };
      }, () => ({ objectType: "account", sourceId: invoice.account.id }));
    }

    if (type === "payment") {
      if (!settings.invoiceSettlement) {
        return { action: "skip", reason: "invoice-settlement-off: without Invoice Settlement Zuora does not say which invoices a payment paid (/v1/payments/{key}/parts needs it); apply it in Acumatica by hand" };
      }
      const payment = zuoraPaymentDocumentSchema.parse(record.sourcePayload);
      if (payment.status !== "Processed") return { action: "skip", reason: `payment status is ${payment.status}: only processed payments are synced` };
      if (payment.type === "External" && !settings.postExternalPayments) return { action: "skip", reason: "external payments are not posted (postExternalPayments is off)" };
      const customer = await resolveCustomer(payment.account, maps, ledger);
      if (customer === "absent") return absent(maps.get("customer")?.get(payment.account.accountNumber), payment.account.accountNumber);
      const invoiceRefs = new Map<string, string>();
      for (const app of payment.applications) {
        const posted = await ledger.postedRecord({ objectType: "invoice", sourceId: app.invoiceId });
        if (posted?.targetRef) invoiceRefs.set(app.invoiceId, posted.targetRef);
      }
      const result = mapPayment({ payment, customer, invoiceRefs, maps, settings });
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
      if (memo.referredInvoiceId && !(await ledger.postedRecord({ objectType: "invoice", sourceId: memo.referredInvoiceId }))) {
        const missing: MissingKey[] = [{ kind: "invoice", sourceKey: memo.referredInvoiceId, dependency: true }];
        return { action: "hold", reason: "waiting-for-invoice", missing, ensure: [{ objectType: "invoice", sourceId: memo.referredInvoiceId }] };
      }
      const customer = await resolveCustomer(memo.account, maps, ledger);
      if (customer === "absent") return absent(maps.get("customer")?.get(memo.account.accountNumber), memo.account.accountNumber);
      const result = mapCreditMemo({ memo, customer, maps, settings });
      return planFrom(
        result,
        (doc) => ({ action: "post", documents: [{ entity: "CreditMemo", naturalKey: memo.number, document: doc }], mapped: doc }),
        () => ({ objectType: "account", sourceId: memo.account.id }),
      );
    }
    return { action: "skip", reason: `object type ${type} is not synced by this flow` };
  };
};

