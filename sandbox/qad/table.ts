/*
 * One collection of records (customers, GL accounts, invoices ...) with O(1) look-ups by key and by indexed
 * columns, and a modification log kept in the order records last changed. Every put gets a new sequence
 * number and a stamp that never goes backwards, so "changed after T" is a binary search into the log and
 * browse order (last modification, then key) is stable while records change.
 */

type Entry = { seq: number; stamp: number; key: string };

export type Stamped<T> = { record: T; seq: number; stamp: number };

export class Table<T> {
  private readonly rows = new Map<string, Stamped<T>>();
  private log: Entry[] = [];
  private stale = 0;
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(
    /** Columns with an equality index: name -> value(s) of a record, compared case-insensitively. */
    private readonly indexed: Record<string, (record: T) => string | undefined>,
  ) {
    for (const column of Object.keys(indexed)) this.indexes.set(column, new Map());
  }

  get size() {
    return this.rows.size;
  }

  get(key: string): T | undefined {
    return this.rows.get(key)?.record;
  }

  stamped(key: string): Stamped<T> | undefined {
    return this.rows.get(key);
  }

  /** Inserts or replaces the record under `key`; it moves to the end of the modification order. */
  put(key: string, record: T, seq: number, stamp: number) {
    const before = this.rows.get(key);
    if (before) {
      this.unindex(key, before.record);
      this.stale += 1;
    }
    this.rows.set(key, { record, seq, stamp });
    this.log.push({ seq, stamp, key });
    for (const [column, read] of Object.entries(this.indexed)) {
      const value = read(record);
      if (value === undefined) continue;
      const index = this.indexes.get(column)!;
      const folded = value.toLowerCase();
      let keys = index.get(folded);
      if (!keys) index.set(folded, (keys = new Set()));
      keys.add(key);
    }
    if (this.stale > 1_000 && this.stale > this.log.length / 2) this.compact();
  }

  private unindex(key: string, record: T) {
    for (const [column, read] of Object.entries(this.indexed)) {
      const value = read(record);
      if (value === undefined) continue;
      const index = this.indexes.get(column)!;
      const folded = value.toLowerCase();
      const keys = index.get(folded);
      keys?.delete(key);
      if (keys?.size === 0) index.delete(folded);
    }
  }

  private compact() {
    this.log = this.log.filter((e) => this.rows.get(e.key)?.seq === e.seq);
    this.stale = 0;
  }

  isIndexed(column: string) {
    return this.indexes.has(column);
  }

  /** Keys whose indexed column equals `value` (case-insensitive), in modification order. */
  keysWhere(column: string, value: string): string[] {
    const keys = this.indexes.get(column)?.get(value.toLowerCase());
    if (!keys) return [];
    return [...keys].sort((a, b) => this.rows.get(a)!.seq - this.rows.get(b)!.seq);
  }

  /** Values of an indexed column held by more than one record, with their keys (case-insensitive). */
  groups(column: string): { value: string; keys: string[] }[] {
    const out: { value: string; keys: string[] }[] = [];
    for (const [value, keys] of this.indexes.get(column) ?? []) if (keys.size > 1) out.push({ value, keys: [...keys] });
    return out;
  }

  /** Records in modification order, optionally only those stamped at or after `fromStamp`. */
  *inOrder(fromStamp?: number): Generator<Stamped<T> & { key: string }> {
    let start = 0;
    if (fromStamp !== undefined) {
      let lo = 0;
      let hi = this.log.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.log[mid]!.stamp < fromStamp) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    for (let i = start; i < this.log.length; i += 1) {
      const entry = this.log[i]!;
      const row = this.rows.get(entry.key);
      if (row && row.seq === entry.seq) yield { ...row, key: entry.key };
    }
  }

  values(): T[] {
    return [...this.inOrder()].map((r) => r.record);
  }

  clear() {
    this.rows.clear();
    this.log = [];
    this.stale = 0;
    for (const index of this.indexes.values()) index.clear();
  }

  snapshot(): [string, Stamped<T>][] {
    return [...this.inOrder()].map(({ key, record, seq, stamp }) => [key, { record, seq, stamp }]);
  }

  restore(entries: [string, Stamped<T>][]) {
    this.clear();
    for (const [key, { record, seq, stamp }] of entries) this.put(key, record, seq, stamp);
  }
}
