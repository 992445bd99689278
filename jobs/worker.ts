import { EventEmitter } from "node:events";
import { run, type WorkerEvents } from "graphile-worker";
import { db } from "../lib/db";
import { env } from "../lib/env";
import { recordHeartbeat } from "../lib/workers/record-heartbeat";
import { createWorkerIdentity } from "../lib/workers/worker-identity";

const HEARTBEAT_INTERVAL_MS = 15_000;
import { enqueueJob } from "../lib/sync/enqueue-job";
import { heartbeatTask } from "./heartbeat";
import { createTaskList, cronItems } from "./index";
import { startLiveness } from "./worker-liveness";

/**
 * The worker process (`npm run worker`). Run as many as you like against one Postgres: graphile-worker
 * hands each job to exactly one of them. Stops gracefully on SIGINT/SIGTERM: running jobs finish first.
 */
const main = async () => {
  const { DATABASE_URL, WORKER_CONCURRENCY } = env();
  if (!DATABASE_URL) {
    console.error("ml-connector worker: DATABASE_URL is not set (use `npm start`, or set DATABASE_URL to the app's database)");
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
  const runner = await run({
    connectionString: DATABASE_URL,
    events,
    concurrency: WORKER_CONCURRENCY,
    taskList: createTaskList(identity),
    parsedCronItems: cronItems,
    noHandleSignals: true,
    pollInterval: 1000,
  });
  await liveness.sweep().catch((err) => console.warn(`ml-connector worker: first liveness sweep failed: ${err instanceof Error ? err.message : err}`));
  await enqueueJob(db(), heartbeatTask(identity), {}, { jobKey: `heartbeat:start:${identity.workerId}` });
  // The heartbeat job proves the job loop runs; this timer keeps a busy worker (every slot taken by
  // long vendor calls) from looking dead to /api/health while it works through a backlog.
  const beat = setInterval(() => void recordHeartbeat({ db: db(), identity }).catch(() => {}), HEARTBEAT_INTERVAL_MS);
  console.log(`ml-connector worker ${identity.workerId} running (concurrency ${WORKER_CONCURRENCY}, ${pools.join(", ")})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`ml-connector worker: ${signal}, finishing running jobs`);
    clearInterval(beat);
    await runner.stop();
    await liveness.stop();
    await db().$disconnect();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  await runner.promise;
};

main().catch((error) => {
  console.error("ml-connector worker failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
