// The planner of Acumatica -> Zoho CRM: customers become Accounts, items Products, posted invoices
// Invoices on their Account; all are master data (a later change in Acumatica updates Zoho). A
// customer the partner flow created from a won deal is linked to that deal's Account, never created
// a second time.
import { z } from "zod";
import { acumaticaCustomerDocumentSchema, acumaticaInvoiceDocumentSchema, acumaticaItemDocumentSchema } from "../../connectors/acumatica/source";
import type { MissingKey } from "../../mapping/missing-key";
import type { FlowRuntime, ProcessPlan } from "../types";
import { mapCustomerToAccount, mapInvoice, mapItemToProduct, type AcumaticaZohoSettings } from "./mapping";

/** The partner's record of a customer it created: the Zoho Account of the won deal. */
const partnerCustomerSchema = z.object({ zohoAccountId: z.string() });

/** Released AR invoices: posted to the ledger. */
const POSTED_STATUSES = new Set(["Open", "Closed"]);


const hold = (missing: MissingKey[], ensure: { objectType: string; sourceId: string }[] = []): ProcessPlan => ({
  action: "hold",
  reason: missing.some((m) => !m.dependency) ? "mapping-missing" : missing.some((m) => m.kind === "customer") ? "waiting-for-customer" : "waiting-for-item",
  missing,
  ...(ensure.length > 0 ? { ensure } : {}),
});

const holdOrPost = (missing: MissingKey[], post: () => ProcessPlan): ProcessPlan => (missing.length > 0 ? hold(missing) : post());


export const createPlanner = (settings: AcumaticaZohoSettings): FlowRuntime["plan"] => async ({ record, maps, ledger }) => {
  const type = record.objectType;
  if (type === "customer") {
    const customer = acumaticaCustomerDocumentSchema.parse(record.sourcePayload);
    const { output, missing } = mapCustomerToAccount({ customer, maps });
    // created by the partner flow from a won deal: its Account exists; write the key onto it (the link)
    const fromDeal = record.posted ? null : await ledger.partnerRecordByTarget({ objectType: "deal", targetId: customer.id });
    const linked = fromDeal ? partnerCustomerSchema.safeParse(fromDeal.mappedPayload) : null;
    const zohoId = linked?.success ? linked.data.zohoAccountId : undefined;
    return holdOrPost(missing, () => ({
      action: "post",
      documents: [{ entity: "Accounts", naturalKey: customer.customerId, document: { record: output, ...(zohoId ? { zohoId } : {}) } }],
      mapped: { record: output, ...(zohoId ? { zohoId, fromDeal: fromDeal?.sourceId } : {}) },
    }));
  }
  if (type === "item") {
    const item = acumaticaItemDocumentSchema.parse(record.sourcePayload);
    const { output, missing } = mapItemToProduct({ item, maps });
    return holdOrPost(missing, () => ({
      action: "post",
      documents: [{ entity: "Products", naturalKey: item.inventoryId, document: { record: output } }],
      mapped: { record: output },
    }));
  }
  if (type === "invoice") {
    const invoice = acumaticaInvoiceDocumentSchema.parse(record.sourcePayload);
    if (!POSTED_STATUSES.has(invoice.status)) return { action: "skip", reason: `invoice status is ${invoice.status || "unknown"}: only released invoices are synced` };
    const unlinked = invoice.lines.findIndex((l) => !l.inventoryId);
    if (unlinked >= 0 && !settings.defaultInventoryId) {
      return { action: "fail", reason: `line ${unlinked + 1} of invoice ${invoice.referenceNbr} has no inventory item: every Zoho invoice line needs a product (set the flow's "Item for lines without one", then replay)` };
    }
    const withItems = { ...invoice, lines: invoice.lines.map((l) => ({ ...l, inventoryId: l.inventoryId ?? settings.defaultInventoryId })) };
    const missing: MissingKey[] = [];
    const account = await ledger.postedRecord({ objectType: "customer", sourceId: invoice.customerId });
    if (!account) missing.push({ kind: "customer", sourceKey: invoice.customerId, dependency: true });
    const productIds = new Map<string, string>();
    for (const inventoryId of new Set(withItems.lines.map((l) => l.inventoryId))) {
      const product = await ledger.postedRecord({ objectType: "item", sourceId: inventoryId });
      if (product) productIds.set(inventoryId, product.targetId);
      else missing.push({ kind: "item", sourceKey: inventoryId, dependency: true });
    }
    const mapped = mapInvoice({ invoice: withItems, accountId: account?.targetId ?? "", productIds, maps, settings });
    const all = [...missing, ...mapped.missing];
    if (all.length > 0) return hold(all, account ? [] : [{ objectType: "customer", sourceId: invoice.customerId }]);
    return { action: "post", documents: [{ entity: "Invoices", naturalKey: invoice.referenceNbr, document: { record: mapped.output } }], mapped: { record: mapped.output } };
  }
  return { action: "skip", reason: `object type ${type} is not synced by this flow` };
};
