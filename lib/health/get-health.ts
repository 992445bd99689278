import type { Db } from "@/lib/db";

export type Health = {
  /** "ok" when the database answers and at least one worker beat within `staleSeconds`. */
  status: "ok" | "degraded";
  database: { ok: boolean; latencyMs: number | null };
  worker: {
    ok: boolean;
    /** Newest heartbeat of any worker (ISO time), or null when none ever beat. */
    lastHeartbeatAt: string | null;
    /** Whole seconds since `lastHeartbeatAt`. */
    ageSeconds: number | null;
    /** Workers whose heartbeat is fresh (within `staleSeconds`). */
    workers: number;
  };
};

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
};

/**
 * Liveness of the database and the job workers as seen from `now`. Never throws: an unreachable
 * database gives `database.ok: false` and an unknown worker state.
 */
export const getHealth = async ({
  db,
  now = new Date(),
  staleSeconds,
  timeoutMs = 3000,
}: {
  db: Db;
  now?: Date;
  /** A worker whose last beat is older than this many seconds counts as down. */
  staleSeconds: number;
  /** Give up on the database after this many milliseconds (default 3000), so a hung connection still answers. */
  timeoutMs?: number;
}): Promise<Health> => {
  const started = performance.now();
  try {
    const freshSince = new Date(now.getTime() - staleSeconds * 1000);
    const [row] = await withTimeout(
      db.$queryRaw<{ last: Date | null; fresh: bigint }[]>`
        SELECT max("beatAt") AS last, count(*) FILTER (WHERE "beatAt" >= ${freshSince}) AS fresh
        FROM "WorkerHeartbeat"`,
      timeoutMs,
    );
    const latencyMs = Math.round(performance.now() - started);
    const last = row?.last ?? null;
    const workers = Number(row?.fresh ?? 0);
    const ageSeconds = last ? Math.max(0, Math.floor((now.getTime() - last.getTime()) / 1000)) : null;
    const isWorkerOk = workers > 0;
    return {
      status: isWorkerOk ? "ok" : "degraded",
      database: { ok: true, latencyMs },
      worker: { ok: isWorkerOk, lastHeartbeatAt: last?.toISOString() ?? null, ageSeconds, workers },
    };
  } catch (err) {
    console.error("[ml-connector] health: database check failed", err instanceof Error ? err.message : err);
    return {
      status: "degraded",
      database: { ok: false, latencyMs: null },
      worker: { ok: false, lastHeartbeatAt: null, ageSeconds: null, workers: 0 },
    };
  }
};
