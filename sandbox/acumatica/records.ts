/**
 * Records as the sandbox keeps them (plain JSON, so a snapshot is a copy) and the two wire conversions:
 * request bodies with every field wrapped as `{"value": ...}` -> `ParsedEntity`, and stored records -> response
 * entities. A flat value where the contract has a wrapper is a binding error (400), never silently accepted.
 */
import type { EntityShape, FieldKind } from "./entity-shapes";
import { bindingError } from "./errors";

export type Scalar = string | number | boolean | null;

/** One stored detail line or linked entity: scalar values by field name, nested links by name. */
export type StoredRow = { id: string; fields: Record<string, Scalar>; links?: Record<string, StoredRow> };

/** One stored top-level record; `seq` is creation order (the order lists are returned in). */
export type StoredRecord = StoredRow & { seq: number; details: Record<string, StoredRow[]> };

/** A request row: only the fields the caller sent (`null` = clear), plus `id` / `delete` for detail lines. */
export type ParsedRow = {
  id?: string;
  delete?: boolean;
  fields: Record<string, Scalar>;
  links: Record<string, ParsedRow>;
  details: Record<string, ParsedRow[]>;
};

const SYSTEM_PROPERTIES = new Set(["id", "rowNumber", "note", "custom", "error", "files", "_links", "delete"]);
const TYPE_NAMES: Record<FieldKind, string> = {
  string: "StringValue",
  decimal: "DecimalValue",
  datetime: "DateTimeValue",
  boolean: "BooleanValue",
  int: "IntValue",
  guid: "GuidValue",
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const jsonText = (v: unknown) => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));

/** Date-only fields carry midnight; Acumatica echoes them as `YYYY-MM-DDT00:00:00+00:00` on a UTC instance. */
export const toDateTimeText = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00").replace(/Z$/, "+00:00");

export const toTimestampText = (ms: number) => new Date(ms).toISOString().replace(/Z$/, "+00:00");

/** Parses an incoming date text; bare dates and offset-less times are read as UTC. */
export const parseDateText = (text: string): number => {
  const hasZone = /[zZ]$|[+-]\d\d:?\d\d$/.test(text);
  return Date.parse(text.length === 10 ? `${text}T00:00:00Z` : hasZone ? text : `${text}Z`);
};

const coerce = (kind: FieldKind, raw: unknown, path: string): Scalar => {
  if (raw === null || raw === undefined) return null;
  const fail = () =>
    bindingError(path, `Error converting value ${jsonText(raw)} to type '${kind === "datetime" ? "System.DateTime" : kind === "decimal" ? "System.Decimal" : kind === "boolean" ? "System.Boolean" : kind === "int" ? "System.Int32" : kind === "guid" ? "System.Guid" : "System.String"}'. Path '${path}.value'.`);
  switch (kind) {
    case "string":
      if (typeof raw === "string") return raw;
      if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
      throw fail();
    case "decimal":
    case "int": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
      if (!Number.isFinite(n) || (kind === "int" && !Number.isInteger(n))) throw fail();
      return n;
    }
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      throw fail();
    case "datetime": {
      if (typeof raw !== "string") throw fail();
      const ms = parseDateText(raw);
      if (Number.isNaN(ms)) throw fail();
      return toDateTimeText(ms);
    }
    case "guid":
      if (typeof raw === "string" && UUID.test(raw)) return raw.toLowerCase();
      throw fail();
  }
};

/**
 * Reads one request entity against its contract shape. Fields outside the contract are ignored (the
 * contract-based API binds only endpoint fields); a primitive where a wrapper, detail array or linked entity
 * is due throws a 400 binding error naming the JSON path.
 */
export const parseEntity = (body: unknown, shape: EntityShape, path = ""): ParsedRow => {
  if (!isPlainObject(body)) {
    throw bindingError(path || "entity", `Cannot deserialize the current JSON value into type '${shape.schema}' because the type requires a JSON object.`);
  }
  const row: ParsedRow = { fields: {}, links: {}, details: {} };
  for (const [key, raw] of Object.entries(body)) {
    const at = path ? `${path}.${key}` : key;
    if (SYSTEM_PROPERTIES.has(key)) {
      if (key === "id" && raw !== null && raw !== undefined) {
        if (typeof raw !== "string" || !UUID.test(raw)) throw bindingError(at, `Error converting value ${jsonText(raw)} to type 'System.Guid'. Path '${at}'.`);
        row.id = raw.toLowerCase();
      }
      if (key === "delete") row.delete = raw === true;
      continue;
    }
    const kind = shape.fields[key];
    if (kind) {
      if (!isPlainObject(raw)) {
        throw bindingError(
          at,
          `Error converting value ${jsonText(raw)} to type 'PX.Api.ContractBased.Models.${TYPE_NAMES[kind]}'. Path '${at}'. Every field must be sent as {"value": ...}.`,
        );
      }
      if ("value" in raw) row.fields[key] = coerce(kind, raw.value, at);
      continue;
    }
    const detail = shape.details[key];
    if (detail) {
      if (!Array.isArray(raw)) throw bindingError(at, `Cannot deserialize the current JSON value into type 'List<${detail.schema}>' because the type requires a JSON array.`);
      row.details[key] = raw.map((item, i) => parseEntity(item, detail, `${at}[${i}]`));
      continue;
    }
    const link = shape.links[key];
    if (link) {
      row.links[key] = parseEntity(raw, link, at);
      continue;
    }
    if (raw !== null && typeof raw !== "object") {
      throw bindingError(at, `Error converting value ${jsonText(raw)} to type 'PX.Api.ContractBased.Models.StringValue'. Path '${at}'. Every field must be sent as {"value": ...}.`);
    }
  }
  return row;
};

/** Output options of a GET/PUT: `$expand` names and `$select` paths, already split on commas. */
export type Projection = { expand: Set<string>; select?: Set<string> };

/** Field-level errors to attach to the returned entity: `[]` = entity `error`, `[field]`, or `[detail, index, field]`. */
export type FieldError = { path: [] | [string] | [string, number, string] | [string, string]; message: string };

const wrapRow = (
  row: StoredRow,
  shape: EntityShape,
  rowNumber: number,
  selected: ((field: string) => boolean) | undefined,
): Record<string, unknown> => {
  const out: Record<string, unknown> = { id: row.id, rowNumber, note: { value: "" } };
  for (const [key, value] of Object.entries(row.fields)) {
    if (value === null || value === undefined || !(key in shape.fields)) continue;
    if (selected && !selected(key)) continue;
    out[key] = { value };
  }
  if (row.links) {
    for (const [key, linked] of Object.entries(row.links)) {
      const linkShape = shape.links[key];
      if (linkShape && (!selected || selected(key))) out[key] = wrapRow(linked, linkShape, 1, undefined);
    }
  }
  out.custom = {};
  return out;
};

/**
 * Renders a stored record as the contract returns it: system fields plain, every value wrapped, empty fields
 * left out, detail collections and linked entities only when named in `$expand` (or in a `$select` path).
 */
export const toWireEntity = (
  record: StoredRecord,
  shape: EntityShape,
  projection: Projection,
  rowNumber: number,
  selfHref?: string,
): Record<string, unknown> => {
  const select = projection.select;
  const selected = select ? (field: string) => select.has(field) : undefined;
  const out = wrapRow({ id: record.id, fields: record.fields }, shape, rowNumber, selected);
  if (record.links) {
    for (const [key, linked] of Object.entries(record.links)) {
      const linkShape = shape.links[key];
      if (linkShape && projection.expand.has(key)) out[key] = wrapRow(linked, linkShape, 1, undefined);
    }
  }
  // An expanded detail collection is always present, as [] when the record has no lines.
  for (const key of projection.expand) {
    const detailShape = shape.details[key];
    if (!detailShape) continue;
    const rows = record.details[key] ?? [];
    const prefix = `${key}/`;
    const detailSelected = select && [...select].some((s) => s.startsWith(prefix)) ? (f: string) => select.has(prefix + f) : undefined;
    out[key] = rows.map((row, i) => wrapRow(row, detailShape, i + 1, detailSelected));
  }
  if (selfHref) out._links = { self: selfHref, "files:put": `${selfHref}/files/{filename}` };
  return out;
};

/** Attaches field-level errors to a rendered entity, creating the wrappers the caller did not get back. */
export const attachErrors = (entity: Record<string, unknown>, errors: FieldError[]) => {
  const wrapperAt = (holder: Record<string, unknown>, field: string) => {
    const current = holder[field];
    if (isPlainObject(current)) return current;
    const created: Record<string, unknown> = {};
    holder[field] = created;
    return created;
  };
  for (const { path, message } of errors) {
    if (path.length === 0) {
      entity.error = entity.error ? `${String(entity.error)} ${message}` : message;
    } else if (path.length === 1) {
      wrapperAt(entity, path[0]).error = message;
    } else if (path.length === 2) {
      wrapperAt(wrapperAt(entity, path[0]), path[1]).error = message;
    } else {
      const [detail, index, field] = path;
      const rows = Array.isArray(entity[detail]) ? (entity[detail] as Record<string, unknown>[]) : [];
      entity[detail] = rows;
      const row = rows[index] ?? {};
      rows[index] = row;
      wrapperAt(row, field).error = message;
    }
  }
  return entity;
};

/** The flat JSON the control API hands to tests: values unwrapped, details and links nested. */
export const toFlatJson = (record: StoredRow & { details?: Record<string, StoredRow[]> }): Record<string, unknown> => {
  const out: Record<string, unknown> = { id: record.id, ...record.fields };
  for (const [key, linked] of Object.entries(record.links ?? {})) out[key] = toFlatJson(linked);
  for (const [key, rows] of Object.entries(record.details ?? {})) out[key] = rows.map((row) => toFlatJson(row));
  return out;
};
