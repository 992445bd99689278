import type { FormField } from "../connectors/types";

// Pure (no node: imports): the browser's forms and the server's save share these.

/** What a declared form sends per field: text of text/url/select/number fields, on/off of booleans. */
export type FieldValue = string | boolean;

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The value at a dotted name ("callout.headerName") of a nested object. */
export const readFieldValue = (object: unknown, name: string): unknown => name.split(".").reduce<unknown>((at, key) => asRecord(at)[key], object);

/** A copy of `object` with the dotted name set (`undefined` removes it). */
export const writeFieldValue = (object: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> => {
  const [head, ...rest] = name.split(".");
  const copy = { ...object };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head!];
    else copy[head!] = value;
    return copy;
  }
  copy[head!] = writeFieldValue(asRecord(copy[head!]), rest.join("."), value);
  return copy;
};

/** Whether a field is shown: always, or while the boolean field it names is on. */
export const isFieldShown = (field: FormField, values: Record<string, FieldValue>): boolean => !field.shownWhen || values[field.shownWhen] === true;

/** The form's starting values: what is stored (by field name, see declaredFieldValues), else the field's default, else empty. */
export const initialFieldValues = (fields: FormField[], stored: Record<string, string | number | boolean> | null): Record<string, FieldValue> =>
  Object.fromEntries(
    fields.map((f) => {
      const value = stored ? stored[f.name] : f.defaultValue;
      if (f.type === "boolean") return [f.name, value === true];
      return [f.name, value === undefined || value === null ? "" : String(value)];
    }),
  );

/** The stored settings as the browser may see them: only declared, non-secret fields, by name. */
export const declaredFieldValues = (fields: FormField[], stored: unknown): Record<string, string | number | boolean> =>
  Object.fromEntries(
    fields.flatMap((f) => {
      const value = readFieldValue(stored, f.name);
      return f.type !== "secret" && (typeof value === "string" || typeof value === "number" || typeof value === "boolean") ? [[f.name, value]] : [];
    }),
  );

/**
 * Applies a form's values to stored settings: blank text removes the setting, numbers are parsed,
 * required fields that are shown must be filled. Returns the merged settings (what the form does not
 * declare is kept) and the problems by `${prefix}.${name}`, in words.
 */
export const applyFieldValues = ({
  fields,
  values,
  base,
  prefix,
}: {
  fields: FormField[];
  values: Record<string, FieldValue | null | undefined>;
  base: Record<string, unknown>;
  prefix: string;
}): { settings: Record<string, unknown>; errors: Record<string, string> } => {
  const errors: Record<string, string> = {};
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const name of Object.keys(values)) if (!byName.has(name)) errors[`${prefix}.${name}`] = `There is no setting "${name}" here.`;
  let settings = { ...base };
  // what decides whether a field is shown: the form's value, else the stored one
  const current = Object.fromEntries(fields.map((f) => [f.name, values[f.name] ?? readFieldValue(base, f.name)])) as Record<string, FieldValue>;
  for (const field of fields) {
    if (field.type === "secret") continue;
    const key = `${prefix}.${field.name}`;
    const raw = values[field.name];
    let value: unknown;
    if (raw === undefined || raw === null) value = readFieldValue(base, field.name);
    else if (field.type === "boolean") {
      if (typeof raw !== "boolean") errors[key] = `${field.label} is on or off.`;
      value = raw === true;
    } else {
      const text = typeof raw === "string" ? raw.trim() : "";
      if (typeof raw === "boolean") errors[key] = `Enter ${labelInSentence(field.label)} as text.`;
      if (text === "") value = undefined;
      else if (field.type === "number") {
        value = Number(text);
        if (!Number.isFinite(value)) errors[key] = `${field.label} is a number.`;
      } else if (field.type === "select" && field.options?.length && !field.options.some((o) => o.value === text) && !isDynamic(field)) {
        errors[key] = `Choose one of: ${field.options.map((o) => o.label).join(", ")}.`;
      } else value = text;
    }
    if ((value === undefined || value === "") && field.required && isFieldShown(field, current)) errors[key] ??= `Enter the ${labelInSentence(field.label)}.`;
    if (raw !== undefined && raw !== null) settings = writeFieldValue(settings, field.name, value);
  }
  return { settings, errors };
};

/** A select whose choices are read from the vendor (any value may be typed until they are). */
export type DynamicSelectField = FormField & { dynamicOptions?: boolean };
const isDynamic = (field: FormField) => (field as DynamicSelectField).dynamicOptions === true;

/** A field label inside a sentence: "Client ID" -> "client ID", "Tenant URL" -> "tenant URL", "API key" stays. */
export const labelInSentence = (label: string): string => (/^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label);
