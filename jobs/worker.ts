import { EventEmitter } from "node:events";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { db } from "../lib/db";
import { releaseShares } from "../lib/http/limits";
import { env } from "../lib/env";
import { logger } from "../lib/logger";
import { recordHeartbeat } from "../lib/workers/record-heartbeat";
import { createWorkerIdentity } from "../lib/workers/worker-identity";

const HEARTBEAT_INTERVAL_MS = 15_000;
/** How long a replaced job runner's pool stays open for its late reports (see startRunner). */
const LATE_REPORTS_MS = 60_000;
/** The longest a starting worker waits for its warm-up (warmFlows) before it takes jobs: a vendor that does not answer must not keep it idle. */
const WARM_UP_MAX_MS = 5_000;

/**
 * Postgres went away (restart, failover, network): pg's admin-shutdown codes, class 08, socket errors,
 * and a Unix-domain socket whose file is gone while the server is down (connect ENOENT).
 */
const isConnectionLoss = (err: unknown): boolean => {
  const field = (name: string) => (typeof err === "object" && err !== null && name in err ? String((err as Record<string, unknown>)[name]) : "");
  const code = field("code");
  if (/^(57P0[123]|08...)$/.test(code) || ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"].includes(code)) return true;
  if (code === "ENOENT" && field("syscall") === "connect") return true;
  const message = err instanceof Error ? err.message : String(err);
  return /terminating connection|Connection terminated|connection error|server closed the connection|the database system is (starting up|shutting down)|ECONNREFUSED|ECONNRESET|57P01/i.test(message);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
import { enqueueJob } from "../lib/sync/enqueue-job";
import { heartbeatTask } from "./heartbeat";
import { createTaskList, cronItems } from "./index";
import { startLiveness } from "./worker-liveness";
import { warmFlows } from "../lib/sync/warm-flows";

/**
 * The worker process (`npm run worker`). Run as many as you like against one Postgres: graphile-worker
 * hands each job to exactly one of them. Stops gracefully on SIGINT/SIGTERM: running jobs finish first.
 */
const main = async () => {
  const { DATABASE_URL, WORKER_CONCURRENCY } = env();
  if (!DATABASE_URL) {
    logger.error("ml-connector worker: DATABASE_URL is not set (use `npm start`, or set DATABASE_URL to the app's database)");
    process.exit(2);
  }
  const identity = createWorkerIdentity();
  // Jobs of a worker process that died (SIGKILL, OOM) go back to the queue within seconds, not 4 hours.
  const liveness = startLiveness({ connectionString: DATABASE_URL });
  const events: WorkerEvents = new EventEmitter();
  // graphile-worker 0.17 locks jobs with the worker POOL's id (locked_by = "pool-…")
  const pools: string[] = [];
  events.on("pool:create", ({ workerPool }) => {
    pools.push(workerPool.id);
    liveness.hold(workerPool.id);
  });
  let stopping = false;
  let runner: Runner;
  let runnerPool: pg.Pool;
  const startRunner = async () => {
    // The runner's pool is ours, not graphile's: a runner replaced by recover() may still report the
    // jobs that failed in the outage (its batched completions) after stop() returned, and graphile
    // would have ended a pool of its own by then. Ours stays open until those reports are long done.
    runnerPool = new pg.Pool({ connectionString: DATABASE_URL, max: WORKER_CONCURRENCY + 2 });
    // an idle connection cut by a restart: the pool drops it (graphile's own handlers go with stop())
    runnerPool.on("error", (err) => logger.warn({ err: err.message }, "ml-connector worker: job runner connection lost"));
    runner = await run({
      pgPool: runnerPool,
      events,
      concurrency: WORKER_CONCURRENCY,
      taskList: createTaskList(identity),
      parsedCronItems: cronItems,
      noHandleSignals: true,
      pollInterval: 1000,
    });
    runner.promise.catch((err: unknown) => recover(err));
  };

  /*
   * Postgres restarted under us: graphile-worker's pool fails (in 0.17 an in-flight job completion can
   * even reject unhandled). Instead of dying, replace the runner: stop the broken one, give up its pool
   * id (its locked jobs become recoverable by any liveness sweep), wait for the database, start afresh.
   */
  let restarting: Promise<void> | null = null;
  const recover = (err: unknown) => {
    if (stopping || restarting) return;
    restarting = (async () => {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, "ml-connector worker: lost the database; restarting the job runner once it is back");
      const old = pools.splice(0);
      const oldPool = runnerPool;
      await Promise.race([Promise.resolve(runner?.stop()).catch(() => {}), sleep(10_000)]);
      setTimeout(() => void oldPool.end().catch(() => {}), LATE_REPORTS_MS).unref();
      await liveness.release(old).catch(() => {});
      for (let attempt = 1; !stopping; attempt++) {
        try {
          await db().$queryRaw`SELECT 1`;
          await startRunner();
          logger.info({ pools, attempt }, `ml-connector worker: job runner restarted (${pools.join(", ")}) after ${attempt} attempt(s)`);
          await liveness.sweep().catch(() => {});
          return;
        } catch {
          await sleep(Math.min(500 * attempt, 5_000));
        }
      }
    })().finally(() => {
      restarting = null;
    });
  };
  const onFatal = (kind: string) => (err: unknown) => {
    if (isConnectionLoss(err)) return recover(err);
    logger.fatal({ err }, `ml-connector worker: ${kind}`);
    process.exit(1);
  };
  process.on("unhandledRejection", onFatal("unhandled rejection"));
  process.on("uncaughtException", onFatal("uncaught exception"));

  // Connections, vendor tokens and per-process caches first, so the first jobs (a callout arriving
  // right after a deploy) do not pay for them.
  const warmUp = warmFlows({ db: db(), connections: WORKER_CONCURRENCY + 2 }).catch((err: unknown) => {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "ml-connector worker: warm-up failed; the first jobs pay for it");
    return null;
  });
  const warmed = await Promise.race([warmUp, sleep(WARM_UP_MAX_MS).then(() => "timed out" as const)]);
  logger.info({ warmUp: warmed }, "ml-connector worker: warmed up");
  await startRunner();
  await liveness.sweep().catch((err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "ml-connector worker: first liveness sweep failed"));
  await enqueueJob(db(), heartbeatTask(identity), {}, { jobKey: `heartbeat:start:${identity.workerId}` });
  // The heartbeat job proves the job loop runs; this timer keeps a busy worker (every slot taken by
  // long vendor calls) from looking dead to /api/health while it works through a backlog.
  const beat = setInterval(() => void recordHeartbeat({ db: db(), identity }).catch(() => {}), HEARTBEAT_INTERVAL_MS);
  logger.info({ workerId: identity.workerId, concurrency: WORKER_CONCURRENCY, pools }, `ml-connector worker ${identity.workerId} running (concurrency ${WORKER_CONCURRENCY}, ${pools.join(", ")})`);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "ml-connector worker: finishing running jobs");
    clearInterval(beat);
    await restarting?.catch(() => {});
    await Promise.resolve(runner.stop()).catch(() => {});
    // the jobs' vendor calls have ended: this process's shares of the connections' concurrency slots go
    // back now, so the other workers need not wait for their leases to lapse
    await releaseShares({ db: db(), waitMs: 5_000 }).catch((err: unknown) =>
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, "ml-connector worker: could not give its vendor slots back; they lapse with their lease"),
    );
    await runnerPool.end().catch(() => {});
    await liveness.stop();
    await db().$disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  // the process lives on its timers and sockets; a failed runner is replaced by recover()
};

main().catch((error) => {
  logger.fatal({ err: error instanceof Error ? error.message : String(error) }, "ml-connector worker failed");
  process.exit(1);
});
