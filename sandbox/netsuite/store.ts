/*
 * The account's records: one table per record type with O(1) maps by internal id and by external id,
 * insertion order for collection paging, a shared map of items (one id space for all item types), and a
 * change listener for the outbound script. Bodies are read the way the record service reads them: field
 * names case-insensitive, unknown or read-only names ignored unless X-NetSuite-PropertyNameValidation is
 * Error, references as {"id"} or {"externalId"}, sublist lines under {"items": [...]}.
 */
import { invalidContent, NsError, notFound, userError } from "./errors";
import {
  CUSTOMER,
  customRecordTypeDef,
  INVOICE,
  REFERENCE_LISTS,
  STANDARD_TYPES,
  withCustomFields,
  type CustomRecordTypeInput,
  type FieldDef,
  type FieldKind,
  type RecordTypeDef,
  type RefTarget,
} from "./record-types";
import { isoDateIn } from "./time";

export type StoredRecord = {
  type: string;
  id: string;
  externalId?: string;
  /** Canonical field names; references hold the target's internal id, datetimes epoch ms, dates "YYYY-MM-DD". */
  fields: Record<string, unknown>;
  /** Sublist lines (invoice items), each with canonical field names. */
  lines?: Record<string, unknown>[];
  createdMs: number;
  modifiedMs: number;
};

export type ChangeKind = "create" | "edit" | "delete";
export type ChangeEvent = { type: string; id: string; kind: ChangeKind; record: StoredRecord };

export type Validation = "Error" | "Warning" | "Ignore";
export type WriteOptions = { nameValidation?: Validation; replaceSublists?: string[] };

type Table = { def: RecordTypeDef; byId: Map<string, StoredRecord>; byExternalId: Map<string, string>; order: StoredRecord[]; version: number };

export type StoreSnapshot = {
  nextIds: Record<string, number>;
  nextTranId: number;
  customRecordTypes: CustomRecordTypeInput[];
  customFields: Record<string, { id: string; kind: FieldKind; ref?: RefTarget }[]>;
  records: StoredRecord[];
};

const FIRST_IDS: Record<string, number> = { entity: 1001, transaction: 5001, item: 201 };

/** "companyName" -> "Company Name", for NetSuite's "Please enter value(s) for:" message. */
const label = (name: string) => name.replace(/^custrecord_|^custentity_|^custbody_|^custitem_/, "").replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());

const round2 = (n: number) => Math.round(n * 100) / 100;

export type NetsuiteStore = ReturnType<typeof createNetsuiteStore>;

export type StoreEnvironment = { now: () => number; timeZone: () => string; closedPeriodsBefore: () => string | null };

export const createNetsuiteStore = (env: StoreEnvironment) => {
  const tables = new Map<string, Table>();
  const items = new Map<string, StoredRecord>();
  let nextIds: Record<string, number> = { ...FIRST_IDS };
  let nextTranId = 10001;
  let customRecordTypes: CustomRecordTypeInput[] = [];
  let customFields: Record<string, { id: string; kind: FieldKind; ref?: RefTarget }[]> = {};
  const listeners: ((event: ChangeEvent) => void)[] = [];
  /** Unique names: customer entityId, item itemId (one id space for all item types). */
  const entityIds = new Map<string, string>();
  const itemNames = new Map<string, string>();
  const nowMs = () => env.now();
  let version = 0;

  const addTable = (def: RecordTypeDef) => {
    const existing = tables.get(def.name.toLowerCase());
    if (existing) existing.def = def;
    else tables.set(def.name.toLowerCase(), { def, byId: new Map(), byExternalId: new Map(), order: [], version: 0 });
  };
  const defineStandardTypes = () => {
    for (const def of STANDARD_TYPES) addTable(withCustomFields(def, customFields[def.name] ?? []));
  };
  defineStandardTypes();

  const table = (type: string): Table => {
    const found = tables.get(type.toLowerCase());
    if (!found) throw new NsError(400, "INVALID_RCRD_TYPE", `Invalid record type: ${type}.`);
    return found;
  };

  const emit = (event: ChangeEvent) => {
    version += 1;
    for (const listener of listeners) listener(event);
  };

  const timestampFields = (def: RecordTypeDef): [string, string] =>
    def.name === CUSTOMER.name ? ["dateCreated", "lastModifiedDate"] : def.customPrefix === "custrecord_" ? ["created", "lastModified"] : ["createdDate", "lastModifiedDate"];

  /** The record a reference points to, or undefined. */
  const referenced = (target: RefTarget, ref: { id?: string; externalId?: string }): { id: string; refName: string } | undefined => {
    if (target === "customer" || target === "item") {
      let record: StoredRecord | undefined;
      if (target === "customer") {
        const t = table("customer");
        const id = ref.id ?? (ref.externalId !== undefined ? t.byExternalId.get(ref.externalId) : undefined);
        record = id === undefined ? undefined : t.byId.get(id);
      } else if (ref.id !== undefined) record = items.get(ref.id);
      else if (ref.externalId !== undefined) {
        for (const def of STANDARD_TYPES.filter((d) => d.idSpace === "item")) {
          const id = table(def.name).byExternalId.get(ref.externalId);
          if (id !== undefined) record = items.get(id);
        }
      }
      if (!record) return undefined;
      return { id: record.id, refName: String(target === "customer" ? record.fields.entityId : record.fields.itemId) };
    }
    if (ref.id === undefined) return undefined;
    const name = REFERENCE_LISTS[target][ref.id];
    return name === undefined ? undefined : { id: ref.id, refName: name };
  };

  const refNameOf = (target: RefTarget, id: string) => referenced(target, { id })?.refName;

  const invalidValue = (value: unknown, field: string, path: string) =>
    invalidContent(`You have entered an Invalid Field Value ${typeof value === "object" ? JSON.stringify(value) : String(value)} for the following field: ${field}`, path);

  const readValue = (field: FieldDef, value: unknown, path: string): unknown => {
    if (value === null) return null;
    switch (field.kind) {
      case "string":
        if (typeof value === "string") return value;
        if (typeof value === "number") return String(value);
        throw invalidValue(value, field.name, path);
      case "number": {
        const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
        if (!Number.isFinite(n)) throw invalidValue(value, field.name, path);
        return n;
      }
      case "boolean":
        if (typeof value === "boolean") return value;
        throw invalidValue(value, field.name, path);
      case "date":
        if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) return value;
        throw invalidValue(value, field.name, path);
      case "datetime":
        if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
        throw invalidValue(value, field.name, path);
      case "ref": {
        if (typeof value !== "object" || Array.isArray(value)) throw invalidValue(value, field.name, path);
        const ref = value as { id?: unknown; externalId?: unknown };
        const id = typeof ref.id === "string" || typeof ref.id === "number" ? String(ref.id) : undefined;
        const externalId = typeof ref.externalId === "string" ? ref.externalId : undefined;
        const found = field.ref ? referenced(field.ref, { id, externalId }) : undefined;
        if (!found) throw invalidValue(id ?? externalId ?? value, field.name, path);
        return found.id;
      }
    }
  };

  const fieldIndex = new WeakMap<FieldDef[], Map<string, FieldDef>>();
  const findField = (fields: FieldDef[], name: string) => {
    let index = fieldIndex.get(fields);
    if (!index) {
      index = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
      fieldIndex.set(fields, index);
    }
    return index.get(name.toLowerCase());
  };

  const readFields = (fields: FieldDef[], body: Record<string, unknown>, pathPrefix: string, options: WriteOptions, skip: string[] = []) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === "links" || skip.includes(key.toLowerCase())) continue;
      const field = findField(fields, key);
      if (!field || field.readOnly) {
        if (options.nameValidation === "Error") throw invalidContent(`Invalid field: ${key}. The field does not exist or is read-only.`, `${pathPrefix}${key}`);
        continue;
      }
      out[field.name] = readValue(field, value, `${pathPrefix}${field.name}`);
    }
    return out;
  };

  const readLines = (def: RecordTypeDef, body: Record<string, unknown>, options: WriteOptions) => {
    if (!def.sublist) return undefined;
    const key = Object.keys(body).find((k) => k.toLowerCase() === def.sublist?.name);
    if (key === undefined) return undefined;
    const value = body[key] as { items?: unknown } | null;
    if (!value || typeof value !== "object" || !Array.isArray(value.items)) throw invalidContent(`Invalid sublist value for the following field: ${def.sublist.name}`, def.sublist.name);
    return value.items.map((line: unknown, i: number) => {
      const path = `${def.sublist?.name}.items[${i}].`;
      if (!line || typeof line !== "object") throw invalidContent("Invalid sublist line.", path.slice(0, -1));
      const raw = line as Record<string, unknown>;
      // `line` names the line to change; it is not a value to write.
      const parsed = readFields(def.sublist?.fields ?? [], raw, path, options, ["line"]);
      const lineNo = typeof raw.line === "number" || typeof raw.line === "string" ? Number(raw.line) : undefined;
      return { parsed, lineNo, path };
    });
  };

  const requireFields = (def: RecordTypeDef, fields: Record<string, unknown>) => {
    const missing = def.fields.filter((f) => f.required && (fields[f.name] === undefined || fields[f.name] === null || fields[f.name] === ""));
    if (missing.length > 0) throw userError(`Please enter value(s) for: ${missing.map((f) => label(f.name)).join(", ")}.`);
  };

  const finishLines = (def: RecordTypeDef, lines: Record<string, unknown>[]) =>
    lines.map((line, i) => {
      if (line.item === undefined || line.item === null) throw userError(`Please enter value(s) for: Item.`, `${def.sublist?.name}.items[${i}].item`);
      const quantity = typeof line.quantity === "number" ? line.quantity : 1;
      const rate = typeof line.rate === "number" ? line.rate : typeof line.amount === "number" ? round2(line.amount / quantity) : 0;
      const amount = typeof line.amount === "number" ? line.amount : round2(quantity * rate);
      return { ...line, line: i + 1, quantity, rate, amount };
    });

  /** Invoice rules: customer currency, closed periods, computed totals, the customers' balances. `previous` is the stored version of an edited invoice. */
  const applyTransactionRules = (def: RecordTypeDef, record: StoredRecord, previous?: StoredRecord) => {
    if (def.name !== INVOICE.name) return;
    const customer = table("customer").byId.get(String(record.fields.entity));
    if (!customer) throw invalidValue(record.fields.entity, "entity", "entity");
    const f = record.fields;
    f.currency ??= customer.fields.currency;
    f.subsidiary ??= customer.fields.subsidiary;
    if (f.currency !== customer.fields.currency) throw invalidValue(f.currency, "currency", "currency");
    const closedBefore = env.closedPeriodsBefore();
    if (closedBefore && typeof f.tranDate === "string" && f.tranDate < closedBefore) {
      throw userError(`The accounting period of the transaction date ${f.tranDate} is closed. Choose a date in an open period.`, "tranDate");
    }
    const lines = record.lines ?? [];
    if (lines.length === 0) throw userError("You must enter at least one line item for this transaction.", "item");
    const total = round2(lines.reduce((sum, line) => sum + Number(line.amount ?? 0), 0));
    f.subtotal = total;
    f.total = total;
    f.amountPaid ??= 0;
    f.amountRemaining = round2(total - Number(f.amountPaid));
    f.status = Number(f.amountRemaining) <= 0 ? "B" : "A";
    if (previous) {
      const before = table("customer").byId.get(String(previous.fields.entity));
      if (before) before.fields.balance = round2(Number(before.fields.balance ?? 0) - Number(previous.fields.total ?? 0));
    }
    customer.fields.balance = round2(Number(customer.fields.balance ?? 0) + total);
  };

  const uniqueRules = (t: Table, record: StoredRecord, previous?: StoredRecord) => {
    const f = record.fields;
    if (t.def.name === CUSTOMER.name) {
      const holder = entityIds.get(String(f.entityId).toLowerCase());
      if (holder !== undefined && holder !== previous?.id) throw userError("This entity already exists.", "entityId");
    }
    if (t.def.idSpace === "item") {
      const holder = itemNames.get(String(f.itemId).toLowerCase());
      if (holder !== undefined && holder !== previous?.id) throw userError("The item name you have chosen is already used.", "itemId");
    }
  };

  /** Keeps the unique-name maps in step with a record that was stored, changed or removed. */
  const indexNames = (t: Table, record: StoredRecord | undefined, previous: StoredRecord | undefined) => {
    const map = t.def.name === CUSTOMER.name ? entityIds : t.def.idSpace === "item" ? itemNames : undefined;
    const field = t.def.name === CUSTOMER.name ? "entityId" : "itemId";
    if (!map) return;
    if (previous) map.delete(String(previous.fields[field]).toLowerCase());
    if (record) map.set(String(record.fields[field]).toLowerCase(), record.id);
  };

  const selfCheck = (t: Table, externalId: string | undefined, except?: string) => {
    if (externalId === undefined) return;
    const holder = t.byExternalId.get(externalId);
    if (holder !== undefined && holder !== except) throw userError(`A record with the external ID ${externalId} already exists.`, "externalId");
  };

  const create = (type: string, body: Record<string, unknown>, options: WriteOptions = {}, forcedExternalId?: string): StoredRecord => {
    const t = table(type);
    const { def } = t;
    const fields = readFields(def.fields, body, "", options, def.sublist ? [def.sublist.name] : []);
    const externalId = forcedExternalId ?? (typeof fields.externalId === "string" ? fields.externalId : undefined);
    delete fields.externalId;
    selfCheck(t, externalId);
    const lines = readLines(def, body, options);
    const now = nowMs();
    const id = String(nextIds[def.idSpace] ?? 1);
    const [createdField, modifiedField] = timestampFields(def);
    const record: StoredRecord = { type: def.name, id, externalId, fields: {}, createdMs: now, modifiedMs: now };
    for (const [k, v] of Object.entries(fields)) if (v !== null) record.fields[k] = v;
    if (def.name === CUSTOMER.name) {
      record.fields.entityId ??= record.fields.companyName;
      record.fields.currency ??= "1";
      record.fields.isPerson ??= false;
      record.fields.balance = 0;
    }
    if (def.name === INVOICE.name) {
      record.fields.tranDate ??= isoDateIn(now, env.timeZone());
      record.fields.exchangeRate ??= 1;
      if (record.fields.dueDate === undefined && typeof record.fields.tranDate === "string") {
        record.fields.dueDate = new Date(Date.parse(record.fields.tranDate) + 30 * 86_400_000).toISOString().slice(0, 10);
      }
    }
    if (def.fields.some((f) => f.name === "isInactive")) record.fields.isInactive ??= false;
    if (def.sublist) record.lines = finishLines(def, (lines ?? []).map((l) => l.parsed));
    requireFields(def, record.fields);
    uniqueRules(t, record);
    applyTransactionRules(def, record);
    if (def.name === INVOICE.name) record.fields.tranId ??= `INV${nextTranId++}`;
    record.fields[createdField] = now;
    record.fields[modifiedField] = now;
    nextIds[def.idSpace] = Number(id) + 1;
    t.byId.set(id, record);
    if (externalId !== undefined) t.byExternalId.set(externalId, id);
    t.order.push(record);
    t.version += 1;
    if (def.idSpace === "item") items.set(id, record);
    indexNames(t, record, undefined);
    emit({ type: def.name, id, kind: "create", record });
    return record;
  };

  const update = (type: string, record: StoredRecord, body: Record<string, unknown>, options: WriteOptions = {}): StoredRecord => {
    const t = table(type);
    const { def } = t;
    const fields = readFields(def.fields, body, "", options, def.sublist ? [def.sublist.name] : []);
    const externalId = "externalId" in fields ? (fields.externalId === null ? undefined : String(fields.externalId)) : record.externalId;
    delete fields.externalId;
    selfCheck(t, externalId, record.id);
    const lines = readLines(def, body, options);
    const next: StoredRecord = { ...record, externalId, fields: { ...record.fields }, lines: record.lines ? record.lines.map((l) => ({ ...l })) : undefined };
    for (const [k, v] of Object.entries(fields)) {
      if (v === null) delete next.fields[k];
      else next.fields[k] = v;
    }
    if (def.sublist && lines) {
      const replace = (options.replaceSublists ?? []).some((name) => name.toLowerCase() === def.sublist?.name);
      let current = replace ? [] : (next.lines ?? []);
      for (const { parsed, lineNo, path } of lines) {
        const existing = lineNo === undefined ? undefined : current[lineNo - 1];
        if (lineNo !== undefined && !existing) throw invalidContent(`The line ${lineNo} does not exist.`, `${path}line`);
        if (existing) Object.assign(existing, parsed, parsed.amount === undefined && (parsed.quantity !== undefined || parsed.rate !== undefined) ? { amount: undefined } : {});
        else current = [...current, parsed];
      }
      next.lines = finishLines(def, current);
    }
    requireFields(def, next.fields);
    uniqueRules(t, next, record);
    applyTransactionRules(def, next, record);
    const now = Math.max(nowMs(), record.modifiedMs);
    next.modifiedMs = now;
    next.fields[timestampFields(def)[1]] = now;
    if (record.externalId !== undefined && record.externalId !== externalId) t.byExternalId.delete(record.externalId);
    if (externalId !== undefined) t.byExternalId.set(externalId, record.id);
    indexNames(t, next, record);
    Object.assign(record, next);
    t.version += 1;
    emit({ type: def.name, id: record.id, kind: "edit", record });
    return record;
  };

  const remove = (type: string, record: StoredRecord) => {
    const t = table(type);
    if (t.def.name === CUSTOMER.name) {
      for (const invoice of table("invoice").order) {
        if (invoice.fields.entity === record.id) throw userError("This record cannot be deleted because it has dependent records.");
      }
    }
    if (t.def.idSpace === "item") {
      for (const invoice of table("invoice").order) {
        if (invoice.lines?.some((l) => l.item === record.id)) throw userError("This record cannot be deleted because it has dependent records.");
      }
      items.delete(record.id);
    }
    if (t.def.name === INVOICE.name) {
      const customer = table("customer").byId.get(String(record.fields.entity));
      if (customer) customer.fields.balance = round2(Number(customer.fields.balance ?? 0) - Number(record.fields.total ?? 0));
    }
    t.byId.delete(record.id);
    if (record.externalId !== undefined) t.byExternalId.delete(record.externalId);
    indexNames(t, undefined, record);
    t.order.splice(t.order.indexOf(record), 1);
    t.version += 1;
    emit({ type: t.def.name, id: record.id, kind: "delete", record });
  };

  /** `{id}` is an internal id, or `eid:<externalId>`. */
  const find = (type: string, key: string): StoredRecord | undefined => {
    const t = table(type);
    if (key.startsWith("eid:")) {
      const id = t.byExternalId.get(key.slice(4));
      return id === undefined ? undefined : t.byId.get(id);
    }
    return t.byId.get(key);
  };

  const get = (type: string, key: string): StoredRecord => {
    const record = find(type, key);
    if (!record) throw notFound();
    return record;
  };

  /** PUT /{type}/eid:{externalId}: create with that external id or update the record that has it. */
  const upsert = (type: string, key: string, body: Record<string, unknown>, options: WriteOptions = {}) => {
    if (!key.startsWith("eid:") || key.length <= 4) throw new NsError(400, "INVALID_PARAMETER", "PUT requires an external ID in the form eid:<externalId>.");
    const existing = find(type, key);
    if (existing) return { record: update(type, existing, body, options), created: false };
    return { record: create(type, body, options, key.slice(4)), created: true };
  };

  return {
    table,
    tables: () => [...tables.values()],
    find,
    get,
    create,
    update,
    upsert,
    remove,
    refNameOf,
    timestampFields,
    items,
    version: () => version,
    onChange: (listener: (event: ChangeEvent) => void) => listeners.push(listener),
    defineCustomRecordType: (input: CustomRecordTypeInput) => {
      if (!/^customrecord_[a-z0-9_]+$/.test(input.scriptId)) throw new Error(`custom record type ids start with customrecord_ (got ${input.scriptId})`);
      for (const f of input.fields) if (!/^custrecord_[a-z0-9_]+$/.test(f.id)) throw new Error(`custom record field ids start with custrecord_ (got ${f.id})`);
      customRecordTypes = [...customRecordTypes.filter((c) => c.scriptId !== input.scriptId), input];
      addTable(customRecordTypeDef(input));
      nextIds[input.scriptId] ??= 1;
      return table(input.scriptId).def;
    },
    defineCustomFields: (type: string, fields: { id: string; kind: FieldKind; ref?: RefTarget }[]) => {
      const def = STANDARD_TYPES.find((d) => d.name === type);
      if (!def) throw new Error(`custom fields can be added to ${STANDARD_TYPES.map((d) => d.name).join(", ")}`);
      for (const f of fields) if (!f.id.startsWith(def.customPrefix)) throw new Error(`custom fields of ${type} start with ${def.customPrefix} (got ${f.id})`);
      customFields = { ...customFields, [type]: [...(customFields[type] ?? []).filter((c) => !fields.some((f) => f.id === c.id)), ...fields] };
      addTable(withCustomFields(def, customFields[type] ?? []));
    },
    /** Records of one type sharing an external id or natural key (custom records): should be none. */
    duplicates: () => {
      const out: { recordType: string; key: string; value: string; ids: string[] }[] = [];
      for (const t of tables.values()) {
        const keyField = t.def.naturalKey;
        if (!keyField) continue;
        const groups = new Map<string, string[]>();
        for (const record of t.order) {
          const value = record.fields[keyField];
          if (value === undefined || value === null || value === "") continue;
          const ids = groups.get(String(value)) ?? [];
          ids.push(record.id);
          groups.set(String(value), ids);
        }
        for (const [value, ids] of groups) if (ids.length > 1) out.push({ recordType: t.def.name, key: keyField, value, ids });
      }
      return out;
    },
    snapshot: (): StoreSnapshot => ({
      nextIds: { ...nextIds },
      nextTranId,
      customRecordTypes: [...customRecordTypes],
      customFields: { ...customFields },
      records: [...tables.values()].flatMap((t) => t.order.map((r) => structuredClone(r))),
    }),
    restore: (snapshot: StoreSnapshot) => {
      tables.clear();
      items.clear();
      entityIds.clear();
      itemNames.clear();
      customFields = { ...snapshot.customFields };
      customRecordTypes = [];
      defineStandardTypes();
      for (const c of snapshot.customRecordTypes) {
        customRecordTypes.push(c);
        addTable(customRecordTypeDef(c));
      }
      nextIds = { ...snapshot.nextIds };
      nextTranId = snapshot.nextTranId;
      for (const record of snapshot.records) {
        const t = table(record.type);
        t.byId.set(record.id, record);
        if (record.externalId !== undefined) t.byExternalId.set(record.externalId, record.id);
        t.order.push(record);
        if (t.def.idSpace === "item") items.set(record.id, record);
        indexNames(t, record, undefined);
      }
      version += 1;
    },
    reset: () => {
      tables.clear();
      items.clear();
      entityIds.clear();
      itemNames.clear();
      customFields = {};
      customRecordTypes = [];
      nextIds = { ...FIRST_IDS };
      nextTranId = 10001;
      defineStandardTypes();
      version += 1;
    },
  };
};
