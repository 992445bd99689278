import { zohoError, type ZohoErrorBody } from "./errors";
import { SYSTEM_DUPLICATE_CHECK_FIELD, STAGE_PROBABILITY, type FieldDef, type ModuleName, MODULE_NAMES } from "./metadata";

/*
 * Records of the four modules, indexed by id and by every unique / duplicate-check field value, so writes
 * and upsert matching are O(1) per record. Writes are validated against the field definitions the way Zoho
 * answers them per record: INVALID_DATA (wrong type, unknown lookup id, picklist value), MANDATORY_NOT_FOUND
 * (json_path of the missing field) and DUPLICATE_DATA (with the duplicate record). Unknown field names and
 * read-only fields are ignored, as Zoho does, and counted in `ignoredFields` so tests can see them.
 */

export type User = { id: string; name: string; email: string };

export type StoredRecord = {
  id: string;
  module: ModuleName;
  values: Record<string, unknown>;
  createdAt: number;
  modifiedAt: number;
  createdBy: User;
  modifiedBy: User;
  owner: User;
};

export type DeletedRecord = { id: string; module: ModuleName; name: string; deletedAt: number; deletedBy: User; createdBy: User };

export type WriteMode = "insert" | "update" | "upsert";

export type WriteSuccess = {
  code: "SUCCESS";
  duplicate_field: string | null;
  action: "insert" | "update";
  details: Record<string, unknown>;
  message: "record added" | "record updated";
  status: "success";
};
export type WriteResult = WriteSuccess | ZohoErrorBody;
export type DeleteResult = { code: "SUCCESS"; details: { id: string }; message: "record deleted"; status: "success" } | ZohoErrorBody;

export type RecordChange = { module: ModuleName; operation: "insert" | "update" | "delete"; id: string; fields: string[]; values: Record<string, unknown> };

export type RecordStoreState = { nextId: number; nextInvoiceNumber: number; records: StoredRecord[]; deleted: DeletedRecord[] };

type ModuleTable = {
  byId: Map<string, StoredRecord>;
  /** field -> normalised value -> ids (in creation order). */
  index: Map<string, Map<string, string[]>>;
};

const normalise = (value: unknown) => (typeof value === "string" ? value.trim().toLowerCase() : JSON.stringify(value));

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Zoho's datetime format: seconds precision with an offset (the org's time zone; the sandbox uses UTC). */
export const zohoDateTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "+00:00");

const round2 = (n: number) => Math.round(n * 100) / 100;

export const createRecordStore = (options: { now: () => number; fields: (module: ModuleName) => readonly FieldDef[]; user: User; onChange: (change: RecordChange) => void }) => {
  const { now, fields, user, onChange } = options;
  const tables = new Map<ModuleName, ModuleTable>(MODULE_NAMES.map((m) => [m, { byId: new Map(), index: new Map() }]));
  let deleted: DeletedRecord[] = [];
  let nextId = 400_001;
  let nextInvoiceNumber = 1;
  const ignoredFields = new Map<string, number>();

  const table = (module: ModuleName) => tables.get(module) as ModuleTable;
  const indexedFields = (module: ModuleName) => {
    const result = new Set<string>([SYSTEM_DUPLICATE_CHECK_FIELD[module]]);
    for (const f of fields(module)) if (f.unique) result.add(f.api_name);
    return result;
  };
  const newId = () => `5725767${String(nextId++).padStart(12, "0")}`;
  const findById = (id: string): StoredRecord | undefined => {
    for (const t of tables.values()) {
      const record = t.byId.get(id);
      if (record) return record;
    }
    return undefined;
  };
  const nameOf = (record: StoredRecord) => String(record.values[SYSTEM_DUPLICATE_CHECK_FIELD[record.module]] ?? "");

  const indexAdd = (record: StoredRecord) => {
    const t = table(record.module);
    for (const field of indexedFields(record.module)) {
      const value = record.values[field];
      if (isBlank(value)) continue;
      const byValue = t.index.get(field) ?? new Map<string, string[]>();
      t.index.set(field, byValue);
      const key = normalise(value);
      byValue.set(key, [...(byValue.get(key) ?? []), record.id]);
    }
  };
  const indexRemove = (record: StoredRecord) => {
    const t = table(record.module);
    for (const [field, byValue] of t.index) {
      const value = record.values[field];
      if (isBlank(value)) continue;
      const key = normalise(value);
      const rest = (byValue.get(key) ?? []).filter((id) => id !== record.id);
      if (rest.length === 0) byValue.delete(key);
      else byValue.set(key, rest);
    }
  };
  /** Ids of records whose `field` equals `value` (unique and duplicate-check fields only). */
  const lookup = (module: ModuleName, field: string, value: unknown): string[] => {
    if (isBlank(value)) return [];
    return table(module).index.get(field)?.get(normalise(value)) ?? [];
  };

  type FieldCheck = { ok: true; value: unknown } | { ok: false; error: ZohoErrorBody };

  const checkValue = (field: FieldDef, value: unknown, jsonPath: string, parent?: string): FieldCheck => {
    const invalid = (extra: Record<string, unknown> = {}): FieldCheck => ({
      ok: false,
      error: zohoError("INVALID_DATA", "invalid data", { api_name: field.api_name, json_path: jsonPath, expected_data_type: field.data_type, ...(parent ? { parent_api_name: parent } : {}), ...extra }),
    });
    if (value === null) return { ok: true, value: null };
    switch (field.data_type) {
      case "text":
      case "textarea":
      case "phone":
      case "website":
      case "autonumber":
        if (typeof value !== "string") return invalid();
        if (field.length !== undefined && value.length > field.length) return invalid({ maximum_length: String(field.length) });
        return { ok: true, value };
      case "email":
        return typeof value === "string" && (value === "" || EMAIL.test(value)) ? { ok: true, value } : invalid();
      case "integer":
        return typeof value === "number" && Number.isInteger(value) ? { ok: true, value } : invalid();
      case "double":
        return typeof value === "number" && Number.isFinite(value) ? { ok: true, value } : invalid();
      case "currency":
        return typeof value === "number" && Number.isFinite(value) ? { ok: true, value: round2(value) } : invalid();
      case "boolean":
        return typeof value === "boolean" ? { ok: true, value } : invalid();
      case "date":
        return typeof value === "string" && DATE.test(value) && !Number.isNaN(Date.parse(value)) ? { ok: true, value } : invalid();
      case "datetime":
        return typeof value === "string" && DATETIME.test(value) && !Number.isNaN(Date.parse(value)) ? { ok: true, value } : invalid();
      case "picklist":
        return typeof value === "string" && (field.pick_list_values ?? []).includes(value) ? { ok: true, value } : invalid();
      case "ownerlookup": {
        const id = typeof value === "object" && value !== null && "id" in value ? (value as { id: unknown }).id : value;
        return id === user.id ? { ok: true, value: { id } } : invalid();
      }
      case "lookup": {
        const id = typeof value === "object" && value !== null && "id" in value ? (value as { id: unknown }).id : value;
        if (typeof id !== "string" || !/^\d+$/.test(id)) return invalid();
        const target = field.lookup ? table(field.lookup).byId.get(id) : undefined;
        if (!target) return { ok: false, error: zohoError("INVALID_DATA", "the id given seems to be invalid", { api_name: field.api_name, json_path: jsonPath, id, ...(parent ? { parent_api_name: parent } : {}) }) };
        return { ok: true, value: { id } };
      }
      case "subform":
        return checkLines(field, value, jsonPath);
    }
  };

  const checkLines = (field: FieldDef, value: unknown, jsonPath: string): FieldCheck => {
    if (!Array.isArray(value)) return { ok: false, error: zohoError("INVALID_DATA", "invalid data", { api_name: field.api_name, json_path: jsonPath, expected_data_type: "subform" }) };
    const lines: Record<string, unknown>[] = [];
    for (const [n, line] of value.entries()) {
      const linePath = `${jsonPath}[${n}]`;
      if (typeof line !== "object" || line === null || Array.isArray(line)) return { ok: false, error: zohoError("INVALID_DATA", "invalid data", { api_name: field.api_name, json_path: linePath, expected_data_type: "jsonobject" }) };
      const input = line as Record<string, unknown>;
      const stored: Record<string, unknown> = { id: typeof input.id === "string" ? input.id : newId() };
      for (const sub of field.subform ?? []) {
        const v = input[sub.api_name];
        if (sub.read_only || v === undefined) continue;
        const checked = checkValue(sub, v, `${linePath}.${sub.api_name}`, field.api_name);
        if (!checked.ok) return checked;
        stored[sub.api_name] = checked.value;
      }
      for (const sub of field.subform ?? []) {
        if (sub.mandatory && isBlank(stored[sub.api_name])) {
          return { ok: false, error: zohoError("MANDATORY_NOT_FOUND", "required field not found", { api_name: sub.api_name, json_path: `${linePath}.${sub.api_name}`, parent_api_name: field.api_name }) };
        }
      }
      const quantity = Number(stored.Quantity ?? 0);
      const listPrice = Number(stored.List_Price ?? 0);
      stored.Total = round2(quantity * listPrice);
      stored.Net_Total = round2(quantity * listPrice - Number(stored.Discount ?? 0) + Number(stored.Tax ?? 0));
      lines.push(stored);
    }
    return { ok: true, value: lines };
  };

  /** Fields Zoho computes from others. */
  const derive = (module: ModuleName, values: Record<string, unknown>, changed: Record<string, unknown>) => {
    if (module === "Invoices") {
      const lines = (values.Invoiced_Items as Record<string, unknown>[] | undefined) ?? [];
      const subTotal = round2(lines.reduce((sum, line) => sum + Number(line.Net_Total ?? 0), 0));
      values.Sub_Total = subTotal;
      values.Grand_Total = round2(subTotal - Number(values.Discount ?? 0) + Number(values.Tax ?? 0) + Number(values.Adjustment ?? 0));
    }
    if (module === "Deals" && "Stage" in changed && !("Probability" in changed) && typeof values.Stage === "string") {
      values.Probability = STAGE_PROBABILITY[values.Stage] ?? values.Probability;
    }
  };

  const successDetails = (record: StoredRecord) => ({
    Modified_Time: zohoDateTime(record.modifiedAt),
    Modified_By: { name: record.modifiedBy.name, id: record.modifiedBy.id },
    Created_Time: zohoDateTime(record.createdAt),
    id: record.id,
    Created_By: { name: record.createdBy.name, id: record.createdBy.id },
    $approval_state: "approved",
  });

  /** Validates `input` into the values to store; `existing` makes it a partial update. */
  const validate = (module: ModuleName, input: Record<string, unknown>, path: string, existing?: StoredRecord): { ok: true; values: Record<string, unknown> } | { ok: false; error: ZohoErrorBody } => {
    const defs = new Map(fields(module).map((f) => [f.api_name, f]));
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (key === "id" || key.startsWith("$")) continue;
      const def = defs.get(key);
      if (!def || def.read_only || def.api_name === "Created_By" || def.api_name === "Modified_By") {
        const name = `${module}.${key}`;
        ignoredFields.set(name, (ignoredFields.get(name) ?? 0) + 1);
        continue;
      }
      const checked = checkValue(def, value, `${path}.${key}`);
      if (!checked.ok) return checked;
      values[key] = checked.value;
    }
    for (const def of defs.values()) {
      if (!def.mandatory) continue;
      const given = def.api_name in values;
      const missing = existing ? given && isBlank(values[def.api_name]) : isBlank(values[def.api_name]);
      if (missing) return { ok: false, error: zohoError("MANDATORY_NOT_FOUND", "required field not found", { api_name: def.api_name, json_path: `${path}.${def.api_name}` }) };
    }
    for (const def of defs.values()) {
      if (!def.unique || !(def.api_name in values) || isBlank(values[def.api_name])) continue;
      const other = lookup(module, def.api_name, values[def.api_name]).find((id) => id !== existing?.id);
      if (other) {
        const duplicate = table(module).byId.get(other) as StoredRecord;
        return {
          ok: false,
          error: zohoError("DUPLICATE_DATA", "duplicate data", {
            api_name: def.api_name,
            json_path: `${path}.${def.api_name}`,
            duplicate_record: { module: { api_name: module, id: moduleId(module) }, id: duplicate.id, Owner: { name: duplicate.owner.name, id: duplicate.owner.id, email: duplicate.owner.email } },
          }),
        };
      }
    }
    return { ok: true, values };
  };

  const insert = (module: ModuleName, values: Record<string, unknown>, by: User): StoredRecord => {
    const t = now();
    const record: StoredRecord = { id: newId(), module, values: {}, createdAt: t, modifiedAt: t, createdBy: by, modifiedBy: by, owner: by };
    const ownerId = (values.Owner as { id?: string } | undefined)?.id;
    if (ownerId) record.owner = ownerId === user.id ? user : by;
    delete values.Owner;
    if (module === "Invoices") values.Invoice_Number = String(nextInvoiceNumber++);
    if (module === "Deals" && values.Probability === undefined && typeof values.Stage === "string") values.Probability = STAGE_PROBABILITY[values.Stage];
    record.values = values;
    derive(module, record.values, values);
    table(module).byId.set(record.id, record);
    indexAdd(record);
    onChange({ module, operation: "insert", id: record.id, fields: Object.keys(record.values), values: { ...record.values } });
    return record;
  };

  const update = (record: StoredRecord, values: Record<string, unknown>, by: User): StoredRecord => {
    indexRemove(record);
    const before = record.values;
    const next = { ...before };
    for (const [key, value] of Object.entries(values)) {
      if (key === "Owner") continue;
      if (value === null) delete next[key];
      else next[key] = value;
    }
    derive(record.module, next, values);
    record.values = next;
    record.modifiedAt = now();
    record.modifiedBy = by;
    indexAdd(record);
    const changed = [...new Set([...Object.keys(before), ...Object.keys(next)])].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]));
    onChange({ module: record.module, operation: "update", id: record.id, fields: changed, values: Object.fromEntries(changed.map((key) => [key, next[key] ?? null])) });
    return record;
  };

  /** One record of a write request, as the n-th element of `data`. */
  const write = (input: { module: ModuleName; mode: WriteMode; record: unknown; index: number; duplicateCheckFields?: string[]; by?: User }): WriteResult => {
    const { module, mode, index } = input;
    const by = input.by ?? user;
    const path = `$.data[${index}]`;
    if (typeof input.record !== "object" || input.record === null || Array.isArray(input.record)) return zohoError("INVALID_DATA", "invalid data", { json_path: path, expected_data_type: "jsonobject" });
    const body = input.record as Record<string, unknown>;
    let existing: StoredRecord | undefined;
    let duplicateField: string | null = null;
    if (mode === "update") {
      if (isBlank(body.id)) return zohoError("MANDATORY_NOT_FOUND", "required field not found", { api_name: "id", json_path: `${path}.id` });
      existing = typeof body.id === "string" ? table(module).byId.get(body.id) : undefined;
      if (!existing) return zohoError("INVALID_DATA", "the id given seems to be invalid", { api_name: "id", json_path: `${path}.id`, id: String(body.id) });
    }
    if (mode === "upsert") {
      const candidates = input.duplicateCheckFields ?? [...indexedFields(module)];
      for (const field of candidates) {
        const match = lookup(module, field, body[field])[0];
        if (match) {
          existing = table(module).byId.get(match);
          duplicateField = field;
          break;
        }
      }
    }
    const checked = validate(module, body, path, existing);
    if (!checked.ok) return checked.error;
    const record = existing ? update(existing, checked.values, by) : insert(module, checked.values, by);
    return {
      code: "SUCCESS",
      duplicate_field: duplicateField,
      action: existing ? "update" : "insert",
      details: successDetails(record),
      message: existing ? "record updated" : "record added",
      status: "success",
    };
  };

  const remove = (module: ModuleName, id: string, by: User = user): boolean => {
    const record = table(module).byId.get(id);
    if (!record) return false;
    indexRemove(record);
    table(module).byId.delete(id);
    deleted.push({ id, module, name: nameOf(record), deletedAt: now(), deletedBy: by, createdBy: record.createdBy });
    onChange({ module, operation: "delete", id, fields: [], values: {} });
    return true;
  };

  /** The record as the API shows it: lookups as {name, id}, system fields, all or only `only` fields. */
  const present = (record: StoredRecord, only?: ReadonlySet<string>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const want = (key: string) => !only || only.has(key);
    const defs = fields(record.module);
    for (const def of defs) {
      if (!want(def.api_name)) continue;
      if (def.api_name === "Owner") out.Owner = { name: record.owner.name, id: record.owner.id, email: record.owner.email };
      else if (def.api_name === "Created_Time") out.Created_Time = zohoDateTime(record.createdAt);
      else if (def.api_name === "Modified_Time") out.Modified_Time = zohoDateTime(record.modifiedAt);
      else if (def.api_name === "Created_By") out.Created_By = { name: record.createdBy.name, id: record.createdBy.id, email: record.createdBy.email };
      else if (def.api_name === "Modified_By") out.Modified_By = { name: record.modifiedBy.name, id: record.modifiedBy.id, email: record.modifiedBy.email };
      else if (def.data_type === "lookup") out[def.api_name] = presentLookup(record.values[def.api_name]);
      else if (def.data_type === "subform") {
        const lines = record.values[def.api_name] as Record<string, unknown>[] | undefined;
        out[def.api_name] = lines ? lines.map((line) => ({ ...line, Product_Name: presentLookup(line.Product_Name) })) : [];
      } else out[def.api_name] = record.values[def.api_name] ?? (def.data_type === "boolean" ? false : null);
    }
    out.id = record.id;
    return out;
  };
  const presentLookup = (value: unknown) => {
    const id = (value as { id?: string } | undefined)?.id;
    if (!id) return null;
    const target = findById(id);
    return { name: target ? nameOf(target) : null, id };
  };

  return {
    write,
    remove,
    present,
    get: (module: ModuleName, id: string) => table(module).byId.get(id),
    all: (module: ModuleName) => table(module).byId.values(),
    count: (module: ModuleName) => table(module).byId.size,
    deleted: (module: ModuleName) => deleted.filter((d) => d.module === module),
    lookup,
    nameOf,
    ignoredFields: () => Object.fromEntries(ignoredFields),
    /** Unique / duplicate-check values shared by more than one record. */
    duplicates: () => {
      const out: { module: ModuleName; field: string; value: string; ids: string[] }[] = [];
      for (const [module, t] of tables) for (const [field, byValue] of t.index) for (const [value, ids] of byValue) if (ids.length > 1) out.push({ module, field, value, ids });
      return out;
    },
    /** Rebuilds the indexes (after a unique custom field was added). */
    reindex: () => {
      for (const t of tables.values()) {
        t.index.clear();
        for (const record of t.byId.values()) indexAdd(record);
      }
    },
    snapshot: (): RecordStoreState => ({ nextId, nextInvoiceNumber, records: [...tables.values()].flatMap((t) => [...t.byId.values()]), deleted: [...deleted] }),
    restore: (state: RecordStoreState) => {
      for (const t of tables.values()) {
        t.byId.clear();
        t.index.clear();
      }
      nextId = state.nextId;
      nextInvoiceNumber = state.nextInvoiceNumber;
      for (const record of state.records) {
        table(record.module).byId.set(record.id, record);
        indexAdd(record);
      }
      deleted = [...state.deleted];
      ignoredFields.clear();
    },
  };
};

export type RecordStore = ReturnType<typeof createRecordStore>;

/** Module ids as /settings/modules shows them: the org's id prefix plus the module's number. */
const moduleIndex = (module: ModuleName) => MODULE_NAMES.indexOf(module) + 1;
export const moduleId = (module: ModuleName) => `572576700000000200${moduleIndex(module)}`;
