// What Acumatica customers, items and posted invoices become in Zoho CRM: pure functions of the
// source document, the value maps and the settings (no I/O), so they are unit-tested alone.
import { z } from "zod";
import type { AcumaticaCustomerDocument, AcumaticaInvoiceDocument, AcumaticaItemDocument } from "../../connectors/acumatica/source";
import type { FormField } from "../../connectors/types";
import type { MissingKey } from "../../mapping/missing-key";
import type { ValueMapIndex } from "../../mapping/value-map-index";

export const acumaticaZohoSettingsSchema = z.object({
  /** Zoho field of an Invoice holding the open balance (a currency field); blank: not sent */
  balanceField: z.string().default("Balance"),
  /** Acumatica item whose Product carries invoice lines without an item (lines posted on a GL account only); blank: such invoices fail */
  defaultInventoryId: z.string().default(""),
  /** invoice Status in Zoho for posted invoices */
  invoiceStatus: z.enum(["Created", "Approved", "Delivered"]).default("Approved"),
  pollPageSize: z.number().int().min(1).max(1000).default(200),
  pollPagesPerJob: z.number().int().min(1).max(100).default(10),
  /** the high-water mark is read again this far back (clock skew, records saved in the same second) */
  pollOverlapSeconds: z.number().int().min(0).max(3600).default(60),
});
export type AcumaticaZohoSettings = z.infer<typeof acumaticaZohoSettingsSchema>;

export const acumaticaZohoSettingsFields: FormField[] = [
  {
    name: "defaultInventoryId",
    label: "Item for lines without one",
    type: "text",
    help: "Acumatica inventory ID whose Zoho Product carries invoice lines that name no item (GL-only lines). Blank: such invoices fail with the reason.",
  },
  { name: "balanceField", label: "Invoice balance field", type: "text", defaultValue: "Balance", help: "API name of the Zoho Invoices currency field that shows the open balance; blank to leave it out." },
  {
    name: "invoiceStatus",
    label: "Invoice status in Zoho",
    type: "select",
    defaultValue: "Approved",
    options: ["Created", "Approved", "Delivered"].map((v) => ({ value: v, label: v })),
  },
  { name: "pollPageSize", label: "Records per page", type: "number", defaultValue: 200 },
  { name: "pollOverlapSeconds", label: "Overlap (seconds)", type: "number", defaultValue: 60, help: "Each poll re-reads this far behind the last change it saw." },
];

/** Value map kinds of the flow. */
export const MAP_KINDS = { customerClass: "customer-class", itemClass: "item-class", terms: "payment-terms" } as const;

type Mapped<T> = { output: T; missing: MissingKey[] };

const lookUp = (maps: ValueMapIndex, kind: string, key: string | null, missing: MissingKey[]) => {
  if (!key) return undefined;
  const value = maps.get(kind)?.get(key);
  if (value === undefined) missing.push({ kind, sourceKey: key });
  return value;
};

/** An Acumatica customer as a Zoho Account; its class maps to the Account Type. */
export const mapCustomerToAccount = ({ customer, maps }: { customer: AcumaticaCustomerDocument; maps: ValueMapIndex }): Mapped<Record<string, unknown>> => {
  const missing: MissingKey[] = [];
  const accountType = lookUp(maps, MAP_KINDS.customerClass, customer.customerClass, missing);
  return {
    output: { Account_Name: customer.name, Account_Number: customer.customerId, ...(accountType ? { Account_Type: accountType } : {}) },
    missing,
  };
};

/** A stock or non-stock item as a Zoho Product; its item class maps to the Product Category. */
export const mapItemToProduct = ({ item, maps }: { item: AcumaticaItemDocument; maps: ValueMapIndex }): Mapped<Record<string, unknown>> => {
  const missing: MissingKey[] = [];
  const category = lookUp(maps, MAP_KINDS.itemClass, item.itemClass, missing);
  return {
    output: {
      Product_Name: item.description || item.inventoryId,
      Product_Code: item.inventoryId,
      Product_Active: item.status === null || item.status === "Active",
      ...(item.defaultPrice !== null ? { Unit_Price: item.defaultPrice } : {}),
      ...(category ? { Product_Category: category } : {}),
    },
    missing,
  };
};

const round2 = (n: number) => Math.round((n + Math.sign(n) * Number.EPSILON) * 100) / 100;

/**
 * A posted Acumatica invoice as a Zoho Invoice on its Account, one line per Acumatica line on the
 * line's Product (a line discount becomes the line's Discount, so Zoho's Grand_Total equals the
 * Acumatica amount). `accountId` and `productIds` are the Zoho ids this flow posted.
 */
export const mapInvoice = ({
  invoice,
  accountId,
  productIds,
  maps,
  settings,
}: {
  invoice: AcumaticaInvoiceDocument;
  accountId: string;
  productIds: ReadonlyMap<string, string>;
  maps: ValueMapIndex;
  settings: AcumaticaZohoSettings;
}): Mapped<Record<string, unknown>> => {
  const missing: MissingKey[] = [];
  const terms = lookUp(maps, MAP_KINDS.terms, invoice.terms, missing);
  const items = invoice.lines.map((line) => {
    const gross = round2(line.quantity * line.unitPrice);
    const discount = round2(gross - line.amount);
    return {
      Product_Name: { id: line.inventoryId ? productIds.get(line.inventoryId) : undefined },
      Quantity: line.quantity,
      List_Price: line.unitPrice,
      ...(discount !== 0 ? { Discount: discount } : {}),
      ...(line.description ? { Description: line.description } : {}),
    };
  });
  return {
    output: {
      Subject: `Invoice ${invoice.referenceNbr}${invoice.description ? ` – ${invoice.description}` : ""}`.slice(0, 255),
      Account_Name: { id: accountId },
      Invoice_Date: invoice.date,
      Due_Date: invoice.dueDate,
      Status: settings.invoiceStatus,
      ...(invoice.currency ? { Currency: invoice.currency } : {}),
      ...(settings.balanceField ? { [settings.balanceField]: invoice.balance } : {}),
      ...(terms ? { Terms_and_Conditions: terms } : {}),
      Invoiced_Items: items,
    },
    missing,
  };
};
