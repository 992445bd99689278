/*
 * Idempotency-Key on POST and PATCH: the first request's status, headers and body are stored (success or
 * failure) and replayed for 24 hours; 409 while the first is still in flight; 422 when the key comes back
 * with another URL or method. This follows Zuora's dedicated idempotency page; its error-handling tutorial
 * says a retry answers 409, which the sandbox treats as the in-flight case only.
 */

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyRecord = {
  key: string;
  method: string;
  url: string;
  createdAt: number;
  done: boolean;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
};

export type IdempotencyCheck =
  | { kind: "new"; record: IdempotencyRecord }
  | { kind: "replay"; record: IdempotencyRecord }
  | { kind: "in-flight" }
  | { kind: "mismatch" };

export const createIdempotencyStore = (now: () => number) => {
  const records = new Map<string, IdempotencyRecord>();

  const check = (key: string, method: string, url: string): IdempotencyCheck => {
    const t = now();
    const existing = records.get(key);
    if (existing && t - existing.createdAt < IDEMPOTENCY_TTL_MS) {
      if (existing.method !== method || existing.url !== url) return { kind: "mismatch" };
      if (!existing.done) return { kind: "in-flight" };
      return { kind: "replay", record: existing };
    }
    const record: IdempotencyRecord = { key, method, url, createdAt: t, done: false };
    records.set(key, record);
    if (records.size > 50_000) {
      for (const [k, r] of records) if (t - r.createdAt >= IDEMPOTENCY_TTL_MS) records.delete(k);
    }
    return { kind: "new", record };
  };

  return {
    check,
    complete: (record: IdempotencyRecord, result: { status: number; headers: Record<string, string>; body: string }) => {
      Object.assign(record, result, { done: true });
    },
    /** A request that ended without an answer (dropped before the handler) frees its key. */
    abandon: (record: IdempotencyRecord) => {
      if (!record.done && records.get(record.key) === record) records.delete(record.key);
    },
    size: () => records.size,
    snapshot: () => [...records.values()].filter((r) => r.done),
    restore: (list: IdempotencyRecord[]) => {
      records.clear();
      for (const r of list) records.set(r.key, r);
    },
    reset: () => records.clear(),
  };
};
