// Zuora -> Acumatica (integrations.md §1). Zuora is the system of record; nothing is written back.
// Objects, in dependency order: account -> Customer, invoice -> AR Invoice (+ optional GL journal),
// payment -> Payment applied to the posted AR invoices and released, credit memo -> AR Credit Memo
// (only with Invoice Settlement). Natural keys (Acumatica has no idempotency key): CustomerID,
// Invoice/Credit Memo CustomerOrder = Zuora number, Payment ExternalRef, Journal Description.
import { z } from "zod";
import type { MissingKey } from "../audit/events";
import { readConnectionSecrets } from "../connections/read-connection-secrets";
import { createAcumaticaClient, type AcumaticaClient } from "../connectors/acumatica";
import type { ArDocumentInput, CustomerInput, JournalTransactionInput, PaymentInput } from "../connectors/acumatica/client";
import type { AcumaticaCustomer } from "../connectors/acumatica/schemas";
import { createZuoraClient, zuora, type ZuoraClient } from "../connectors/zuora";
import type { Db } from "../db";
import type { MappingIssue } from "../mapping/create-mapping-context";
import type { ValueMapIndex } from "../mapping/value-map-index";
import type { CalloutVerifier, FlowDefinition, FlowRuntime, LedgerReader, ProcessPlan, TargetDocumentRef } from "../sync/ports";
import {
  journalKeyOf,
  mapAccountToCustomer,
  mapCreditMemo,
  mapInvoice,
  mapJournal,
  mapPayment,
  zaAccountSchema,
  zaCreditMemoSchema,
  zaInvoiceSchema,
  zaPaymentSchema,
  zuoraAcumaticaSettingsSchema,
  type ResolvedCustomer,
  type ZuoraAcumaticaSettings,
} from "./zuora-acumatica-mapping";
import { createSource, isObjectType, OBJECTS } from "./zuora-acumatica-source";


export const ZUORA_ACUMATICA = "zuora-acumatica";

const contextOf = async (db: Db, connectionId: string) => {
  const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { id: true, baseUrl: true, settings: true } });
  return { connectionId: row.id, baseUrl: row.baseUrl, settings: row.settings, secrets: await readConnectionSecrets({ db, connectionId }), db };
};

type VendorClients = { zuora: ZuoraClient; acumatica: AcumaticaClient };

/**
 * Vendor clients per process (per Db, so two Prisma clients in a test behave like two processes),
 * keyed by the connections and their `updatedAt`: a job pays one small query instead of reading both
 * connection rows and decrypting their credentials, and an edited connection is picked up by the next
 * job. The clients hold no per-job state (tokens and limits live in their own shared stores).
 */
const clientCache = new WeakMap<Db, Map<string, Promise<VendorClients>>>();
const CLIENT_CACHE_MAX = 64;

const clientsFor = async (
  db: Db,
  flow: { sourceConnectionId: string; targetConnectionId: string },
  known?: { source: Date; target: Date },
): Promise<VendorClients> => {
  const ids = [flow.sourceConnectionId, flow.targetConnectionId];
  const rows = known
    ? [
        { id: flow.sourceConnectionId, updatedAt: known.source },
        { id: flow.targetConnectionId, updatedAt: known.target },
      ]
    : await db.connection.findMany({ where: { id: { in: ids } }, select: { id: true, updatedAt: true } });
  const stamp = (id: string) => rows.find((r) => r.id === id)?.updatedAt.getTime() ?? "missing";
  const key = ids.map((id) => `${id}@${stamp(id)}`).join(" ");
  let cache = clientCache.get(db);
  if (!cache) clientCache.set(db, (cache = new Map()));
  let clients = cache.get(key);
  if (!clients) {
    clients = (async () => ({
      zuora: createZuoraClient(await contextOf(db, flow.sourceConnectionId)),
      acumatica: createAcumaticaClient(await contextOf(db, flow.targetConnectionId)),
    }))();
    const built = clients;
    built.catch(() => cache.delete(key));
    // Entries built from older stamps of these connections (and the oldest beyond the cap) are dropped.
    const current = new Set(ids.map((id) => `${id}@${stamp(id)}`));
    const stale = (part: string) => !current.has(part) && ids.some((id) => part.startsWith(`${id}@`));
    for (const other of cache.keys()) if (other.split(" ").some(stale)) cache.delete(other);
    while (cache.size >= CLIENT_CACHE_MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, built);
  }
  return clients;
};

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
type CustomerLookup = ReturnType<typeof createCustomerLookup>;

/** Entities of the target port; "CreditMemo" is Acumatica's Invoice entity with Type "Credit Memo". */
type Entity = "Customer" | "Invoice" | "CreditMemo" | "Payment" | "JournalTransaction";

/** The Acumatica side: natural-key look-ups, insert-only creates, release of AR documents and payments. */
export const createTarget = (client: AcumaticaClient, customers: CustomerLookup) => {
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
    /** A document found by natural key that an earlier attempt created but did not release is released now. */
    completeDocument: async ({ entity, naturalKey, ref }: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }) => {
      const status = statusOf.get(`${entity}:${naturalKey}`);
      if (status === "Balanced" || status === "On Hold") await release(entity as Entity, ref);
    },
  };
};

const holdReason = (missing: MissingKey[]) =>
  missing.some((m) => !m.dependency) ? "mapping-missing" : missing.some((m) => m.kind === "invoice") ? "waiting-for-invoice" : "waiting-for-customer";

/** Turns a mapping result into a plan: invalid data fails, missing keys hold, else `post`. */
const planFrom = <T>(
  result: { output: T | null; issues: MappingIssue[] },
  post: (output: T) => ProcessPlan,
  ensureFor: (missing: MissingKey) => { objectType: string; sourceId: string } | null,
): ProcessPlan => {
  const invalid = result.issues.flatMap((i) => (i.type === "invalid" ? [i.message] : []));
  if (invalid.length > 0) return { action: "fail", reason: invalid.join("; ") };
  const missing = result.issues.flatMap((i) => (i.type === "missing" ? [i.missing] : []));
  if (missing.length > 0) {
    const ensure = missing.flatMap((m) => (m.dependency ? [ensureFor(m)].filter((x) => x !== null) : []));
    return { action: "hold", reason: holdReason(missing), missing, ...(ensure.length > 0 ? { ensure } : {}) };
  }
  return post(result.output as T);
};

/** The part of an account record's mapped payload (AcumaticaCustomerDoc) the planner trusts. */
const postedCustomerSchema = z.object({ customerId: z.string(), currencyId: z.string().nullish() });

export const createPlanner = (settings: ZuoraAcumaticaSettings, lookup: CustomerLookup): FlowRuntime["plan"] => {
  const customers = new Map<string, ResolvedCustomer | null>();
  /**
   * The customer a document's account maps to, with its Acumatica currency; null when not mapped yet.
   * A customer this flow posted for the account (ledger) is known without asking Acumatica; a map an
   * admin entered is checked there once per job.
   */
  const resolveCustomer = async (account: { id: string; accountNumber: string }, maps: ValueMapIndex, ledger: LedgerReader): Promise<ResolvedCustomer | null | "absent"> => {
    const customerId = maps.get("customer")?.get(account.accountNumber);
    if (!customerId) return null;
    if (!customers.has(customerId)) {
      const posted = postedCustomerSchema.safeParse((await ledger.postedRecord({ objectType: "account", sourceId: account.id }))?.mappedPayload);
      if (posted.success && posted.data.customerId === customerId) {
        customers.set(customerId, { customerId, currency: posted.data.currencyId ?? null });
      } else {
        const row = (await lookup.find(customerId))[0];
        customers.set(customerId, row ? { customerId, currency: row.CurrencyID ?? null } : null);
      }
    }
    return customers.get(customerId) ?? "absent";
  };
  const absent = (customerId: string | undefined, accountNumber: string): ProcessPlan => ({
    action: "fail",
    reason: `Acumatica has no customer ${customerId} (mapped from Zuora account ${accountNumber}); fix the customer mapping, then replay`,
  });

  return async ({ record, maps, ledger }) => {
    const type = record.objectType;
    if (type === "account") {
      if (!settings.createCustomers) return { action: "skip", reason: "createCustomers is off: accounts are matched to existing customers by value map" };
      const account = zaAccountSchema.parse(record.sourcePayload);
      if (settings.matchExistingCustomers && !maps.get("customer")?.has(account.accountNumber)) {
        const existing = await lookup.find(account.accountNumber);
        if (existing.length > 1) return { action: "fail", reason: `Acumatica has ${existing.length} customers ${account.accountNumber}; resolve the duplicate there first` };
        const match = existing[0];
        if (match) {
          const doc = { customerId: match.CustomerID, name: match.CustomerName ?? account.name, currencyId: match.CurrencyID ?? account.currency };
          return {
            action: "post",
            documents: [{ entity: "Customer", naturalKey: match.CustomerID, document: doc }],
            mapped: doc,
            valueMaps: [{ kind: "customer", sourceKey: account.accountNumber, sourceLabel: account.name, targetValue: match.CustomerID, targetLabel: "matched by account number" }],
          };
        }
      }
      const result = mapAccountToCustomer({ account, maps, settings });
      return planFrom(result, (doc) => ({
        action: "post",
        documents: [{ entity: "Customer", naturalKey: doc.customerId, document: doc }],
        mapped: doc,
        valueMaps: maps.get("customer")?.has(account.accountNumber)
          ? []
          : [{ kind: "customer", sourceKey: account.accountNumber, sourceLabel: account.name, targetValue: doc.customerId, targetLabel: "created by ml-connector" }],
      }), () => null);
    }

    if (type === "invoice") {
      const invoice = zaInvoiceSchema.parse(record.sourcePayload);
      if (invoice.status !== "Posted") return { action: "skip", reason: `invoice status is ${invoice.status}: only posted invoices are synced` };
      const customer = await resolveCustomer(invoice.account, maps, ledger);
      if (customer === "absent") return absent(maps.get("customer")?.get(invoice.account.accountNumber), invoice.account.accountNumber);
      const result = mapInvoice({ invoice, customer, maps, settings });
      return planFrom(result, (doc) => {
        if (!settings.postJournal) return { action: "post", documents: [{ entity: "Invoice", naturalKey: invoice.invoiceNumber, document: doc }], mapped: doc };
        const journal = mapJournal({ invoice, mapped: doc, settings });
        if (!journal.output) return { action: "fail", reason: journal.issues.map((i) => (i.type === "invalid" ? i.message : i.missing.sourceKey)).join("; ") };
        return {
          action: "post",
          documents: [
            { entity: "Invoice", naturalKey: invoice.invoiceNumber, document: doc },
            { entity: "JournalTransaction", naturalKey: journalKeyOf(invoice.invoiceNumber), document: journal.output },
          ],
          mapped: { invoice: doc, journal: journal.output },
        };
      }, () => ({ objectType: "account", sourceId: invoice.account.id }));
    }

    if (type === "payment") {
      if (!settings.invoiceSettlement) {
        return { action: "skip", reason: "invoice-settlement-off: without Invoice Settlement Zuora does not say which invoices a payment paid (/v1/payments/{key}/parts needs it); apply it in Acumatica by hand" };
      }
      const payment = zaPaymentSchema.parse(record.sourcePayload);
      if (payment.status !== "Processed") return { action: "skip", reason: `payment status is ${payment.status}: only processed payments are synced` };
      if (payment.type === "External" && !settings.postExternalPayments) return { action: "skip", reason: "external payments are not posted (postExternalPayments is off)" };
      const customer = await resolveCustomer(payment.account, maps, ledger);
      if (customer === "absent") return absent(maps.get("customer")?.get(payment.account.accountNumber), payment.account.accountNumber);
      const invoiceRefs = new Map<string, string>();
      for (const app of payment.applications) {
        const posted = await ledger.postedRecord({ objectType: "invoice", sourceId: app.invoiceId });
        if (posted?.targetRef) invoiceRefs.set(app.invoiceId, posted.targetRef);
      }
      const result = mapPayment({ payment, customer, invoiceRefs, maps, settings });
      return planFrom(
        result,
        (doc) => ({ action: "post", documents: [{ entity: "Payment", naturalKey: payment.number, document: doc }], mapped: doc }),
        (m) => (m.kind === "invoice" ? { objectType: "invoice", sourceId: m.sourceKey } : { objectType: "account", sourceId: payment.account.id }),
      );
    }

    if (type === "credit-memo") {
      if (!settings.invoiceSettlement) return { action: "skip", reason: "invoice-settlement-off: credit memos are posted only where the tenant has Invoice Settlement" };
      const memo = zaCreditMemoSchema.parse(record.sourcePayload);
      if (memo.status !== "Posted") return { action: "skip", reason: `credit memo status is ${memo.status}: only posted credit memos are synced` };
      if (memo.referredInvoiceId && !(await ledger.postedRecord({ objectType: "invoice", sourceId: memo.referredInvoiceId }))) {
        const missing: MissingKey[] = [{ kind: "invoice", sourceKey: memo.referredInvoiceId, dependency: true }];
        return { action: "hold", reason: "waiting-for-invoice", missing, ensure: [{ objectType: "invoice", sourceId: memo.referredInvoiceId }] };
      }
      const customer = await resolveCustomer(memo.account, maps, ledger);
      if (customer === "absent") return absent(maps.get("customer")?.get(memo.account.accountNumber), memo.account.accountNumber);
      const result = mapCreditMemo({ memo, customer, maps, settings });
      return planFrom(
        result,
        (doc) => ({ action: "post", documents: [{ entity: "CreditMemo", naturalKey: memo.number, document: doc }], mapped: doc }),
        () => ({ objectType: "account", sourceId: memo.account.id }),
      );
    }
    return { action: "skip", reason: `object type ${type} is not synced by this flow` };
  };
};

export const zuoraAcumaticaFlow: FlowDefinition = {
  kind: ZUORA_ACUMATICA,
  objectTypes: Object.keys(OBJECTS),
  parseSettings: (settings) => zuoraAcumaticaSettingsSchema.parse(settings ?? {}),
  pollOptions: (settings) => {
    const s = zuoraAcumaticaSettingsSchema.parse(settings ?? {});
    return { pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds };
  },
  calloutObjectTypes: (objectType) => (isObjectType(objectType) ? [objectType] : []),
  connect: async ({ db, flow, connectionsUpdatedAt }) => {
    const settings = zuoraAcumaticaSettingsSchema.parse(flow.settings ?? {});
    const { zuora: zuoraClient, acumatica: acumaticaClient } = await clientsFor(db, flow, connectionsUpdatedAt);
    // Look-up caches below are per runtime (one job): a customer created in Acumatica meanwhile is seen by the next job.
    const customers = createCustomerLookup(acumaticaClient);
    return { source: createSource(zuoraClient, settings), target: createTarget(acumaticaClient, customers), plan: createPlanner(settings, customers) };
  },
};

/** Zuora callouts: HMAC over the raw bytes as the connection's callout template signs them (where configured). */
export const verifyZuoraCallout: CalloutVerifier = async ({ db, connection, rawBody, headers }) => {
  const secrets = await readConnectionSecrets({ db, connectionId: connection.id });
  const result = zuora.verifyWebhook({ rawBody: Buffer.from(rawBody), headers: Object.fromEntries(headers.entries()), settings: connection.settings, secrets });
  if (!result.ok) return result;
  return { ok: true, events: result.events.map((e) => ({ vendorEventId: e.vendorEventId, eventType: e.eventType, objectType: e.objectType, objectId: e.objectId, payload: e.payload })) };
};
