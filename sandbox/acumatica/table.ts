/**
 * One entity's records with the lookups the benchmarks need to stay O(1): by session id, by key fields and by
 * each field the connector filters with `eq` (external references). Index values are lower-cased because
 * Acumatica compares strings case-insensitively. Iteration order is creation order.
 */
import type { Scalar, StoredRecord } from "./records";

const KEY_SEPARATOR = "\u0000";

const indexValue = (v: Scalar | undefined): string | undefined =>
  v === null || v === undefined || v === "" ? undefined : String(v).toLowerCase();

export class EntityTable {
  readonly keyFields: readonly string[];
  readonly indexedFields: ReadonlySet<string>;
  private readonly byId = new Map<string, StoredRecord>();
  private readonly byKey = new Map<string, StoredRecord>();
  private readonly indexes = new Map<string, Map<string, Set<StoredRecord>>>();

  constructor(keyFields: readonly string[], indexedFields: readonly string[]) {
    this.keyFields = keyFields;
    this.indexedFields = new Set([...keyFields, ...indexedFields]);
    for (const field of this.indexedFields) this.indexes.set(field, new Map());
  }

  get size() {
    return this.byId.size;
  }

  values(): IterableIterator<StoredRecord> {
    return this.byId.values();
  }

  getById(id: string): StoredRecord | undefined {
    return this.byId.get(id);
  }

  /** `values` in key-field order; undefined when a key part is missing. */
  keyOf(values: readonly (Scalar | undefined)[]): string | undefined {
    const parts: string[] = [];
    for (const v of values) {
      const part = indexValue(v);
      if (part === undefined) return undefined;
      parts.push(part);
    }
    return parts.join(KEY_SEPARATOR);
  }

  getByKey(values: readonly (Scalar | undefined)[]): StoredRecord | undefined {
    const key = this.keyOf(values);
    return key === undefined ? undefined : this.byKey.get(key);
  }

  recordKey(record: StoredRecord): string | undefined {
    return this.keyOf(this.keyFields.map((f) => record.fields[f]));
  }

  /** Records whose `field` equals `value` (case-insensitive); only for fields in `indexedFields`. */
  lookup(field: string, value: string): ReadonlySet<StoredRecord> {
    return this.indexes.get(field)?.get(value.toLowerCase()) ?? new Set();
  }

  /** Inserts or replaces (same id) a record, moving its index entries. */
  put(record: StoredRecord) {
    const previous = this.byId.get(record.id);
    if (previous) this.unindex(previous);
    this.byId.set(record.id, record);
    const key = this.recordKey(record);
    if (key !== undefined) this.byKey.set(key, record);
    for (const [field, index] of this.indexes) {
      const v = indexValue(record.fields[field]);
      if (v === undefined) continue;
      let bucket = index.get(v);
      if (!bucket) {
        bucket = new Set();
        index.set(v, bucket);
      }
      bucket.add(record);
    }
  }

  delete(record: StoredRecord) {
    const current = this.byId.get(record.id);
    if (!current) return;
    this.unindex(current);
    this.byId.delete(record.id);
  }

  clear() {
    this.byId.clear();
    this.byKey.clear();
    for (const index of this.indexes.values()) index.clear();
  }

  private unindex(record: StoredRecord) {
    const key = this.recordKey(record);
    if (key !== undefined && this.byKey.get(key) === record) this.byKey.delete(key);
    for (const [field, index] of this.indexes) {
      const v = indexValue(record.fields[field]);
      if (v === undefined) continue;
      const bucket = index.get(v);
      bucket?.delete(record);
      if (bucket?.size === 0) index.delete(v);
    }
  }
}
