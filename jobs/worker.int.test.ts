import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../test/db";
import { enqueueJob } from "../lib/sync/enqueue-job";
import { ensureWorkerBundle, workerCommand } from "../scripts/worker-build";
import { heartbeatTask } from "./heartbeat";

const root = path.resolve(import.meta.dirname, "..");

const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out");
};

describe("worker process (npm run worker)", () => {
  let t: TestDb;
  let worker: ChildProcess;
  let output = "";

  beforeAll(async () => {
    t = await createTestDb();
    // as npm run worker starts it: the bundle (rebuilt if a source changed) with the worker's node flags
    await ensureWorkerBundle();
    const { command, args, env } = workerCommand({ ...process.env, DATABASE_URL: t.url, NODE_ENV: "test" });
    worker = spawn(command, args, {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    worker.stdout!.on("data", (d) => (output += d));
    worker.stderr!.on("data", (d) => (output += d));
  });
  afterAll(async () => {
    if (worker.exitCode === null) worker.kill("SIGKILL");
    await t.drop();
  });

  it("runs the heartbeat job it enqueues at start", async () => {
    const beat = await waitFor(async () => (await t.db.workerHeartbeat.findFirst()) ?? undefined);
    expect(beat.pid).toBe(worker.pid);
  });

  it("picks up a job enqueued by another process and runs it", async () => {
    await t.db.workerHeartbeat.deleteMany();
    await enqueueJob(t.db, heartbeatTask({ workerId: "enqueuer", hostname: "x", pid: 0, startedAt: new Date() }), {});
    // the job is gone from the queue once it ran (the worker's 15 s heartbeat timer can write a beat
    // before the job does, so the beat alone does not prove the job ran)
    await waitFor(async () => {
      const left = await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'heartbeat'`;
      return Number(left[0]!.n) === 0 ? true : undefined;
    });
    const beat = await waitFor(async () => (await t.db.workerHeartbeat.findFirst()) ?? undefined);
    expect(beat.pid).toBe(worker.pid);
  });

  it("stops cleanly on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)));
    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("finishing running jobs");
  });
});
