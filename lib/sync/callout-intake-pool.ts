import pg from "pg";
import type { Db } from "../db";
import { findPool } from "../db/pool";
import { env } from "../env";

const globalForIntake = globalThis as unknown as { mlConnectorIntakePools?: WeakMap<Db, pg.Pool> };

/**
 * The webhook intake's own driver pool for `db`'s database: two connections (one group-commit
 * statement in flight, record-callout-events.ts, and a spare), where that statement is prepared once
 * per session and keeps its generic plan, and a wait for a free connection never touches the app's
 * other statements. It connects
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
