/**
 * The data of one Acumatica tenant and the operations of the contract-based API on it, free of HTTP:
 * PUT upsert by keys or id (with If-Match / If-None-Match), reads by id, keys or `$filter`, deletes, and the
 * release actions that move Balance and Status. Every change is reported to `onChange` (push notifications).
 */
import { randomUUID } from "node:crypto";
import {
  ENTITIES,
  ENTITY_NAMES,
  type EntityDefinition,
  type EntityName,
  isEditableStatus,
  normalizePeriod,
  type RuleContext,
} from "./entities";
import { AcumaticaHttpError, badRequest, notFound, preconditionFailed } from "./errors";
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
};

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
  { AccountCD: "11000", Description: "Accounts Receivable", Type: "Asset" },
  { AccountCD: "20000", Description: "Accounts Payable", Type: "Liability" },
  { AccountCD: "23100", Description: "Sales Tax Payable", Type: "Liability" },
  { AccountCD: "40000", Description: "Sales Revenue", Type: "Income" },
  { AccountCD: "40100", Description: "Subscription Revenue", Type: "Income" },
  { AccountCD: "40200", Description: "Services Revenue", Type: "Income" },
  { AccountCD: "49000", Description: "Discontinued Product Revenue", Type: "Income", Active: false },
  { AccountCD: "50000", Description: "Cost of Goods Sold", Type: "Expense" },
];

type PendingOperation = { entity: EntityName; recordId: string; remainingPolls: number; doneAtMs: number };

/** Serializable state; `format` guards restore against foreign JSON. */
export type InstanceSnapshot = {
  format: "acumatica-sandbox-data/1";
  records: Record<EntityName, StoredRecord[]>;
  counters: Record<string, number>;
  closedPeriods: string[];
};

const MAX_OPERATIONS = 100_000;

export class AcumaticaInstance {
  private readonly now: () => Date;
  readonly tables: Record<EntityName, EntityTable>;
  private counters: Record<string, number> = {};
  private closedPeriods = new Set<string>();
  /** invoice id -> payment id -> AmountPaid of applications on unreleased payments */
  private pending = new Map<string, Map<string, number>>();
  private operations = new Map<string, PendingOperation>();
  /** Status polls an action answers 202 to before 204, however long ago it started. */
  actionPolls: number;
  /**
   * How long an action runs, in wall-clock ms (monotonic, not the injectable `now`): its Location
   * answers 202 until then. With this and `actionPolls` both 0 the action itself answers 204.
   */
  actionMs: number;
  onChange: ((event: ChangeEvent) => void) | undefined;

  constructor({ now, actionPolls, actionMs = 0 }: { now: () => Date; actionPolls: number; actionMs?: number }) {
    this.now = now;
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
    this.closedPeriods.clear();
    this.pending.clear();
    this.operations.clear();
    this.seed({ accounts: [...DEFAULT_ACUMATICA_ACCOUNTS] });
  }

  private ruleContext(): RuleContext {
    return {
      nowMs: this.now().getTime(),
      tables: this.tables,
      isPeriodClosed: (period) => this.closedPeriods.has(period),
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
    const table = this.tables[def.name];
    if (input.id) {
      const byId = table.getById(input.id);
      if (byId) return byId;
    }
    return table.getByKey(this.keyValues(def, input));
  }

  /** `GET /{Entity}/{key1}/{key2}`: URL segments in key order. */
  findByKeys(def: EntityDefinition, segments: string[]): StoredRecord | undefined {
    if (segments.length !== def.keys.length) return undefined;
    const values = segments.map((s, i) => {
      const field = def.keys[i] ?? "";
      return def.normalizeKey ? def.normalizeKey(field, s) : s;
    });
    return this.tables[def.name].getByKey(values);
  }

  findById(def: EntityDefinition, id: string) {
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
    if (!existing && def.numbering && !def.numbering.manual) delete record.fields[def.numbering.field];
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
    if (def.name === "Payment") this.trackPending(candidate);
    this.onChange?.({ entity: def.name, before: existing, after: candidate });
    return candidate;
  }

  private bump(counter: string) {
    const n = (this.counters[counter] ?? 0) + 1;
    this.counters[counter] = n;
    return n;
  }

  private trackPending(payment: StoredRecord) {
    for (const bucket of this.pending.values()) bucket.delete(payment.id);
    if (!isEditableStatus(payment.fields.Status)) return;
    for (const row of payment.details.DocumentsToApply ?? []) {
      const invoice = this.tables.Invoice.getByKey([row.fields.DocType, row.fields.ReferenceNbr]);
      if (!invoice || typeof row.fields.AmountPaid !== "number") continue;
      let bucket = this.pending.get(invoice.id);
      if (!bucket) {
        bucket = new Map();
        this.pending.set(invoice.id, bucket);
      }
      bucket.set(payment.id, (bucket.get(payment.id) ?? 0) + row.fields.AmountPaid);
    }
  }

  delete(def: EntityDefinition, record: StoredRecord) {
    if (!isEditableStatus(record.fields.Status) && def.name !== "Customer" && def.name !== "Account") {
      throw new AcumaticaHttpError(500, {
        message: "An error has occurred.",
        exceptionMessage: `The document has the ${String(record.fields.Status)} status and cannot be deleted.`,
        exceptionType: "PX.Data.PXException",
        stackTrace: null,
      });
    }
    this.tables[def.name].delete(record);
    if (def.name === "Payment") for (const bucket of this.pending.values()) bucket.delete(record.id);
    this.onChange?.({ entity: def.name, before: record });
  }

  /**
   * `GET /{Entity}?$filter&$top&$skip` in creation order. Equalities on indexed fields (keys, external
   * references) are answered from the hash indexes; everything else is a scan with a compiled predicate.
   */
  list(def: EntityDefinition, query: { filter?: string; top?: number; skip?: number }): StoredRecord[] {
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
   * `POST /{Entity}/{Action}` with `{"entity": {...keys or id...}, "parameters": {...}}`. The effect is applied
   * at once; the answer is 202 + an operation id that reports running for `actionMs` of wall time and at
   * least `actionPolls` polls, or, with both 0, done immediately.
   */
  invoke(def: EntityDefinition, action: string, body: unknown): { ok: true; operationId?: string; record: StoredRecord } | { ok: false; record: StoredRecord; errors: FieldError[] } {
    const name = def.actions.find((a) => a.toLowerCase() === action.toLowerCase());
    if (!name) throw notFound(`The action ${action} is not found in the ${def.name} entity.`);
    if (typeof body !== "object" || body === null || Array.isArray(body) || !("entity" in body)) {
      throw badRequest("The request body must be {\"entity\": {...}, \"parameters\": {...}}.");
    }
    const input = parseEntity((body as { entity: unknown }).entity, def.shape, "entity");
    const record = this.findByInput(def, input);
    if (!record) throw notFound("No entity satisfies the condition.");
    const errors = this.applyAction(def, name, record);
    if (errors.length) return { ok: false, record, errors };
    const current = this.tables[def.name].getById(record.id) ?? record;
    if (this.actionPolls <= 0 && this.actionMs <= 0) return { ok: true, record: current };
    const operationId = randomUUID();
    if (this.operations.size >= MAX_OPERATIONS) {
      const oldest = this.operations.keys().next().value;
      if (oldest !== undefined) this.operations.delete(oldest);
    }
    this.operations.set(operationId, { entity: def.name, recordId: record.id, remainingPolls: this.actionPolls, doneAtMs: performance.now() + this.actionMs });
    return { ok: true, operationId, record: current };
  }

  /**
   * One poll of an operation's Location: "running" (202) until its polls are used up and its time has
   * passed, then "done" (204).
   */
  pollOperation(operationId: string): { state: "running" | "done"; entity: EntityName; recordId: string } | undefined {
    const op = this.operations.get(operationId.toLowerCase());
    if (!op) return undefined;
    if (op.remainingPolls > 0 || performance.now() < op.doneAtMs) {
      op.remainingPolls = Math.max(0, op.remainingPolls - 1);
      return { state: "running", entity: op.entity, recordId: op.recordId };
    }
    return { state: "done", entity: op.entity, recordId: op.recordId };
  }

  private applyAction(def: EntityDefinition, action: string, record: StoredRecord): FieldError[] {
    const status = String(record.fields.Status ?? "");
    const update = (target: StoredRecord, entity: EntityName, change: (r: StoredRecord) => void) => {
      const next = structuredClone(target);
      change(next);
      this.commit(ENTITIES[entity], next, target);
      return next;
    };
    const closed = (period: unknown) => typeof period === "string" && this.closedPeriods.has(period);
    switch (action) {
      case "PutOnHold":
      case "RemoveHold": {
        if (!isEditableStatus(status)) return [{ path: [], message: `The document has the ${status} status and cannot be modified.` }];
        const hold = action === "PutOnHold";
        update(record, def.name, (r) => {
          r.fields.Hold = hold;
          r.fields.Status = hold ? "On Hold" : "Balanced";
        });
        return [];
      }
      case "ReleaseInvoice": {
        if (status === "On Hold") return [{ path: [], message: "The document is on hold and cannot be released." }];
        if (status !== "Balanced") return [{ path: [], message: "The document has already been released." }];
        if (closed(record.fields.PostPeriod)) return [{ path: ["PostPeriod"], message: `The financial period ${String(record.fields.PostPeriod)} is closed.` }];
        update(record, "Invoice", (r) => {
          r.fields.Balance = r.fields.Amount ?? 0;
          r.fields.Status = r.fields.Amount === 0 ? "Closed" : "Open";
        });
        return [];
      }
      case "ReleaseJournalTransaction": {
        if (status === "On Hold") return [{ path: [], message: "The batch is on hold and cannot be released." }];
        if (status !== "Balanced") return [{ path: [], message: "The batch has already been released." }];
        if (closed(record.fields.PostPeriod)) return [{ path: ["PostPeriod"], message: `The financial period ${String(record.fields.PostPeriod)} is closed.` }];
        update(record, "JournalTransaction", (r) => {
          r.fields.Status = "Posted";
        });
        return [];
      }
      case "ReleasePayment":
        return this.releasePayment(record, update);
      case "VoidPayment":
        return this.voidPayment(record, update);
      default:
        return [{ path: [], message: `The action ${action} is not available.` }];
    }
  }

  private releasePayment(
    payment: StoredRecord,
    update: (target: StoredRecord, entity: EntityName, change: (r: StoredRecord) => void) => StoredRecord,
  ): FieldError[] {
    const status = String(payment.fields.Status ?? "");
    if (status === "On Hold") return [{ path: [], message: "The document is on hold and cannot be released." }];
    if (status !== "Balanced") return [{ path: [], message: "The document has already been released." }];
    const applications = payment.details.DocumentsToApply ?? [];
    const invoices = applications.map((row) => this.tables.Invoice.getByKey([row.fields.DocType, row.fields.ReferenceNbr]));
    const errors: FieldError[] = [];
    applications.forEach((row, i) => {
      const invoice = invoices[i];
      const paid = typeof row.fields.AmountPaid === "number" ? row.fields.AmountPaid : 0;
      if (!invoice || invoice.fields.Status !== "Open") {
        errors.push({ path: ["DocumentsToApply", i, "ReferenceNbr"], message: `Reference Nbr. '${String(row.fields.ReferenceNbr)}' cannot be found in the system.` });
      } else if (paid > (typeof invoice.fields.Balance === "number" ? invoice.fields.Balance : 0) + 0.000001) {
        errors.push({ path: ["DocumentsToApply", i, "AmountPaid"], message: `The amount paid (${paid}) exceeds the balance of the document (${String(invoice.fields.Balance)}).` });
      }
    });
    if (errors.length) return errors;
    const stamp = toTimestampText(this.now().getTime());
    const history: StoredRow[] = [];
    applications.forEach((row, i) => {
      const invoice = invoices[i];
      if (!invoice) return;
      const paid = row.fields.AmountPaid as number;
      const after = update(invoice, "Invoice", (r) => {
        const balance = Math.round(((r.fields.Balance as number) - paid) * 100) / 100;
        r.fields.Balance = balance;
        r.fields.Status = balance === 0 ? "Closed" : "Open";
        (r.details.ApplicationsDefault ??= []).push({
          id: randomUUID(),
          fields: {
            DocType: payment.fields.Type ?? "Payment",
            ReferenceNbr: payment.fields.ReferenceNbr ?? null,
            AmountPaid: paid,
            Balance: balance,
            PaymentDate: payment.fields.ApplicationDate ?? null,
            Status: payment.fields.AvailableBalance === 0 ? "Closed" : "Open",
          },
        });
      });
      history.push({
        id: randomUUID(),
        fields: {
          AdjustedDocType: after.fields.Type ?? null,
          AdjustedRefNbr: after.fields.ReferenceNbr ?? null,
          DisplayDocType: after.fields.Type ?? null,
          DisplayRefNbr: after.fields.ReferenceNbr ?? null,
          AdjustingDocType: payment.fields.Type ?? null,
          AdjustingRefNbr: payment.fields.ReferenceNbr ?? null,
          AmountPaid: paid,
          Balance: after.fields.Balance ?? null,
          Customer: after.fields.Customer ?? null,
          CustomerOrder: after.fields.CustomerOrder ?? null,
          Description: after.fields.Description ?? null,
          Date: payment.fields.ApplicationDate ?? null,
          DueDate: after.fields.DueDate ?? null,
          PostPeriod: after.fields.PostPeriod ?? null,
          ApplicationPeriod: typeof payment.fields.ApplicationDate === "string" ? `${payment.fields.ApplicationDate.slice(5, 7)}${payment.fields.ApplicationDate.slice(0, 4)}` : null,
          CurrencyID: payment.fields.CurrencyID ?? null,
          AdjustmentNbr: i + 1,
          BatchNbr: null,
        },
      });
    });
    update(payment, "Payment", (r) => {
      r.fields.Status = r.fields.AvailableBalance === 0 ? "Closed" : "Open";
      r.details.ApplicationHistory = [...(r.details.ApplicationHistory ?? []), ...history.map((h) => ({ ...h, fields: { ...h.fields, LastModifiedDateTime: stamp } }))];
    });
    return [];
  }

  private voidPayment(
    payment: StoredRecord,
    update: (target: StoredRecord, entity: EntityName, change: (r: StoredRecord) => void) => StoredRecord,
  ): FieldError[] {
    const status = String(payment.fields.Status ?? "");
    if (status !== "Open" && status !== "Closed") return [{ path: [], message: "Only a released payment can be voided." }];
    for (const row of payment.details.ApplicationHistory ?? []) {
      const invoice = this.tables.Invoice.getByKey([row.fields.AdjustedDocType, row.fields.AdjustedRefNbr]);
      if (!invoice || typeof row.fields.AmountPaid !== "number") continue;
      const paid = row.fields.AmountPaid;
      update(invoice, "Invoice", (r) => {
        r.fields.Balance = Math.round(((r.fields.Balance as number) + paid) * 100) / 100;
        r.fields.Status = "Open";
      });
    }
    update(payment, "Payment", (r) => {
      r.fields.Status = "Voided";
    });
    return [];
  }

  /**
   * `seed` of the control API: accounts, customers and items upserted by key, closed periods added,
   * invoices created and released (a bulk load for tests that Acumatica would take thousands of calls for).
   * Returns the reference numbers of the seeded invoices.
   */
  seed(data: { accounts?: SeedAccount[]; customers?: SeedCustomer[]; stockItems?: SeedItem[]; nonStockItems?: SeedItem[]; invoices?: SeedInvoice[]; closedPeriods?: string[] }): { invoices: string[] } {
    const wrap = (flat: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(flat).filter(([, v]) => v !== undefined).map(([k, v]) => [k, { value: v }]));
    for (const account of data.accounts ?? []) this.seedOne(ENTITIES.Account, wrap(account));
    for (const customer of data.customers ?? []) this.seedOne(ENTITIES.Customer, wrap(customer));
    for (const item of data.stockItems ?? []) this.seedOne(ENTITIES.StockItem, wrap(item));
    for (const item of data.nonStockItems ?? []) this.seedOne(ENTITIES.NonStockItem, wrap(item));
    const invoices: string[] = [];
    for (const { lines, ...header } of data.invoices ?? []) {
      const body = { ...wrap({ ...header, Type: "Invoice", Hold: false }), Details: lines.map((l) => wrap(l)) };
      const saved = this.put(ENTITIES.Invoice, body, "insert");
      if (!saved.ok) throw new Error(`seed Invoice: ${saved.errors.map((e) => `${e.path.join(".") || "entity"}: ${e.message}`).join("; ")}`);
      const errors = this.applyAction(ENTITIES.Invoice, "ReleaseInvoice", saved.record);
      if (errors.length) throw new Error(`seed Invoice release: ${errors.map((e) => e.message).join("; ")}`);
      invoices.push(String(saved.record.fields.ReferenceNbr));
    }
    for (const period of data.closedPeriods ?? []) {
      const normalized = normalizePeriod(period);
      if (!normalized) throw new Error(`closedPeriods: '${period}' is not MMYYYY, MM-YYYY or YYYY-MM`);
      this.closedPeriods.add(normalized);
    }
    return { invoices };
  }

  private seedOne(def: EntityDefinition, body: Record<string, unknown>) {
    const result = this.put(def, body, "upsert");
    if (!result.ok) {
      throw new Error(`seed ${def.name}: ${result.errors.map((e) => `${e.path.join(".") || "entity"}: ${e.message}`).join("; ")}`);
    }
  }

  /** Periods closed through `seed`, as `MMYYYY`. */
  listClosedPeriods() {
    return [...this.closedPeriods];
  }

  documents(entity: EntityName): Record<string, unknown>[] {
    return [...this.tables[entity].values()].map((r) => toFlatJson(r));
  }

  /** Groups of documents sharing an external reference (see `duplicateFields`), within the same Type. */
  duplicates(): { entity: string; key: string; count: number }[] {
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
    return {
      format: "acumatica-sandbox-data/1",
      records: Object.fromEntries(ENTITY_NAMES.map((n) => [n, [...this.tables[n].values()].map((r) => structuredClone(r))])) as Record<EntityName, StoredRecord[]>,
      counters: { ...this.counters },
      closedPeriods: [...this.closedPeriods],
    };
  }

  restore(state: InstanceSnapshot) {
    for (const table of Object.values(this.tables)) table.clear();
    this.pending.clear();
    this.operations.clear();
    this.counters = { ...state.counters };
    this.closedPeriods = new Set(state.closedPeriods);
    for (const name of ENTITY_NAMES) {
      const records = [...(state.records[name] ?? [])].sort((a, b) => a.seq - b.seq);
      for (const record of records) this.tables[name].put(structuredClone(record));
    }
    for (const payment of this.tables.Payment.values()) this.trackPending(payment);
  }
}

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
