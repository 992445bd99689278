import { randomBytes } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { createDb, type Db } from "../../lib/db";
import { migrate } from "../../lib/db/migrate";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { prepareSqlStats, SQL_STATS_SETTINGS, type SqlStats } from "./sql-stats";
import { killAllWorkers, startOwnPostgres, type OwnPostgres } from "./stack";

/** One benchmark run's shared parts: an embedded Postgres and a helper for a fresh database per scenario. */
export type BenchContext = {
  pg: OwnPostgres;
  /** statement counts of the workers (pg_stat_statements); undefined when the server could not load it */
  sqlStats?: SqlStats;
  /** a fresh migrated database; closed and dropped by `cleanup` */
  freshDb: (label: string) => Promise<{ url: string; db: Db; name: string }>;
  /** a fresh sandbox with the demo company (accounts) and the given latency per call */
  freshSandbox: (opts: { latencyMs: number; accounts?: number }) => Promise<RunningSandbox>;
  cleanup: () => Promise<void>;
};

/** `pgOverTcp`: the workers and the bench reach its Postgres over TCP, not its Unix-domain socket (to compare the two). */
export const createBenchContext = async ({ pgOverTcp = false }: { pgOverTcp?: boolean } = {}): Promise<BenchContext> => {
  // A key for this run only: connection secrets in the bench databases are encrypted with it.
  process.env.ML_CONNECTOR_KEY ??= randomBytes(32).toString("base64");
  // pg_stat_statements counts the workers' statements; a Postgres that cannot load it runs without
  const socket = !pgOverTcp;
  const own = await startOwnPostgres({ settings: SQL_STATS_SETTINGS, socket }).catch((err: unknown) => {
    console.warn(`bench: Postgres without pg_stat_statements (${String(err).slice(0, 200)}): no statement counts`);
    return startOwnPostgres({ socket });
  });
  const sqlStats = await prepareSqlStats(own.connectionString()).catch(() => undefined);
  const opened: { db: Db; name: string }[] = [];
  const sandboxes: RunningSandbox[] = [];
  return {
    pg: own,
    sqlStats,
    freshDb: async (label) => {
      const name = `bench_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(3).toString("hex")}`;
      const admin = new pg.Client({ connectionString: own.connectionString() });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = own.connectionString(name);
      await migrate({ connectionString: url });
      const db = createDb(url, { max: 4 });
      opened.push({ db, name });
      return { url, db, name };
    },
    freshSandbox: async ({ latencyMs, accounts = 300 }) => {
      const sandbox = await startSandbox({ port: 0, demo: { accounts, existingCustomerRate: 0.6 } });
      await sandbox.control.setLatency({ zuora: latencyMs, acumatica: latencyMs });
      sandboxes.push(sandbox);
      return sandbox;
    },
    cleanup: async () => {
      // workers first: Postgres would wait for their connections before it stops
      killAllWorkers();
      await Promise.all(sandboxes.map((s) => s.close().catch(() => {})));
      await Promise.all(opened.map((o) => o.db.$disconnect().catch(() => {})));
      await own.destroy();
    },
  };
};

export const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  memoryGb: Math.round(os.totalmem() / 1e9),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
});

export const percentile = (sorted: number[], p: number) => {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
};

export const mb = (bytes: number) => Math.round(bytes / 1e6);
