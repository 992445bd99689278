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
 * VendorHttpClient takes a call's slot first and its send time then (vendor-client.ts), so send times
 * are reserved just before they are used: at most one per call in flight, never spent late in a crowd.
 *
 * Concurrency: N lease rows per key in "VendorCallSlot", split between the live processes. Each process
 * leases its share of the rows (a few seconds, held afresh while it lives) and runs that many calls at
 * once from memory: a call takes an idle slot of the share with no statement, and a call that ends
 * hands its slot to the process's next waiting caller. One statement per process (SYNC_SHARE), every
 * SYNC_CALM_MS (SYNC_CONTENDED_MS while the processes together want more than the cap), holds the share
 * afresh, publishes the process's demand (calls in flight or waiting, on average since its last sync;
 * "VendorCallShare") and reads the others'. The cap is split max-min fairly by demand: a process holding
 * more than its fair share while another holds less than its own gives the difference back as its
 * slots go idle. While the processes together want no more than the cap, each keeps only the most
 * slots it used since its last sync, so the rest stay free in the table for whoever needs one. A
 * process whose callers wait takes free rows (at once when the table had some, else every
 * SYNC_STARVED_MS while it holds less than its fair share or nobody is short). A crashed process's rows
 * and demand lapse with their lease (`slotLeaseMs`), and the others take them. A process that made no
 * call for QUIET_MS gives its share back, deletes its demand and stops renewing it; a process that stops
 * gracefully gives its shares back at once (`releaseShares`, after its calls in flight). Rows no live
 * process uses (a killed process's demand, keys nobody calls any more) go with pruneVendorLimits, a
 * deleted connection's with forgetVendorLimits.
 *
 * A lost lease: a process whose syncs do not come back for `slotLeaseMs` (Postgres unreachable from it
 * alone, a sync stuck in a lock wait, its event loop blocked that long) starts no call on its share once
 * the lease would have lapsed (`leaseUntil`, counted from before the sync was sent, so never after the
 * table's), and another process takes the rows once they lapsed. Its calls already running go on,
 * each until it is answered or its attempt timeout (VendorHttpClient's `timeoutMs`, 30 s by default)
 * ends it: for that long the connection may have up to the cap plus those calls in flight. Not closed:
 * the rows are all the other processes see, so only a lease as long as the attempt timeout would close
 * it, and that would keep a killed process's slots from the others for 30 s instead of 5; ending the
 * calls instead would lose the answer of a create that may have been made.
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
 * A rate row gone in a crash would start afresh (a full bucket at the database's now) while send times
 * handed out before it are still to be used: so each process passes the key's time as its own last
 * reservation left it (RESERVE's `$6`), and its next send times follow its own earlier ones, with no
 * burst credit, as if the row had not gone. Another process's send times handed out before the crash
 * are not known to it: at most one per slot that process held (with no concurrency cap, as many as its
 * callers were waiting for), plus one bank (fast rates) and `burst`, may go out beside them, once.
 *
 * Cost: one statement per reservation for the rate (one per bank or per call, whichever is rarer,
 * fewer when the process sends concurrently); for the concurrency limit none per call, one per process
 * per sync interval while it makes calls.
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
  /**
   * Lease of a process's share of the concurrency slots, held afresh every SYNC_CALM_MS at most while
   * the process lives; a crashed process's share goes to the others this long after its last sync.
   * Default 5 s.
   */
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

const aheadRowSchema = z.object({ aheadMs: z.coerce.number(), tatMs: z.coerce.number().optional() });
const waitRowSchema = z.object({ waitMs: z.coerce.number() });

/*
 * The limiter's statements, prepared once per connection (lib/db/pool.ts): they run around vendor
 * calls, many a second. Times in milliseconds, as float8.
 */
const RESERVE = prepared(
  "mlc_limits_reserve",
  `INSERT INTO "VendorRateLimit" AS r ("key", "tat")
   VALUES ($1::text, $2::float8 * interval '1 millisecond' + GREATEST(clock_timestamp(), to_timestamp($6::float8 / 1000)))
   ON CONFLICT ("key") DO UPDATE
     SET "tat" = $2::float8 * interval '1 millisecond' + GREATEST(r."tat", clock_timestamp(), to_timestamp($6::float8 / 1000))
     WHERE GREATEST(r."tat", clock_timestamp(), to_timestamp($6::float8 / 1000)) + $3::float8 * interval '1 millisecond'
           - $4::float8 * interval '1 millisecond' - clock_timestamp()
           <= $5::float8 * interval '1 millisecond'
   RETURNING GREATEST(0, EXTRACT(EPOCH FROM (r."tat" - clock_timestamp())) * 1000 - $2::float8)::float8 AS "aheadMs",
             (EXTRACT(EPOCH FROM r."tat") * 1000)::float8 AS "tatMs"`,
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
/** Send times asked for by one process's callers while a reservation is on its way, served by the next. */
const MAX_RESERVATION = 64;

/** A send time less than this far away is used at once (see takeRateToken). */
const SUB_MS_WAIT = 1;

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
  /**
   * The key's theoretical arrival time right after this process's last reservation (the database's
   * clock, epoch ms): its next reservation starts no earlier, even when the row is gone (see RESERVE).
   */
  lastTatMs: number | null;
};

/** Per Db (two Prisma clients in one test behave like two processes), per key and limit. */
const rateQueues = new WeakMap<Db, Map<string, RateQueue>>();

/**
 * Per Db and key: until when the rate, not the slots, holds the key's calls back (this process's last
 * reservation handed out a send time SYNC_CONTENDED_MS or more ahead). Its callers then wait with a
 * slot for their send time, so the processes together want more slots than the cap while the slots
 * are not what limits them: the share syncs at the calm pace instead of the contended one.
 */
const rateBoundUntil = new WeakMap<Db, Map<string, number>>();
const isRateBound = (db: Db, key: string) => (rateBoundUntil.get(db)?.get(key) ?? 0) > Date.now();

const rateShapeOf = (limits: SharedLimits): RateShape => {
  const intervalMs = limits.requestsPerSecond ? 1000 / limits.requestsPerSecond : 0;
  return { intervalMs, toleranceMs: intervalMs * Math.max(0, (limits.burst ?? 1) - 1), maxWaitMs: limits.maxQueueWaitMs ?? 60_000 };
};

/**
 * Reserves `n` consecutive send times (one upsert) and returns each one's wait, as n single
 * reservations in a row would; refuses all (QueueFullError) when the last would wait beyond `maxWaitMs`.
 */
const reserveSendTimes = async ({ db, key }: SharedLimits, { intervalMs, toleranceMs, maxWaitMs }: RateShape, queue: RateQueue, n: number): Promise<number[]> => {
  const spanMs = intervalMs * n;
  const [reserved] = await dbRows(db, RESERVE, [key, spanMs, spanMs - intervalMs, toleranceMs, maxWaitMs, queue.lastTatMs], aheadRowSchema);
  if (!reserved) {
    const [current] = await dbRows(db, CURRENT_WAIT, [key, toleranceMs], waitRowSchema);
    throw new QueueFullError("rate", current?.waitMs ?? maxWaitMs);
  }
  if (reserved.tatMs !== undefined) queue.lastTatMs = Math.max(queue.lastTatMs ?? 0, reserved.tatMs);
  const waits = Array.from({ length: n }, (_, i) => Math.max(0, reserved.aheadMs + i * intervalMs - toleranceMs));
  if (waits[n - 1]! >= SYNC_CONTENDED_MS) {
    const perDb = rateBoundUntil.get(db) ?? new Map<string, number>();
    rateBoundUntil.set(db, perDb);
    perDb.set(key, Date.now() + waits[n - 1]! + SYNC_CALM_MS);
  }
  return waits;
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
    waits = await reserveSendTimes(limits, shape, queue, n + ahead);
  } catch (err) {
    if (!(err instanceof QueueFullError) || ahead === 0) throw err;
    waits = await reserveSendTimes(limits, shape, queue, n);
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
        for (const w of batch) await reserveSendTimes(limits, shape, queue, 1).then(([ms]) => w.resolve(ms ?? 0), w.reject);
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
  if (!queue) perDb.set(id, (queue = { waiting: [], reserving: false, banked: [], clearUntil: 0, lastTatMs: null }));
  const q = queue;
  const banked = q.waiting.length === 0 ? fromBank(shape, q) : undefined;
  const waitMs =
    banked ??
    (await new Promise<number>((resolve, reject) => {
      q.waiting.push({ resolve, reject });
      if (!q.reserving) void drainRateQueue(limits, shape, q);
    }));
  // A wait under a millisecond is not slept: a timer wakes no sooner than 1 ms (later on a busy machine),
  // and the caller holds its slot meanwhile. So a process sends at most a millisecond's worth of a fast
  // rate's send times early.
  if (waitMs >= SUB_MS_WAIT) await sleep(waitMs, signal);
  else signal?.throwIfAborted();
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

/**
 * A process's share is held afresh at least this often while it holds one (a fifth of the default
 * lease). Not shorter: a licence-bound run makes few calls over a long run, and shorter syncs cost it
 * nearly a statement a record (bench/README.md, "Slots as per-process shares").
 */
const SYNC_CALM_MS = 1_000;
/** ... and this often while the processes together want more calls than the cap (so an idle share moves soon). */
const SYNC_CONTENDED_MS = 100;
/** A caller waits for a slot and this process holds less than its fair share: the table is asked again this soon. */
const SYNC_STARVED_MS = 50;
/** A slot that goes back to the table goes at most this late (slots given back together share one statement). */
const SYNC_GIVE_BACK_MS = 5;
/** A process that made no call for this long gives its whole share back and stops renewing it. */
const QUIET_MS = 1_000;

type SlotWaiter = { resolve: (slot: number) => void; reject: (err: unknown) => void; done?: () => void };

/**
 * One process's share of a key's slots (see SharedLimits): `held` are leased to it in the table,
 * `idle` are held and not in a call; `giveBack` left `held` and go back at the next sync. `load` is
 * calls in flight plus callers waiting, and its time integral since the last sync is the demand the
 * process publishes. `keep` is its fair share (max-min over the live processes' demands) and
 * `othersShort` says another process holds less than its own.
 */
type SharePool = {
  db: Db;
  key: string;
  max: number;
  holder: string;
  leaseMs: number;
  held: Set<number>;
  idle: number[];
  /** slots in a call (a slot lost while in a call and taken again stays in it until the call ends) */
  busy: Set<number>;
  waiting: SlotWaiter[];
  giveBack: number[];
  keep: number;
  /**
   * its fair share rounded down (at least one): what it asks the table for while callers wait. With a
   * fractional fair share (3 slots, two busy processes: 1.5 each) both keep 2 and only one can hold them;
   * asking up to `keep` would have the other ask the table at every call for a slot it cannot get.
   */
  due: number;
  othersShort: boolean;
  contended: boolean;
  /** slots nobody held at the last sync */
  tableFree: number;
  loadArea: number;
  /** the most calls in flight and waiting at once since the last sync */
  peakLoad: number;
  areaSince: number;
  changedAt: number;
  lastBusyAt: number;
  leaseUntil: number;
  syncing: boolean;
  lastSyncAt: number;
  timer?: NodeJS.Timeout;
  timerAt: number;
};

/** Per Db (two Prisma clients in one test behave like two processes), per key and limit. */
const sharePools = new WeakMap<Db, Map<string, SharePool>>();

const shareSyncRowSchema = z.object({
  mine: z.array(z.coerce.number().int()),
  slots: z.coerce.number().int(),
  others: z.array(z.coerce.number().int()),
  othersHeld: z.coerce.number().int(),
});

/**
 * A process's whole exchange with the table, one statement: gives back `$6` (comma-separated slots),
 * holds the rest of its slots afresh, takes up to `$5` free or lapsed ones, publishes its demand
 * (`$7`; a negative demand deletes the process's row: it left), and reads the other live processes'
 * demands and how many slots they hold. Demands of processes gone for a minute are deleted.
 */
const SYNC_SHARE = prepared(
  "mlc_limits_sync_share",
  `WITH freed AS (
     UPDATE "VendorCallSlot" SET "holder" = NULL, "expiresAt" = '-infinity'::timestamptz
     WHERE "key" = $1::text AND "holder" = $2::text AND "slot" = ANY(string_to_array($6::text, ',')::int[])
     RETURNING "slot"),
   kept AS (
     UPDATE "VendorCallSlot" SET "expiresAt" = clock_timestamp() + $3::float8 * interval '1 millisecond'
     WHERE "key" = $1::text AND "holder" = $2::text AND "slot" < $4::int AND NOT ("slot" = ANY(string_to_array($6::text, ',')::int[]))
     RETURNING "slot"),
   taken AS (
     UPDATE "VendorCallSlot" SET "holder" = $2::text, "expiresAt" = clock_timestamp() + $3::float8 * interval '1 millisecond'
     WHERE "key" = $1::text AND "slot" = ANY(ARRAY(
       SELECT "slot" FROM "VendorCallSlot"
       WHERE "key" = $1::text AND "slot" < $4::int AND "expiresAt" < clock_timestamp() AND "holder" IS DISTINCT FROM $2::text
       ORDER BY "slot" LIMIT $5::int FOR UPDATE SKIP LOCKED))
     RETURNING "slot"),
   demand AS (
     INSERT INTO "VendorCallShare" ("key", "holder", "demand", "expiresAt")
     SELECT $1::text, $2::text, $7::int, clock_timestamp() + $3::float8 * interval '1 millisecond' WHERE $7::int >= 0
     ON CONFLICT ("key", "holder") DO UPDATE SET "demand" = EXCLUDED."demand", "expiresAt" = EXCLUDED."expiresAt"),
   departed AS (
     DELETE FROM "VendorCallShare" WHERE "key" = $1::text AND "holder" = $2::text AND $7::int < 0),
   gone AS (
     DELETE FROM "VendorCallShare" WHERE "key" = $1::text AND "expiresAt" < clock_timestamp() - interval '1 minute')
   SELECT ARRAY(SELECT "slot" FROM kept UNION ALL SELECT "slot" FROM taken) AS "mine",
          (SELECT count(*) FROM "VendorCallSlot" WHERE "key" = $1::text AND "slot" < $4::int) AS "slots",
          ARRAY(SELECT "demand" FROM "VendorCallShare" WHERE "key" = $1::text AND "holder" <> $2::text AND "expiresAt" > clock_timestamp()) AS "others",
          (SELECT count(*) FROM "VendorCallSlot" WHERE "key" = $1::text AND "slot" < $4::int AND "holder" <> $2::text AND "expiresAt" > clock_timestamp()) AS "othersHeld"`,
);

/**
 * Max-min fair shares of `max` slots among demands: every demand below the level gets what it asks,
 * the others the level. Answers the level (a real number; `max` when everybody fits).
 */
export const fairLevel = (max: number, demands: number[]): number => {
  const sorted = [...demands].sort((a, b) => a - b);
  let left = max;
  for (let i = 0; i < sorted.length; i++) {
    const level = left / (sorted.length - i);
    if (sorted[i]! >= level) return level;
    left -= sorted[i]!;
  }
  return max;
};

const sharePoolOf = (limits: SharedLimits & { maxConcurrent: number }): SharePool => {
  const { db, key, maxConcurrent: max } = limits;
  const perDb = sharePools.get(db) ?? new Map<string, SharePool>();
  sharePools.set(db, perDb);
  const id = `${key}\u0000${max}`;
  let pool = perDb.get(id);
  if (!pool) {
    const now = Date.now();
    perDb.set(
      id,
      (pool = {
        db,
        key,
        max,
        holder: randomUUID(),
        leaseMs: limits.slotLeaseMs ?? 5_000,
        held: new Set(),
        idle: [],
        busy: new Set(),
        waiting: [],
        giveBack: [],
        keep: max,
        due: max,
        othersShort: false,
        contended: false,
        tableFree: max,
        loadArea: 0,
        peakLoad: 0,
        areaSince: now,
        changedAt: now,
        lastBusyAt: now,
        leaseUntil: 0,
        syncing: false,
        lastSyncAt: 0,
        timerAt: Infinity,
      }),
    );
  }
  return pool;
};

/** Accounts the pool's load (calls in flight and callers waiting) up to now, before it changes. */
const noteLoad = (pool: SharePool) => {
  const now = Date.now();
  const load = pool.busy.size + pool.waiting.length;
  pool.loadArea += load * (now - pool.changedAt);
  pool.changedAt = now;
  if (load > 0) pool.lastBusyAt = now;
  pool.peakLoad = Math.max(pool.peakLoad, load);
};

/** Runs the pool's sync at `now + ms` at the latest (an earlier one already planned stands). */
const syncSoon = (pool: SharePool, ms: number) => {
  // a sync under way plans the next one when it ends, from what is waiting then
  if (pool.syncing) return;
  const at = Math.max(Date.now() + ms, pool.lastSyncAt + Math.min(ms, SYNC_GIVE_BACK_MS));
  if (pool.timer && pool.timerAt <= at) return;
  clearTimeout(pool.timer);
  pool.timerAt = at;
  pool.timer = setTimeout(() => {
    pool.timer = undefined;
    pool.timerAt = Infinity;
    void syncShare(pool);
  }, at - Date.now());
  pool.timer.unref();
};

/** Idle slots beyond the fair share go back while another process is short of its own. */
const shedIdle = (pool: SharePool) => {
  if (!pool.othersShort) return;
  while (pool.held.size > pool.keep && pool.idle.length > 0) {
    const slot = pool.idle.pop()!;
    pool.held.delete(slot);
    pool.giveBack.push(slot);
  }
};

/**
 * Hands idle slots to waiting callers, while the share's lease holds: past it another process may have
 * taken the rows, so the callers wait for a sync that holds the share afresh.
 */
const serveWaiters = (pool: SharePool) => {
  while (pool.waiting.length > 0 && pool.idle.length > 0 && Date.now() < pool.leaseUntil) {
    noteLoad(pool);
    const waiter = pool.waiting.shift()!;
    const slot = pool.idle.pop()!;
    pool.busy.add(slot);
    waiter.done?.();
    waiter.resolve(slot);
  }
};

/**
 * One exchange with the table (SYNC_SHARE), then the share's bookkeeping: slots this process lost
 * (lapsed and taken by another) are forgotten, slots it took serve its waiting callers, and the next
 * sync is planned; a process with no slot and no call plans none.
 */
const syncShare = async (pool: SharePool): Promise<void> => {
  if (pool.syncing) return;
  pool.syncing = true;
  const startedAt = Date.now();
  noteLoad(pool);
  const span = Math.max(1, startedAt - pool.areaSince);
  const load = pool.busy.size + pool.waiting.length;
  // demand: calls it had in flight or waiting, on average since the last sync; one more than it holds while callers wait
  const demand = Math.max(Math.ceil(pool.loadArea / span - 0.05), pool.waiting.length > 0 ? pool.held.size + 1 : 0, load > 0 ? 1 : 0);
  pool.loadArea = 0;
  pool.areaSince = startedAt;
  // a process that made no call for QUIET_MS gives its whole share back and deletes its demand (it
  // leaves); while the processes want no more than the cap, slots beyond the most this one used since
  // its last sync go back too, so that a process that wants one more finds it free in the table (at
  // once) instead of waiting for this one's sync
  const quiet = load === 0 && startedAt - pool.lastBusyAt >= QUIET_MS;
  const spare = quiet ? pool.held.size : pool.contended ? 0 : pool.held.size - Math.max(1, pool.peakLoad, load);
  for (let i = 0; i < spare && pool.idle.length > 0; i++) {
    const slot = pool.idle.shift()!;
    pool.held.delete(slot);
    pool.giveBack.push(slot);
  }
  pool.peakLoad = load;
  const shortfall = Math.max(0, load - pool.held.size);
  const take = Math.min(pool.max - pool.held.size, pool.othersShort ? Math.min(shortfall, Math.max(0, pool.keep - pool.held.size)) : shortfall);
  const sent = pool.giveBack.splice(0);
  let failed = false;
  try {
    await ensureSlots(pool.db, pool.key, pool.max);
    const leaving = quiet && pool.held.size === 0;
    const [row] = await dbRows(pool.db, SYNC_SHARE, [pool.key, pool.holder, pool.leaseMs, pool.max, take, sent.join(","), leaving ? -1 : demand], shareSyncRowSchema);
    if (!row) throw new Error("the share's sync returned no row");
    pool.leaseUntil = startedAt + pool.leaseMs;
    const mine = new Set(row.mine);
    // slots given back meanwhile stay given back; slots not ours any more are forgotten
    for (const slot of pool.giveBack) mine.delete(slot);
    for (const slot of pool.held) if (!mine.has(slot)) pool.held.delete(slot);
    pool.idle = pool.idle.filter((slot) => mine.has(slot));
    for (const slot of mine) {
      if (pool.held.has(slot)) continue;
      pool.held.add(slot);
      if (!pool.busy.has(slot)) pool.idle.push(slot);
    }
    const level = fairLevel(pool.max, [...row.others, demand]);
    pool.keep = Math.min(pool.max, Math.max(1, Math.ceil(Math.min(demand, level) - 1e-9)));
    pool.due = Math.min(pool.keep, Math.max(1, Math.floor(Math.min(demand, level) + 1e-9)));
    const othersDue = row.others.reduce((n, d) => n + Math.min(d, level), 0);
    pool.othersShort = row.othersHeld < Math.floor(othersDue + 1e-9);
    pool.contended = row.others.length > 0 && row.others.reduce((n, d) => n + d, demand) > pool.max;
    pool.tableFree = Math.max(0, row.slots - row.othersHeld - row.mine.length);
    if (row.slots < pool.max) await ensureSlots(pool.db, pool.key, pool.max, true);
  } catch {
    // the database is away: the share is used until its lease would have lapsed, and what was to go
    // back goes at the next sync (after its lease the table frees it anyway)
    failed = true;
    if (Date.now() >= pool.leaseUntil) {
      pool.held.clear();
      pool.idle = [];
    } else pool.giveBack.push(...sent);
  } finally {
    pool.lastSyncAt = Date.now();
    pool.syncing = false;
  }
  shedIdle(pool);
  serveWaiters(pool);
  const busy = pool.busy.size + pool.waiting.length > 0;
  if (failed) {
    if (pool.held.size > 0 || busy || pool.giveBack.length > 0) syncSoon(pool, SYNC_CALM_MS);
  } else if (pool.giveBack.length > 0) syncSoon(pool, SYNC_GIVE_BACK_MS);
  else if (pool.waiting.length > 0 && pool.leaseUntil <= Date.now()) syncSoon(pool, SYNC_GIVE_BACK_MS);
  else if (pool.waiting.length > 0 && pool.held.size < pool.max && (pool.tableFree > 0 || pool.held.size < pool.due || !pool.contended)) syncSoon(pool, pool.tableFree > 0 ? SYNC_GIVE_BACK_MS : SYNC_STARVED_MS);
  else if (pool.held.size > 0 || busy) syncSoon(pool, Math.min(pool.contended && !isRateBound(pool.db, pool.key) ? SYNC_CONTENDED_MS : SYNC_CALM_MS, pool.leaseMs / 3));
};

/**
 * Takes one of `maxConcurrent` slots under the key from this process's share: an idle one at once
 * (no statement), else the caller waits until a call of this process ends or the share grows.
 * Throws QueueFullError after `maxQueueWaitMs`.
 */
export const acquireSlot = async (limits: SharedLimits, signal?: AbortSignal): Promise<SlotLease> => {
  const max = limits.maxConcurrent;
  if (!max) return { release: async () => {} };
  const pool = sharePoolOf({ ...limits, maxConcurrent: max });
  signal?.throwIfAborted();
  let slot: number;
  if (pool.waiting.length === 0 && pool.idle.length > 0 && Date.now() < pool.leaseUntil) {
    noteLoad(pool);
    slot = pool.idle.pop()!;
    pool.busy.add(slot);
  } else {
    const waitMs = limits.maxQueueWaitMs ?? 60_000;
    slot = await new Promise<number>((resolve, reject) => {
      const waiter: SlotWaiter = { resolve, reject };
      const leave = (err: unknown) => {
        const at = pool.waiting.indexOf(waiter);
        if (at === -1) return;
        noteLoad(pool);
        pool.waiting.splice(at, 1);
        waiter.done?.();
        reject(err);
      };
      const timer = setTimeout(() => leave(new QueueFullError("concurrency", waitMs)), waitMs);
      const onAbort = () => leave(Object.assign(new Error("The operation was aborted"), { name: "AbortError", cause: signal?.reason }));
      signal?.addEventListener("abort", onAbort, { once: true });
      waiter.done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      noteLoad(pool);
      pool.waiting.push(waiter);
      serveWaiters(pool);
      // the table may have a slot for this process: asked at once; else the planned sync (or a call's end) serves it
      const mayGrow = pool.held.size < pool.max && (pool.tableFree > 0 || pool.held.size < pool.due || !pool.contended);
      if (pool.waiting.includes(waiter) && (mayGrow || pool.leaseUntil <= Date.now())) syncSoon(pool, 0);
    });
  }
  if (!pool.timer && !pool.syncing) syncSoon(pool, SYNC_CALM_MS);
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      noteLoad(pool);
      pool.busy.delete(slot);
      // a slot lost meanwhile (its lease lapsed and another process took it) is not used again
      if (!pool.held.has(slot)) return;
      if (pool.othersShort && pool.held.size > pool.keep) {
        pool.held.delete(slot);
        pool.giveBack.push(slot);
        syncSoon(pool, SYNC_GIVE_BACK_MS);
        return;
      }
      pool.idle.push(slot);
      serveWaiters(pool);
    },
  };
};

/**
 * Gives back every share this process holds under `db` (a graceful shutdown: the others need not wait
 * for its lease to lapse): waits for its calls in flight to end (at most `waitMs`), then frees its slot
 * rows and deletes its demand, one statement per key. A slot still in a call after `waitMs` stays leased
 * until its lease lapses. A call made afterwards takes a share again as usual.
 */
export const releaseShares = async ({ db, waitMs = 30_000 }: { db: Db; waitMs?: number }): Promise<void> => {
  const deadline = Date.now() + waitMs;
  await Promise.all(
    [...(sharePools.get(db)?.values() ?? [])].map(async (pool) => {
      while ((pool.busy.size > 0 || pool.syncing) && Date.now() < deadline) await sleep(10);
      if (pool.lastSyncAt === 0 || pool.syncing) return;
      clearTimeout(pool.timer);
      pool.timer = undefined;
      pool.timerAt = Infinity;
      pool.syncing = true;
      const freed = Array.from({ length: pool.max }, (_, slot) => slot).filter((slot) => !pool.busy.has(slot));
      try {
        await dbRows(pool.db, SYNC_SHARE, [pool.key, pool.holder, pool.leaseMs, pool.max, 0, freed.join(","), -1], shareSyncRowSchema);
        for (const slot of freed) pool.held.delete(slot);
        pool.idle = [];
        pool.giveBack = [];
      } finally {
        pool.lastSyncAt = Date.now();
        pool.syncing = false;
      }
    }),
  );
};
