import type { MissingKey } from "./missing-key";
import type { ValueMapIndex } from "./value-map-index";

/**
 * What stops a record from being mapped:
 * - `missing`: a value map (or another record) that does not exist yet; the record is held and
 *   released once it appears;
 * - `invalid`: the source data itself cannot be posted as it is (e.g. a currency that differs from the
 *   customer's); the record fails with `message` until the cause is fixed and it is replayed.
 */
export type MappingIssue = { type: "missing"; missing: MissingKey } | { type: "invalid"; field: string; message: string };

/** Result of every mapping function: `output` is null whenever there is at least one issue, so nothing is posted half-mapped. */
export type MappingResult<T> = { output: T; issues: [] } | { output: null; issues: MappingIssue[] };

export type MappingContext = {
  /** The mapped value, or undefined after noting the key as missing (each key once). */
  lookup: (kind: string, sourceKey: string, label?: string) => string | undefined;
  /** Notes a dependency on something other than a value map (e.g. an invoice not posted yet). */
  require: (missing: MissingKey) => void;
  invalid: (field: string, message: string) => void;
  issues: () => readonly MappingIssue[];
  /** Wraps `build()` as a MappingResult; `build` runs only when no issue was noted. */
  finish: <T>(build: () => T) => MappingResult<T>;
};

/** Collects lookups and issues while a mapping function walks a source document. Pure. */
export const createMappingContext = (maps: ValueMapIndex): MappingContext => {
  const issues: MappingIssue[] = [];
  const noted = new Set<string>();
  const require = (missing: MissingKey) => {
    const key = `${missing.kind}\u0000${missing.sourceKey}`;
    if (noted.has(key)) return;
    noted.add(key);
    issues.push({ type: "missing", missing });
  };
  return {
    lookup: (kind, sourceKey, label) => {
      const value = maps.get(kind)?.get(sourceKey);
      if (value !== undefined) return value;
      require(label === undefined ? { kind, sourceKey } : { kind, sourceKey, label });
      return undefined;
    },
    require,
    invalid: (field, message) => void issues.push({ type: "invalid", field, message }),
    issues: () => issues,
    finish: (build) => (issues.length > 0 ? { output: null, issues: [...issues] } : { output: build(), issues: [] }),
  };
};

/** The missing keys among `issues`, in the order they were found. */
export const missingKeysOf = (issues: readonly MappingIssue[]): MissingKey[] =>
  issues.flatMap((i) => (i.type === "missing" ? [i.missing] : []));
