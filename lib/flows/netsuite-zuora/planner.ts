// The planner of NetSuite -> Zuora: customers become Zuora accounts (master data), invoices become
// posted standalone invoices on the account of their customer (documents).
import { z } from "zod";
import { netsuiteCustomerDocumentSchema, netsuiteInvoiceDocumentSchema } from "../../connectors/netsuite/documents";
import type { MappingIssue } from "../../mapping/create-mapping-context";
import type { FlowRuntime, ProcessPlan } from "../types";
import { mapCustomerToAccount, mapInvoice, type NetsuiteZuoraSettings } from "./mapping";

/** What a customer record's mapped payload (ZuoraAccountInput) tells an invoice. */
const postedAccountSchema = z.object({ currency: z.string() });

const planOf = (issues: MappingIssue[], ensure: { objectType: string; sourceId: string }[]): ProcessPlan => {
  const invalid = issues.flatMap((i) => (i.type === "invalid" ? [i.message] : []));
  if (invalid.length > 0) return { action: "fail", reason: invalid.join("; ") };
  const missing = issues.flatMap((i) => (i.type === "missing" ? [i.missing] : []));
  const reason = missing.some((m) => !m.dependency) ? "mapping-missing" : "waiting-for-customer";
  return { action: "hold", reason, missing, ...(ensure.length > 0 ? { ensure } : {}) };
};

export const createPlanner = (settings: NetsuiteZuoraSettings): FlowRuntime["plan"] => async ({ record, maps, ledger }) => {
  if (record.objectType === "customer") {
    const customer = netsuiteCustomerDocumentSchema.parse(record.sourcePayload);
    if (customer.isInactive && settings.skipInactiveCustomers && !record.posted) return { action: "skip", reason: "inactive NetSuite customer (skipInactiveCustomers is on)" };
    const result = mapCustomerToAccount({ customer, maps, settings });
    if (!result.output) return planOf(result.issues, []);
    return { action: "post", documents: [{ entity: "Account", naturalKey: customer.id, document: result.output }], mapped: result.output };
  }
  if (record.objectType === "invoice") {
    const invoice = netsuiteInvoiceDocumentSchema.parse(record.sourcePayload);
    const posted = await ledger.postedRecord({ objectType: "customer", sourceId: invoice.customerId });
    const currency = postedAccountSchema.safeParse(posted?.mappedPayload);
    const account = posted ? { id: posted.targetId, currency: currency.success ? currency.data.currency : null } : null;
    const result = mapInvoice({ invoice, account, maps, settings });
    if (!result.output) return planOf(result.issues, result.requiresCustomer ? [{ objectType: "customer", sourceId: invoice.customerId }] : []);
    const { currency: _currency, ...document } = result.output;
    return {
      action: "post",
      documents: [{ entity: "Invoice", naturalKey: invoice.id, document: { ...document, customFields: { [settings.linkField]: invoice.id } } }],
      mapped: result.output,
    };
  }
  return { action: "skip", reason: `object type ${record.objectType} is not synced by this flow` };
};
