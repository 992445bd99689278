// The NetSuite source adapter: customers and invoices changed since a moment, listed through SuiteQL by
// `lastmodifieddate` (compared and shown in the account's time zone), then read whole through the record
// service. Used by every flow reading from NetSuite.
import type { ChangedPage, SourceDocument, SourcePort } from "../ports";
import type { NetsuiteClient } from "./client";
import { netsuiteCustomerDocumentSchema, netsuiteInvoiceDocumentSchema } from "./documents";
import { netsuiteChangeRowSchema, netsuiteCustomerSchema, netsuiteInvoiceSchema } from "./schemas";
import { fromZonedText, toZonedText } from "./zoned-time";

/** Object types of the NetSuite source and the SuiteQL that lists their changes. */
const TABLES = {
  customer: { from: "customer", where: "" },
  invoice: { from: "transaction", where: "type = 'CustInvc' AND " },
} as const;
export type NetsuiteObjectType = keyof typeof TABLES;
export const isNetsuiteObjectType = (t: string): t is NetsuiteObjectType => Object.hasOwn(TABLES, t);

/** A REST datetime ("2023-02-06T09:48:00Z") as a version: ISO UTC with milliseconds. */
const toVersion = (stamp: string) => {
  const ms = Date.parse(stamp);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

/** The SuiteQL listing changes of one object type at or after `since` (in the account's zone), oldest first. */
export const changeQuery = (objectType: NetsuiteObjectType, since: Date, timeZone: string) => {
  const t = TABLES[objectType];
  return (
    `SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM ${t.from} ` +
    `WHERE ${t.where}lastmodifieddate >= TO_TIMESTAMP('${toZonedText(since, timeZone)}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id`
  );
};

export const createNetsuiteSource = (client: NetsuiteClient): SourcePort => {
  const { timeZone } = client.settings;
  const fetchCustomer = async (id: string): Promise<SourceDocument | null> => {
    const c = await client.getRecord("customer", id, netsuiteCustomerSchema);
    if (!c) return null;
    const payload = netsuiteCustomerDocumentSchema.parse({
      id: c.id,
      externalId: c.externalId ?? null,
      entityId: c.entityId ?? null,
      companyName: c.companyName ?? c.entityId ?? "",
      email: c.email ?? null,
      currency: c.currency?.refName ?? null,
      subsidiary: c.subsidiary?.id ?? null,
      isInactive: c.isInactive ?? false,
    });
    return { objectType: "customer", sourceId: c.id, sourceVersion: toVersion(c.lastModifiedDate), naturalKey: c.entityId ?? c.externalId ?? c.id, amount: null, currency: payload.currency, documentDate: null, payload };
  };
  const fetchInvoice = async (id: string): Promise<SourceDocument | null> => {
    const i = await client.getRecord("invoice", id, netsuiteInvoiceSchema, { expandSubResources: true });
    if (!i) return null;
    const payload = netsuiteInvoiceDocumentSchema.parse({
      id: i.id,
      tranId: i.tranId ?? i.id,
      customerId: i.entity.id,
      customerName: i.entity.refName ?? null,
      currency: i.currency?.refName ?? null,
      subsidiary: i.subsidiary?.id ?? null,
      tranDate: i.tranDate,
      dueDate: i.dueDate ?? null,
      memo: i.memo ?? null,
      total: i.total,
      lines: i.item.items.map((l) => ({
        line: l.line ?? null,
        itemId: l.item.id,
        itemName: l.item.refName ?? l.item.id,
        description: l.description ?? null,
        quantity: l.quantity ?? null,
        rate: l.rate ?? null,
        amount: l.amount,
      })),
    });
    return { objectType: "invoice", sourceId: i.id, sourceVersion: toVersion(i.lastModifiedDate), naturalKey: payload.tranId, amount: i.total, currency: payload.currency, documentDate: i.tranDate, payload };
  };

  return {
    fetchDocument: async ({ objectType, sourceId }) => {
      if (objectType === "customer") return fetchCustomer(sourceId);
      if (objectType === "invoice") return fetchInvoice(sourceId);
      throw new Error(`NetSuite source has no object type ${objectType}`);
    },
    /**
     * One SuiteQL page (offset paging, the cursor is the next offset). A record changed while the pages
     * are read moves to the end of the order and may be missed by this sweep; the flow's overlap re-reads
     * it on the next poll.
     */
    listChanged: async ({ objectType, since, cursor, pageSize }): Promise<ChangedPage> => {
      if (!isNetsuiteObjectType(objectType)) throw new Error(`NetSuite source has no object type ${objectType}`);
      const offset = cursor ? Number(cursor) : 0;
      // NetSuite wants offset to be a multiple of limit.
      const limit = Math.min(pageSize, 1000);
      const page = await client.suiteql(changeQuery(objectType, since, timeZone), netsuiteChangeRowSchema, { limit, offset });
      const items = page.items.flatMap((row) => {
        const at = fromZonedText(row.modified, timeZone);
        return at ? [{ sourceId: row.id, sourceVersion: at.toISOString() }] : [];
      });
      const maxVersion = items.reduce<string | null>((max, i) => (max === null || i.sourceVersion > max ? i.sourceVersion : max), null);
      return { items, nextCursor: page.hasMore ? String(offset + limit) : null, maxVersion };
    },
  };
};
