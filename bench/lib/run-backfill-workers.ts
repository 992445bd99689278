import type { Db } from "../../lib/db";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import { spawnWorker, waitForSync, type WorkerProcess } from "./stack";

/*
 * The part every backfill scenario shares: worker processes started (start-up is not sync time),
 * `Sync now`, and a wait until every expected record is posted, with the counts reached otherwise.
 */

export type BackfillObserver = { workers?: (procs: WorkerProcess[]) => void; syncStarted?: () => void; progress?: (counts: Record<string, number>) => void };

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
}) => {
  const procs = Array.from({ length: workers }, () => spawnWorker({ databaseUrl: url, concurrency, nodeArgs: workerNodeArgs }));
  observe?.workers?.(procs);
  const upDeadline = Date.now() + 60_000;
  while (procs.some((p) => !p.output().includes(" running ")) && Date.now() < upDeadline) {
    const dead = procs.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) throw new Error(`a worker exited before it ran (code ${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }

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
      intervalMs: 500,
      onTick: (() => {
        let last = 0;
        return (c: Record<string, number>) => {
          observe?.progress?.(c);
          if (Date.now() - last < 10_000) return;
          last = Date.now();
          console.log(`  [${label}] ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(c)}`);
        };
      })(),
      done: (c) => c["invoice/posted"] === expected.invoice && c["payment/posted"] === expected.payment && (c["credit-memo/posted"] ?? 0) === expected["credit-memo"],
    });
  } catch (err) {
    complete = false;
    note = String(err).split("\n")[0]!.slice(0, 300);
    counts = Object.fromEntries(
      (await db.syncRecord.groupBy({ by: ["objectType", "status"], where: { flowId }, _count: true })).map((r) => [`${r.objectType}/${r.status}`, r._count as number]),
    );
  }
  const seconds = (Date.now() - started) / 1000;
  if (!complete || process.env.BENCH_DEBUG) for (const p of procs) console.log(p.output().slice(-3000));
  await Promise.all(procs.map((p) => p.kill("SIGTERM")));
  const posted = Object.entries(counts).filter(([k]) => k.endsWith("/posted")).reduce((n, [, v]) => n + v, 0);
  const failed = Object.entries(counts).filter(([k]) => k.endsWith("/failed")).reduce((n, [, v]) => n + v, 0);
  return { procs, counts, complete, note, seconds, posted, failed };
};
