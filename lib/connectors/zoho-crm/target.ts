// The Zoho CRM target adapter: Accounts, Products and Invoices written by upsert on the custom unique
// field that holds the Acumatica key (Zoho's duplicate_check_fields), so a resent or repeated write
// updates the record it made instead of adding a second one. No look-up before create is needed.
import { z } from "zod";
import type { TargetDocumentRef } from "../ports";
import type { ZohoCrmClient } from "./client";
import type { ZohoModule } from "./config";

/**
 * What a flow hands the target: the Zoho fields of the record, and `zohoId` when the record already
 * exists in Zoho without the key (an Account a won deal created an Acumatica customer for): it is
 * then updated by id, which writes the key onto it and links the two.
 */
export const zohoTargetDocumentSchema = z.object({ record: z.record(z.string(), z.unknown()), zohoId: z.string().optional() });
export type ZohoTargetDocument = z.infer<typeof zohoTargetDocumentSchema>;

const MODULES = ["Accounts", "Products", "Invoices"] as const satisfies readonly ZohoModule[];
const moduleOf = (entity: string): (typeof MODULES)[number] => {
  const zohoModule = MODULES.find((m) => m === entity);
  if (!zohoModule) throw Object.assign(new Error(`Zoho CRM target: ${entity} is not written by this connector`), { retryable: false });
  return zohoModule;
};

export const createZohoCrmTarget = (client: ZohoCrmClient) => {
  const keyFieldOf = (zohoModule: (typeof MODULES)[number]) =>
    zohoModule === "Accounts" ? client.settings.accountKeyField : zohoModule === "Products" ? client.settings.productKeyField : client.settings.invoiceKeyField;
  const upsert = async ({ entity, naturalKey, document }: { entity: string; naturalKey: string; document: unknown }) => {
    const zohoModule = moduleOf(entity);
    const keyField = keyFieldOf(zohoModule);
    const { record, zohoId } = zohoTargetDocumentSchema.parse(document);
    const fields = { ...record, [keyField]: naturalKey };
    const written = zohoId ? await client.updateById(zohoModule, zohoId, fields) : await client.upsert(zohoModule, keyField, fields);
    return { targetId: written.id, targetRef: naturalKey, created: written.created };
  };
  return {
    /** The record whose key field holds `naturalKey` (Zoho's search by criteria), or null. */
    findDocument: async ({ entity, naturalKey }: { entity: string; naturalKey: string }): Promise<TargetDocumentRef | null> => {
      const zohoModule = moduleOf(entity);
      const found = await client.search(zohoModule, keyFieldOf(zohoModule), naturalKey);
      if (found.length > 1) throw Object.assign(new Error(`Zoho CRM holds ${found.length} ${zohoModule} records for ${naturalKey}; merge them there first`), { retryable: false });
      return found[0] ? { targetId: found[0].id, targetRef: naturalKey } : null;
    },
    createDocument: async (options: { entity: string; naturalKey: string; document: unknown }): Promise<TargetDocumentRef> => upsert(options),
    updateDocument: async (options: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }): Promise<TargetDocumentRef> => upsert(options),
    upsertDocument: upsert,
  };
};
