// The Zuora target adapter (flows that post INTO Zuora): billing accounts created and kept up to date,
// standalone invoices created, each linked to its source record by a custom field holding the source id
// (e.g. NetSuiteId__c). A document is looked up by that field before it is created, and every create
// carries an Idempotency-Key, so an attempt whose answer was lost (dropped connection after the write)
// gets the first answer back instead of a second document.
import type { TargetDocumentRef, TargetPort } from "../ports";
import type { ZuoraClient } from "./client";
import {
  createZuoraAccount,
  createZuoraStandaloneInvoice,
  findZuoraByCustomField,
  updateZuoraAccount,
  type ZuoraAccountInput,
  type ZuoraAccountUpdate,
  type ZuoraStandaloneInvoiceInput,
} from "./writes";

/** The Zuora target: entity "Account" (document ZuoraAccountInput) or "Invoice" (document ZuoraStandaloneInvoiceInput). */
export const createZuoraTarget = (client: ZuoraClient, { linkField }: { /** custom field holding the source id, e.g. "NetSuiteId__c" */ linkField: string }): TargetPort => {
  const one = async (entity: string, naturalKey: string): Promise<TargetDocumentRef | null> => {
    const object = entity === "Account" ? "accounts" : entity === "Invoice" ? "invoices" : null;
    if (!object) throw Object.assign(new Error(`Zuora target has no entity ${entity}`), { retryable: false });
    const rows = await findZuoraByCustomField(client, { object, field: linkField, value: naturalKey });
    if (rows.length > 1) throw Object.assign(new Error(`Zuora already holds ${rows.length} ${object} with ${linkField} = ${naturalKey}; resolve the duplicate there first`), { retryable: false });
    const row = rows[0];
    return row ? { targetId: row.id, targetRef: row.accountNumber ?? row.invoiceNumber ?? null } : null;
  };
  return {
    findDocument: ({ entity, naturalKey }) => one(entity, naturalKey),
    createDocument: async ({ entity, naturalKey, document }) => {
      if (entity === "Account") {
        const created = await createZuoraAccount(client, { input: document as ZuoraAccountInput, naturalKey });
        return { targetId: created.accountId, targetRef: created.accountNumber };
      }
      const created = await createZuoraStandaloneInvoice(client, { input: document as ZuoraStandaloneInvoiceInput, naturalKey });
      return { targetId: created.id, targetRef: created.invoiceNumber };
    },
    updateDocument: async ({ entity, ref, document }) => {
      if (entity !== "Account") throw Object.assign(new Error(`Zuora ${entity} documents are posted once, never updated`), { retryable: false });
      const { name, notes, customFields } = document as ZuoraAccountInput & ZuoraAccountUpdate;
      await updateZuoraAccount(client, { accountId: ref.targetId, update: { name, ...(notes ? { notes } : {}), customFields } });
      return ref;
    },
  };
};
