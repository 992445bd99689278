import pg from "pg";
import { logger } from "../lib/logger";

/*
 * Recovering the jobs of a crashed worker process.
 *
 * graphile-worker 0.17 marks a job it runs with `locked_by = <its worker id>` and only gives it back
 * after 4 hours (its resetLockedAt sweep) when the process dies without finishing it (SIGKILL, OOM,
 * power loss). Each worker process therefore holds, on one dedicated Postgres session, an advisory
 * lock per graphile worker pool id it runs (0.17 writes the pool's id,
 * `pool-…`, into `locked_by`). Postgres drops those locks the moment that session ends (the
 * process died, its socket closed). Every worker process sweeps at start and every `intervalMs`: for
 * each `locked_by` of a job (or job queue) locked longer than `graceMs` ago, if its advisory lock can
 * be taken, nobody holds it, so that worker is dead and `graphile_worker.force_unlock_workers` gives
 * its jobs back to the queue at once (their attempt counts unchanged; they run again with backoff).
 * The grace covers the milliseconds between a new worker taking its first job and its lock.
 */

const lockKey = (workerId: string) => `mlc-graphile-worker:${workerId}`;

export type Liveness = {
  /** holds the advisory lock of one graphile worker pool id of this process (call from `pool:create`) */
  hold: (workerId: string) => void;
  /** gives up ids of this process (a worker pool that was replaced): their jobs become recoverable by any sweep */
  release: (workerIds: readonly string[]) => Promise<void>;
  /** one sweep now; answers the dead worker ids whose jobs were unlocked */
  sweep: () => Promise<string[]>;
  stop: () => Promise<void>;
};

/**
 * `own`: ids whose lock this very session holds. They must be skipped: an advisory lock is re-entrant,
 * so the holder's own try-lock succeeds and would declare itself dead.
 */
export const unlockDeadWorkers = async (
  client: pg.ClientBase,
  { graceMs = 5_000, own = new Set<string>() }: { graceMs?: number; own?: ReadonlySet<string> } = {},
): Promise<string[]> => {
  const { rows } = await client.query<{ locked_by: string }>(
    `SELECT locked_by FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1::float8 / 1000)
     UNION
     SELECT locked_by FROM graphile_worker._private_job_queues WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1::float8 / 1000)`,
    [graceMs],
  );
  const dead: string[] = [];
  for (const { locked_by } of rows) {
    if (own.has(locked_by)) continue;
    const { rows: got } = await client.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got`, [lockKey(locked_by)]);
    if (!got[0]?.got) continue; // its process is alive and holds it
    await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [lockKey(locked_by)]);
    dead.push(locked_by);
  }
  if (dead.length > 0) await client.query(`SELECT graphile_worker.force_unlock_workers($1::text[])`, [dead]);
  return dead;
};

export const startLiveness = ({
  connectionString,
  intervalMs = 10_000,
  graceMs = 5_000,
  /** jobs given back and failed sweeps are worth an operator's attention: logged as warnings */
  log = (message: string) => logger.warn(message),
}: {
  connectionString: string;
  intervalMs?: number;
  graceMs?: number;
  log?: (message: string) => void;
}): Liveness => {
  const held = new Set<string>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let stopped = false;

  // One session holds every lock of this process; if it drops (Postgres restarted), reconnect and re-take them.
  const session = (): Promise<pg.Client> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString, application_name: "mlc-worker-liveness" });
      // Lost (Postgres restarted): reconnect at once and re-take every lock, so other processes'
      // sweeps see this one alive again within a second of the database being back.
      const lost = () => {
        if (client !== c) return;
        client = null;
        const retry = () => {
          if (stopped || client) return;
          session().catch(() => setTimeout(retry, 500).unref());
        };
        setTimeout(retry, 200).unref();
      };
      c.on("error", lost);
      c.on("end", lost);
      try {
        await c.connect();
        for (const id of held) await c.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [lockKey(id)]);
        client = c;
        return c;
      } catch (err) {
        await c.end().catch(() => {});
        throw err;
      } finally {
        connecting = null;
      }
    })();
    return connecting;
  };

  const sweep = async () => {
    if (stopped) return [];
    const c = await session();
    const dead = await unlockDeadWorkers(c, { graceMs, own: held });
    if (dead.length > 0) log(`ml-connector worker: gave back the jobs of ${dead.length} dead worker(s): ${dead.join(", ")}`);
    return dead;
  };

  const timer = setInterval(() => {
    sweep().catch((err) => log(`ml-connector worker: liveness sweep failed (${err instanceof Error ? err.message : String(err)}); retrying`));
  }, intervalMs);
  timer.unref();

  return {
    hold: (workerId) => {
      held.add(workerId);
      session()
        .then((c) => c.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [lockKey(workerId)]))
        .catch(() => {
          // the reconnect re-takes every held lock
        });
    },
    sweep,
    release: async (workerIds) => {
      for (const id of workerIds) held.delete(id);
      const c = client;
      if (!c) return; // no session: Postgres already dropped every lock
      for (const id of workerIds) {
        // advisory locks are re-entrant: unlock until this session holds it no more (bounded)
        for (let i = 0; i < 5; i++) {
          const { rows } = await c.query<{ unlocked: boolean }>(`SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS unlocked`, [lockKey(id)]).catch(() => ({ rows: [{ unlocked: false }] }));
          if (!rows[0]?.unlocked) break;
        }
      }
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await connecting?.catch(() => {});
      await client?.end().catch(() => {});
      client = null;
    },
  };
};
