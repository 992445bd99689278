import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod";
import { buildQuery, joinUrl, sleep, VendorHttpError, type Query, type TokenCache, type VendorErrorDescription } from "../../http";
import { BearerTokenClient } from "../common/bearer-client";
import type { ConnectionContext } from "../types";
import { batchReleaseChecks } from "./batch-release-checks";
import { coalescingLookup } from "./coalescing-lookup";
import { acumaticaConfig, type AcumaticaEntity } from "./config";
import {
  acumaticaCustomerSchema,
  acumaticaErrorBodySchema,
  acumaticaFinancialYearSchema,
  acumaticaInvoiceSchema,
  acumaticaJournalTransactionSchema,
  acumaticaPaymentSchema,
  type AcumaticaCustomer,
  type AcumaticaSettings,
} from "./schemas";
import { andFilters, anyOfFilter, odataDateTimeOffset, odataString } from "../common/odata";
import { collectFieldErrors, describeFieldError, wrap, wrapped, wrappedList, type PlainRecord } from "./values";

/** A customer as ml-connector creates or updates it. */
export type CustomerInput = {
  customerId: string;
  name: string;
  customerClass?: string;
  currencyId?: string;
  email?: string;
  /** MainContact's Attention: the person bills go to */
  attention?: string;
  /** MainContact's Phone1 */
  phone?: string;
  /** MainContact's Address; "" clears a field */
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  /** Acumatica's country ID (ISO 3166-1 alpha-2, e.g. "US") */
  country?: string;
  terms?: string;
  status?: string;
  /** "Account Ref #" (the source system's id of this customer) */
  accountRef?: string;
  /** the customer's default tax zone (the tax zone of its documents) */
  taxZone?: string;
};

/**
 * The customer's MainContact (Contact entity of the Default endpoint: Email, Attention, Phone1 and its
 * Address: AddressLine1/2, City, State, PostalCode, Country), only with the fields the input gives.
 */
const mainContactOf = (input: CustomerInput): { MainContact?: PlainRecord } => {
  const address: PlainRecord = {};
  const put = (into: PlainRecord, key: string, value: string | undefined) => {
    if (value !== undefined) into[key] = value;
  };
  put(address, "AddressLine1", input.addressLine1);
  put(address, "AddressLine2", input.addressLine2);
  put(address, "City", input.city);
  put(address, "State", input.state);
  put(address, "PostalCode", input.postalCode);
  put(address, "Country", input.country);
  const contact: PlainRecord = {};
  put(contact, "Email", input.email);
  put(contact, "Attention", input.attention);
  put(contact, "Phone1", input.phone);
  if (Object.keys(address).length > 0) contact.Address = address;
  return Object.keys(contact).length > 0 ? { MainContact: contact } : {};
};

/** A customer's fields as PUT sends them (the currency apart: only a create sets it). */
const customerRecord = (input: Omit<CustomerInput, "currencyId">): PlainRecord => ({
  CustomerID: input.customerId,
  CustomerName: input.name,
  CustomerClass: input.customerClass,
  Terms: input.terms,
  Status: input.status,
  AccountRef: input.accountRef,
  TaxZone: input.taxZone,
  ...mainContactOf(input),
});

/** A line of an AR invoice or credit memo, on a GL account. */
export type ArDocumentLine = {
  account: string;
  subaccount?: string;
  branch?: string;
  inventoryId?: string;
  description?: string;
  /** default 1 */
  quantity?: number;
  unitPrice: number;
  taxCategory?: string;
};

/** An AR invoice or credit memo; `externalRef` (the Zuora number) goes to CustomerOrder. */
export type ArDocumentInput = {
  customerId: string;
  externalRef: string;
  date: string;
  dueDate?: string;
  postPeriod?: string;
  description?: string;
  terms?: string;
  /** default false, so the document can be released */
  hold?: boolean;
  lines: ArDocumentLine[];
  /** tax amounts kept as given (the Taxes tab); each TaxID must be a tax of the customer's zone */
  taxDetails?: { taxId: string; taxableAmount: number; taxAmount: number }[];
  /** a credit memo's documents to apply (ApplicationsCreditMemo), applied on release */
  applyTo?: { docType: "Invoice" | "Debit Memo"; referenceNbr: string; amountPaid: number }[];
};

/** A customer payment applied to AR documents; `externalRef` (the Zuora payment number) goes to ExternalRef. */
export type PaymentInput = {
  customerId: string;
  externalRef: string;
  applicationDate: string;
  amount: number;
  paymentMethod?: string;
  cashAccount?: string;
  currencyId?: string;
  paymentRef?: string;
  description?: string;
  hold?: boolean;
  applyTo: { docType: "Invoice" | "Debit Memo" | "Credit Memo"; referenceNbr: string; amountPaid: number }[];
};

/** A GL journal transaction; `externalRef` is stored as its Description (the look-up key). */
export type JournalTransactionInput = {
  externalRef: string;
  transactionDate: string;
  ledgerId?: string;
  branchId?: string;
  currencyId?: string;
  postPeriod?: string;
  hold?: boolean;
  lines: { account: string; subaccount?: string; branchId?: string; debit?: number; credit?: number; description?: string; referenceNbr?: string }[];
};

export type ListOptions = { filter?: string; select?: string; expand?: string; top?: number; skip?: number };

/**
 * A calendar date as the contract's DateTimeValue takes it (OpenAPI `format: date-time`): midnight
 * with an explicit zero offset, the form Acumatica itself returns document dates in. Dates already
 * carrying a time are sent as given.
 */
const asDateTime = (date: string | undefined) => (date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00+00:00` : date);

/** Acumatica action state: 202 + Location while running, 204 when done. */
const actionDoneSchema = z.unknown();

/** A document's keys and Status, as a `$select=Type,ReferenceNbr,Status` read returns them (unwrapped). */
const documentStatusSchema = z.looseObject({ Type: z.string().nullish(), ReferenceNbr: z.string().nullish(), Status: z.string().nullish() });
export type DocumentStatus = z.output<typeof documentStatusSchema>;

/** Statuses of an AR document or payment that its release has happened (Balanced and On Hold: it has not). */
const RELEASED_STATUSES: ReadonlySet<string> = new Set(["Open", "Closed"]);

/** The entity whose release the code running here is counted in flight for (see postForRelease). */
const postingForRelease = new AsyncLocalStorage<"Invoice" | "Payment">();

/** Customer look-ups kept per process at most (the oldest go first). */
const CUSTOMERS_SEEN_MAX = 10_000;

/** PXLongOperation's refusal of a second operation on a document whose operation still runs. */
const PREVIOUS_OPERATION_RUNNING = /previous operation has not been completed yet/i;

/** The key of a document in a status read: Type and ReferenceNbr (ReferenceNbr is unique per Type only). */
const documentKey = (type: string, referenceNbr: string) => `${type}\u0000${referenceNbr}`;

/** A query string's length as sent: buildQuery's, with the quotes fetch's URL parser percent-encodes too. */
const sentQueryLength = (query: Query) => buildQuery(query).replaceAll("'", "%27").length;

/** What a piece of a query value adds to the query string as sent (percent-encoding is per character). */
const sentValueLength = (piece: string) => encodeURIComponent(piece).replaceAll("'", "%27").length;

/**
 * The `$filter`s of a look-up of `values` (without repeats) on `field`: `Field eq 'a' or ...` (OData v3
 * has no `in`), each with at most `batchSize` values and a query string (with `$select`, `$expand`)
 * within acumaticaConfig.maxQueryStringBytes. A single value too long for a query still gets one.
 * From the second value of a batch on, its `or` part is parenthesised (andFilters) and each further
 * value adds ` or Field eq '…'` to the query string: its length grows by that piece's, so a poll page's
 * keys are measured once each instead of building every batch's whole query string again per key.
 */
export const filterBatches = (
  field: string,
  values: readonly string[],
  { batchSize, extraFilter, select, expand }: { batchSize: number; extraFilter?: string; select?: string; expand?: string },
): string[] => {
  const filterOf = (batch: readonly string[]) => andFilters(anyOfFilter(field, batch), extraFilter)!;
  const lengthOf = (batch: readonly string[]) => sentQueryLength({ $filter: filterOf(batch), $select: select, $expand: expand });
  const filters: string[] = [];
  let batch: string[] = [];
  let length = 0;
  for (const value of new Set(values)) {
    const nextLength = batch.length < 2 ? lengthOf([...batch, value]) : length + sentValueLength(` or ${field} eq ${odataString(value)}`);
    if (batch.length > 0 && (batch.length + 1 > batchSize || nextLength > acumaticaConfig.maxQueryStringBytes)) {
      filters.push(filterOf(batch));
      batch = [value];
      length = lengthOf(batch);
    } else {
      batch.push(value);
      length = nextLength;
    }
  }
  if (batch.length > 0) filters.push(filterOf(batch));
  return filters;
};

/**
 * Acumatica contract-based REST client on `{instance}/entity/{endpoint}/{version}`. Every value is
 * wrapped in one place (values.ts); field errors become readable, non-retryable errors; there is
 * no idempotency key, so documents are looked up by natural key before they are created; only that
 * look-up prevents duplicates. `If-None-Match: *` on inserts keeps a PUT that names an existing key
 * (a customer) from updating it; auto-numbered documents carry no key to match, so it cannot stop a
 * concurrent duplicate of those.
 */
export class AcumaticaClient extends BearerTokenClient {
  readonly settings: AcumaticaSettings;
  readonly instanceUrl: string;

  constructor(ctx: ConnectionContext, settings: AcumaticaSettings, tokens: TokenCache) {
    const perMinute = settings.requestsPerMinute ?? acumaticaConfig.limits.requestsPerMinute;
    super({
      tokens,
      vendor: acumaticaConfig.id,
      baseUrl: joinUrl(ctx.baseUrl, `entity/${settings.endpointName}/${settings.endpointVersion}`),
      onExchange: ctx.onExchange,
      requestIdHeaders: ["request-id", "x-request-id"],
      limits: {
        db: ctx.db,
        key: ctx.connectionId,
        requestsPerSecond: perMinute / 60,
        burst: acumaticaConfig.limits.burst,
        maxConcurrent: settings.maxConcurrent ?? acumaticaConfig.limits.maxConcurrent,
      },
    });
    this.settings = settings;
    this.instanceUrl = ctx.baseUrl;
  }

  protected override describeError({ status, body }: { status: number; body: unknown }): VendorErrorDescription | undefined {
    if (status >= 200 && status < 300) return undefined;
    const fieldErrors = collectFieldErrors(body);
    if (fieldErrors.length > 0) {
      // The entity-level "Inserting 'X' record raised at least one error. Please review the errors." says
      // nothing the field errors do not; it is kept in details, not in the message.
      const specific = fieldErrors.some((e) => e.path) ? fieldErrors.filter((e) => e.path) : fieldErrors;
      return { message: specific.map(describeFieldError).join("; "), retryable: false, details: { fieldErrors } };
    }
    const parsed = acumaticaErrorBodySchema.safeParse(body);
    if (!parsed.success) return undefined;
    const b = parsed.data;
    const modelState = b.modelState ? Object.values(b.modelState).flat().join("; ") : "";
    const message = b.exceptionMessage || modelState || b.messageDetail || b.message;
    if (!message) return undefined;
    // A 500 carrying a PX.* exception is a business-rule refusal (closed period, inactive account ...):
    // resending fails again. 502/503/504 come from the gateway or an instance being recycled, whatever the body says.
    const isBusinessRule = status === 500 && Boolean(b.exceptionType?.startsWith("PX."));
    const isTransient = status === 429 || status === 502 || status === 503 || status === 504;
    return { message, retryable: isTransient || (status >= 500 && !isBusinessRule) };
  }

  /** GET one record by key values (`Invoice/Invoice/INV001`) or by id. */
  get<S extends z.ZodType>(entity: AcumaticaEntity, keys: string | readonly string[], schema: S, opts: Pick<ListOptions, "select" | "expand"> = {}) {
    const keyPath = (typeof keys === "string" ? [keys] : keys).map(encodeURIComponent).join("/");
    return this.request({
      method: "GET",
      path: `${entity}/${keyPath}`,
      query: { $select: opts.select, $expand: opts.expand },
      outputSchema: wrapped(schema),
    });
  }

  /** GET a list with `$filter`/`$top`/`$skip`; records are unwrapped and checked with `schema`. */
  list<S extends z.ZodType>(entity: AcumaticaEntity, schema: S, opts: ListOptions = {}) {
    return this.request({
      method: "GET",
      path: entity,
      query: { $filter: opts.filter, $select: opts.select, $expand: opts.expand, $top: opts.top, $skip: opts.skip },
      outputSchema: wrappedList(schema),
    });
  }

  /**
   * Natural-key look-up for many values at once: `$filter=Field eq 'a' or Field eq 'b' ...`, at most
   * `batchSize` values (default 25) per call and never a query string longer than the instance's web
   * server takes (see filterBatches). Returns every match per value (more than one means duplicates
   * already exist).
   */
  async findBy<S extends z.ZodType<Record<string, unknown>>>(
    entity: AcumaticaEntity,
    field: string,
    values: readonly string[],
    schema: S,
    opts: { select?: string; expand?: string; extraFilter?: string; batchSize?: number } = {},
  ): Promise<Map<string, z.output<S>[]>> {
    const found = new Map<string, z.output<S>[]>([...new Set(values)].map((v) => [v, []]));
    // Acumatica compares strings case-insensitively (SQL Server's collation): a row answers every value it equals so.
    const asked = new Map<string, string[]>();
    for (const v of found.keys()) asked.set(v.toLowerCase(), [...(asked.get(v.toLowerCase()) ?? []), v]);
    for (const filter of filterBatches(field, values, { ...opts, batchSize: opts.batchSize ?? acumaticaConfig.filterBatchSize })) {
      const rows = await this.list(entity, schema, { filter, select: opts.select, expand: opts.expand });
      for (const row of rows) {
        const key = row[field];
        if (typeof key === "string") for (const v of asked.get(key.toLowerCase()) ?? []) found.get(v)?.push(row);
      }
    }
    return found;
  }

  /**
   * PUT a record. `insert` sends `If-None-Match: *` (a 412 means it exists already), `update`
   * sends `If-Match: *`, `upsert` neither (matched by key fields).
   */
  put<S extends z.ZodType>(entity: AcumaticaEntity, record: PlainRecord, schema: S, opts: { mode?: "insert" | "update" | "upsert"; expand?: string } = {}) {
    const mode = opts.mode ?? "upsert";
    return this.request({
      method: "PUT",
      path: entity,
      query: { $expand: opts.expand },
      headers: {
        ...(mode === "insert" ? { "If-None-Match": "*" } : mode === "update" ? { "If-Match": "*" } : {}),
        ...(this.settings.branch ? { "PX-CbApiBranch": this.settings.branch } : {}),
      },
      body: { json: wrap(record) },
      // An insert lost in transit must not be resent blindly: the caller looks it up first.
      idempotent: mode !== "insert",
      outputSchema: wrapped(schema),
    });
  }

  /** `POST /{Entity}/{Action}`: the answer is 204 (done) or 202 with the Location of the running operation. */
  private async startAction(entity: AcumaticaEntity, action: string, keys: PlainRecord, parameters: PlainRecord = {}) {
    const res = await this.send({
      method: "POST",
      path: `${entity}/${action}`,
      body: { json: { entity: wrap(keys), parameters: wrap(parameters) } },
      outputSchema: actionDoneSchema,
    });
    const location = res.status === 202 ? res.headers.get("location") : null;
    return location ? new URL(location, joinUrl(this.instanceUrl, "/")).toString() : null;
  }

  /**
   * One read of a running action's Location: "running" (202) or "done" (204). A failed action answers
   * with an error status and Acumatica's HttpError (a PXException's message), which `send` throws as a
   * VendorHttpError carrying that reason.
   */
  private async pollAction(location: string): Promise<"running" | "done"> {
    const poll = await this.send({ method: "GET", path: "", absoluteUrl: location, outputSchema: actionDoneSchema });
    return poll.status === 204 || poll.status === 200 ? "done" : "running";
  }

  private stillRunning(entity: AcumaticaEntity, action: string): VendorHttpError {
    const seconds = acumaticaConfig.actionPollTimeoutMs / 1000;
    return new VendorHttpError({
      vendor: this.vendor,
      method: "POST",
      url: `${this.baseUrl}/${entity}/${action}`,
      status: 202,
      bodySnippet: "",
      retryable: true,
      code: "timeout",
      message: `[acumatica] ${entity}/${action} still running after ${seconds} s`,
      reason: `${action} still running after ${seconds} s`,
    });
  }

  /** The waits between checks of a running action: `firstMs`, then doubling up to `maxMs`, until the deadline. */
  private async *actionWaits() {
    const deadline = Date.now() + acumaticaConfig.actionPollTimeoutMs;
    const { firstMs, maxMs } = acumaticaConfig.actionPollWaitsMs;
    for (let wait: number = firstMs; Date.now() < deadline; wait = Math.min(wait * 2, maxMs)) {
      await sleep(wait);
      yield;
    }
  }

  /**
   * Runs an action (`POST /{Entity}/{Action}`) and waits for it: 204 = done, 202 = running (poll
   * the Location until 204). Not resent after a lost answer; callers re-read the document instead.
   */
  async invokeAction(entity: AcumaticaEntity, action: string, keys: PlainRecord, parameters: PlainRecord = {}) {
    const location = await this.startAction(entity, action, keys, parameters);
    if (!location) return;
    for await (const _ of this.actionWaits()) if ((await this.pollAction(location)) === "done") return;
    throw this.stillRunning(entity, action);
  }

  /**
   * Releases a document and returns once Acumatica has released it. A release that runs on (202) is
   * confirmed by the document's Status, read for many documents at once: the releases in flight in this
   * process share one `$filter=ReferenceNbr eq 'a' or ...&$select=Type,ReferenceNbr,Status` read, which
   * waits (up to releaseStatusMaxWaitMs) until all of them ask (batchReleaseChecks). A document not yet Open or Closed (still Balanced: the release runs, or
   * failed) has the release's own Location asked once it is `releaseLocationAfterMs` old, and at each
   * check after: 204 confirms it, 202 means it still runs, and a failed release answers with Acumatica's
   * reason, thrown as a VendorHttpError (a PXException is not retryable). A release refused because an
   * earlier one of the same document still runs is followed by the document's Status alone; one refused
   * for a document found released meanwhile (an earlier attempt's release completed) is done. Not resent
   * after a lost answer.
   */
  private async releaseDocument(entity: "Invoice" | "Payment", action: string, type: string, referenceNbr: string) {
    if (postingForRelease.getStore() === entity) return this.followRelease(entity, action, type, referenceNbr);
    return this.postForRelease(entity, () => this.followRelease(entity, action, type, referenceNbr));
  }

  /**
   * Runs `post` (a document's create, then its release) as a release in flight of `entity` from its
   * start: the status checks of other releases wait for its own (up to releaseStatusMaxWaitMs) instead
   * of going without it, so one read confirms the documents that the process's jobs post together.
   */
  async postForRelease<T>(entity: "Invoice" | "Payment", post: () => Promise<T>): Promise<T> {
    const checks = this.releaseChecks[entity];
    checks.begin();
    try {
      return await postingForRelease.run(entity, post);
    } finally {
      checks.end();
    }
  }

  private async followRelease(entity: "Invoice" | "Payment", action: string, type: string, referenceNbr: string) {
    const key = documentKey(type, referenceNbr);
    const isReleased = async () => (await this.releaseChecks[entity].check(key)).some((row) => RELEASED_STATUSES.has(row.Status ?? ""));
    const started = await this.startAction(entity, action, { Type: type, ReferenceNbr: referenceNbr }).catch(async (err: unknown) => {
      // A release an earlier attempt started still runs (Acumatica runs one operation per document): its
      // outcome is the document's Status, followed here without a Location of our own.
      if (err instanceof VendorHttpError && PREVIOUS_OPERATION_RUNNING.test(err.message)) return { earlier: true } as const;
      // Refused because an earlier attempt's release has completed meanwhile: the document is released.
      if (err instanceof VendorHttpError && !err.retryable && (await isReleased())) return null;
      throw err;
    });
    if (started === null) return;
    const location = typeof started === "string" ? started : null;
    const startedAt = Date.now();
    for await (const _ of this.actionWaits()) {
      if (await isReleased()) return;
      if (!location || Date.now() - startedAt < acumaticaConfig.releaseLocationAfterMs) continue;
      if ((await this.pollAction(location)) === "done") return;
    }
    throw this.stillRunning(entity, action);
  }

  /**
   * Type, ReferenceNbr and Status of documents by `documentKey`, in one `ReferenceNbr eq 'a' or ...` read
   * (at most acumaticaConfig.filterBatchSize keys), matched on both keys (an invoice and a credit memo may
   * share a ReferenceNbr). `take` gives the keys when the read has its turn under the connection's
   * limits (see batchReleaseChecks), so it carries the checks asked for while it waited.
   */
  async readDocumentStatuses(entity: "Invoice" | "Payment", take: () => readonly string[]): Promise<Map<string, DocumentStatus[]>> {
    let keys: readonly string[] = [];
    const rows = await this.request({
      method: "GET",
      path: entity,
      query: () => {
        keys = take();
        const refs = [...new Set(keys.map((k) => k.slice(k.indexOf("\u0000") + 1)))];
        return { $filter: anyOfFilter("ReferenceNbr", refs), $select: "Type,ReferenceNbr,Status" };
      },
      outputSchema: wrappedList(documentStatusSchema),
    });
    const found = new Map<string, DocumentStatus[]>(keys.map((k) => [k, []]));
    for (const row of rows) if (row.Type && row.ReferenceNbr) found.get(documentKey(row.Type, row.ReferenceNbr))?.push(row);
    return found;
  }

  /** Status reads that the releases in flight in this process share (see releaseDocument, batchReleaseChecks); never cached. */
  private readonly releaseChecks = {
    Invoice: batchReleaseChecks({ read: (take) => this.readDocumentStatuses("Invoice", take), maxWaitMs: acumaticaConfig.releaseStatusMaxWaitMs, maxBatchSize: acumaticaConfig.filterBatchSize }),
    Payment: batchReleaseChecks({ read: (take) => this.readDocumentStatuses("Payment", take), maxWaitMs: acumaticaConfig.releaseStatusMaxWaitMs, maxBatchSize: acumaticaConfig.filterBatchSize }),
  };

  /**
   * Look-ups of one document by natural key that concurrent jobs of this process share (one client per
   * connection and process): keys asked for while a look-up is in flight go together in the next call.
   * Never cached, so each is as exact as a call of its own (see coalescingLookup).
   */
  private readonly lookups = {
    // customers are looked up before every post (master data): a short wait lets concurrent jobs' look-ups share a call
    customer: coalescingLookup((ids) => this.findCustomers(ids), { windowMs: acumaticaConfig.customerLookUpWindowMs }),
    invoice: coalescingLookup((refs) => this.findArDocuments(refs, "Invoice")),
    creditMemo: coalescingLookup((refs) => this.findArDocuments(refs, "Credit Memo")),
    payment: coalescingLookup((refs) => this.findPayments(refs)),
    journal: coalescingLookup((refs) => this.findJournalTransactions(refs)),
  };

  /** Customer look-ups answered in this process in the last acumaticaConfig.customerLookUpTtlMs, by CustomerID (lower case). */
  private readonly customersSeen = new Map<string, { at: number; rows: Promise<AcumaticaCustomer[]> }>();

  /**
   * The customers with this CustomerID (more than one: duplicates exist), coalesced with concurrent
   * look-ups and shared by the jobs of this process for customerLookUpTtlMs (a customer this process
   * writes is forgotten at once). Safe because a customer is only ever created insert-only
   * (createCustomer): an answer "absent" that is out of date cannot create a second customer or
   * overwrite one, the create is refused with 412 instead.
   */
  lookUpCustomer(customerId: string) {
    const key = customerId.toLowerCase();
    const seen = this.customersSeen.get(key);
    if (seen && Date.now() - seen.at < acumaticaConfig.customerLookUpTtlMs) return seen.rows;
    const entry = { at: Date.now(), rows: this.lookups.customer.load(customerId) };
    this.customersSeen.set(key, entry);
    entry.rows.catch(() => this.customersSeen.get(key) === entry && this.customersSeen.delete(key));
    while (this.customersSeen.size > CUSTOMERS_SEEN_MAX) this.customersSeen.delete(this.customersSeen.keys().next().value!);
    return entry.rows;
  }

  /**
   * Answers the customer look-ups of this process with what a batched read found (a first-pass poll
   * page's customers, see the target's lookUpMany), for customerLookUpTtlMs like a look-up of its own.
   */
  rememberCustomers(found: ReadonlyMap<string, AcumaticaCustomer[]>) {
    for (const [customerId, rows] of found) this.customersSeen.set(customerId.toLowerCase(), { at: Date.now(), rows: Promise.resolve(rows) });
    while (this.customersSeen.size > CUSTOMERS_SEEN_MAX) this.customersSeen.delete(this.customersSeen.keys().next().value!);
  }

  /** Forgets what this process has seen of a customer (it is being written). */
  forgetCustomer(customerId: string) {
    this.customersSeen.delete(customerId.toLowerCase());
  }

  /** The AR documents of `type` with this Zuora number, coalesced with concurrent look-ups. */
  lookUpArDocument(externalRef: string, type: "Invoice" | "Credit Memo") {
    return (type === "Invoice" ? this.lookups.invoice : this.lookups.creditMemo).load(externalRef);
  }

  /** The payments with this Zuora number, coalesced with concurrent look-ups. */
  lookUpPayment(externalRef: string) {
    return this.lookups.payment.load(externalRef);
  }

  /** The journal transactions with this external reference, coalesced with concurrent look-ups. */
  lookUpJournalTransaction(externalRef: string) {
    return this.lookups.journal.load(externalRef);
  }

  /** Customers by CustomerID (one call per 25 ids, or `batchSize`). */
  findCustomers(customerIds: readonly string[], opts: { batchSize?: number } = {}) {
    return this.findBy("Customer", "CustomerID", customerIds, acumaticaCustomerSchema, opts);
  }

  /**
   * Updates an existing customer (`If-Match: *`: a customer that no longer exists answers 412, never
   * a new one). Only the given fields change; the currency is never sent (Acumatica keeps it once
   * documents use it).
   */
  updateCustomer(input: Omit<CustomerInput, "currencyId">) {
    this.forgetCustomer(input.customerId);
    return this.put("Customer", customerRecord(input), acumaticaCustomerSchema, { mode: "update" });
  }

  /**
   * Creates a customer, insert only (`If-None-Match: *`): when a customer with this CustomerID exists
   * (keyed in by someone, or created by an attempt whose answer was lost) Acumatica answers 412
   * Precondition Failed and changes nothing, so a create never overwrites a customer.
   */
  createCustomer(input: CustomerInput) {
    this.forgetCustomer(input.customerId);
    return this.put("Customer", { ...customerRecord(input), CurrencyID: input.currencyId }, acumaticaCustomerSchema, { mode: "insert" });
  }

  /** AR documents of `type` by their Zuora number (CustomerOrder); `opts` e.g. a page's look-up (more values per call, fewer fields). */
  findArDocuments(externalRefs: readonly string[], type: "Invoice" | "Credit Memo" | "Debit Memo" = "Invoice", opts: { select?: string; batchSize?: number } = {}) {
    return this.findBy("Invoice", acumaticaConfig.naturalKeyFields.Invoice, externalRefs, acumaticaInvoiceSchema, {
      extraFilter: `Type eq ${odataString(type)}`,
      ...opts,
    });
  }

  private putArDocument(type: "Invoice" | "Credit Memo" | "Debit Memo", input: ArDocumentInput) {
    return this.put(
      "Invoice",
      {
        Type: type,
        Customer: input.customerId,
        CustomerOrder: input.externalRef,
        Date: asDateTime(input.date),
        DueDate: asDateTime(input.dueDate),
        PostPeriod: input.postPeriod,
        Description: input.description,
        Terms: input.terms,
        Hold: input.hold ?? false,
        Details: input.lines.map((l) => ({
          InventoryID: l.inventoryId,
          TransactionDescription: l.description,
          Qty: l.quantity ?? 1,
          UnitPrice: l.unitPrice,
          Account: l.account,
          Subaccount: l.subaccount,
          Branch: l.branch,
          TaxCategory: l.taxCategory,
        })),
        ...(input.taxDetails ? { TaxDetails: input.taxDetails.map((t) => ({ TaxID: t.taxId, TaxableAmount: t.taxableAmount, TaxAmount: t.taxAmount })) } : {}),
        ...(input.applyTo ? { ApplicationsCreditMemo: input.applyTo.map((a) => ({ DocType: a.docType, ReferenceNbr: a.referenceNbr, AmountPaid: a.amountPaid })) } : {}),
      },
      acumaticaInvoiceSchema,
      { mode: "insert", expand: "Details" },
    );
  }

  /**
   * Reverses a released invoice with a credit memo applied to it (AR301000 "Reverse and Apply to
   * Memo", graph action `ReverseInvoiceAndApplyToMemo`, run by name as contract version 4 runs
   * actions outside the endpoint). The memo is created On Hold with the invoice's lines, tax and
   * CustomerOrder, so it is found by the invoice's CustomerOrder afterwards.
   */
  reverseInvoiceAndApplyToMemo(referenceNbr: string) {
    return this.invokeAction("Invoice", "ReverseInvoiceAndApplyToMemo", { Type: "Invoice", ReferenceNbr: referenceNbr });
  }

  /** Takes an AR document off hold (PUT Hold false on the existing document). */
  releaseHold(type: "Invoice" | "Credit Memo" | "Debit Memo", referenceNbr: string) {
    return this.put("Invoice", { Type: type, ReferenceNbr: referenceNbr, Hold: false }, acumaticaInvoiceSchema, { mode: "update" });
  }

  /** Financial years with their periods (GL201000), for the closed-period check. */
  listFinancialYears() {
    return this.list("FinancialPeriod", acumaticaFinancialYearSchema, { expand: "Details" });
  }

  /** Creates an AR invoice (insert only; look it up with findArDocuments first). */
  createInvoice(input: ArDocumentInput) {
    return this.putArDocument("Invoice", input);
  }

  /** Creates an AR credit memo (Invoice entity, Type "Credit Memo"). */
  createCreditMemo(input: ArDocumentInput) {
    return this.putArDocument("Credit Memo", input);
  }

  /** Releases an AR document (so payments can be applied to it); returns once it is released (see releaseDocument). */
  releaseArDocument(type: "Invoice" | "Credit Memo" | "Debit Memo", referenceNbr: string) {
    return this.releaseDocument("Invoice", "ReleaseInvoice", type, referenceNbr);
  }

  /** Payments (and refunds) by their Zuora number (ExternalRef). */
  findPayments(externalRefs: readonly string[], opts: { select?: string; batchSize?: number } = {}) {
    return this.findBy("Payment", acumaticaConfig.naturalKeyFields.Payment, externalRefs, acumaticaPaymentSchema, opts);
  }

  /** Creates a payment applied to the given documents (insert only). */
  createPayment(input: PaymentInput) {
    return this.putPaymentDocument("Payment", input);
  }

  /** A payment-screen document (a payment or a customer refund) with the documents it applies to (insert only). */
  private putPaymentDocument(type: "Payment" | "Refund", input: Omit<PaymentInput, "applyTo"> & { applyTo: { docType: string; referenceNbr: string; amountPaid: number }[] }) {
    return this.put(
      "Payment",
      {
        Type: type,
        CustomerID: input.customerId,
        ExternalRef: input.externalRef,
        ApplicationDate: asDateTime(input.applicationDate),
        PaymentAmount: input.amount,
        PaymentMethod: input.paymentMethod,
        CashAccount: input.cashAccount,
        CurrencyID: input.currencyId,
        PaymentRef: input.paymentRef ?? input.externalRef,
        Description: input.description,
        Hold: input.hold ?? false,
        DocumentsToApply: input.applyTo.map((d) => ({ DocType: d.docType, ReferenceNbr: d.referenceNbr, AmountPaid: d.amountPaid })),
      },
      acumaticaPaymentSchema,
      { mode: "insert", expand: "DocumentsToApply" },
    );
  }

  /**
   * Releases a payment (applies it); returns once it is released (see releaseDocument). A credit memo
   * opened on the payments screen is Open before its new applications are released, so its Status
   * proves nothing: that release is followed on its own Location.
   */
  releasePayment(referenceNbr: string, type = "Payment") {
    if (type === "Credit Memo") return this.invokeAction("Payment", "ReleasePayment", { Type: type, ReferenceNbr: referenceNbr });
    return this.releaseDocument("Payment", "ReleasePayment", type, referenceNbr);
  }

  /** Journal transactions by their external reference (stored as Description). */
  findJournalTransactions(externalRefs: readonly string[]) {
    return this.findBy("JournalTransaction", acumaticaConfig.naturalKeyFields.JournalTransaction, externalRefs, acumaticaJournalTransactionSchema);
  }

  /** Creates a GL journal transaction (insert only). Debits must equal credits; the caller checks. */
  createJournalTransaction(input: JournalTransactionInput) {
    return this.put(
      "JournalTransaction",
      {
        Module: "GL",
        Description: input.externalRef,
        TransactionDate: asDateTime(input.transactionDate),
        LedgerID: input.ledgerId,
        BranchID: input.branchId,
        CurrencyID: input.currencyId,
        PostPeriod: input.postPeriod,
        Hold: input.hold ?? false,
        Details: input.lines.map((l) => ({
          Account: l.account,
          Subaccount: l.subaccount,
          BranchID: l.branchId,
          DebitAmount: l.debit ?? 0,
          CreditAmount: l.credit ?? 0,
          TransactionDescription: l.description,
          ReferenceNbr: l.referenceNbr,
        })),
      },
      acumaticaJournalTransactionSchema,
      { mode: "insert", expand: "Details" },
    );
  }

  /**
   * One page of records modified after `since` (`LastModifiedDateTime gt datetimeoffset'…'`,
   * `$top`/`$skip`). `$skip` paging over a changing set can miss rows: callers keep an overlap.
   */
  listModified<S extends z.ZodType>(entity: AcumaticaEntity, schema: S, opts: { since: Date; top?: number; skip?: number; expand?: string }) {
    return this.list(entity, schema, {
      filter: `LastModifiedDateTime gt ${odataDateTimeOffset(opts.since)}`,
      top: opts.top ?? 100,
      skip: opts.skip,
      expand: opts.expand,
    });
  }

  // --- Refunds and voided payments (Zuora -> Acumatica, payments refunded or canceled after posting) ---

  /**
   * Creates a customer refund (Payment entity, Type "Refund", insert only) applied to the payments or
   * credit memos whose credit it pays back; `externalRef` (the source's refund number) goes to ExternalRef.
   */
  createRefund(input: Omit<PaymentInput, "applyTo"> & { applyTo: { docType: "Payment" | "Prepayment" | "Credit Memo"; referenceNbr: string; amountPaid: number }[] }) {
    return this.putPaymentDocument("Refund", input);
  }


  /**
   * Voids a released payment (`VoidPayment`): Acumatica reverses its applications, sets it Voided and
   * creates a "Voided Payment" document with the same reference number, which must then be released.
   */
  voidPayment(referenceNbr: string) {
    return this.invokeAction("Payment", "VoidPayment", { Type: "Payment", ReferenceNbr: referenceNbr });
  }

  /** The "Voided Payment" documents with this reference number (the void of that payment). */
  findVoidedPayments(referenceNbr: string) {
    return this.list("Payment", acumaticaPaymentSchema, { filter: `Type eq 'Voided Payment' and ReferenceNbr eq '${referenceNbr.replaceAll("'", "''")}'` });
  }
}
