import type { FieldError } from "./types";

/*
 * Reading one business-entity record the way QAD answers: every problem becomes a field error
 * `{fieldName, message, fieldValue, code}` in `submitResult.errors`, all problems of a record at once.
 * Field names in errors are the entity's field codes (PascalCase, "AddressSearchName") while the wire keys
 * are camelCase ("addressSearchName"), as the observed clients found. Keys the entity does not know are
 * ignored, not refused (observed: "an unrecognised key is ignored, a missing mandatory one is not").
 */

/** Error codes. "47" (length) is observed; the others are this sandbox's (README lists them). */
export const ERROR_CODES = {
  mandatory: "1",
  notFound: "2",
  inactive: "3",
  periodClosed: "4",
  overAllocated: "5",
  duplicate: "6",
  invalid: "8",
  length: "47",
} as const;

const SPECIAL_CODES: Record<string, string> = { glCode: "GLCode", bankGLCode: "BankGLCode", EMail: "EMail" };

/** The entity field code QAD names in errors for a wire key. */
export const fieldCode = (key: string) => SPECIAL_CODES[key] ?? key.charAt(0).toUpperCase() + key.slice(1);

export const fieldError = (key: string, message: string, fieldValue: unknown, code: string): FieldError => ({
  fieldName: fieldCode(key),
  message,
  fieldValue: fieldValue ?? "",
  code,
});

export const CURRENCIES = new Set(["USD", "EUR", "GBP", "CAD", "CHF", "AUD", "JPY", "SEK", "DKK", "NOK", "PLN", "MXN", "BRL", "CNY", "INR", "SGD"]);

export type RecordReader = {
  errors: FieldError[];
  /** A string member; "" when absent. `max` is the longest allowed length. */
  str(key: string, options?: { required?: boolean; max?: number }): string;
  /** A date member `YYYY-MM-DD` (a datetime's date part is taken); "" when absent. */
  date(key: string, options?: { required?: boolean }): string;
  /** A number member; undefined when absent. */
  num(key: string, options?: { required?: boolean }): number | undefined;
  bool(key: string): boolean | undefined;
  has(key: string): boolean;
  array(key: string): Record<string, unknown>[] | undefined;
  fail(key: string, message: string, value: unknown, code: string): void;
};

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

export const readRecord = (record: Record<string, unknown>, errors: FieldError[] = [], label = ""): RecordReader => {
  const fail = (key: string, message: string, value: unknown, code: string) => errors.push(fieldError(key, `${label}${message}`, value, code));
  return {
    errors,
    fail,
    has: (key) => !isBlank(record[key]),
    str(key, options = {}) {
      const value = record[key];
      if (isBlank(value)) {
        if (options.required) fail(key, "Field is mandatory.", value, ERROR_CODES.mandatory);
        return "";
      }
      if (typeof value !== "string" && typeof value !== "number") {
        fail(key, "Invalid value.", value, ERROR_CODES.invalid);
        return "";
      }
      const text = String(value).trim();
      if (options.max !== undefined && text.length > options.max) {
        fail(key, `Field length should be less than ${options.max + 1}.`, text, ERROR_CODES.length);
        return "";
      }
      return text;
    },
    date(key, options = {}) {
      const value = record[key];
      if (isBlank(value)) {
        if (options.required) fail(key, "Field is mandatory.", value, ERROR_CODES.mandatory);
        return "";
      }
      const text = typeof value === "string" ? value.trim().slice(0, 10) : "";
      const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
      if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== text) {
        fail(key, "Invalid date.", value, ERROR_CODES.invalid);
        return "";
      }
      return text;
    },
    num(key, options = {}) {
      const value = record[key];
      if (isBlank(value)) {
        if (options.required) fail(key, "Field is mandatory.", value, ERROR_CODES.mandatory);
        return undefined;
      }
      const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) {
        fail(key, "Invalid decimal value.", value, ERROR_CODES.invalid);
        return undefined;
      }
      return Math.round(n * 100) / 100;
    },
    bool(key) {
      const value = record[key];
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "yes") return true;
      if (value === "false" || value === "no") return false;
      if (!isBlank(value)) fail(key, "Invalid logical value.", value, ERROR_CODES.invalid);
      return undefined;
    },
    array(key) {
      const value = record[key];
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value) || value.some((v) => typeof v !== "object" || v === null || Array.isArray(v))) {
        fail(key, "Invalid value.", "", ERROR_CODES.invalid);
        return undefined;
      }
      return value as Record<string, unknown>[];
    },
  };
};
