// The Acumatica source adapter: customers, stock and non-stock items and AR invoices changed since a
// time (`LastModifiedDateTime ge …`, inclusive), paged with `$top`/`$skip`, as normalised documents.
// Used by flows reading from Acumatica (e.g. Acumatica -> Zoho CRM).
import { z } from "zod";
import { VendorHttpError } from "../../http";
import type { ChangedPage, SourceDocument } from "../ports";
import type { AcumaticaClient } from "./client";
import { acumaticaRecordSchema } from "./schemas";
import { odataDateTimeOffset, odataString } from "../common/odata";

/**
 * Object types of the source, their entities and the key field that is their source id. Stock and
 * non-stock items are one type: Acumatica keeps both in one inventory table, so an InventoryID names
 * one item whichever its kind (and an invoice line names only the InventoryID).
 */
export const ACUMATICA_SOURCE_OBJECTS = {
  customer: { entities: ["Customer"], key: "CustomerID" },
  item: { entities: ["StockItem", "NonStockItem"], key: "InventoryID" },
  invoice: { entities: ["Invoice"], key: "ReferenceNbr" },
} as const;
export type AcumaticaSourceObject = keyof typeof ACUMATICA_SOURCE_OBJECTS;
const isSourceObject = (t: string): t is AcumaticaSourceObject => Object.hasOwn(ACUMATICA_SOURCE_OBJECTS, t);

export const acumaticaCustomerDocumentSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  name: z.string(),
  customerClass: z.string().nullable(),
  currency: z.string().nullable(),
  terms: z.string().nullable(),
  status: z.string().nullable(),
});
export type AcumaticaCustomerDocument = z.infer<typeof acumaticaCustomerDocumentSchema>;

export const acumaticaItemDocumentSchema = z.object({
  id: z.string(),
  inventoryId: z.string(),
  kind: z.enum(["stock", "non-stock"]),
  description: z.string().nullable(),
  itemClass: z.string().nullable(),
  defaultPrice: z.number().nullable(),
  status: z.string().nullable(),
});
export type AcumaticaItemDocument = z.infer<typeof acumaticaItemDocumentSchema>;

export const acumaticaInvoiceDocumentSchema = z.object({
  id: z.string(),
  referenceNbr: z.string(),
  customerId: z.string(),
  status: z.string(),
  date: z.string().nullable(),
  dueDate: z.string().nullable(),
  description: z.string().nullable(),
  terms: z.string().nullable(),
  /** the customer's currency: the Default endpoint's Invoice has no CurrencyID field */
  currency: z.string().nullable(),
  amount: z.number(),
  balance: z.number(),
  lines: z.array(z.object({ inventoryId: z.string().nullable(), description: z.string().nullable(), quantity: z.number(), unitPrice: z.number(), amount: z.number() })),
});
export type AcumaticaInvoiceDocument = z.infer<typeof acumaticaInvoiceDocumentSchema>;

const s = z.string().nullish();
const n = z.number().nullish();
const customerRow = acumaticaRecordSchema.extend({ CustomerID: z.string(), CustomerName: s, CustomerClass: s, CurrencyID: s, Terms: s, Status: s, LastModifiedDateTime: z.string() });
const itemRow = acumaticaRecordSchema.extend({ InventoryID: z.string(), Description: s, ItemClass: s, DefaultPrice: n, ItemStatus: s, LastModifiedDateTime: z.string() });
const invoiceRow = acumaticaRecordSchema.extend({
  Type: z.string(),
  ReferenceNbr: z.string(),
  Customer: z.string(),
  Status: s,
  Date: s,
  DueDate: s,
  Description: s,
  Terms: s,
  Amount: n,
  Balance: n,
  LastModifiedDateTime: z.string(),
  Details: z.array(z.looseObject({ InventoryID: s, TransactionDescription: s, Qty: n, UnitPrice: n, Amount: n })).optional(),
});

/** Acumatica's offset date-time as ISO UTC with milliseconds, so versions compare as strings. */
const toVersion = (stamp: string) => new Date(Date.parse(stamp)).toISOString();
const day = (stamp: string | null | undefined) => (stamp ? stamp.slice(0, 10) : null);

/** `$skip` paging carries the entity, the offset and the largest version seen so far (reported with the last page). */
const cursorSchema = z.object({ entity: z.number().int().nonnegative(), skip: z.number().int().nonnegative(), max: z.string().nullable() });

/**
 * The Acumatica source. The contract API has no `$orderby` in the Default endpoint, so a listing is
 * not in version order: pages follow `$skip`, and the run's largest version is reported only with its
 * last page (the engine's high-water mark then never passes a row not yet listed). Invoices are only
 * AR invoices (Type "Invoice"), listed with their lines; each carries its customer's currency, read
 * once per runtime (one job) for all customers of a page.
 */
export const createAcumaticaSource = (client: AcumaticaClient) => {
  const currencies = new Map<string, string | null>();
  const loadCurrencies = async (customerIds: readonly string[]) => {
    const missing = [...new Set(customerIds)].filter((id) => !currencies.has(id));
    if (missing.length === 0) return;
    const found = await client.findCustomers(missing);
    for (const id of missing) currencies.set(id, found.get(id)?.[0]?.CurrencyID ?? null);
  };

  const toDocument = (objectType: AcumaticaSourceObject, entity: string, row: unknown): SourceDocument => {
    if (objectType === "customer") {
      const r = customerRow.parse(row);
      const payload = acumaticaCustomerDocumentSchema.parse({ id: r.id, customerId: r.CustomerID, name: r.CustomerName ?? r.CustomerID, customerClass: r.CustomerClass ?? null, currency: r.CurrencyID ?? null, terms: r.Terms ?? null, status: r.Status ?? null });
      return { objectType, sourceId: r.CustomerID, sourceVersion: toVersion(r.LastModifiedDateTime), naturalKey: r.CustomerID, amount: null, currency: payload.currency, documentDate: null, payload };
    }
    if (objectType === "invoice") {
      const r = invoiceRow.parse(row);
      const payload = acumaticaInvoiceDocumentSchema.parse({
        id: r.id,
        referenceNbr: r.ReferenceNbr,
        customerId: r.Customer,
        status: r.Status ?? "",
        date: day(r.Date),
        dueDate: day(r.DueDate),
        description: r.Description ?? null,
        terms: r.Terms ?? null,
        currency: currencies.get(r.Customer) ?? null,
        amount: r.Amount ?? 0,
        balance: r.Balance ?? 0,
        lines: (r.Details ?? []).map((l) => ({ inventoryId: l.InventoryID ?? null, description: l.TransactionDescription ?? null, quantity: l.Qty ?? 1, unitPrice: l.UnitPrice ?? 0, amount: l.Amount ?? 0 })),
      });
      return { objectType, sourceId: r.ReferenceNbr, sourceVersion: toVersion(r.LastModifiedDateTime), naturalKey: r.ReferenceNbr, amount: payload.amount, currency: payload.currency, documentDate: payload.date, payload };
    }
    const r = itemRow.parse(row);
    const payload = acumaticaItemDocumentSchema.parse({
      id: r.id,
      inventoryId: r.InventoryID,
      kind: entity === "StockItem" ? "stock" : "non-stock",
      description: r.Description ?? null,
      itemClass: r.ItemClass ?? null,
      defaultPrice: r.DefaultPrice ?? null,
      status: r.ItemStatus ?? null,
    });
    return { objectType, sourceId: r.InventoryID, sourceVersion: toVersion(r.LastModifiedDateTime), naturalKey: r.InventoryID, amount: null, currency: null, documentDate: null, payload };
  };

  const withCurrencies = async (objectType: AcumaticaSourceObject, entity: string, rows: unknown[]) => {
    if (objectType === "invoice") await loadCurrencies(rows.map((r) => invoiceRow.pick({ Customer: true }).parse(r).Customer));
    return rows.map((r) => toDocument(objectType, entity, r));
  };

  const objectOf = (objectType: string) => {
    if (!isSourceObject(objectType)) throw Object.assign(new Error(`Acumatica source: ${objectType} is not read by this connector`), { retryable: false });
    return objectType;
  };

  return {
    fetchDocument: async ({ objectType, sourceId }: { objectType: string; sourceId: string }): Promise<SourceDocument | null> => {
      const type = objectOf(objectType);
      for (const entity of ACUMATICA_SOURCE_OBJECTS[type].entities) {
        try {
          const row = await client.get(entity, type === "invoice" ? ["Invoice", sourceId] : sourceId, z.unknown(), type === "invoice" ? { expand: "Details" } : {});
          return (await withCurrencies(type, entity, [row]))[0] ?? null;
        } catch (err) {
          if (!(err instanceof VendorHttpError && err.status === 404)) throw err;
        }
      }
      return null;
    },
    /**
     * Records modified at or after `since` (`ge`: ties at the boundary are listed again); an object type
     * of two entities lists the first to its end, then the second.
     */
    listChanged: async ({ objectType, since, cursor, pageSize }: { objectType: string; since: Date; cursor: string | null; pageSize: number }): Promise<ChangedPage> => {
      const type = objectOf(objectType);
      const entities = ACUMATICA_SOURCE_OBJECTS[type].entities;
      const at = cursor ? cursorSchema.parse(JSON.parse(cursor)) : { entity: 0, skip: 0, max: null };
      const entity = entities[at.entity] ?? entities[0];
      const modified = `LastModifiedDateTime ge ${odataDateTimeOffset(since)}`;
      const rows = await client.list(entity, z.unknown(), {
        filter: type === "invoice" ? `${modified} and Type eq ${odataString("Invoice")}` : modified,
        top: pageSize,
        skip: at.skip || undefined,
        expand: type === "invoice" ? "Details" : undefined,
      });
      const documents = await withCurrencies(type, entity, rows);
      const max = documents.reduce<string | null>((m, d) => (d.sourceVersion && (!m || d.sourceVersion > m) ? d.sourceVersion : m), at.max);
      const entityDone = rows.length < pageSize;
      const last = entityDone && at.entity >= entities.length - 1;
      const next = entityDone ? { entity: at.entity + 1, skip: 0, max } : { entity: at.entity, skip: at.skip + rows.length, max };
      return {
        items: documents.map((document) => ({ sourceId: document.sourceId, sourceVersion: document.sourceVersion ?? "", document })),
        nextCursor: last ? null : JSON.stringify(next),
        maxVersion: last ? max : null,
      };
    },
  };
};
