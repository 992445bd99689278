import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnPostgres, spawnWorker, type OwnPostgres, type WorkerProcess } from "../bench/lib/stack";
import { createDb, type Db } from "../lib/db";

/*
 * Postgres restarts under a running worker process (its own throw-away cluster, so other test files
 * are not touched): the process stays up, replaces its job runner once the database is back, and runs
 * jobs again, with no manual step.
 */
describe("worker process across a Postgres restart", () => {
  let pgs: OwnPostgres;
  let worker: WorkerProcess;
  let db: Db;

  beforeAll(async () => {
    pgs = await startOwnPostgres();
    db = createDb(pgs.url, { max: 2 });
    worker = spawnWorker({ databaseUrl: pgs.url, concurrency: 2, env: { LOG_LEVEL: "info" } });
    const deadline = Date.now() + 30_000;
    while (!worker.output().includes(" running ") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }, 60_000);
  afterAll(async () => {
    await worker?.kill();
    await db?.$disconnect();
    await pgs?.destroy();
  });

  it("stays up and runs a job enqueued after the restart", async () => {
    expect(worker.output()).toContain(" running ");
    await pgs.restart(2_000);
    // a job enqueued once the database is back must run (the heartbeat job writes a WorkerHeartbeat row)
    let ran = false;
    const deadline = Date.now() + 45_000;
    let enqueued = false;
    while (Date.now() < deadline && !ran) {
      try {
        if (!enqueued) {
          await db.workerHeartbeat.deleteMany();
          await db.$executeRaw`SELECT graphile_worker.add_job('heartbeat', '{}'::json, max_attempts => 1)`;
          enqueued = true;
        }
        ran = (await db.workerHeartbeat.count()) > 0;
      } catch {
        // the test's own pool reconnects too
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(worker.child.exitCode, worker.output().slice(-3000)).toBeNull();
    expect(ran, worker.output().slice(-3000)).toBe(true);
  }, 90_000);
});
