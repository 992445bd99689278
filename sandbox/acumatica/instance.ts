/**
 * The data of one Acumatica tenant and the operations of the contract-based API on it, free of HTTP:
 * PUT upsert by keys or id (with If-Match / If-None-Match), reads by id, keys or `$filter`, deletes, and the
 * release actions that move Balance and Status. Every change is reported to `onChange` (push notifications).
 */
import { randomUUID } from "node:crypto";
import {
  closedPeriod,
  ENTITIES,
  ENTITY_NAMES,
  type EntityDefinition,
  type EntityName,
  isEditableStatus,
  normalizePeriod,
  periodOfDate,
  type RuleContext,
  CONTROL_ACCOUNT_MODULES,
  type SandboxRules,
  STRICT_RULES,
} from "./entities";
import { isClosedInAr, newFinancialYear, type PeriodStatus, periodRow, setRowStatus } from "./financial-calendar";
import { AcumaticaHttpError, badRequest, notFound, preconditionFailed, pxError } from "./errors";
import { compileFilter, type FieldResolver, FilterSyntaxError, parseFilter, planIndexLookups } from "./odata-filter";
import {
  type FieldError,
  type ParsedRow,
  parseEntity,
  type Scalar,
  type StoredRecord,
  type StoredRow,
  toFlatJson,
  toTimestampText,
} from "./records";
import { releaseRefund, releaseVoidedPayment, type RefundOps, voidPayment } from "./refunds";
import { EntityTable } from "./table";

/** Result of a PUT or action: the saved record, or the candidate with field errors (422). */
export type WriteResult =
  | { ok: true; record: StoredRecord; created: boolean }
  | { ok: false; record: StoredRecord; errors: FieldError[] };

/** A change for push notifications: `before` is absent for an insert, `after` for a delete. */
export type ChangeEvent = { entity: EntityName; before?: StoredRecord; after?: StoredRecord };

/** Chart-of-accounts row accepted by `seed` (flat JSON). */
export type SeedAccount = {
  AccountCD: string;
  Description?: string;
  Type?: "Asset" | "Liability" | "Income" | "Expense";
  Active?: boolean;
  CurrencyID?: string;
  CashAccount?: boolean;
  AccountClass?: string;
  /** Default tax category of document lines posted to this account. */
  TaxCategory?: string;
  /** The subledger it is the control account of (not in the Default contract; set on GL202500). */
  ControlAccountModule?: (typeof CONTROL_ACCOUNT_MODULES)[number];
  /** A control account that still takes direct postings. Default false. */
  AllowManualEntry?: boolean;
};

/** Tax (TX205000) accepted by `seed`: one rate, in force from `StartDate` (default: always). */
export type SeedTax = { TaxID: string; TaxRate: number; Description?: string; TaxType?: string; StartDate?: string; TaxPayableAccount?: string };
/** Tax zone (TX206000) accepted by `seed` with its applicable taxes. */
export type SeedTaxZone = { TaxZoneID: string; Description?: string; taxes: string[] };
/** Tax category (TX205500) accepted by `seed`: the taxes it includes (or, with ExcludeListedTaxes, excludes). */
export type SeedTaxCategory = { TaxCategoryID: string; Description?: string; ExcludeListedTaxes?: boolean; taxes: string[] };

/** One AR document in `balances()`. */
export type DocumentBalance = {
  entity: "Invoice" | "Payment";
  Type: string;
  ReferenceNbr: string;
  /** CustomerOrder of an invoice or memo, ExternalRef of a payment. */
  externalRef: string | null;
  Customer: string;
  CurrencyID: string;
  Status: string;
  Amount: number;
  /** Invoice: Balance; payment: AvailableBalance (what is left to apply). */
  Balance: number;
};
/** A customer's open AR balance in one currency: open invoices and debit memos less open credit memos and unapplied payments. */
export type CustomerBalance = { CustomerID: string; CurrencyID: string; openBalance: number; openDocuments: number };

/** Customer row accepted by `seed` (flat JSON); any other scalar field of the Customer contract may be given too. */
export type SeedCustomer = {
  CustomerID: string;
  CustomerName: string;
  CurrencyID?: string;
  Status?: string;
  Email?: string;
  AccountRef?: string;
  [field: string]: Scalar | undefined;
};

/** Stock or non-stock item row accepted by `seed` (flat JSON). */
export type SeedItem = { InventoryID: string; Description?: string; ItemClass?: string; DefaultPrice?: number; ItemStatus?: string; [field: string]: Scalar | undefined };

/** AR invoice accepted by `seed`: saved, then released as the Release action does (Status "Open"). */
export type SeedInvoice = {
  Customer: string;
  CustomerOrder?: string;
  Date: string;
  Description?: string;
  Terms?: string;
  lines: { InventoryID?: string; Qty?: number; UnitPrice: number; Account: string; TransactionDescription?: string }[];
};

/** A fresh company's chart of accounts (a subset of Acumatica's demo chart), present after create and reset. */
export const DEFAULT_ACUMATICA_ACCOUNTS: readonly SeedAccount[] = [
  { AccountCD: "10200", Description: "Company Checking Account", Type: "Asset", CashAccount: true, CurrencyID: "USD" },
  { AccountCD: "10250", Description: "Company Checking Account EUR", Type: "Asset", CashAccount: true, CurrencyID: "EUR" },
  { AccountCD: "11000", Description: "Accounts Receivable", Type: "Asset", ControlAccountModule: "AR" },
  { AccountCD: "20000", Description: "Accounts Payable", Type: "Liability", ControlAccountModule: "AP" },
  { AccountCD: "23100", Description: "Sales Tax Payable", Type: "Liability", ControlAccountModule: "TX" },
  { AccountCD: "40000", Description: "Sales Revenue", Type: "Income" },
  { AccountCD: "40100", Description: "Subscription Revenue", Type: "Income" },
  { AccountCD: "40200", Description: "Services Revenue", Type: "Income" },
  { AccountCD: "49000", Description: "Discontinued Product Revenue", Type: "Income", Active: false },
  { AccountCD: "50000", Description: "Cost of Goods Sold", Type: "Expense" },
];

/**
 * A long-running action: its effect (or its failure) is applied when it completes, at `doneAtMs`; its
 * Location answers 202 until then and for at least `remainingPolls` polls.
 */
type PendingOperation = {
  entity: EntityName;
  recordId: string;
  remainingPolls: number;
  doneAtMs: number;
  /** running until it completes; then done, or failed with Acumatica's reason */
  outcome: { state: "running"; action: string } | { state: "done" } | { state: "failed"; message: string };
};

/** Serializable state; `format` guards restore against foreign JSON. */
export type InstanceSnapshot = {
  format: "acumatica-sandbox-data/1";
  records: Record<EntityName, StoredRecord[]>;
  counters: Record<string, number>;
  /** Older snapshots listed closed periods here; the calendar is now the FinancialPeriod records. */
  closedPeriods?: string[];
};

const MAX_OPERATIONS = 100_000;

export class AcumaticaInstance {
  private readonly now: () => Date;
  readonly tables: Record<EntityName, EntityTable>;
  private counters: Record<string, number> = {};
  readonly company: string;
  rules: SandboxRules;
  /** invoice id -> payment id -> AmountPaid of applications on unreleased payments */
  private pending = new Map<string, Map<string, number>>();
  /** payment or credit memo id -> ids of the invoices it has pending applications on (so forgetting is O(own rows)) */
  private pendingOf = new Map<string, Set<string>>();
  private operations = new Map<string, PendingOperation>();
  /** ids of the operations still running, in start order */
  private running = new Set<string>();
  private settling = false;
  /** Status polls an action answers 202 to before 204, however long ago it started. */
  actionPolls: number;
  /**
   * How long an action runs, in wall-clock ms (monotonic, not the injectable `now`): its Location
   * answers 202 until then. With this and `actionPolls` both 0 the action itself answers 204.
   */
  actionMs: number;
  onChange: ((event: ChangeEvent) => void) | undefined;

  constructor({ now, actionPolls, actionMs = 0, company = "Company", rules = STRICT_RULES }: { now: () => Date; actionPolls: number; actionMs?: number; company?: string; rules?: SandboxRules }) {
    this.now = now;
    this.company = company;
    this.rules = { ...rules };
    this.actionPolls = actionPolls;
    this.actionMs = actionMs;
    this.tables = Object.fromEntries(
      ENTITY_NAMES.map((name) => [name, new EntityTable(ENTITIES[name].keys, ENTITIES[name].indexed)]),
    ) as Record<EntityName, EntityTable>;
    this.reset();
  }

  reset() {
    for (const table of Object.values(this.tables)) table.clear();
    this.counters = {};
    this.pending.clear();
    this.pendingOf.clear();
    this.operations.clear();
    this.running.clear();
    this.seed({ accounts: [...DEFAULT_ACUMATICA_ACCOUNTS] });
    // The master calendar has the current year, all periods open.
    this.seedOne(ENTITIES.FinancialPeriod, { FinancialYear: { value: String(this.now().getUTCFullYear()) } });
  }

  private ruleContext(): RuleContext {
    return {
      nowMs: this.now().getTime(),
      tables: this.tables,
      company: this.company,
      rules: this.rules,
      isPeriodClosed: (period, module) => this.isPeriodClosed(period, module),
      pendingApplied: (invoiceId, exceptPaymentId) => {
        let sum = 0;
        for (const [paymentId, amount] of this.pending.get(invoiceId) ?? []) if (paymentId !== exceptPaymentId) sum += amount;
        return sum;
      },
    };
  }

  /** Key values of a request body, defaulted where Acumatica defaults them (Type "Invoice", Module "GL"). */
  private keyValues(def: EntityDefinition, input: ParsedRow): (Scalar | undefined)[] {
    return def.keys.map((field) => {
      const raw = input.fields[field];
      const value = typeof raw === "string" ? raw : raw === undefined || raw === null ? undefined : String(raw);
      const defaulted = value ?? (field === "Type" ? (def.name === "Payment" ? "Payment" : "Invoice") : field === "Module" ? "GL" : undefined);
      return defaulted !== undefined && def.normalizeKey ? def.normalizeKey(field, defaulted) : defaulted;
    });
  }

  findByInput(def: EntityDefinition, input: ParsedRow): StoredRecord | undefined {
    this.settle();
    const table = this.tables[def.name];
    if (input.id) {
      const byId = table.getById(input.id);
      if (byId) return byId;
    }
    return table.getByKey(this.keyValues(def, input));
  }

  /** `GET /{Entity}/{key1}/{key2}`: URL segments in key order. */
  findByKeys(def: EntityDefinition, segments: string[]): StoredRecord | undefined {
    this.settle();
    if (segments.length !== def.keys.length) return undefined;
    const values = segments.map((s, i) => {
      const field = def.keys[i] ?? "";
      return def.normalizeKey ? def.normalizeKey(field, s) : s;
    });
    return this.tables[def.name].getByKey(values);
  }

  findById(def: EntityDefinition, id: string) {
    this.settle();
    return this.tables[def.name].getById(id.toLowerCase());
  }

  private buildCandidate(def: EntityDefinition, input: ParsedRow, existing: StoredRecord | undefined): StoredRecord {
    const record: StoredRecord = existing
      ? structuredClone(existing)
      : { id: randomUUID(), seq: 0, fields: {}, details: {}, links: {} };
    for (const [field, value] of Object.entries(input.fields)) {
      if (value === null) delete record.fields[field];
      else record.fields[field] = value;
    }
    // Auto-numbered keys are assigned on insert, except that a credit memo opened on the payments screen is an existing document.
    const opensCreditMemo = def.name === "Payment" && typeof input.fields.Type === "string" && /^(credit memo|crm)$/i.test(input.fields.Type);
    if (!existing && def.numbering && !def.numbering.manual && !opensCreditMemo) delete record.fields[def.numbering.field];
    for (const [name, rows] of Object.entries(input.details)) {
      if (def.readOnlyDetails?.includes(name)) continue;
      const current = record.details[name] ?? [];
      for (const row of rows) {
        const index = row.id ? current.findIndex((r) => r.id === row.id) : -1;
        if (index >= 0) {
          if (row.delete) current.splice(index, 1);
          else mergeRow(current[index] as StoredRow, row);
        } else if (!row.delete) {
          const created: StoredRow = { id: randomUUID(), fields: {} };
          mergeRow(created, row);
          current.push(created);
        }
      }
      record.details[name] = current;
    }
    for (const [name, link] of Object.entries(input.links)) {
      const links = (record.links ??= {});
      const target = links[name] ?? { id: randomUUID(), fields: {} };
      mergeRow(target, link);
      links[name] = target;
    }
    return record;
  }

  /** PUT semantics: create or update by id/keys; `mode` carries If-None-Match: * (insert) / If-Match: * (update). */
  put(def: EntityDefinition, body: unknown, mode: "upsert" | "insert" | "update"): WriteResult {
    this.settle();
    const input = parseEntity(body, def.shape);
    const existing = this.findByInput(def, input);
    if (mode === "insert" && existing) {
      throw preconditionFailed(`The entity with the specified keys already exists: ${def.keys.map((k) => existing.fields[k]).join(", ")}.`);
    }
    if (mode === "update" && !existing) throw preconditionFailed("No entity satisfies the condition.");
    const candidate = this.buildCandidate(def, input, existing);
    const errors = def.prepare(this.ruleContext(), candidate, existing, input);
    if (errors.length) return { ok: false, record: candidate, errors: withSummary(def, errors, existing) };
    return { ok: true, record: this.commit(def, candidate, existing), created: !existing };
  }

  private nextNumber(def: EntityDefinition): string {
    const numbering = def.numbering;
    if (!numbering) throw new Error(`${def.name} has no numbering`);
    const table = this.tables[def.name];
    for (;;) {
      const n = (this.counters[numbering.sequence] ?? 0) + 1;
      this.counters[numbering.sequence] = n;
      const value = `${numbering.prefix}${String(n).padStart(numbering.width, "0")}`;
      if (table.lookup(numbering.field, value).size === 0) return value;
    }
  }

  private commit(def: EntityDefinition, candidate: StoredRecord, existing: StoredRecord | undefined): StoredRecord {
    if (existing && sameContent(existing, candidate)) return existing;
    const stamp = toTimestampText(this.now().getTime());
    if (!existing) {
      candidate.seq = (this.counters.__seq = (this.counters.__seq ?? 0) + 1);
      if (def.numbering && !candidate.fields[def.numbering.field]) candidate.fields[def.numbering.field] = this.nextNumber(def);
      candidate.fields.CreatedDateTime = stamp;
      if (def.name === "Customer") candidate.fields.BAccountID = this.bump("__baccount");
      if (def.name === "Account") candidate.fields.AccountID = this.bump("__account");
    }
    candidate.fields.LastModifiedDateTime = stamp;
    for (const [name, rows] of Object.entries(candidate.details)) {
      if (def.shape.details[name]?.fields.LastModifiedDateTime) for (const row of rows) row.fields.LastModifiedDateTime = stamp;
    }
    this.tables[def.name].put(candidate);
    if (def.name === "Payment" || def.name === "Invoice") this.trackPending(def.name, candidate);
    this.onChange?.({ entity: def.name, before: existing, after: candidate });
    return candidate;
  }

  private bump(counter: string) {
    const n = (this.counters[counter] ?? 0) + 1;
    this.counters[counter] = n;
    return n;
  }

  /**
   * Unreleased applications: those of an unreleased payment or credit memo, and those not yet released on a
   * credit memo opened on the payments screen. They hold part of each invoice's balance.
   */
  private trackPending(entity: "Invoice" | "Payment", document: StoredRecord) {
    this.forgetPending(document.id);
    const creditMemoScreen = entity === "Payment" && document.fields.Type === "Credit Memo";
    if (!isEditableStatus(document.fields.Status) && !creditMemoScreen) return;
    const rows = (entity === "Payment" ? document.details.DocumentsToApply : document.details.ApplicationsCreditMemo) ?? [];
    for (const row of rows) {
      if (row.fields.Released === true) continue;
      const invoice = this.tables.Invoice.getByKey([row.fields.DocType, row.fields.ReferenceNbr]);
      if (!invoice || typeof row.fields.AmountPaid !== "number") continue;
      let bucket = this.pending.get(invoice.id);
      if (!bucket) {
        bucket = new Map();
        this.pending.set(invoice.id, bucket);
      }
      bucket.set(document.id, (bucket.get(document.id) ?? 0) + row.fields.AmountPaid);
      let invoices = this.pendingOf.get(document.id);
      if (!invoices) {
        invoices = new Set();
        this.pendingOf.set(document.id, invoices);
      }
      invoices.add(invoice.id);
    }
  }

  private forgetPending(documentId: string) {
    for (const invoiceId of this.pendingOf.get(documentId) ?? []) {
      const bucket = this.pending.get(invoiceId);
      bucket?.delete(documentId);
      if (bucket?.size === 0) this.pending.delete(invoiceId);
    }
    this.pendingOf.delete(documentId);
  }

  delete(def: EntityDefinition, record: StoredRecord) {
    this.settle();
    if (!isEditableStatus(record.fields.Status) && def.name !== "Customer" && def.name !== "Account") {
      throw new AcumaticaHttpError(500, {
        message: "An error has occurred.",
        exceptionMessage: `The document has the ${String(record.fields.Status)} status and cannot be deleted.`,
        exceptionType: "PX.Data.PXException",
        stackTrace: null,
      });
    }
    this.tables[def.name].delete(record);
    this.forgetPending(record.id);
    this.onChange?.({ entity: def.name, before: record });
  }

  /**
   * `GET /{Entity}?$filter&$top&$skip` in creation order. Equalities on indexed fields (keys, external
   * references) are answered from the hash indexes; everything else is a scan with a compiled predicate.
   */
  list(def: EntityDefinition, query: { filter?: string; top?: number; skip?: number }): StoredRecord[] {
    this.settle();
    const table = this.tables[def.name];
    let predicate: ((r: Record<string, unknown>) => boolean) | undefined;
    let candidates: Iterable<StoredRecord> = table.values();
    if (query.filter !== undefined && query.filter.trim() !== "") {
      try {
        const node = parseFilter(query.filter);
        const fieldOf = fieldResolver(def);
        const compiled = compileFilter(node, fieldOf);
        predicate = (r) => compiled((r as unknown as StoredRecord).fields);
        const plans = planIndexLookups(node, (field) => table.indexedFields.has(field));
        if (plans) {
          let best: StoredRecord[] | undefined;
          for (const plan of plans) {
            const found = new Set<StoredRecord>();
            for (const value of plan.values) for (const r of table.lookup(plan.field, value)) found.add(r);
            if (!best || found.size < best.length) best = [...found];
          }
          candidates = (best ?? []).sort((a, b) => a.seq - b.seq);
        }
      } catch (error) {
        if (error instanceof FilterSyntaxError) throw badRequest(`Invalid $filter: ${error.message}`);
        throw error;
      }
    }
    const skip = query.skip ?? 0;
    const top = query.top ?? Number.POSITIVE_INFINITY;
    const out: StoredRecord[] = [];
    let skipped = 0;
    if (top <= 0) return out;
    for (const record of candidates) {
      if (predicate && !predicate(record as unknown as Record<string, unknown>)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push(record);
      if (out.length >= top) break;
    }
    return out;
  }

  /**
   * `POST /{Entity}/{Action}` with `{"entity": {...keys or id...}, "parameters": {...}}`. With `actionMs` and
   * `actionPolls` both 0 the action runs at once and answers its refusal as the entity with errors (422).
   * Otherwise it is a long-running operation: an action the document's state disables (a release of a
   * document on hold or already released) is refused at once, anything else answers 202 + an operation id;
   * the document keeps its state while the operation runs (`actionMs` of wall time), and when it completes
   * the effect is applied, or, if the action fails then, nothing changes and the operation reports the
   * failure (see `pollOperation`).
   */
  invoke(def: EntityDefinition, action: string, body: unknown): { ok: true; operationId?: string; record: StoredRecord } | { ok: false; record: StoredRecord; errors: FieldError[] } {
    this.settle();
    const name = def.actions.find((a) => a.toLowerCase() === action.toLowerCase());
    if (!name) throw notFound(`The action ${action} is not found in the ${def.name} entity.`);
    if (typeof body !== "object" || body === null || Array.isArray(body) || !("entity" in body)) {
      throw badRequest("The request body must be {\"entity\": {...}, \"parameters\": {...}}.");
    }
    const input = parseEntity((body as { entity: unknown }).entity, def.shape, "entity");
    const record = this.findByInput(def, input);
    if (!record) throw notFound("No entity satisfies the condition.");
    if (this.actionPolls <= 0 && this.actionMs <= 0) {
      const outcome = this.applyAction(def, name, record);
      if (Array.isArray(outcome) && outcome.length) return { ok: false, record, errors: outcome };
      // An action that creates a document (a reversal) leaves the new document current, as its Location says.
      const current = Array.isArray(outcome) ? (this.tables[def.name].getById(record.id) ?? record) : outcome.created;
      return { ok: true, record: current };
    }
    // One long operation per document at a time (PXLongOperation's lock on the graph).
    for (const id of this.running) {
      if (this.operations.get(id)?.recordId === record.id) throw pxError(500, "The previous operation has not been completed yet.");
    }
    const disabled = disabledActionErrors(name, record);
    if (disabled.length) return { ok: false, record, errors: disabled };
    const operationId = randomUUID();
    if (this.operations.size >= MAX_OPERATIONS) {
      const oldest = this.operations.keys().next().value;
      if (oldest !== undefined) {
        this.operations.delete(oldest);
        this.running.delete(oldest);
      }
    }
    this.operations.set(operationId, {
      entity: def.name,
      recordId: record.id,
      remainingPolls: this.actionPolls,
      doneAtMs: performance.now() + this.actionMs,
      outcome: { state: "running", action: name },
    });
    this.running.add(operationId);
    return { ok: true, operationId, record };
  }

  /**
   * Completes the operations whose time has come, in the order they started: each action runs against the
   * document as it is then; a refusal leaves everything unchanged and becomes the operation's failure.
   */
  private settle() {
    if (this.running.size === 0 || this.settling) return;
    this.settling = true;
    try {
      this.settleDue(performance.now());
    } finally {
      this.settling = false;
    }
  }

  private settleDue(now: number) {
    for (const id of this.running) {
      const op = this.operations.get(id);
      if (!op || op.outcome.state !== "running") {
        this.running.delete(id);
        continue;
      }
      if (now < op.doneAtMs) continue;
      this.running.delete(id);
      const def = ENTITIES[op.entity];
      const record = this.tables[op.entity].getById(op.recordId);
      if (!record) {
        op.outcome = { state: "failed", message: "No entity satisfies the condition." };
        continue;
      }
      const outcome = this.applyAction(def, op.outcome.action, record);
      if (Array.isArray(outcome) && outcome.length) {
        op.outcome = { state: "failed", message: outcome.map((e) => e.message).join(" ") };
        continue;
      }
      if (!Array.isArray(outcome)) op.recordId = outcome.created.id;
      op.outcome = { state: "done" };
    }
  }

  /**
   * One poll of an operation's Location: "running" (202) until it has completed and its polls are used up,
   * then "done" (204, Location of the processed record) or "failed" with Acumatica's reason.
   */
  pollOperation(operationId: string): { state: "running" | "done"; entity: EntityName; recordId: string } | { state: "failed"; entity: EntityName; recordId: string; message: string } | undefined {
    this.settle();
    const op = this.operations.get(operationId.toLowerCase());
    if (!op) return undefined;
    if (op.outcome.state === "running" || op.remainingPolls > 0) {
      op.remainingPolls = Math.max(0, op.remainingPolls - 1);
      return { state: "running", entity: op.entity, recordId: op.recordId };
    }
    if (op.outcome.state === "failed") return { state: "failed", entity: op.entity, recordId: op.recordId, message: op.outcome.message };
    return { state: "done", entity: op.entity, recordId: op.recordId };
  }

  private update(target: StoredRecord, entity: EntityName, change: (r: StoredRecord) => void) {
    const next = structuredClone(target);
    change(next);
    this.commit(ENTITIES[entity], next, target);
    return next;
  }

  private applyAction(def: EntityDefinition, action: string, record: StoredRecord): FieldError[] | { created: StoredRecord } {
    const status = String(record.fields.Status ?? "");
    const closedError = (module: "AR" | "GL"): FieldError[] => {
      const period = record.fields.PostPeriod;
      if (typeof period !== "string" || !this.isPeriodClosed(period, module)) return [];
      return [{ path: ["PostPeriod"], message: closedPeriod(period, this.company, module) }];
    };
    switch (action) {
      case "PutOnHold":
      case "RemoveHold": {
        if (!isEditableStatus(status)) return [{ path: [], message: `The document has the ${status} status and cannot be modified.` }];
        const hold = action === "PutOnHold";
        this.update(record, def.name, (r) => {
          r.fields.Hold = hold;
          r.fields.Status = hold ? "On Hold" : "Balanced";
        });
        return [];
      }
      case "ReleaseInvoice": {
        if (status === "On Hold") return [{ path: [], message: "The document is on hold and cannot be released." }];
        if (status !== "Balanced") return [{ path: [], message: "The document has already been released." }];
        const closed = closedError("AR");
        if (closed.length) return closed;
        if (record.fields.Type === "Credit Memo") return this.releaseCreditMemo(record);
        this.update(record, "Invoice", (r) => {
          r.fields.Balance = r.fields.Amount ?? 0;
          r.fields.Status = r.fields.Amount === 0 ? "Closed" : "Open";
        });
        return [];
      }
      case "ReverseInvoice":
      case "ReverseInvoiceAndApplyToMemo":
        return this.reverseInvoice(record, action === "ReverseInvoiceAndApplyToMemo");
      case "ReleaseJournalTransaction": {
        if (status === "On Hold") return [{ path: [], message: "The batch is on hold and cannot be released." }];
        if (status !== "Balanced") return [{ path: [], message: "The batch has already been released." }];
        const closed = closedError("GL");
        if (closed.length) return closed;
        this.update(record, "JournalTransaction", (r) => {
          r.fields.Status = "Posted";
        });
        return [];
      }
      case "ReleasePayment":
        if (record.fields.Type === "Refund") return releaseRefund(this.refundOps(), record);
        if (record.fields.Type === "Voided Payment") return releaseVoidedPayment(this.refundOps(), record);
        return record.fields.Type === "Credit Memo" ? this.releaseCreditMemoApplications(record) : this.releasePayment(record);
      case "VoidPayment":
        return voidPayment(this.refundOps(), record);
      default:
        return [{ path: [], message: `The action ${action} is not available.` }];
    }
  }

  /**
   * Releases the unreleased application rows of `adjusting` (a payment, or a credit memo on either screen):
   * each lowers its invoice's Balance (Closed at 0) and adds a row to the invoice's ApplicationsDefault.
   * Nothing changes when a row no longer fits (another document took the balance meanwhile).
   */
  private applyRows(adjusting: StoredRecord, detail: "DocumentsToApply" | "ApplicationsCreditMemo", date: unknown): { errors: FieldError[]; history: StoredRow[]; applied: number } {
    const rows = adjusting.details[detail] ?? [];
    const pending = rows.map((row, i) => ({ row, i })).filter(({ row }) => row.fields.Released !== true);
    const invoices = pending.map(({ row }) => this.tables.Invoice.getByKey([row.fields.DocType, row.fields.ReferenceNbr]));
    const errors: FieldError[] = [];
    pending.forEach(({ row, i }, k) => {
      const invoice = invoices[k];
      const paid = typeof row.fields.AmountPaid === "number" ? row.fields.AmountPaid : 0;
      if (!invoice || invoice.fields.Status !== "Open") {
        errors.push({ path: [detail, i, "ReferenceNbr"], message: `Reference Nbr. '${String(row.fields.ReferenceNbr)}' cannot be found in the system.` });
      } else if (paid > (typeof invoice.fields.Balance === "number" ? invoice.fields.Balance : 0) + 0.000001) {
        errors.push({ path: [detail, i, "AmountPaid"], message: `The amount paid (${paid}) exceeds the balance of the document (${String(invoice.fields.Balance)}).` });
      }
    });
    if (errors.length) return { errors, history: [], applied: 0 };
    const history: StoredRow[] = [];
    let applied = 0;
    const adjustingType = detail === "ApplicationsCreditMemo" ? "Credit Memo" : (adjusting.fields.Type ?? "Payment");
    pending.forEach(({ row }, k) => {
      const invoice = invoices[k];
      if (!invoice) return;
      const paid = row.fields.AmountPaid as number;
      applied += paid;
      const after = this.update(invoice, "Invoice", (r) => {
        const balance = Math.round(((r.fields.Balance as number) - paid) * 100) / 100;
        r.fields.Balance = balance;
        r.fields.Status = balance === 0 ? "Closed" : "Open";
        (r.details.ApplicationsDefault ??= []).push({
          id: randomUUID(),
          fields: { DocType: adjustingType, ReferenceNbr: adjusting.fields.ReferenceNbr ?? null, AmountPaid: paid, Balance: balance, PaymentDate: (date as string) ?? null, Status: "Open" },
        });
      });
      history.push({
        id: randomUUID(),
        fields: {
          AdjustedDocType: after.fields.Type ?? null,
          AdjustedRefNbr: after.fields.ReferenceNbr ?? null,
          DisplayDocType: after.fields.Type ?? null,
          DisplayRefNbr: after.fields.ReferenceNbr ?? null,
          AdjustingDocType: adjustingType,
          AdjustingRefNbr: adjusting.fields.ReferenceNbr ?? null,
          AmountPaid: paid,
          Balance: after.fields.Balance ?? null,
          Customer: after.fields.Customer ?? null,
          CustomerOrder: after.fields.CustomerOrder ?? null,
          Description: after.fields.Description ?? null,
          Date: (date as string) ?? null,
          DueDate: after.fields.DueDate ?? null,
          PostPeriod: after.fields.PostPeriod ?? null,
          ApplicationPeriod: typeof date === "string" ? periodOfDate(date) : null,
          CurrencyID: adjusting.fields.CurrencyID ?? null,
          AdjustmentNbr: history.length + 1,
          BatchNbr: null,
        },
      });
      row.fields.Released = true;
      row.fields.Balance = after.fields.Balance ?? null;
      row.fields.Status = after.fields.Status ?? null;
    });
    return { errors, history, applied: Math.round(applied * 100) / 100 };
  }

  private releasePayment(payment: StoredRecord): FieldError[] {
    const status = String(payment.fields.Status ?? "");
    if (status === "On Hold") return [{ path: [], message: "The document is on hold and cannot be released." }];
    if (status !== "Balanced") return [{ path: [], message: "The document has already been released." }];
    // The release posts in the period of the application date, which must still be open in AR.
    const period = typeof payment.fields.ApplicationDate === "string" ? periodOfDate(payment.fields.ApplicationDate) : undefined;
    if (period && this.isPeriodClosed(period, "AR")) return [{ path: ["ApplicationDate"], message: closedPeriod(period, this.company, "AR") }];
    const working = structuredClone(payment);
    const { errors, history } = this.applyRows(working, "DocumentsToApply", payment.fields.ApplicationDate);
    if (errors.length) return errors;
    const stamp = toTimestampText(this.now().getTime());
    this.update(payment, "Payment", (r) => {
      r.fields.Status = r.fields.AvailableBalance === 0 ? "Closed" : "Open";
      r.details.ApplicationHistory = [...(r.details.ApplicationHistory ?? []), ...history.map((h) => ({ ...h, fields: { ...h.fields, LastModifiedDateTime: stamp } }))];
    });
    return [];
  }

  /** ReleaseInvoice of a credit memo: its Documents to Apply (ApplicationsCreditMemo) take effect with it. */
  private releaseCreditMemo(memo: StoredRecord): FieldError[] {
    const working = structuredClone(memo);
    const { errors, applied } = this.applyRows(working, "ApplicationsCreditMemo", memo.fields.Date);
    if (errors.length) return errors;
    this.update(memo, "Invoice", (r) => {
      r.details.ApplicationsCreditMemo = working.details.ApplicationsCreditMemo ?? [];
      const balance = Math.round(((r.fields.Amount as number) - applied) * 100) / 100;
      r.fields.Balance = balance;
      r.fields.Status = balance === 0 ? "Closed" : "Open";
    });
    return [];
  }

  /** ReleasePayment of a credit memo opened on the payments screen: its new applications take effect. */
  private releaseCreditMemoApplications(screen: StoredRecord): FieldError[] {
    const memo = this.tables.Invoice.getByKey(["Credit Memo", screen.fields.ReferenceNbr]);
    const hasPending = (screen.details.DocumentsToApply ?? []).some((row) => row.fields.Released !== true);
    if (!memo || !hasPending) return [{ path: [], message: "The document has already been released." }];
    const working = structuredClone(screen);
    const { errors, history, applied } = this.applyRows(working, "DocumentsToApply", screen.fields.ApplicationDate);
    if (errors.length) return errors;
    const after = this.update(memo, "Invoice", (r) => {
      const balance = Math.round(((r.fields.Balance as number) - applied) * 100) / 100;
      r.fields.Balance = balance;
      r.fields.Status = balance === 0 ? "Closed" : "Open";
      for (const row of (working.details.DocumentsToApply ?? []).filter((d) => history.some((h) => h.fields.AdjustedRefNbr === d.fields.ReferenceNbr))) {
        (r.details.ApplicationsCreditMemo ??= []).push({ id: randomUUID(), fields: { ...row.fields } });
      }
    });
    const stamp = toTimestampText(this.now().getTime());
    this.update(screen, "Payment", (r) => {
      r.details.DocumentsToApply = working.details.DocumentsToApply ?? [];
      r.fields.AvailableBalance = after.fields.Balance ?? 0;
      r.fields.Status = after.fields.Status ?? "Open";
      r.details.ApplicationHistory = [...(r.details.ApplicationHistory ?? []), ...history.map((h) => ({ ...h, fields: { ...h.fields, LastModifiedDateTime: stamp } }))];
    });
    return [];
  }

  /**
   * AR301000 Reverse / Reverse and Apply to Memo: a new credit memo with the released invoice's lines and
   * taxes (on hold, as documents are on entry), dated like the invoice unless that period is closed (then
   * the business date); "and apply" fills its Documents to Apply with the invoice's open balance, so
   * releasing the memo closes both.
   */
  private reverseInvoice(invoice: StoredRecord, apply: boolean): FieldError[] | { created: StoredRecord } {
    const status = String(invoice.fields.Status ?? "");
    if (invoice.fields.Type === "Credit Memo" || (status !== "Open" && status !== "Closed")) {
      return [{ path: [], message: `The document has the ${status} status and cannot be reversed.` }];
    }
    const value = (v: unknown) => ({ value: v });
    const date = typeof invoice.fields.Date === "string" && !this.isPeriodClosed(periodOfDate(invoice.fields.Date), "AR") ? invoice.fields.Date : undefined;
    const copyRow = (row: StoredRow, fields: string[]) =>
      Object.fromEntries(fields.filter((f) => row.fields[f] !== undefined && row.fields[f] !== null).map((f) => [f, value(row.fields[f])]));
    const memoAmount = typeof invoice.fields.Amount === "number" ? invoice.fields.Amount : 0;
    const balance = typeof invoice.fields.Balance === "number" ? invoice.fields.Balance : 0;
    const body: Record<string, unknown> = {
      Type: value("Credit Memo"),
      Customer: value(invoice.fields.Customer),
      CustomerOrder: value(invoice.fields.CustomerOrder ?? null),
      Description: value(invoice.fields.Description ?? null),
      Hold: value(true),
      ...(date ? { Date: value(date) } : {}),
      Details: (invoice.details.Details ?? []).map((row) => copyRow(row, ["InventoryID", "TransactionDescription", "Qty", "UOM", "UnitPrice", "DiscountAmount", "Account", "Subaccount", "Branch", "TaxCategory"])),
      TaxDetails: (invoice.details.TaxDetails ?? []).filter((row) => row.fields.ManualAmount === true).map((row) => copyRow(row, ["TaxID", "TaxableAmount", "TaxAmount"])),
      ...(apply && balance > 0 ? { ApplicationsCreditMemo: [{ DocType: value(invoice.fields.Type), ReferenceNbr: value(invoice.fields.ReferenceNbr), AmountPaid: value(Math.min(balance, memoAmount)) }] } : {}),
    };
    const result = this.put(ENTITIES.Invoice, body, "insert");
    if (!result.ok) return result.errors;
    return { created: result.record };
  }

  /** What refunds.ts needs to release refunds and void payments. */
  private refundOps(): RefundOps {
    return {
      tables: this.tables,
      update: (target, entity, change) => this.update(target, entity, change),
      insert: (entity, record) => this.commit(ENTITIES[entity], record, undefined),
      isPeriodClosed: (period) => this.isPeriodClosed(period, "AR"),
      closedMessage: (period) => closedPeriod(period, this.company, "AR"),
      today: () => `${this.now().toISOString().slice(0, 10)}T00:00:00+00:00`,
    };
  }

  /** Whether documents of `module` may not be dated in `period` (`MMYYYY`); a year the calendar lacks is open. */
  isPeriodClosed(period: string, module: "AR" | "GL"): boolean {
    const row = periodRow(this.tables.FinancialPeriod.getByKey([period.slice(2)]), period);
    return module === "AR" ? isClosedInAr(row) : row?.fields.Status === "Closed";
  }

  /** Opens or closes periods (`MMYYYY`, `MM-YYYY` or `YYYY-MM`) in every module, creating their years as needed. */
  setPeriodStatus(periods: readonly string[], status: PeriodStatus) {
    for (const text of periods) {
      const period = normalizePeriod(text);
      if (!period || period.slice(0, 2) === "13") throw new Error(`period '${text}' is not MMYYYY, MM-YYYY or YYYY-MM`);
      const existing = this.tables.FinancialPeriod.getByKey([period.slice(2)]);
      const year = existing ? structuredClone(existing) : newFinancialYear(period.slice(2));
      const row = periodRow(year, period);
      if (!row) continue;
      setRowStatus(row, status);
      this.commit(ENTITIES.FinancialPeriod, year, existing);
    }
  }

  /** Every period of the calendar with its status, oldest first. */
  periods(): { period: string; status: string }[] {
    const years = [...this.tables.FinancialPeriod.values()].sort((a, b) => String(a.fields.FinancialYear).localeCompare(String(b.fields.FinancialYear)));
    return years.flatMap((y) => (y.details.Details ?? []).map((row) => ({ period: String(row.fields.FinancialPeriodID), status: String(row.fields.Status) })));
  }

  /** `seed` of the control API: accounts, customers and the tax set-up upserted by key; periods closed. */
  seed(data: {
    accounts?: SeedAccount[];
    customers?: SeedCustomer[];
    taxes?: SeedTax[];
    taxZones?: SeedTaxZone[];
    taxCategories?: SeedTaxCategory[];
    stockItems?: SeedItem[];
    nonStockItems?: SeedItem[];
    invoices?: SeedInvoice[];
    closedPeriods?: string[];
  }): { invoices: string[] } {
    const wrap = (flat: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(flat).filter(([, v]) => v !== undefined).map(([k, v]) => [k, { value: v }]));
    for (const { ControlAccountModule, AllowManualEntry, ...account } of data.accounts ?? []) {
      if (ControlAccountModule && account.CashAccount) throw new Error(`seed Account ${account.AccountCD}: a cash account cannot be a control account`);
      const saved = this.seedOne(ENTITIES.Account, wrap(account));
      // Outside the contract, so set beside it (a re-seed without them keeps them).
      if (ControlAccountModule !== undefined || AllowManualEntry !== undefined) {
        this.update(saved, "Account", (r) => {
          if (ControlAccountModule !== undefined) r.fields.ControlAccountModule = ControlAccountModule;
          if (AllowManualEntry !== undefined) r.fields.AllowManualEntry = AllowManualEntry;
        });
      }
    }
    for (const { TaxRate, StartDate, ...tax } of data.taxes ?? []) {
      this.seedOne(ENTITIES.Tax, { ...wrap(tax), TaxSchedule: [wrap({ TaxRate, StartDate: StartDate ?? "1900-01-01" })] });
    }
    for (const { taxes, ...zone } of data.taxZones ?? []) {
      this.seedOne(ENTITIES.TaxZone, { ...wrap(zone), ApplicableTaxes: taxes.map((TaxID) => wrap({ TaxID })) });
    }
    for (const { taxes, ...category } of data.taxCategories ?? []) {
      this.seedOne(ENTITIES.TaxCategory, { ...wrap(category), Details: taxes.map((TaxID) => wrap({ TaxID })) });
    }
    for (const customer of data.customers ?? []) this.seedOne(ENTITIES.Customer, wrap(customer));
    for (const item of data.stockItems ?? []) this.seedOne(ENTITIES.StockItem, wrap(item));
    for (const item of data.nonStockItems ?? []) this.seedOne(ENTITIES.NonStockItem, wrap(item));
    // Invoices are created and released in bulk (a load for tests that the API would take thousands of calls for).
    const invoices: string[] = [];
    for (const { lines, ...header } of data.invoices ?? []) {
      const body = { ...wrap({ ...header, Type: "Invoice", Hold: false }), Details: lines.map((l) => wrap(l)) };
      const saved = this.put(ENTITIES.Invoice, body, "insert");
      if (!saved.ok) throw new Error(`seed Invoice: ${saved.errors.map((e) => `${e.path.join(".") || "entity"}: ${e.message}`).join("; ")}`);
      const outcome = this.applyAction(ENTITIES.Invoice, "ReleaseInvoice", saved.record);
      if (Array.isArray(outcome) && outcome.length) throw new Error(`seed Invoice release: ${outcome.map((e) => e.message).join("; ")}`);
      invoices.push(String(saved.record.fields.ReferenceNbr));
    }
    this.setPeriodStatus(data.closedPeriods ?? [], "Closed");
    return { invoices };
  }

  private seedOne(def: EntityDefinition, body: Record<string, unknown>) {
    // A seed replaces a record's detail lines: the existing ones are deleted in the same PUT (`delete: true`).
    const existing = this.findByInput(def, parseEntity(body, def.shape));
    const replacing = Object.fromEntries(
      Object.entries(body)
        .filter(([name, rows]) => Array.isArray(rows) && existing?.details[name])
        .map(([name, rows]) => [name, [...(existing?.details[name] ?? []).map((row) => ({ id: row.id, delete: true })), ...(rows as unknown[])]]),
    );
    const result = this.put(def, { ...body, ...replacing }, "upsert");
    if (!result.ok) {
      throw new Error(`seed ${def.name}: ${result.errors.map((e) => `${e.path.join(".") || "entity"}: ${e.message}`).join("; ")}`);
    }
    return result.record;
  }

  /** Closed periods of the calendar, as `MMYYYY`. */
  listClosedPeriods() {
    return this.periods().filter((p) => p.status === "Closed").map((p) => p.period);
  }

  documents(entity: EntityName): Record<string, unknown>[] {
    this.settle();
    return [...this.tables[entity].values()].map((r) => toFlatJson(r));
  }

  /**
   * Balances as an accountant reads them: every released AR document (invoices, debit and credit memos,
   * payments and prepayments) with its open balance, and each customer's open balance per currency
   * (invoices and debit memos less credit memos and unapplied payments). Unreleased and voided documents
   * are listed with their balances but count toward no customer balance.
   */
  balances(): { documents: DocumentBalance[]; customers: CustomerBalance[] } {
    this.settle();
    const documents: DocumentBalance[] = [];
    const totals = new Map<string, CustomerBalance>();
    const text = (v: unknown) => (typeof v === "string" ? v : "");
    const amount = (v: unknown) => (typeof v === "number" ? v : 0);
    const add = (customer: string, currency: string, delta: number) => {
      const key = `${customer.toLowerCase()}\u0000${currency}`;
      const entry = totals.get(key) ?? { CustomerID: customer, CurrencyID: currency, openBalance: 0, openDocuments: 0 };
      entry.openBalance = Math.round((entry.openBalance + delta) * 100) / 100;
      if (delta !== 0) entry.openDocuments++;
      totals.set(key, entry);
    };
    for (const r of this.tables.Invoice.values()) {
      const doc: DocumentBalance = {
        entity: "Invoice",
        Type: text(r.fields.Type),
        ReferenceNbr: text(r.fields.ReferenceNbr),
        externalRef: typeof r.fields.CustomerOrder === "string" ? r.fields.CustomerOrder : null,
        Customer: text(r.fields.Customer),
        CurrencyID: text(r.fields.CurrencyID) || "USD",
        Status: text(r.fields.Status),
        Amount: amount(r.fields.Amount),
        Balance: amount(r.fields.Balance),
      };
      documents.push(doc);
      if (doc.Status === "Open" || doc.Status === "Closed") add(doc.Customer, doc.CurrencyID, doc.Type === "Credit Memo" ? -doc.Balance : doc.Balance);
    }
    for (const r of this.tables.Payment.values()) {
      if (r.fields.Type === "Credit Memo") continue;
      const doc: DocumentBalance = {
        entity: "Payment",
        Type: text(r.fields.Type),
        ReferenceNbr: text(r.fields.ReferenceNbr),
        externalRef: typeof r.fields.ExternalRef === "string" ? r.fields.ExternalRef : null,
        Customer: text(r.fields.CustomerID),
        CurrencyID: text(r.fields.CurrencyID) || "USD",
        Status: text(r.fields.Status),
        Amount: amount(r.fields.PaymentAmount),
        Balance: amount(r.fields.AvailableBalance),
      };
      documents.push(doc);
      if (doc.Status === "Open" || doc.Status === "Closed") add(doc.Customer, doc.CurrencyID, doc.Type === "Refund" ? doc.Balance : -doc.Balance);
    }
    return { documents, customers: [...totals.values()] };
  }

  /** Groups of documents sharing an external reference (see `duplicateFields`), within the same Type. */
  duplicates(): { entity: string; key: string; count: number }[] {
    this.settle();
    const out: { entity: string; key: string; count: number }[] = [];
    for (const def of Object.values(ENTITIES)) {
      for (const field of def.duplicateFields) {
        const groups = new Map<string, number>();
        for (const record of this.tables[def.name].values()) {
          const value = record.fields[field];
          if (value === null || value === undefined || value === "") continue;
          const type = def.keys.includes("Type") ? `${String(record.fields.Type)}:` : "";
          const key = `${type}${field}=${String(value).toLowerCase()}`;
          groups.set(key, (groups.get(key) ?? 0) + 1);
        }
        for (const [key, count] of groups) if (count > 1) out.push({ entity: def.name, key, count });
      }
    }
    return out;
  }

  snapshot(): InstanceSnapshot {
    this.settle();
    return {
      format: "acumatica-sandbox-data/1",
      records: Object.fromEntries(ENTITY_NAMES.map((n) => [n, [...this.tables[n].values()].map((r) => structuredClone(r))])) as Record<EntityName, StoredRecord[]>,
      counters: { ...this.counters },
    };
  }

  restore(state: InstanceSnapshot) {
    for (const table of Object.values(this.tables)) table.clear();
    this.pending.clear();
    this.pendingOf.clear();
    this.operations.clear();
    this.running.clear();
    this.counters = { ...state.counters };
    for (const name of ENTITY_NAMES) {
      const records = [...(state.records[name] ?? [])].sort((a, b) => a.seq - b.seq);
      for (const record of records) this.tables[name].put(structuredClone(record));
    }
    if (state.closedPeriods?.length) this.setPeriodStatus(state.closedPeriods, "Closed");
    for (const payment of this.tables.Payment.values()) this.trackPending("Payment", payment);
    for (const invoice of this.tables.Invoice.values()) this.trackPending("Invoice", invoice);
  }
}

/**
 * What refuses a long-running action before it starts: the release actions are unavailable on a document
 * on hold or already released (their buttons are disabled in that state), so the POST itself is refused.
 */
const disabledActionErrors = (action: string, record: StoredRecord): FieldError[] => {
  const status = String(record.fields.Status ?? "");
  const batch = action === "ReleaseJournalTransaction" ? "batch" : "document";
  const releasesItself = action === "ReleaseInvoice" || action === "ReleaseJournalTransaction" || (action === "ReleasePayment" && record.fields.Type !== "Credit Memo");
  if (!releasesItself) return [];
  if (status === "On Hold") return [{ path: [], message: `The ${batch} is on hold and cannot be released.` }];
  if (status !== "Balanced") return [{ path: [], message: `The ${batch} has already been released.` }];
  return [];
};

const mergeRow = (target: StoredRow, input: ParsedRow) => {
  for (const [field, value] of Object.entries(input.fields)) {
    if (value === null) delete target.fields[field];
    else target.fields[field] = value;
  }
  for (const [name, link] of Object.entries(input.links)) {
    const links = (target.links ??= {});
    const nested = links[name] ?? { id: randomUUID(), fields: {} };
    mergeRow(nested, link);
    links[name] = nested;
  }
};

const sameContent = (a: StoredRecord, b: StoredRecord) =>
  JSON.stringify([a.fields, a.details, a.links ?? {}]) === JSON.stringify([b.fields, b.details, b.links ?? {}]);

const withSummary = (def: EntityDefinition, errors: FieldError[], existing: StoredRecord | undefined): FieldError[] => {
  if (errors.some((e) => e.path.length === 0)) return errors;
  const verb = existing ? "Updating" : "Inserting";
  return [{ path: [], message: `${verb} '${def.name}' record raised at least one error. Please review the errors.` }, ...errors];
};

const fieldResolver = (def: EntityDefinition): FieldResolver => {
  const byLower = new Map(Object.keys(def.shape.fields).map((f) => [f.toLowerCase(), f]));
  return (name) => {
    const field = def.shape.fields[name] ? name : byLower.get(name.toLowerCase());
    const kind = field ? def.shape.fields[field] : undefined;
    if (!field || !kind) return undefined;
    return { kind, get: (fields) => fields[field] };
  };
};
