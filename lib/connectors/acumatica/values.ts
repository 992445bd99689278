import { z } from "zod";
import { schemaPerInput } from "../common/schema-per-input";

/**
 * Acumatica wraps every field value as `{ "value": ... }` (a flat value answers 400) and reports
 * validation errors inside the wrapper (`{ "value": "C0042", "error": "..." }`) or as an entity
 * `error` string. This file is the ONE place that converts between wrapped records and plain ones.
 */

/** Fields that are never wrapped: system fields of every entity and detail line. */
const SYSTEM_KEYS = new Set(["id", "rowNumber", "delete", "custom", "files", "_links", "error", "ReturnBehavior"]);

/** A plain record: scalars for fields, nested objects for linked entities, arrays for details. */
export type PlainRecord = { [field: string]: PlainValue };
export type PlainValue = string | number | boolean | null | undefined | Date | PlainRecord | PlainRecord[];

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Wraps a plain record for a PUT body; undefined fields are left out, null clears a field. */
export const wrap = (record: PlainRecord): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (SYSTEM_KEYS.has(key)) out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map((line) => wrap(line));
    else if (value instanceof Date) out[key] = { value: value.toISOString() };
    else if (isPlainObject(value)) out[key] = wrap(value);
    else out[key] = { value };
  }
  return out;
};

const isWrapper = (v: Record<string, unknown>) => "value" in v && Object.keys(v).every((k) => k === "value" || k === "error");

/** Unwraps a record from a response: `{ value }` becomes the value; system fields stay as they are. */
export const unwrap = (raw: unknown): unknown => {
  if (Array.isArray(raw)) return raw.map(unwrap);
  if (!isPlainObject(raw)) return raw;
  if (isWrapper(raw)) return raw.value;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "custom" || key === "_links" || key === "files") out[key] = value;
    else if (key === "error") continue;
    else out[key] = unwrap(value);
  }
  return out;
};

/** A response schema for an entity: unwraps, then checks the plain shape with `schema` (one per schema). */
export const wrapped = schemaPerInput(<T extends z.ZodType>(schema: T) => z.unknown().transform(unwrap).pipe(schema));

/** A response schema for a list of an entity's records (one per record schema). */
export const wrappedList = schemaPerInput(<T extends z.ZodType>(schema: T) => wrapped(z.array(schema)));

/** One validation error Acumatica put inside a record. */
export type FieldError = {
  /** e.g. "Customer", "Details[1].Account"; "" for the entity-level error */
  path: string;
  /** the value that was refused, when the wrapper carried one */
  value?: string;
  message: string;
};

/** Collects every field-level and entity-level `error` in a (wrapped) record. */
export const collectFieldErrors = (raw: unknown, path = ""): FieldError[] => {
  if (Array.isArray(raw)) return raw.flatMap((item, i) => collectFieldErrors(item, `${path}[${i + 1}]`));
  if (!isPlainObject(raw)) return [];
  const errors: FieldError[] = [];
  if (isWrapper(raw) || ("value" in raw && "error" in raw)) {
    if (typeof raw.error === "string" && raw.error) {
      const v = raw.value;
      errors.push({ path, value: v === null || v === undefined ? undefined : String(v), message: raw.error });
    }
    return errors;
  }
  if (typeof raw.error === "string" && raw.error) errors.push({ path, message: raw.error });
  for (const [key, value] of Object.entries(raw)) {
    if (key === "error" || key === "custom" || key === "_links" || key === "files") continue;
    errors.push(...collectFieldErrors(value, path ? `${path}.${key}` : key));
  }
  return errors;
};

/**
 * One readable sentence per error, e.g. "Customer 'C0042': Customer 'C0042' cannot be found" is
 * shortened to the vendor's sentence when it already names the field or value.
 */
export const describeFieldError = ({ path, value, message }: FieldError): string => {
  const text = message.trim().replace(/\s+/g, " ");
  if (!path) return text;
  const field = path.split(".").at(-1)?.replace(/\[\d+\]$/, "") ?? path;
  const mentions = (value !== undefined && text.includes(value)) || text.toLowerCase().includes(field.toLowerCase());
  if (mentions) return path.includes(".") || path.includes("[") ? `${path}: ${text}` : text;
  return value !== undefined ? `${path} '${value}': ${text}` : `${path}: ${text}`;
};
