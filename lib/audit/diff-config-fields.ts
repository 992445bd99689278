import { isDeepStrictEqual } from "node:util";
import { isSecretKey } from "../http/call-recorder";
import type { ConfigFieldChange } from "./config-change-schemas";

/** A configuration row's fields as the log compares them. */
export type ConfigFields = Record<string, unknown>;

const isPlainObject = (v: unknown): v is ConfigFields => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** Nested objects as dotted fields ("settings.branch"), two levels deep; dates as ISO text. */
const flatten = (fields: ConfigFields | null, prefix = "", depth = 0, out: ConfigFields = {}): ConfigFields => {
  for (const [key, value] of Object.entries(fields ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && depth < 2) flatten(value, name, depth + 1, out);
    else out[name] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
};

/**
 * The fields that differ between `before` and `after` (null for a creation or a deletion), old -> new.
 * A field that looks like a secret (password, token, client secret …), or is named in
 * `changedSecrets`, is recorded only as `{ field, changed: true }`: its values never reach the log.
 */
export const diffConfigFields = ({ before, after, changedSecrets = [] }: { before: ConfigFields | null; after: ConfigFields | null; changedSecrets?: readonly string[] }): ConfigFieldChange[] => {
  const a = flatten(before);
  const b = flatten(after);
  const changes: ConfigFieldChange[] = [];
  for (const field of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    const from = a[field] ?? null;
    const to = b[field] ?? null;
    if (isDeepStrictEqual(from, to)) continue;
    changes.push(field.split(".").some(isSecretKey) ? { field, changed: true } : { field, from, to });
  }
  for (const field of changedSecrets) changes.push({ field, changed: true });
  return changes;
};

