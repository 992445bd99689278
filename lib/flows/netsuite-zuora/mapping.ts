import { z } from "zod";
import type { NetsuiteCustomerDocument, NetsuiteInvoiceDocument } from "../../connectors/netsuite/documents";
import { zuoraCustomFieldSchema, type ZuoraAccountInput, type ZuoraStandaloneInvoiceInput } from "../../connectors/zuora/writes";
import { createMappingContext, type MappingResult } from "../../mapping/create-mapping-context";
import type { ValueMapIndex } from "../../mapping/value-map-index";

// Persisted JSON: Flow.settings of "netsuite-zuora" flows is parsed with this schema. Changing it needs a
// data migration. Source payloads are NetSuite documents (lib/connectors/netsuite/documents.ts).

/** Settings of a NetSuite -> Zuora flow (Flow.settings). */
export const netsuiteZuoraSettingsSchema = z.object({
  /** Zuora custom field (on accounts and invoices) that holds the NetSuite internal id */
  linkField: zuoraCustomFieldSchema.default("NetSuiteId__c"),
  /** bill cycle day of created Zuora accounts */
  billCycleDay: z.number().int().min(1).max(31).default(1),
  /** first name of the bill-to contact of created accounts (Zuora requires one; NetSuite companies have none) */
  billToFirstName: z.string().min(1).max(100).default("Accounts"),
  /** inactive NetSuite customers are not created in Zuora (an account already created is still updated) */
  skipInactiveCustomers: z.boolean().default(true),
  /** SuiteQL page size and pages per poll job */
  pollPageSize: z.number().int().min(1).max(1000).default(500),
  pollPagesPerJob: z.number().int().min(1).max(100).default(10),
  /** re-read this far behind the high-water mark (SuiteQL stamps are whole seconds) */
  pollOverlapSeconds: z.number().int().min(0).max(86_400).default(120),
});
export type NetsuiteZuoraSettings = z.infer<typeof netsuiteZuoraSettingsSchema>;

/** Value-map kinds of this flow. */
export const ITEM_CHARGE = "item-charge";
export const ITEM_GL = "item-gl";
export const CURRENCY = "currency";

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The ISO code of a NetSuite currency: its name when that is an ISO code, else the "currency" value map. */
const isoCurrency = (ctx: ReturnType<typeof createMappingContext>, name: string | null, what: string) => {
  if (!name) {
    ctx.invalid("currency", `${what} has no currency`);
    return undefined;
  }
  return /^[A-Z]{3}$/.test(name) ? name : ctx.lookup(CURRENCY, name, "NetSuite currency");
};

/** The Zuora account a NetSuite customer becomes (created, then kept up to date). */
export const mapCustomerToAccount = ({ customer, maps, settings }: { customer: NetsuiteCustomerDocument; maps: ValueMapIndex; settings: NetsuiteZuoraSettings }): MappingResult<ZuoraAccountInput> => {
  const ctx = createMappingContext(maps);
  const name = customer.companyName.trim();
  if (!name) ctx.invalid("companyName", `NetSuite customer ${customer.id} has no company name`);
  const currency = isoCurrency(ctx, customer.currency, `NetSuite customer ${customer.entityId ?? customer.id}`);
  return ctx.finish(() => ({
    name: name.slice(0, 255),
    currency: currency!,
    billCycleDay: settings.billCycleDay,
    billToContact: { firstName: settings.billToFirstName, lastName: name.slice(0, 100), ...(customer.email ? { workEmail: customer.email } : {}) },
    ...(customer.entityId ? { notes: `NetSuite customer ${customer.entityId}` } : {}),
    customFields: { [settings.linkField]: customer.id },
  }));
};

/**
 * A NetSuite invoice -> a posted Zuora standalone invoice on the account created for its customer, one
 * line per NetSuite line: the item's Zuora charge ("item-charge") and GL code ("item-gl") from value
 * maps. Line amounts are NetSuite's; they must add up to the invoice total.
 */
export const mapInvoice = ({
  invoice,
  account,
  maps,
}: {
  invoice: NetsuiteInvoiceDocument;
  /** the Zuora account of the customer and its currency; null when the customer is not posted yet (required then) */
  account: { id: string; currency: string | null } | null;
  maps: ValueMapIndex;
  settings: NetsuiteZuoraSettings;
}): MappingResult<ZuoraStandaloneInvoiceInput & { currency: string }> & { requiresCustomer: boolean } => {
  const ctx = createMappingContext(maps);
  if (!account) ctx.require({ kind: "customer", sourceKey: invoice.customerId, label: invoice.customerName ?? invoice.customerId, dependency: true });
  if (invoice.lines.length === 0) ctx.invalid("lines", `NetSuite invoice ${invoice.tranId} has no lines`);
  const currency = isoCurrency(ctx, invoice.currency, `NetSuite invoice ${invoice.tranId}`);
  if (account?.currency && currency && account.currency !== currency) {
    ctx.invalid("currency", `NetSuite invoice ${invoice.tranId} is in ${currency} but the Zuora account of its customer bills in ${account.currency}`);
  }
  const charges = invoice.lines.map((l) => ctx.lookup(ITEM_CHARGE, l.itemName, "NetSuite item"));
  const glCodes = invoice.lines.map((l) => ctx.lookup(ITEM_GL, l.itemName, "NetSuite item"));
  const sum = round2(invoice.lines.reduce((s, l) => s + l.amount, 0));
  if (Math.abs(sum - invoice.total) > 0.005) ctx.invalid("total", `NetSuite invoice ${invoice.tranId} lines add up to ${sum} but its total is ${invoice.total}`);
  const result = ctx.finish(() => ({
    accountId: account!.id,
    currency: currency!,
    invoiceDate: invoice.tranDate,
    ...(invoice.dueDate ? { dueDate: invoice.dueDate } : {}),
    comments: `NetSuite invoice ${invoice.tranId}${invoice.memo ? `: ${invoice.memo}` : ""}`.slice(0, 1000),
    customFields: {},
    lines: invoice.lines.map((l, i) => {
      const quantity = l.quantity && l.quantity > 0 ? l.quantity : 1;
      return {
        chargeName: charges[i]!,
        description: (l.description ?? l.itemName).slice(0, 500),
        quantity,
        unitPrice: round2(l.rate ?? l.amount / quantity),
        amount: round2(l.amount),
        serviceStartDate: invoice.tranDate,
        accountingCode: glCodes[i]!,
      };
    }),
  }));
  return { ...result, requiresCustomer: !account };
};
