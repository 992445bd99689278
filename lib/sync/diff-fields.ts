/** Fields reported per diff at most (the audit trail stays small). */
const MAX_CHANGES = 20;

export type FieldChange = { field: string; from: unknown; to: unknown };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || v === undefined || typeof v !== "object";
/** JSON with object keys sorted: a payload read back from Postgres (jsonb reorders keys) equals the one written. */
const canonical = (v: unknown) =>
  JSON.stringify(v, (_key, x: unknown) => (isPlainObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

/**
 * The fields whose values differ between two versions of a payload, for the audit trail: nested
 * objects down to `depth` levels as dotted paths ("address.city"); deeper objects and arrays are
 * reported as "(changed)". Absent and null are equal.
 */
export const diffFields = (before: unknown, after: unknown, { depth = 1 }: { depth?: number } = {}): FieldChange[] => {
  const changes: FieldChange[] = [];
  const walk = (a: Record<string, unknown>, b: Record<string, unknown>, prefix: string, level: number) => {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (changes.length >= MAX_CHANGES) return;
      const from = a[key] ?? null;
      const to = b[key] ?? null;
      if (canonical(from) === canonical(to)) continue;
      const field = `${prefix}${key}`;
      if (level < depth && (isPlainObject(from) || from === null) && (isPlainObject(to) || to === null) && !(from === null && to === null)) {
        walk(isPlainObject(from) ? from : {}, isPlainObject(to) ? to : {}, `${field}.`, level + 1);
      } else {
        changes.push(isScalar(from) && isScalar(to) ? { field, from, to } : { field, from: "(changed)", to: "(changed)" });
      }
    }
  };
  if (isPlainObject(before) && isPlainObject(after)) walk(before, after, "", 1);
  return changes;
};
