// The Acumatica target adapter: natural-key look-ups, insert-only creates, updates of customers,
// release of AR documents and payments. Acumatica has no idempotency key, so the engine looks every
// document up by the natural key it keeps in a reference field before it creates one.
import type { TargetDocumentRef } from "../ports";
import type { AcumaticaClient, ArDocumentInput, CustomerInput, JournalTransactionInput, PaymentInput } from "./client";
import type { AcumaticaCustomer } from "./schemas";

/**
 * Customer look-ups by CustomerID, remembered for one runtime (one job): the planner's look-up and the
 * engine's find before create then cost one call. Safe to reuse: customers are written by upsert on
 * their key, so a stale "absent" cannot create a second one.
 */
export const createCustomerLookup = (client: AcumaticaClient) => {
  const seen = new Map<string, Promise<AcumaticaCustomer[]>>();
  return {
    find: (customerId: string) => {
      let hit = seen.get(customerId);
      if (!hit) {
        hit = client.lookUpCustomer(customerId);
        hit.catch(() => seen.delete(customerId));
        seen.set(customerId, hit);
      }
      return hit;
    },
    forget: (customerId: string) => void seen.delete(customerId),
  };
};
export type CustomerLookup = ReturnType<typeof createCustomerLookup>;

/** Entities of the target port; "CreditMemo" is Acumatica's Invoice entity with Type "Credit Memo". */
type Entity = "Customer" | "Invoice" | "CreditMemo" | "Payment" | "JournalTransaction";

/** The Acumatica target of one runtime (one job); `customers` is shared with the planner's look-ups. */
export const createAcumaticaTarget = (client: AcumaticaClient, customers: CustomerLookup) => {
  const statusOf = new Map<string, string | null>();
  const one = <T extends { id: string }>(entity: Entity, key: string, rows: T[] | undefined) => {
    const row = rows?.[0];
    if (rows && rows.length > 1) throw Object.assign(new Error(`Acumatica already holds ${rows.length} ${entity} documents for ${key}; resolve the duplicate there first`), { retryable: false });
    return row;
  };
  const release = async (entity: Entity, ref: TargetDocumentRef) => {
    if (!ref.targetRef) return;
    if (entity === "Invoice") await client.releaseArDocument("Invoice", ref.targetRef);
    if (entity === "CreditMemo") await client.releaseArDocument("Credit Memo", ref.targetRef);
    if (entity === "Payment") await client.releasePayment(ref.targetRef);
  };
  return {
    findDocument: async ({ entity, naturalKey }: { entity: string; naturalKey: string }): Promise<TargetDocumentRef | null> => {
      const e = entity as Entity;
      if (e === "Customer") {
        const row = one(e, naturalKey, await customers.find(naturalKey));
        return row ? { targetId: row.id, targetRef: row.CustomerID } : null;
      }
      if (e === "Invoice" || e === "CreditMemo") {
        const row = one(e, naturalKey, await client.lookUpArDocument(naturalKey, e === "Invoice" ? "Invoice" : "Credit Memo"));
        if (row) statusOf.set(`${e}:${naturalKey}`, row.Status ?? null);
        return row ? { targetId: row.id, targetRef: row.ReferenceNbr ?? null } : null;
      }
      if (e === "Payment") {
        const row = one(e, naturalKey, await client.lookUpPayment(naturalKey));
        if (row) statusOf.set(`${e}:${naturalKey}`, row.Status ?? null);
        return row ? { targetId: row.id, targetRef: row.ReferenceNbr ?? null } : null;
      }
      const row = one(e, naturalKey, await client.lookUpJournalTransaction(naturalKey));
      return row ? { targetId: row.id, targetRef: row.BatchNbr ?? null } : null;
    },
    createDocument: async ({ entity, naturalKey, document }: { entity: string; naturalKey: string; document: unknown }): Promise<TargetDocumentRef> => {
      const e = entity as Entity;
      if (e === "Customer") {
        customers.forget(naturalKey);
        const c = await client.upsertCustomer(document as CustomerInput);
        return { targetId: c.id, targetRef: c.CustomerID };
      }
      if (e === "JournalTransaction") {
        const j = await client.createJournalTransaction(document as JournalTransactionInput);
        return { targetId: j.id, targetRef: j.BatchNbr ?? null };
      }
      const created =
        e === "Payment"
          ? await client.createPayment(document as PaymentInput)
          : e === "CreditMemo"
            ? await client.createCreditMemo(document as ArDocumentInput)
            : await client.createInvoice(document as ArDocumentInput);
      const ref = { targetId: created.id, targetRef: created.ReferenceNbr ?? null };
      await release(e, ref);
      return ref;
    },
    /** Master data: a customer brought up to date (its currency is left as it is). Other entities are documents, never updated. */
    updateDocument: async ({ entity, naturalKey, document }: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }): Promise<TargetDocumentRef> => {
      if (entity !== "Customer") throw Object.assign(new Error(`Acumatica ${entity} documents are posted once, never updated`), { retryable: false });
      customers.forget(naturalKey);
      const { currencyId: _currency, ...fields } = document as CustomerInput;
      const c = await client.updateCustomer({ ...fields, customerId: naturalKey });
      return { targetId: c.id, targetRef: c.CustomerID };
    },
    /** A document found by natural key that an earlier attempt created but did not release is released now. */
    completeDocument: async ({ entity, naturalKey, ref }: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }) => {
      const status = statusOf.get(`${entity}:${naturalKey}`);
      if (status === "Balanced" || status === "On Hold") await release(entity as Entity, ref);
    },
  };
};

