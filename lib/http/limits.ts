import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db";
import { dbExecute, dbRows, prepared } from "../db/pool";
import { sleep } from "./retry";

/**
 * Per-connection limits shared by every process that talks to the same Postgres.
 *
 * Rate: a GCRA ("virtual scheduling") row per key in "VendorRateLimit". One atomic upsert reserves
 * send times, so callers never poll: they sleep until their reserved moment. The database clock is
 * the only clock used, so workers on machines with skewed clocks agree. Vendor pauses (Retry-After,
 * ratelimit-remaining 0) push the same row forward for everybody. Callers of one process that want a
 * send time while a reservation is on its way to the database are served together by the next one
 * (n consecutive send times in one upsert, exactly what n upserts in a row would have reserved).
 *
 * Concurrency: N lease rows per key in "VendorCallSlot". A call takes a free or expired slot with
 * `FOR UPDATE SKIP LOCKED`; a crashed process's lease lapses at `expiresAt`. A finished call hands its
 * slot to a caller of the same process that waits for one, or keeps it idle for `slotLingerMs` for the
 * next call of the process; a slot goes back to the table after that, and, when another process
 * waits for one, at the end of its hold (`slotHoldMs` after it was taken), so it gets its turn. A slot taken while at least half of the
 * key's slots stayed free lingers until its hold ends instead: nobody was short of one, and on a
 * loaded machine a job's next call often comes later than 250 ms, which sent every call's slot back
 * to the table (two statements per call, bench/README.md "Vendor limiter"). A slot still in use when
 * its hold ends, or a spare one that served more than one call in its hold, is held afresh in place
 * (one statement, where giving it back and taking one again cost two; a process that goes quiet pays
 * one renewal too many), unless another process marked the key as wanted: a process that meets no free slot marks
 * it (in the same statement) for as long as it keeps asking, holders give their slots back at the end
 * of their holds, and take none from the table for a moment so that the waiting process's next poll
 * finds one. So another process that meets no free slot waits about `slotHoldMs` at most.
 *
 * Fast rates: when the rate allows two or more sends within RATE_BANK_MS, a reservation also takes
 * the send times of the next RATE_BANK_MS, and the process keeps them for its next callers; the bank
 * is refilled only once it is empty, and a send time that passed unused by more than BANK_VALID_MS is
 * dropped. So a process sends at most one bank (RATE_BANK_MS worth of the rate) beyond the rate and
 * `burst` in any window, by using late send times, and wastes at most one bank when it goes quiet;
 * a rate slower than that (a licence of 600/min) is reserved per call as before. With no rate at all
 * (pauses only), a reservation that found no pause lets the process's callers through for
 * RATE_BANK_MS without asking again; a pause that another process sets is seen that much later.
 *
 * The tables are UNLOGGED (their state is ephemeral), so these statements do not wait for a WAL flush;
 * after a crash Postgres empties them, and a process that finds its key's slots gone inserts them again.
 *
 * Cost: one statement per reservation for the rate (one per bank or per call, whichever is rarer,
 * fewer when the process sends concurrently); for the concurrency limit two statements per
 * slot taken from the table, shared by the calls that reuse it, and one per `slotHoldMs` while the
 * process keeps it busy.
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
  /**
   * How long a process keeps a slot idle for its next call before giving it back. Default 250 ms:
   * a job's next call comes after a few statements of its own, and with 10 ms most slots went back
   * to the table between two calls of the same process (bench/README.md, "Vendor limiter").
   */
  slotLingerMs?: number;
  /** longest a process reuses one slot for successive calls before giving it back (other processes' turn). Default 2 s. */
  slotHoldMs?: number;
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

const aheadRowSchema = z.object({ aheadMs: z.coerce.number() });
const waitRowSchema = z.object({ waitMs: z.coerce.number() });
const renewRowSchema = z.object({ renewed: z.boolean() });
const slotRowSchema = z.object({ slot: z.coerce.number().int().nullable(), slots: z.coerce.number().int(), free: z.coerce.number().int() });

/*
 * The limiter's statements, prepared once per connection (lib/db/pool.ts): they run around vendor
 * calls, many a second. Times in milliseconds, as float8.
 */
const RESERVE = prepared(
  "mlc_limits_reserve",
  `INSERT INTO "VendorRateLimit" AS r ("key", "tat")
   VALUES ($1::text, clock_timestamp() + $2::float8 * interval '1 millisecond')
   ON CONFLICT ("key") DO UPDATE
     SET "tat" = GREATEST(r."tat", clock_timestamp()) + $2::float8 * interval '1 millisecond'
     WHERE GREATEST(r."tat", clock_timestamp()) + $3::float8 * interval '1 millisecond'
           - $4::float8 * interval '1 millisecond' - clock_timestamp()
           <= $5::float8 * interval '1 millisecond'
   RETURNING GREATEST(0, EXTRACT(EPOCH FROM (r."tat" - clock_timestamp())) * 1000 - $2::float8)::float8 AS "aheadMs"`,
);
const CURRENT_WAIT = prepared(
  "mlc_limits_current_wait",
  `SELECT GREATEST(0, EXTRACT(EPOCH FROM ("tat" - clock_timestamp())) * 1000 - $2::float8)::float8 AS "waitMs"
   FROM "VendorRateLimit" WHERE "key" = $1::text`,
);
const PAUSE = prepared(
  "mlc_limits_pause",
  `INSERT INTO "VendorRateLimit" AS r ("key", "tat")
   VALUES ($1::text, clock_timestamp() + ($2::float8 + $3::float8) * interval '1 millisecond')
   ON CONFLICT ("key") DO UPDATE
     SET "tat" = GREATEST(r."tat", clock_timestamp() + ($2::float8 + $3::float8) * interval '1 millisecond')`,
);
const ENSURE_SLOTS = prepared(
  "mlc_limits_ensure_slots",
  `INSERT INTO "VendorCallSlot" ("key", "slot", "expiresAt")
   SELECT $1::text, s, '-infinity'::timestamptz FROM generate_series(0, $2::int - 1) AS s
   ON CONFLICT DO NOTHING`,
);
const GIVE_BACK = prepared(
  "mlc_limits_give_back",
  `UPDATE "VendorCallSlot" SET "holder" = NULL, "expiresAt" = '-infinity'::timestamptz
   WHERE "key" = $1::text AND "slot" = $2::int AND "holder" = $3::text`,
);
/**
 * At the end of a slot's hold, while its process still uses it: the lease starts afresh in place (one
 * statement instead of a give-back and a take), unless another process marked the key as wanted
 * (WANT_SLOT), then the slot is given back. `renewed` false: given back; no row: the slot was not ours
 * any more (its lease lapsed, or a crash emptied the table).
 */
const RENEW_OR_GIVE_BACK = prepared(
  "mlc_limits_renew_or_give_back",
  `UPDATE "VendorCallSlot" AS s
   SET "holder" = CASE WHEN w.wanted THEN NULL ELSE s."holder" END,
       "expiresAt" = CASE WHEN w.wanted THEN '-infinity'::timestamptz ELSE clock_timestamp() + $4::float8 * interval '1 millisecond' END
   FROM (SELECT EXISTS (SELECT 1 FROM "VendorCallSlot" WHERE "key" = $5::text AND "slot" = 0 AND "expiresAt" > clock_timestamp()) AS wanted) AS w
   WHERE s."key" = $1::text AND s."slot" = $2::int AND s."holder" = $3::text
   RETURNING NOT w.wanted AS "renewed"`,
);
/**
 * The slot taken (null: none free), how many slots the key has (fewer than asked after a crash emptied
 * the table) and how many were free before this take. Taking none marks the key as wanted for
 * WANTED_MS: the row (wantedKey, 0), which RENEW_OR_GIVE_BACK reads.
 */
const TAKE_SLOT = prepared(
  "mlc_limits_take_slot",
  `WITH taken AS (
     UPDATE "VendorCallSlot" SET "holder" = $2::text,
       "expiresAt" = clock_timestamp() + $3::float8 * interval '1 millisecond'
     WHERE "key" = $1::text AND "slot" = (
       SELECT "slot" FROM "VendorCallSlot"
       WHERE "key" = $1::text AND "slot" < $4::int AND "expiresAt" < clock_timestamp()
       ORDER BY "slot" LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING "slot"),
   wanted AS (
     INSERT INTO "VendorCallSlot" AS w ("key", "slot", "expiresAt")
     SELECT $5::text, 0, clock_timestamp() + $6::float8 * interval '1 millisecond' WHERE NOT EXISTS (SELECT 1 FROM taken)
     ON CONFLICT ("key", "slot") DO UPDATE SET "expiresAt" = EXCLUDED."expiresAt")
   SELECT (SELECT "slot" FROM taken) AS "slot",
          (SELECT count(*) FROM "VendorCallSlot" WHERE "key" = $1::text AND "slot" < $4::int) AS "slots",
          (SELECT count(*) FROM "VendorCallSlot" WHERE "key" = $1::text AND "slot" < $4::int AND "expiresAt" < clock_timestamp()) AS "free"`,
);

/**
 * How long a key stays marked as wanted after a process met no free slot. Such a process asks again
 * at least every 250 ms while it waits, so the mark lasts while it waits, and a holder whose hold ends
 * meanwhile gives its slot back instead of renewing it.
 */
const WANTED_MS = 1_000;
/** Longer than the longest wait between two polls of a waiting process (1.5 × 250 ms). */
const YIELD_MS = 400;
/** The row that marks `key` as wanted: its own key, never one of a connection (those are ids without "/"). */
const wantedKey = (key: string) => `${key}/wanted`;

/** Send times asked for by one process's callers while a reservation is on its way, served by the next. */
const MAX_RESERVATION = 64;

/** How far ahead a process reserves send times of a fast rate for its next callers (see above). */
export const RATE_BANK_MS = 20;
/**
 * How long after its time a banked send time may still be used (see above). Using one late bunches
 * sends but adds none: whatever this is, a process sends at most one bank beyond the rate in any
 * window. At 250 ms a worker whose calls came further apart than that (a loaded machine) dropped its
 * bank and reserved again for nearly every call.
 */
const BANK_VALID_MS = 2_000;

type RateShape = { intervalMs: number; toleranceMs: number; maxWaitMs: number };
type RateWaiter = { resolve: (waitMs: number) => void; reject: (err: unknown) => void };
type RateQueue = {
  waiting: RateWaiter[];
  reserving: boolean;
  /** send times reserved ahead (this process's clock, ms), earliest first */
  banked: number[];
  /** with no rate: no pause was found, callers go without asking until then (this process's clock, ms) */
  clearUntil: number;
};

/** Per Db (two Prisma clients in one test behave like two processes), per key and limit. */
const rateQueues = new WeakMap<Db, Map<string, RateQueue>>();

const rateShapeOf = (limits: SharedLimits): RateShape => {
  const intervalMs = limits.requestsPerSecond ? 1000 / limits.requestsPerSecond : 0;
  return { intervalMs, toleranceMs: intervalMs * Math.max(0, (limits.burst ?? 1) - 1), maxWaitMs: limits.maxQueueWaitMs ?? 60_000 };
};

/**
 * Reserves `n` consecutive send times (one upsert) and returns each one's wait, as n single
 * reservations in a row would; refuses all (QueueFullError) when the last would wait beyond `maxWaitMs`.
 */
const reserveSendTimes = async ({ db, key }: SharedLimits, { intervalMs, toleranceMs, maxWaitMs }: RateShape, n: number): Promise<number[]> => {
  const spanMs = intervalMs * n;
  const [reserved] = await dbRows(db, RESERVE, [key, spanMs, spanMs - intervalMs, toleranceMs, maxWaitMs], aheadRowSchema);
  if (!reserved) {
    const [current] = await dbRows(db, CURRENT_WAIT, [key, toleranceMs], waitRowSchema);
    throw new QueueFullError("rate", current?.waitMs ?? maxWaitMs);
  }
  return Array.from({ length: n }, (_, i) => Math.max(0, reserved.aheadMs + i * intervalMs - toleranceMs));
};

/** Send times of a fast rate worth reserving ahead besides `n` (0 for a rate slower than two per RATE_BANK_MS). */
const aheadOf = ({ intervalMs }: RateShape, n: number) =>
  intervalMs > 0 && intervalMs * 2 <= RATE_BANK_MS ? Math.max(0, Math.min(MAX_RESERVATION - n, Math.floor(RATE_BANK_MS / intervalMs))) : 0;

/** A wait from the process's bank, or undefined when the bank has none to give (then the caller queues). */
const fromBank = (shape: RateShape, queue: RateQueue): number | undefined => {
  const now = Date.now();
  if (shape.intervalMs === 0) return now < queue.clearUntil ? 0 : undefined;
  // a send time long past is dropped (used late, send times bunch; at most one bank of them)
  while (queue.banked.length > 0 && queue.banked[0]! < now - BANK_VALID_MS) queue.banked.shift();
  const at = queue.banked.shift();
  return at === undefined ? undefined : Math.max(0, at - now);
};

/**
 * Reserves the batch's send times, and with a fast rate those of the next RATE_BANK_MS for the bank;
 * a reservation too long with them is asked again without.
 */
const reserveWithBank = async (limits: SharedLimits, shape: RateShape, queue: RateQueue, n: number) => {
  const ahead = aheadOf(shape, n);
  let waits: number[];
  try {
    waits = await reserveSendTimes(limits, shape, n + ahead);
  } catch (err) {
    if (!(err instanceof QueueFullError) || ahead === 0) throw err;
    waits = await reserveSendTimes(limits, shape, n);
  }
  const now = Date.now();
  queue.banked.push(...waits.slice(n).map((ms) => now + ms));
  if (shape.intervalMs === 0 && waits.every((ms) => ms === 0)) queue.clearUntil = now + RATE_BANK_MS;
  return waits.slice(0, n);
};

/** Serves the queue's callers, one reservation at a time, each for everybody waiting when it leaves. */
const drainRateQueue = async (limits: SharedLimits, shape: RateShape, queue: RateQueue) => {
  queue.reserving = true;
  try {
    while (queue.waiting.length > 0) {
      // callers that queued while a reservation was on its way may find its banked send times
      for (let banked = fromBank(shape, queue); banked !== undefined && queue.waiting.length > 0; banked = queue.waiting.length > 0 ? fromBank(shape, queue) : undefined) {
        queue.waiting.shift()!.resolve(banked);
      }
      if (queue.waiting.length === 0) break;
      const batch = queue.waiting.splice(0, MAX_RESERVATION);
      try {
        const waits = await reserveWithBank(limits, shape, queue, batch.length);
        batch.forEach((w, i) => w.resolve(waits[i] ?? 0));
      } catch (err) {
        if (!(err instanceof QueueFullError) || batch.length === 1) {
          for (const w of batch) w.reject(err);
          continue;
        }
        // Too long together: each one alone, so the first ones still get the times that fit.
        for (const w of batch) await reserveSendTimes(limits, shape, 1).then(([ms]) => w.resolve(ms ?? 0), w.reject);
      }
    }
  } finally {
    queue.reserving = false;
  }
};

/**
 * Reserves one send time under the key's rate and waits for it. With no rate configured it only
 * waits out a pause that a vendor imposed. Throws QueueFullError when the wait would exceed
 * `maxQueueWaitMs` (and then reserves nothing).
 */
export const takeRateToken = async (limits: SharedLimits, signal?: AbortSignal): Promise<number> => {
  const shape = rateShapeOf(limits);
  const id = `${limits.key}\u0000${shape.intervalMs}\u0000${shape.toleranceMs}\u0000${shape.maxWaitMs}`;
  const perDb = rateQueues.get(limits.db) ?? new Map<string, RateQueue>();
  rateQueues.set(limits.db, perDb);
  let queue = perDb.get(id);
  if (!queue) perDb.set(id, (queue = { waiting: [], reserving: false, banked: [], clearUntil: 0 }));
  const q = queue;
  const banked = q.waiting.length === 0 ? fromBank(shape, q) : undefined;
  const waitMs =
    banked ??
    (await new Promise<number>((resolve, reject) => {
      q.waiting.push({ resolve, reject });
      if (!q.reserving) void drainRateQueue(limits, shape, q);
    }));
  await sleep(waitMs, signal);
  return waitMs;
};

/**
 * Holds back every process's calls under `key` for `ms` (a vendor's Retry-After or rate-limit
 * reset), without shortening a longer pause already in place.
 */
export const pauseKey = async (limits: Pick<SharedLimits, "db" | "key" | "requestsPerSecond" | "burst">, ms: number) => {
  // this process's send times reserved ahead would ignore the pause: dropped
  for (const [id, queue] of rateQueues.get(limits.db) ?? []) {
    if (!id.startsWith(`${limits.key}\u0000`)) continue;
    queue.banked.length = 0;
    queue.clearUntil = 0;
  }
  const intervalMs = limits.requestsPerSecond ? 1000 / limits.requestsPerSecond : 0;
  const toleranceMs = intervalMs * Math.max(0, (limits.burst ?? 1) - 1);
  await dbExecute(limits.db, PAUSE, [limits.key, ms, toleranceMs]);
};

/** Slots created per (db, key, limit), so the insert runs once per process and limit. */
const ensuredSlots = new WeakMap<Db, Set<string>>();

/** Inserts the key's slots once per process; `again`: whatever this process did before (they may have gone in a crash). */
const ensureSlots = async (db: Db, key: string, count: number, again = false) => {
  const seen = ensuredSlots.get(db) ?? new Set<string>();
  ensuredSlots.set(db, seen);
  const id = `${key}\u0000${count}`;
  if (seen.has(id) && !again) return;
  await dbExecute(db, ENSURE_SLOTS, [key, count]);
  seen.add(id);
};

export type SlotLease = { release: () => Promise<void> };

/** A slot this process holds in the table. */
/** `spare`: taken while at least half of the key's slots stayed free (see above); `calls`: calls it served in this hold */
type HeldSlot = { slot: number; holder: string; takenAt: number; spare: boolean; calls: number; linger?: NodeJS.Timeout };
type SlotWaiter = { given?: HeldSlot; wake: () => void };
/** `yieldUntil`: after giving a slot back to a process that waits for one, this process takes none from the table until then */
type SlotPool = { idle: HeldSlot[]; waiting: SlotWaiter[]; yieldUntil: number };

/** Per Db (like a process), per key and limit: slots held idle, and callers waiting for one. */
const slotPools = new WeakMap<Db, Map<string, SlotPool>>();

const slotPoolOf = (db: Db, id: string): SlotPool => {
  const perDb = slotPools.get(db) ?? new Map<string, SlotPool>();
  slotPools.set(db, perDb);
  let pool = perDb.get(id);
  if (!pool) perDb.set(id, (pool = { idle: [], waiting: [], yieldUntil: 0 }));
  return pool;
};

const giveBack = async (db: Db, key: string, held: HeldSlot) => {
  await dbExecute(db, GIVE_BACK, [key, held.slot, held.holder]);
};

/**
 * Takes one of `maxConcurrent` slots under the key: one this process holds idle, else a free one from
 * the table, polling with jittered waits (10 ms growing to 250 ms) while all are busy, unless a call of
 * this process finishes first and hands its slot over. Throws QueueFullError after `maxQueueWaitMs`.
 */
export const acquireSlot = async (limits: SharedLimits, signal?: AbortSignal): Promise<SlotLease> => {
  const { db, key } = limits;
  const max = limits.maxConcurrent;
  if (!max) return { release: async () => {} };
  const pool = slotPoolOf(db, `${key}\u0000${max}`);
  const holdMs = limits.slotHoldMs ?? 2000;
  /** an explicit slotLingerMs; else 250 ms, or the rest of its hold for a spare slot (at least 250 ms) */
  const lingerOf = (held: HeldSlot) => limits.slotLingerMs ?? Math.max(250, held.spare ? holdMs - (Date.now() - held.takenAt) : 0);

  const leaseMs = limits.slotLeaseMs ?? 120_000;
  /** A slot held longer than this is not used for another call (the call must end well inside the lease). */
  const reusableMs = leaseMs / 2;

  /**
   * Keeps a slot idle for the process's next call, and gives it back after `lingerMs`. A give-back
   * that fails (the database is away) keeps the slot, which is still ours in the table, to try again
   * later, so a database restart does not strand every slot until its lease lapses.
   */
  const keepIdle = (held: HeldSlot) => {
    pool.idle.push(held);
    held.linger = setTimeout(() => {
      const at = pool.idle.indexOf(held);
      if (at === -1) return;
      pool.idle.splice(at, 1);
      // a spare slot that served more than one call this hold is in steady use: held afresh (or given to a waiting process)
      if (held.spare && held.calls > 1 && limits.slotLingerMs === undefined) {
        void endHold(held).then((renewed) => {
          if (renewed) keepIdle(held);
        });
        return;
      }
      giveBack(db, key, held).catch(() => {
        if (Date.now() - held.takenAt < reusableMs) keepIdle(held);
      });
    }, lingerOf(held));
  };

  /**
   * The end of a slot's hold: held afresh in place (true), unless another process waits for a slot,
   * then given back, and this process takes none for YIELD_MS. A slot that is not ours any more (its
   * lease lapsed, or a crash emptied the table) is forgotten; when the database is away the slot, still
   * ours in the table, is kept idle to give back later.
   */
  const endHold = async (held: HeldSlot): Promise<boolean> => {
    let renewed: boolean | undefined;
    try {
      const [row] = await dbRows(db, RENEW_OR_GIVE_BACK, [key, held.slot, held.holder, leaseMs, wantedKey(key)], renewRowSchema);
      renewed = row?.renewed;
    } catch {
      if (Date.now() - held.takenAt < reusableMs) keepIdle(held);
      return false;
    }
    if (renewed === false) pool.yieldUntil = Date.now() + YIELD_MS;
    if (!renewed) return false;
    held.takenAt = Date.now();
    held.calls = 0;
    return true;
  };

  const leaseOf = (held: HeldSlot): SlotLease => {
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        held.calls++;
        if (Date.now() - held.takenAt >= holdMs && !(await endHold(held))) return;
        const waiter = pool.waiting.shift();
        if (waiter) {
          waiter.given = held;
          waiter.wake();
          return;
        }
        keepIdle(held);
      },
    };
  };

  for (let idle = pool.idle.pop(); idle; idle = pool.idle.pop()) {
    clearTimeout(idle.linger);
    if (Date.now() - idle.takenAt < reusableMs) return leaseOf(idle);
    // too old to start a call on: give it back (or let its lease lapse)
    giveBack(db, key, idle).catch(() => {});
  }

  await ensureSlots(db, key, max);
  const holder = randomUUID();
  const deadline = Date.now() + (limits.maxQueueWaitMs ?? 60_000);
  let pollMs = 10;
  for (;;) {
    const yieldMs = pool.yieldUntil - Date.now();
    if (yieldMs <= 0) {
      const [got] = await dbRows(db, TAKE_SLOT, [key, holder, leaseMs, max, wantedKey(key), WANTED_MS], slotRowSchema);
      if (got?.slot != null) return leaseOf({ slot: got.slot, holder, takenAt: Date.now(), spare: got.free - 1 >= max / 2, calls: 0 });
      if (got && got.slots < max) {
        await ensureSlots(db, key, max, true);
        continue;
      }
    }
    // a call of this process may have finished meanwhile and kept its slot idle for the next one
    const idle = pool.idle.pop();
    if (idle) {
      clearTimeout(idle.linger);
      if (Date.now() - idle.takenAt < reusableMs) return leaseOf(idle);
      giveBack(db, key, idle).catch(() => {});
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new QueueFullError("concurrency", limits.maxQueueWaitMs ?? 60_000);

    // Wait for the next poll, or for a call of this process to hand its slot over.
    const waiter: SlotWaiter = { wake: () => {} };
    const handedOver = new Promise<void>((resolve) => (waiter.wake = resolve));
    pool.waiting.push(waiter);
    try {
      const waitMs = yieldMs > 0 ? yieldMs : Math.floor(pollMs / 2 + Math.random() * pollMs);
      await Promise.race([sleep(Math.min(left, waitMs), signal), handedOver]);
    } catch (err) {
      if (waiter.given) await leaseOf(waiter.given).release();
      throw err;
    } finally {
      const at = pool.waiting.indexOf(waiter);
      if (at !== -1) pool.waiting.splice(at, 1);
    }
    if (waiter.given) return leaseOf(waiter.given);
    if (yieldMs <= 0) pollMs = Math.min(250, pollMs * 2);
  }
};
