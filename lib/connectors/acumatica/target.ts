// The Acumatica target adapter: natural-key look-ups, insert-only creates, updates of customers,
// release of AR documents and payments, reversal of invoices. Acumatica has no idempotency key and takes
// a second AR document or payment with the same reference, so the engine looks a document up by the
// natural key it keeps in a reference field before it creates one whenever Acumatica may hold it
// already (one by one, or a poll page's keys together with lookUpMany).
import { VendorHttpError } from "../../http";
import type { TargetDocumentRef, TargetLookUpHit } from "../ports";
import type { AcumaticaClient, ArDocumentInput, CustomerInput, PaymentInput } from "./client";
import { acumaticaConfig } from "./config";
import { acumaticaCustomerSchema, type AcumaticaCustomer } from "./schemas";

/**
 * Customer look-ups by CustomerID, remembered for one runtime (one job): the planner's look-up and the
 * engine's find before create then cost one call (and the client shares them between the jobs of the
 * process for a few seconds). Safe to reuse: customers are created insert-only on their key, so a
 * stale "absent" cannot create a second one or overwrite one (the create is refused with 412).
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
    /** What this runtime has asked already (no call), or undefined. */
    known: (customerId: string) => seen.get(customerId),
    /** Takes `rows` for this runtime's answer of a look-up of `customerId` not made yet (read by the caller moments ago). */
    answer: (customerId: string, rows: AcumaticaCustomer[]) => {
      if (!seen.has(customerId)) seen.set(customerId, Promise.resolve(rows));
    },
    forget: (customerId: string) => void seen.delete(customerId),
  };
};
export type CustomerLookup = ReturnType<typeof createCustomerLookup>;

/** The fields of a customer the planner checks and a create completes (see the target's lookUpMany). */
const customerAsChecked = (row: AcumaticaCustomer): AcumaticaCustomer => ({
  id: row.id,
  CustomerID: row.CustomerID,
  CustomerName: row.CustomerName ?? null,
  CurrencyID: row.CurrencyID ?? null,
  AccountRef: row.AccountRef ?? null,
  TaxZone: row.TaxZone ?? null,
});

/** A financial period's state in Acumatica's AR: Open, Closed, or absent from the calendar. */
export type PeriodState = "Open" | "Closed" | "absent";

/** How long one read of the calendar answers the jobs of this process (per connection's client). */
const PERIODS_TTL_MS = 15_000;
const calendars = new WeakMap<AcumaticaClient, { at: number; periods: Promise<Map<string, PeriodState>> }>();

/**
 * Acumatica's financial periods ("MMYYYY"), read with one call for every year and shared by the jobs
 * of this process for PERIODS_TTL_MS (a document posts with one look-up fewer). `fresh` reads them
 * again (a verdict "Closed" is confirmed that way before anything is held). A period closed in AR (or
 * Closed for all modules) takes no AR document. A year the calendar lacks is "absent"; the planner
 * treats it as open and leaves the verdict to Acumatica.
 */
export const createPeriodLookup = (client: AcumaticaClient) => {
  const load = (fresh = false) => {
    const cached = calendars.get(client);
    if (cached && !fresh && Date.now() - cached.at < PERIODS_TTL_MS) return cached.periods;
    const periods = client.listFinancialYears().then((years) => {
      const out = new Map<string, PeriodState>();
      for (const y of years) for (const p of y.Details ?? []) out.set(p.FinancialPeriodID, p.Status === "Closed" || p.ClosedInAR === true ? "Closed" : "Open");
      return out;
    });
    const entry = { at: Date.now(), periods };
    calendars.set(client, entry);
    periods.catch(() => calendars.get(client) === entry && calendars.delete(client));
    return periods;
  };
  const order = (id: string) => `${id.slice(2)}${id.slice(0, 2)}`;
  return {
    state: async (periodId: string, options: { fresh?: boolean } = {}): Promise<PeriodState> => (await load(options.fresh)).get(periodId) ?? "absent",
    /** every known period with its state, in calendar order (read fresh) */
    all: async () => [...(await load(true))].sort(([a], [b]) => order(a).localeCompare(order(b))),
    /** the first open period after `periodId`, or null */
    nextOpen: async (periodId: string): Promise<string | null> => {
      const after = [...(await load())].filter(([id, s]) => s === "Open" && order(id) > order(periodId)).sort(([a], [b]) => order(a).localeCompare(order(b)));
      return after[0]?.[0] ?? null;
    },
  };
};
export type PeriodLookup = ReturnType<typeof createPeriodLookup>;

/**
 * Entities of the target port: "CreditMemo" is Acumatica's Invoice entity with Type "Credit Memo";
 * "InvoiceReversal" is the credit memo that reverses a posted invoice (natural key: the invoice's
 * Zuora number, which the reversal keeps in CustomerOrder); "FinancialPeriod" exists when open.
 */
type Entity = "Customer" | "Invoice" | "CreditMemo" | "Payment" | "InvoiceReversal" | "FinancialPeriod";

/** What the planner sends for an InvoiceReversal: the AR invoice to reverse. */
export type InvoiceReversalInput = { invoiceRef: string };

const refused = (message: string) => Object.assign(new Error(message), { retryable: false });

/**
 * The Acumatica target of one runtime (one job); `customers` is shared with the planner's look-ups.
 * `customerIdsOf`: the CustomerIDs a source account's documents may post to (its number, matched, and
 * the id a new customer gets), for the batched look-up of a first-pass page of accounts.
 */
export const createAcumaticaTarget = (client: AcumaticaClient, customers: CustomerLookup, { customerIdsOf }: { customerIdsOf?: (accountNumber: string) => string[] } = {}) => {
  const statusOf = new Map<string, string | null>();
  const one = <T extends { id: string }>(entity: Entity, key: string, rows: T[] | undefined) => {
    const row = rows?.[0];
    if (rows && rows.length > 1) throw refused(`Acumatica already holds ${rows.length} ${entity} documents for ${key}; resolve the duplicate there first`);
    return row;
  };
  const release = async (entity: Entity, ref: TargetDocumentRef) => {
    if (!ref.targetRef) return;
    if (entity === "Invoice") await client.releaseArDocument("Invoice", ref.targetRef);
    if (entity === "CreditMemo" || entity === "InvoiceReversal") await client.releaseArDocument("Credit Memo", ref.targetRef);
    if (entity === "Payment") await client.releasePayment(ref.targetRef);
  };
  /** The memo a reversal created is On Hold: taken off hold, then released (the invoice closes). */
  const finishReversal = async (memoRef: string, status: string | null | undefined) => {
    if (status === "On Hold") await client.releaseHold("Credit Memo", memoRef);
    if (status === "On Hold" || status === "Balanced") await client.releaseArDocument("Credit Memo", memoRef);
  };
  const findArDocument = async (e: Entity, naturalKey: string) => {
    const type = e === "Invoice" ? "Invoice" : "Credit Memo";
    const row = one(e, naturalKey, await client.lookUpArDocument(naturalKey, type));
    if (row) statusOf.set(`${e}:${naturalKey}`, row.Status ?? null);
    return row ? { targetId: row.id, targetRef: row.ReferenceNbr ?? null } : null;
  };
  /**
   * The customer a create was refused for (412: one with this CustomerID exists, keyed in since the
   * planner looked, or created by an earlier attempt whose answer was lost), read fresh. One of this
   * account's (its Account Ref empty or this account's id, in the document's currency) is completed
   * as a customer found by look-up is; another's makes the attempt retry, so that the planner, which
   * now sees it, holds the record as a customer mismatch.
   */
  const adoptExistingCustomer = async (customerId: string, doc: CustomerInput): Promise<TargetDocumentRef> => {
    const row = one("Customer", customerId, (await client.findCustomers([customerId])).get(customerId));
    const notOurs = !row
      ? "cannot be read back"
      : row.AccountRef && doc.accountRef && row.AccountRef !== doc.accountRef
        ? `belongs to account ${row.AccountRef}`
        : row.CurrencyID && doc.currencyId && row.CurrencyID !== doc.currencyId
          ? `is in ${row.CurrencyID}, not ${doc.currencyId}`
          : null;
    if (!row || notOurs) {
      throw Object.assign(new Error(`Acumatica already has a customer ${customerId} that ${notOurs}; the record is planned again`), { retryable: true, written: false });
    }
    await claimCustomer(customerId, row, doc);
    return { targetId: row.id, targetRef: row.CustomerID };
  };
  /** A customer found gets the account's id in Account Ref and the tax zone where it has none. */
  const claimCustomer = async (customerId: string, row: AcumaticaCustomer | undefined, doc: CustomerInput) => {
    const claim = { ...(!row?.AccountRef && doc.accountRef ? { AccountRef: doc.accountRef } : {}), ...(!row?.TaxZone && doc.taxZone ? { TaxZone: doc.taxZone } : {}) };
    if (Object.keys(claim).length === 0) return;
    customers.forget(customerId);
    client.forgetCustomer(customerId);
    await client.put("Customer", { CustomerID: customerId, ...claim }, acumaticaCustomerSchema, { mode: "update" });
  };
  return {
    /**
     * A poll page's natural keys of one entity, looked up in a few calls: as many keys per
     * `$filter=… or …` as the query string takes, only the fields a reference needs. Each key answers
     * the rows findDocument reads for it (of the same Type). Customers are looked up by every id of
     * the account (`customerIdsOf`), when the flow gives them. Other entities are not looked up (no key answered).
     */
    lookUpMany: async ({ entity, naturalKeys }: { entity: string; naturalKeys: readonly string[] }): Promise<Map<string, TargetLookUpHit[]>> => {
      const e = entity as Entity;
      const batchSize = acumaticaConfig.lookUpManyBatchSize;
      const refs = <T extends { id: string; ReferenceNbr?: string | null }>(found: Map<string, T[]>) =>
        new Map([...found].map(([key, rows]) => [key, rows.map((r) => ({ targetId: r.id, targetRef: r.ReferenceNbr ?? null }))]));
      if (e === "Invoice" || e === "CreditMemo") {
        const field = acumaticaConfig.naturalKeyFields.Invoice;
        return refs(await client.findArDocuments(naturalKeys, e === "Invoice" ? "Invoice" : "Credit Memo", { select: `Type,ReferenceNbr,Status,${field}`, batchSize }));
      }
      if (e === "Payment") return refs(await client.findPayments(naturalKeys, { select: `Type,ReferenceNbr,Status,${acumaticaConfig.naturalKeyFields.Payment}`, batchSize }));
      if (e === "Customer" && customerIdsOf) {
        // Each account answers the customers of all its ids (empty: none exists, it is created without a
        // look-up), with what the planner checks of each (`read`, kept with the account's record); the rows
        // also answer this process's planners' look-ups of those ids for a while.
        const idsOf = new Map(naturalKeys.map((key) => [key, customerIdsOf(key)]));
        const found = await client.findCustomers([...new Set([...idsOf.values()].flat())], { batchSize });
        client.rememberCustomers(found);
        return new Map(
          [...idsOf].map(([key, ids]) => [key, ids.flatMap((id) => found.get(id) ?? []).map((row) => ({ targetId: row.id, targetRef: row.CustomerID, read: customerAsChecked(row) }))]),
        );
      }
      return new Map();
    },
    findDocument: async ({ entity, naturalKey }: { entity: string; naturalKey: string }): Promise<TargetDocumentRef | null> => {
      const e = entity as Entity;
      if (e === "Customer") {
        const row = one(e, naturalKey, await customers.find(naturalKey));
        return row ? { targetId: row.id, targetRef: row.CustomerID } : null;
      }
      // The planner posts a period only when it read it open: the period is the document.
      if (e === "FinancialPeriod") return { targetId: naturalKey, targetRef: naturalKey };
      if (e === "Invoice" || e === "CreditMemo" || e === "InvoiceReversal") return findArDocument(e, naturalKey);
      const row = one(e, naturalKey, await client.lookUpPayment(naturalKey));
      if (row) statusOf.set(`${e}:${naturalKey}`, row.Status ?? null);
      return row ? { targetId: row.id, targetRef: row.ReferenceNbr ?? null } : null;
    },
    createDocument: async ({ entity, naturalKey, document }: { entity: string; naturalKey: string; document: unknown }): Promise<TargetDocumentRef> => {
      const e = entity as Entity;
      if (e === "Customer") {
        const doc = document as CustomerInput;
        // One the planner saw already (matched or mapped; it checked it is this account's) is completed, not created.
        const seen = one(e, naturalKey, await customers.known(naturalKey)?.catch(() => undefined));
        if (seen) {
          await claimCustomer(naturalKey, seen, doc);
          return { targetId: seen.id, targetRef: seen.CustomerID };
        }
        customers.forget(naturalKey);
        try {
          const c = await client.createCustomer(doc);
          return { targetId: c.id, targetRef: c.CustomerID };
        } catch (err) {
          if (!(err instanceof VendorHttpError && err.status === 412)) throw err;
          return adoptExistingCustomer(naturalKey, doc);
        }
      }
      if (e === "FinancialPeriod") throw refused(`The ${naturalKey.slice(0, 2)}-${naturalKey.slice(2)} financial period is closed in Acumatica's Accounts Receivable`);
      if (e === "InvoiceReversal") {
        await client.reverseInvoiceAndApplyToMemo((document as InvoiceReversalInput).invoiceRef);
        const memo = one(e, naturalKey, (await client.findArDocuments([naturalKey], "Credit Memo")).get(naturalKey));
        if (!memo?.ReferenceNbr) throw Object.assign(new Error(`Acumatica reversed invoice ${naturalKey} but its credit memo cannot be found yet`), { retryable: true });
        await finishReversal(memo.ReferenceNbr, memo.Status);
        return { targetId: memo.id, targetRef: memo.ReferenceNbr };
      }
      // counted as a release in flight from the create on, so the status reads of releases wait for this one too
      return client.postForRelease(e === "Payment" ? "Payment" : "Invoice", async () => {
        const created =
          e === "Payment"
            ? await client.createPayment(document as PaymentInput)
            : e === "CreditMemo"
              ? await client.createCreditMemo(document as ArDocumentInput)
              : await client.createInvoice(document as ArDocumentInput);
        const ref = { targetId: created.id, targetRef: created.ReferenceNbr ?? null };
        await release(e, ref);
        return ref;
      });
    },
    /**
     * Master data: a customer brought up to date (its currency is left as it is). A released invoice
     * is never changed: what follows it (a reversal) is a document of its own, so its "update" leaves
     * it as it is; a period has nothing to write. Other entities are never updated.
     */
    updateDocument: async ({ entity, naturalKey, ref, document }: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }): Promise<TargetDocumentRef> => {
      if (entity === "FinancialPeriod" || entity === "Invoice") return ref;
      if (entity !== "Customer") throw refused(`Acumatica ${entity} documents are posted once, never updated`);
      customers.forget(naturalKey);
      const { currencyId: _currency, ...fields } = document as CustomerInput;
      const c = await client.updateCustomer({ ...fields, customerId: naturalKey });
      return { targetId: c.id, targetRef: c.CustomerID };
    },
    /**
     * A document found by natural key that an earlier attempt created but did not release is released
     * now (a reversal memo also taken off hold). A customer found (matched or mapped) gets the Zuora
     * account id in Account Ref and the tax zone where it has none (the planner checked that it has no
     * other account's id).
     */
    completeDocument: async ({ entity, naturalKey, ref, document }: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }) => {
      const e = entity as Entity;
      if (e === "Customer") return claimCustomer(naturalKey, (await customers.find(naturalKey))[0], document as CustomerInput);
      const status = statusOf.get(`${entity}:${naturalKey}`);
      if (e === "InvoiceReversal") {
        if (ref.targetRef) await finishReversal(ref.targetRef, status);
        return;
      }
      if (status === "Balanced" || status === "On Hold") await release(e, ref);
    },
  };
};
