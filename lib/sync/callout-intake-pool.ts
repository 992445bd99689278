import pg from "pg";
import type { Db } from "../db";
import { findPool } from "../db/pool";
import { env } from "../env";

/*
 * Planned for each execution's own table sizes: graphile_worker.add_jobs (called by the intake's
 * statement) is PL/pgSQL, whose cached generic plan, made while the job table was small, scans the
 * whole table on every call once a burst of callouts has grown it (pg_stat_user_tables: one sequential
 * scan per statement; Postgres CPU per callout 150 -> 450 µs as the table grew 5,000 -> 39,000 jobs,
 * flat at ~200 µs with this setting; bench/README.md, Webhook intake).
 */
const SESSION_OPTIONS = "-c plan_cache_mode=force_custom_plan";

const globalForIntake = globalThis as unknown as { mlConnectorIntakePools?: WeakMap<Db, pg.Pool> };

/**
 * The webhook intake's own driver pool for `db`'s database: two connections (one group-commit
 * statement in flight, record-callout-events.ts, and a spare), their sessions set up as above, so that
 * neither the setting nor a wait for a free connection touches the app's other statements. It connects
 * as the pool under `db` does when this bundle can see it (lib/db/pool.ts), else to DATABASE_URL: the
 * App Router's and the Pages Router's server code are separate module instances in one `next start`
 * process, so the pool the App Router's db() registered is not in the Pages Router's registry.
 */
export const calloutIntakePoolOf = (db: Db): pg.Pool => {
  const pools = (globalForIntake.mlConnectorIntakePools ??= new WeakMap());
  const known = pools.get(db);
  if (known && !known.ended) return known;
  const shared = findPool(db)?.options;
  const connectionString = shared ? undefined : env().DATABASE_URL;
  if (!shared && !connectionString) throw new Error("DATABASE_URL is not set: start ml-connector with `npm start`, or set DATABASE_URL");
  const pool = new pg.Pool({
    ...(shared ?? { connectionString }),
    options: [shared?.options, SESSION_OPTIONS].filter(Boolean).join(" "),
    max: 2,
    // kept a minute when idle, like lib/db.ts's pool (each new connection costs a SCRAM login)
    idleTimeoutMillis: 60_000,
    allowExitOnIdle: true,
  });
  // an idle connection that breaks (Postgres restarted) is dropped by the pool, not the process
  pool.on("error", () => {});
  pools.set(db, pool);
  return pool;
};
