import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { registerPool } from "./db/pool";
import { env } from "./env";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client";

/**
 * A Prisma client on a node-postgres pool that it owns (ended by `$disconnect`); the engine's hot-path
 * statements use the same pool directly (lib/db/pool.ts), so they share its connections.
 */
export const createDbOnPool = (pool: pg.Pool): Db => {
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  registerPool(db, pool);
  return db;
};

/** A Prisma client over node-postgres (no native engine needed at run time). */
export const createDb = (connectionString: string, { max = 10 }: { max?: number } = {}): Db => {
  // Connections are kept for a minute when idle (pg's default is 10 s): a worker's demand comes and
  // goes with its jobs, and each new connection costs a SCRAM login (a PBKDF2 derivation, ~2 % of a
  // worker's CPU in the backfill profile when they were closed after 10 s).
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 60_000 });
  // an idle connection that breaks (Postgres restarted) is dropped by the pool; without a listener
  // its error event would end the process
  pool.on("error", () => {});
  return createDbOnPool(pool);
};

const globalForDb = globalThis as unknown as { mlConnectorDb?: Db };

/** The process-wide client for DATABASE_URL (kept across Next.js dev reloads). */
export const db = (): Db => {
  if (globalForDb.mlConnectorDb) return globalForDb.mlConnectorDb;
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start ml-connector with `npm start`, or set DATABASE_URL");
  // A job uses one connection at a time (a posting holds no transaction across its vendor calls, see
  // processRecord); the spare ones serve the lease renewals and heartbeats beside the job slots.
  return (globalForDb.mlConnectorDb = createDb(url, { max: env().WORKER_CONCURRENCY + 2 }));
};
