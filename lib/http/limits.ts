import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db";
import { sleep } from "./retry";

/**
 * Per-connection limits shared by every process that talks to the same Postgres.
 *
 * Rate: a GCRA ("virtual scheduling") row per key in "VendorRateLimit". One atomic upsert reserves
 * the caller's send time, so callers never poll: they sleep until their reserved moment. The
 * database clock is the only clock used, so workers on machines with skewed clocks agree.
 * Vendor pauses (Retry-After, ratelimit-remaining 0) push the same row forward for everybody.
 *
 * Concurrency: N lease rows per key in "VendorCallSlot". A call takes a free or expired slot with
 * `FOR UPDATE SKIP LOCKED` and frees it afterwards; a crashed process's lease lapses at `expiresAt`.
 *
 * Cost: one statement per call for the rate, two more when a concurrency limit is set.
 */
export type SharedLimits = {
  db: Db;
  /** usually the connection id */
  key: string;
  /** sustained requests per second across all processes; omit for no rate limit (pauses still apply) */
  requestsPerSecond?: number;
  /** requests that may go at once after a quiet period; default 1 (strict spacing) */
  burst?: number;
  /** calls in flight at once across all processes; omit for no limit */
  maxConcurrent?: number;
  /**
   * Longest a call waits for its turn (rate reservation or a free slot). Beyond it the call fails
   * with a retryable "rate-limited" error instead of queueing without bound. Default 60 s.
   */
  maxQueueWaitMs?: number;
  /** lease length of a concurrency slot; must exceed the call's timeout. Default 120 s. */
  slotLeaseMs?: number;
};

/** A wait that exceeds the caller's budget; `waitMs` is how long the queue currently is. */
export class QueueFullError extends Error {
  override name = "QueueFullError";
  constructor(
    readonly kind: "rate" | "concurrency",
    readonly waitMs: number,
  ) {
    super(
      kind === "rate"
        ? `shared rate limit: the next free send time is ${Math.round(waitMs)} ms away`
        : `shared concurrency limit: no free slot within ${Math.round(waitMs)} ms`,
    );
  }
}

const waitRowSchema = z.object({ waitMs: z.coerce.number() });
const slotRowSchema = z.object({ slot: z.coerce.number().int() });

/**
 * Reserves one send time under the key's rate and waits for it. With no rate configured it only
 * waits out a pause that a vendor imposed. Throws QueueFullError when the wait would exceed
 * `maxQueueWaitMs` (and then reserves nothing).
 */
export const takeRateToken = async (limits: SharedLimits, signal?: AbortSignal): Promise<number> => {
  const { db, key } = limits;
  const intervalMs = limits.requestsPerSecond ? 1000 / limits.requestsPerSecond : 0;
  const toleranceMs = intervalMs * Math.max(0, (limits.burst ?? 1) - 1);
  const maxWaitMs = limits.maxQueueWaitMs ?? 60_000;
  const rows = await db.$queryRaw`
    INSERT INTO "VendorRateLimit" AS r ("key", "tat")
    VALUES (${key}, clock_timestamp() + ${intervalMs}::float8 * interval '1 millisecond')
    ON CONFLICT ("key") DO UPDATE
      SET "tat" = GREATEST(r."tat", clock_timestamp()) + ${intervalMs}::float8 * interval '1 millisecond'
      WHERE GREATEST(r."tat", clock_timestamp()) - ${toleranceMs}::float8 * interval '1 millisecond' - clock_timestamp()
            <= ${maxWaitMs}::float8 * interval '1 millisecond'
    RETURNING GREATEST(0, EXTRACT(EPOCH FROM (r."tat" - clock_timestamp())) * 1000
                          - ${intervalMs}::float8 - ${toleranceMs}::float8)::float8 AS "waitMs"`;
  const reserved = z.array(waitRowSchema).parse(rows)[0];
  if (!reserved) {
    const current = await db.$queryRaw`
      SELECT GREATEST(0, EXTRACT(EPOCH FROM ("tat" - clock_timestamp())) * 1000 - ${toleranceMs}::float8)::float8 AS "waitMs"
      FROM "VendorRateLimit" WHERE "key" = ${key}`;
    throw new QueueFullError("rate", z.array(waitRowSchema).parse(current)[0]?.waitMs ?? maxWaitMs);
  }
  await sleep(reserved.waitMs, signal);
  return reserved.waitMs;
};

/**
 * Holds back every process's calls under `key` for `ms` (a vendor's Retry-After or rate-limit
 * reset), without shortening a longer pause already in place.
 */
export const pauseKey = async (limits: Pick<SharedLimits, "db" | "key" | "requestsPerSecond" | "burst">, ms: number) => {
  const intervalMs = limits.requestsPerSecond ? 1000 / limits.requestsPerSecond : 0;
  const toleranceMs = intervalMs * Math.max(0, (limits.burst ?? 1) - 1);
  await limits.db.$executeRaw`
    INSERT INTO "VendorRateLimit" AS r ("key", "tat")
    VALUES (${limits.key}, clock_timestamp() + (${ms}::float8 + ${toleranceMs}::float8) * interval '1 millisecond')
    ON CONFLICT ("key") DO UPDATE
      SET "tat" = GREATEST(r."tat", clock_timestamp() + (${ms}::float8 + ${toleranceMs}::float8) * interval '1 millisecond')`;
};

/** Slots created per (db, key, limit), so the insert runs once per process and limit. */
const ensuredSlots = new WeakMap<Db, Set<string>>();

const ensureSlots = async (db: Db, key: string, count: number) => {
  const seen = ensuredSlots.get(db) ?? new Set<string>();
  ensuredSlots.set(db, seen);
  const id = `${key}\u0000${count}`;
  if (seen.has(id)) return;
  await db.$executeRaw`
    INSERT INTO "VendorCallSlot" ("key", "slot", "expiresAt")
    SELECT ${key}, s, '-infinity'::timestamptz FROM generate_series(0, ${count}::int - 1) AS s
    ON CONFLICT DO NOTHING`;
  seen.add(id);
};

export type SlotLease = { release: () => Promise<void> };

/**
 * Takes one of `maxConcurrent` slots under the key, polling with jittered waits (10 ms growing
 * to 250 ms) while all are busy. Throws QueueFullError after `maxQueueWaitMs`.
 */
export const acquireSlot = async (limits: SharedLimits, signal?: AbortSignal): Promise<SlotLease> => {
  const { db, key } = limits;
  const max = limits.maxConcurrent;
  if (!max) return { release: async () => {} };
  await ensureSlots(db, key, max);
  const holder = randomUUID();
  const leaseMs = limits.slotLeaseMs ?? 120_000;
  const deadline = Date.now() + (limits.maxQueueWaitMs ?? 60_000);
  let pollMs = 10;
  for (;;) {
    const rows = await db.$queryRaw`
      UPDATE "VendorCallSlot" SET "holder" = ${holder},
        "expiresAt" = clock_timestamp() + ${leaseMs}::float8 * interval '1 millisecond'
      WHERE "key" = ${key} AND "slot" = (
        SELECT "slot" FROM "VendorCallSlot"
        WHERE "key" = ${key} AND "slot" < ${max}::int AND "expiresAt" < clock_timestamp()
        ORDER BY "slot" LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING "slot"`;
    const got = z.array(slotRowSchema).parse(rows)[0];
    if (got) {
      return {
        release: async () => {
          await db.$executeRaw`
            UPDATE "VendorCallSlot" SET "holder" = NULL, "expiresAt" = '-infinity'::timestamptz
            WHERE "key" = ${key} AND "slot" = ${got.slot}::int AND "holder" = ${holder}`;
        },
      };
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new QueueFullError("concurrency", limits.maxQueueWaitMs ?? 60_000);
    await sleep(Math.min(left, Math.floor(pollMs / 2 + Math.random() * pollMs)), signal);
    pollMs = Math.min(250, pollMs * 2);
  }
};
