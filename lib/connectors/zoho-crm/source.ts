// The Zoho CRM source adapter: deals changed since a time (If-Modified-Since, oldest first by
// Modified_Time, page_token paging), each with the fields of its Account that a flow needs to create
// a customer (name, address, the key field linking it to Acumatica).
import { z } from "zod";
import type { ChangedPage, SourceDocument } from "../ports";
import type { ZohoCrmClient } from "./client";
import { zohoLookupSchema, type ZohoRecord } from "./schemas";

/** A deal as the flows see it. */
export const zohoDealDocumentSchema = z.object({
  id: z.string(),
  dealName: z.string(),
  stage: z.string(),
  amount: z.number().nullable(),
  closingDate: z.string().nullable(),
  account: z
    .object({
      id: z.string(),
      name: z.string(),
      /** the Acumatica customer the account is linked to (the connection's account key field), null when none */
      acumaticaCustomerId: z.string().nullable(),
      phone: z.string().nullable(),
      website: z.string().nullable(),
      billingCity: z.string().nullable(),
      billingCountry: z.string().nullable(),
    })
    .nullable(),
});
export type ZohoDealDocument = z.infer<typeof zohoDealDocumentSchema>;

const DEAL_FIELDS = ["Deal_Name", "Stage", "Amount", "Closing_Date", "Account_Name", "Modified_Time"] as const;

const dealRecordSchema = z.looseObject({
  id: z.string(),
  Deal_Name: z.string(),
  Stage: z.string(),
  Amount: z.number().nullish(),
  Closing_Date: z.string().nullish(),
  Account_Name: zohoLookupSchema.nullish(),
  Modified_Time: z.string(),
});
const accountRecordSchema = z.looseObject({
  id: z.string(),
  Account_Name: z.string(),
  Phone: z.string().nullish(),
  Website: z.string().nullish(),
  Billing_City: z.string().nullish(),
  Billing_Country: z.string().nullish(),
});

/**
 * A deal's version, as ISO UTC with milliseconds (Zoho answers offset date-times in the user's zone).
 * Modified_Time has whole seconds, so a deal created and marked won within one second
 * keeps its version and the engine would take the win for the state it has seen. A deal in the standard
 * pipeline's won stage is stamped at the last millisecond of its second: the win always sorts after any
 * earlier state of the same second.
 */
const dealVersion = (modifiedTime: string, stage: string) => {
  const at = Date.parse(modifiedTime);
  return new Date(stage === "Closed Won" ? at + 999 : at).toISOString();
};

export const ZOHO_SOURCE_OBJECTS = ["deal"] as const;

export const createZohoCrmSource = (client: ZohoCrmClient) => {
  const keyField = client.settings.accountKeyField;
  const accountFields = ["Account_Name", "Phone", "Website", "Billing_City", "Billing_Country", keyField];

  const documentsOf = async (records: ZohoRecord[]): Promise<SourceDocument[]> => {
    const deals = records.map((r) => dealRecordSchema.parse(r));
    const accountIds = [...new Set(deals.flatMap((d) => (d.Account_Name ? [d.Account_Name.id] : [])))];
    const accounts = new Map((await client.getByIds("Accounts", accountIds, accountFields)).map((r) => [r.id, r]));
    return deals.map((d) => {
      const raw = d.Account_Name ? accounts.get(d.Account_Name.id) : undefined;
      const a = raw ? accountRecordSchema.parse(raw) : null;
      const key = raw?.[keyField];
      const payload = zohoDealDocumentSchema.parse({
        id: d.id,
        dealName: d.Deal_Name,
        stage: d.Stage,
        amount: d.Amount ?? null,
        closingDate: d.Closing_Date ?? null,
        account: a
          ? { id: a.id, name: a.Account_Name, acumaticaCustomerId: typeof key === "string" && key !== "" ? key : null, phone: a.Phone ?? null, website: a.Website ?? null, billingCity: a.Billing_City ?? null, billingCountry: a.Billing_Country ?? null }
          : null,
      });
      return { objectType: "deal", sourceId: d.id, sourceVersion: dealVersion(d.Modified_Time, d.Stage), naturalKey: d.Deal_Name, amount: payload.amount, currency: null, documentDate: payload.closingDate, payload };
    });
  };

  const assertDeal = (objectType: string) => {
    if (objectType !== "deal") throw Object.assign(new Error(`Zoho CRM source: ${objectType} is not read by this connector`), { retryable: false });
  };

  return {
    fetchDocument: async ({ objectType, sourceId }: { objectType: string; sourceId: string }): Promise<SourceDocument | null> => {
      assertDeal(objectType);
      const records = await client.getByIds("Deals", [sourceId], DEAL_FIELDS);
      return (await documentsOf(records))[0] ?? null;
    },
    /**
     * Deals modified at or after `since`: If-Modified-Since is strictly after, at whole seconds, so it is
     * sent one second early (ties at the boundary are re-read, as the engine's contract asks).
     */
    listChanged: async ({ objectType, since, cursor, pageSize }: { objectType: string; since: Date; cursor: string | null; pageSize: number }): Promise<ChangedPage> => {
      assertDeal(objectType);
      const page = await client.list("Deals", {
        fields: DEAL_FIELDS,
        modifiedSince: new Date(Math.floor(since.getTime() / 1000) * 1000 - 1000),
        pageToken: cursor,
        perPage: Math.min(200, Math.max(1, pageSize)),
        sortBy: "Modified_Time",
        sortOrder: "asc",
      });
      const documents = await documentsOf(page.records);
      const versions = documents.flatMap((d) => (d.sourceVersion ? [d.sourceVersion] : [])).sort();
      return {
        items: documents.map((document) => ({ sourceId: document.sourceId, sourceVersion: document.sourceVersion ?? "", document })),
        nextCursor: page.nextPageToken,
        maxVersion: versions.at(-1) ?? null,
      };
    },
  };
};
