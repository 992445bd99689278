import { writeFile } from "node:fs/promises";
import type { Db } from "../../lib/db";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import { summariseStatements, type SqlStats, type StatementSummary } from "./sql-stats";
import { spawnWorker, waitForSync, type WorkerProcess } from "./stack";

/*
 * The part every backfill scenario shares: worker processes started (start-up is not sync time),
 * `Sync now`, and a wait until every expected record is posted, with the counts reached otherwise.
 * Measured from `Sync now` to the last probe: the workers' CPU time (from /proc), with `measure` also
 * the Postgres server's CPU time and the workers' SQL statements (pg_stat_statements), and the time
 * to the last record posted (its postedAt, not the probe that saw it).
 */

export type BackfillObserver = { workers?: (procs: WorkerProcess[]) => void; syncStarted?: () => void; progress?: (counts: Record<string, number>) => void };

/**
 * Rows updated in "SyncRecord" so far, and how many of them as HOT updates (the new row version in the
 * same heap page, no index written): Postgres's own counters, flushed by each backend at the latest when
 * it exits (the workers are stopped before the second read).
 */
const syncRecordWrites = async (db: Db) => {
  const [row] = await db.$queryRaw<{ updates: bigint; hot: bigint }[]>`SELECT n_tup_upd AS updates, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = 'SyncRecord'`;
  return { updates: Number(row?.updates ?? 0), hot: Number(row?.hot ?? 0) };
};

/** Buffers each index of "SyncRecord" touched so far (hit or read): how much of the writes each index takes. */
const syncRecordIndexBlocks = async (db: Db) => {
  const rows = await db.$queryRaw<{ index: string; blocks: bigint }[]>`
    SELECT indexrelname AS index, idx_blks_hit + idx_blks_read AS blocks FROM pg_statio_user_indexes WHERE relname = 'SyncRecord'`;
  return new Map(rows.map((r) => [r.index, Number(r.blocks)]));
};

/** Where the WAL stands now (pg_walinspect reads it from there on, see walStats). */
const walInsertLsn = async (db: Db) => {
  await db.$executeRawUnsafe("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
  const [row] = await db.$queryRaw<{ lsn: string }[]>`SELECT pg_current_wal_insert_lsn()::text AS lsn`;
  return row!.lsn;
};

/** WAL written since `from` by record type (Heap/UPDATE, Btree/INSERT_LEAF, Gin/...): records, bytes, full-page images' bytes. */
const walStats = async (db: Db, from: string) =>
  (
    await db.$queryRaw<{ type: string; count: bigint; bytes: bigint; fpiBytes: bigint }[]>`
      SELECT "resource_manager/record_type" AS type, count, record_size + fpi_size AS bytes, fpi_size AS "fpiBytes"
      FROM pg_get_wal_stats(${from}::pg_lsn, pg_current_wal_insert_lsn(), true) WHERE count > 0 ORDER BY record_size + fpi_size DESC`
  ).map((r) => ({ type: r.type, count: Number(r.count), bytes: Number(r.bytes), fpiBytes: Number(r.fpiBytes) }));

/**
 * With BENCH_STATEMENTS_FILE=<path>: the workers' statements with their execution time, buffers and WAL
 * bytes (pg_stat_statements), and the buffers each index of "SyncRecord" touched during the run, as JSON.
 */
const writeStatementsFile = (file: string, data: unknown) => writeFile(file, JSON.stringify(data, null, 1));

export const runBackfillWorkers = async ({
  db,
  url,
  flowId,
  expected,
  label,
  workers,
  concurrency,
  timeoutMs,
  workerNodeArgs,
  observe,
  measure,
  probeIntervalMs = 500,
  stallMs,
}: {
  db: Db;
  url: string;
  flowId: string;
  /** records to be posted per object type */
  expected: { invoice: number; payment: number; "credit-memo": number };
  label: string;
  workers: number;
  concurrency: number;
  timeoutMs: number;
  workerNodeArgs?: string[];
  observe?: BackfillObserver;
  /** the database's name, its statement counter and the Postgres server's CPU clock (BenchContext) */
  measure?: { database: string; sqlStats?: SqlStats; postgresCpuSeconds?: () => number };
  /** how often the records' counts are read (each read is a GROUP BY over the flow's records) */
  probeIntervalMs?: number;
  /** give up when nothing moved for this long, whatever `timeoutMs` allows */
  stallMs?: number;
}) => {
  const workerUrl = measure?.sqlStats ? measure.sqlStats.workerUrl(url) : url;
  const procs = Array.from({ length: workers }, () => spawnWorker({ databaseUrl: workerUrl, concurrency, nodeArgs: workerNodeArgs }));
  observe?.workers?.(procs);
  const upDeadline = Date.now() + 60_000;
  while (procs.some((p) => !p.output().includes(" running ")) && Date.now() < upDeadline) {
    const dead = procs.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) throw new Error(`a worker exited before it ran (code ${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  if (measure?.sqlStats) await measure.sqlStats.reset(measure.database);
  const writes0 = await syncRecordWrites(db);
  const statementsFile = process.env.BENCH_STATEMENTS_FILE;
  const indexBlocks0 = statementsFile ? await syncRecordIndexBlocks(db) : undefined;
  const walStart = statementsFile ? await walInsertLsn(db) : undefined;
  const benchCpu0 = process.cpuUsage();
  const cpu0 = procs.map((p) => p.cpuSeconds());
  const pgCpu0 = measure?.postgresCpuSeconds?.() ?? NaN;
  const started = Date.now();
  observe?.syncStarted?.();
  await syncFlowNow({ db, flowId });
  let counts: Record<string, number> = {};
  let complete = true;
  let note: string | undefined;
  try {
    counts = await waitForSync({
      db,
      flowId,
      timeoutMs,
      intervalMs: probeIntervalMs,
      stallMs,
      onTick: (() => {
        let last = 0;
        return (c: Record<string, number>) => {
          observe?.progress?.(c);
          if (Date.now() - last < 10_000) return;
          last = Date.now();
          console.log(`  [${label}] ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(c)}`);
        };
      })(),
      // a bill run without payments (invoices only) has no payment/posted count at all
      done: (c) => (c["invoice/posted"] ?? 0) === expected.invoice && (c["payment/posted"] ?? 0) === expected.payment && (c["credit-memo/posted"] ?? 0) === expected["credit-memo"],
    });
  } catch (err) {
    complete = false;
    note = String(err).split("\n")[0]!.slice(0, 300);
    counts = Object.fromEntries(
      (await db.syncRecord.groupBy({ by: ["objectType", "status"], where: { flowId }, _count: true })).map((r) => [`${r.objectType}/${r.status}`, r._count as number]),
    );
  }
  const seconds = (Date.now() - started) / 1000;
  const benchCpu = process.cpuUsage(benchCpu0);
  const benchProcessCpuSeconds = (benchCpu.user + benchCpu.system) / 1e6;
  const workerCpuSeconds = procs.reduce((n, p, i) => n + p.cpuSeconds() - cpu0[i]!, 0);
  const postgresCpuSeconds = (measure?.postgresCpuSeconds?.() ?? NaN) - pgCpu0;
  const statementCounts = measure?.sqlStats ? await measure.sqlStats.read(measure.database).catch(() => undefined) : undefined;
  if (!complete || process.env.BENCH_DEBUG) for (const p of procs) console.log(p.output().slice(-3000));
  await Promise.all(procs.map((p) => p.kill("SIGTERM")));
  const writes1 = await syncRecordWrites(db);
  const syncRecordUpdates = { updates: writes1.updates - writes0.updates, hot: writes1.hot - writes0.hot };
  if (statementsFile && indexBlocks0) {
    const indexBlocks1 = await syncRecordIndexBlocks(db);
    const wal = walStart ? await walStats(db, walStart) : undefined;
    await writeStatementsFile(statementsFile, {
      label,
      syncRecordUpdates,
      postgresCpuSeconds,
      wal,
      indexBlocks: [...indexBlocks1].map(([index, n]) => ({ index, blocks: n - (indexBlocks0.get(index) ?? 0) })).sort((a, b) => b.blocks - a.blocks),
      statements: [...(statementCounts ?? [])].sort((a, b) => b.totalMs - a.totalMs),
    });
  }
  const posted = Object.entries(counts).filter(([k]) => k.endsWith("/posted")).reduce((n, [, v]) => n + v, 0);
  const failed = Object.entries(counts).filter(([k]) => k.endsWith("/failed")).reduce((n, [, v]) => n + v, 0);
  const last = await db.syncRecord.aggregate({ where: { flowId, status: "posted" }, _max: { postedAt: true } });
  const secondsToLastPosted = last._max.postedAt ? (last._max.postedAt.getTime() - started) / 1000 : NaN;
  const statements: StatementSummary | undefined = statementCounts ? summariseStatements(statementCounts, posted) : undefined;
  return { procs, counts, complete, note, seconds, posted, failed, workerCpuSeconds, postgresCpuSeconds, statements, secondsToLastPosted, syncRecordUpdates, benchProcessCpuSeconds };
};
