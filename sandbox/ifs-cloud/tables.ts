/**
 * In-memory tables, one per entity kind: records by keyref (O(1)), insertion order for listing, hash indexes
 * on the kind's `indexed` properties, and IFS's row identity (objid, objversion) from which the weak ETag is
 * built. Values are flat JSON (dates as `YYYY-MM-DD`, amounts as numbers).
 */
import { KINDS, type KindName } from "./model";

export type Values = Record<string, string | number | boolean | null>;

export type StoredRecord = { kind: KindName; keyref: string; values: Values; objid: string; objversion: string };

export type TablesSnapshot = { records: StoredRecord[]; sequence: number };

const upperSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/** IFS key string, e.g. `COMPANY=10^ACCOUNTING_YEAR=2024^VOUCHER_TYPE=M^VOUCHER_NO=1001^`. */
export const keyrefOf = (kind: KindName, values: Record<string, unknown>): string =>
  KINDS[kind].keys.map((k) => `${upperSnake(k)}=${String(values[k] ?? "")}^`).join("");

/** `W/"<base64 of W/"objid:objversion">"`, the shape of IFS's ETags (vendor-apis.md §5.3/§5.4, [AE-IFS] sample). */
export const etagOf = (record: Pick<StoredRecord, "objid" | "objversion">): string =>
  `W/"${Buffer.from(`W/"${record.objid}:${record.objversion}"`).toString("base64")}"`;

const indexKey = (value: unknown) => (value === null || value === undefined ? "\u0000null" : String(value));

export class Tables {
  private byKind = new Map<KindName, Map<string, StoredRecord>>();
  private indexes = new Map<KindName, Map<string, Map<string, Set<string>>>>();
  private sequence = 0;

  constructor(private readonly now: () => Date) {
    this.clear();
  }

  clear() {
    this.sequence = 0;
    for (const kind of Object.keys(KINDS) as KindName[]) {
      this.byKind.set(kind, new Map());
      this.indexes.set(kind, new Map(KINDS[kind].indexed.map((p) => [p, new Map()])));
    }
  }

  get(kind: KindName, keyref: string): StoredRecord | undefined {
    return this.byKind.get(kind)!.get(keyref);
  }

  find(kind: KindName, keys: Record<string, unknown>): StoredRecord | undefined {
    return this.get(kind, keyrefOf(kind, keys));
  }

  all(kind: KindName): Iterable<StoredRecord> {
    return this.byKind.get(kind)!.values();
  }

  count(kind: KindName): number {
    return this.byKind.get(kind)!.size;
  }

  /** How many records have the indexed `property` equal to `value`; undefined when the property has no index. */
  indexSize(kind: KindName, property: string, value: unknown): number | undefined {
    const index = this.indexes.get(kind)!.get(property);
    return index ? (index.get(indexKey(value))?.size ?? 0) : undefined;
  }

  /** Records whose indexed `property` equals `value`, or undefined when the property has no index. */
  lookup(kind: KindName, property: string, value: unknown): StoredRecord[] | undefined {
    const index = this.indexes.get(kind)!.get(property);
    if (!index) return undefined;
    const table = this.byKind.get(kind)!;
    return [...(index.get(indexKey(value)) ?? [])].map((keyref) => table.get(keyref)!);
  }

  private nextVersion() {
    this.sequence += 1;
    const stamp = this.now().toISOString().replace(/[-:T]/g, "").slice(0, 14);
    return { stamp, n: this.sequence };
  }

  /** Inserts or replaces a whole record; a new objversion either way, objid kept on replace. */
  put(kind: KindName, values: Values): StoredRecord {
    const keyref = keyrefOf(kind, values);
    const table = this.byKind.get(kind)!;
    const existing = table.get(keyref);
    if (existing) this.unindex(existing);
    const { stamp, n } = this.nextVersion();
    const record: StoredRecord = {
      kind,
      keyref,
      values: { ...values, luname: KINDS[kind].luname, keyref, Objgrants: null },
      objid: existing?.objid ?? `AAA${kind.slice(0, 3).toUpperCase()}${n.toString(36).toUpperCase().padStart(6, "A")}`,
      objversion: `${stamp}${String(n).padStart(6, "0")}`,
    };
    table.set(keyref, record);
    this.index(record);
    return record;
  }

  update(record: StoredRecord, changes: Values): StoredRecord {
    return this.put(record.kind, { ...record.values, ...changes });
  }

  remove(record: StoredRecord) {
    this.unindex(record);
    this.byKind.get(record.kind)!.delete(record.keyref);
  }

  private index(record: StoredRecord) {
    for (const [property, index] of this.indexes.get(record.kind)!) {
      const k = indexKey(record.values[property]);
      let set = index.get(k);
      if (!set) index.set(k, (set = new Set()));
      set.add(record.keyref);
    }
  }

  private unindex(record: StoredRecord) {
    for (const [property, index] of this.indexes.get(record.kind)!) {
      const k = indexKey(record.values[property]);
      const set = index.get(k);
      set?.delete(record.keyref);
      if (set && set.size === 0) index.delete(k);
    }
  }

  snapshot(): TablesSnapshot {
    const records: StoredRecord[] = [];
    for (const table of this.byKind.values()) for (const record of table.values()) records.push(record);
    return { records, sequence: this.sequence };
  }

  restore(snapshot: TablesSnapshot) {
    this.clear();
    for (const record of snapshot.records) {
      this.byKind.get(record.kind)!.set(record.keyref, record);
      this.index(record);
    }
    this.sequence = snapshot.sequence;
  }
}
