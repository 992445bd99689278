import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../test/db";
import { ensureWorkerBundleSync, workerCommand } from "../scripts/worker-build";
import { unlockDeadWorkers } from "./worker-liveness";

const root = path.resolve(import.meta.dirname, "..");

const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out");
};

/** A worker process as npm run worker starts it (its bundle, rebuilt if a source changed). */
const spawnWorkerProcess = (env: NodeJS.ProcessEnv) => {
  ensureWorkerBundleSync();
  const launch = workerCommand(env);
  return spawn(launch.command, launch.args, { cwd: root, env: launch.env, stdio: ["ignore", "pipe", "pipe"] });
};

/** A heartbeat job locked by `worker`, `ageSeconds` ago, as a worker that took it would leave it. */
const lockedJob = async (client: pg.Client, worker: string, ageSeconds: number) => {
  // one transaction: a live worker (woken by add_job's NOTIFY) must never see the job unlocked and take it itself
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM graphile_worker.add_job('heartbeat', '{}'::json, max_attempts => 1)`);
    const id = rows[0]!.id;
    await client.query(`UPDATE graphile_worker._private_jobs SET locked_by = $1, locked_at = now() - make_interval(secs => $2) WHERE id = $3`, [worker, ageSeconds, id]);
    await client.query("COMMIT");
    return id;
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  }
};

describe("recovering the jobs of dead worker processes", () => {
  let t: TestDb;
  let client: pg.Client;
  let alive: pg.Client;

  beforeAll(async () => {
    t = await createTestDb();
    client = new pg.Client({ connectionString: t.url });
    alive = new pg.Client({ connectionString: t.url });
    await Promise.all([client.connect(), alive.connect()]);
  });
  afterAll(async () => {
    await Promise.all([client?.end(), alive?.end()]);
    await t?.drop();
  });

  it("unlocks jobs of workers whose advisory lock nobody holds, keeps live and fresh ones", async () => {
    await client.query(`DELETE FROM graphile_worker._private_jobs`);
    const dead = await lockedJob(client, "worker-dead-1", 60);
    const live = await lockedJob(client, "worker-live-1", 60);
    const fresh = await lockedJob(client, "worker-fresh-1", 0);
    await alive.query(`SELECT pg_advisory_lock(hashtextextended('mlc-graphile-worker:worker-live-1', 0))`);

    expect(await unlockDeadWorkers(client, { graceMs: 5_000 })).toEqual(["worker-dead-1"]);
    const { rows } = await client.query<{ id: string; locked_by: string | null }>(`SELECT id, locked_by FROM graphile_worker._private_jobs ORDER BY id`);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.locked_by]))).toEqual({ [dead]: null, [live]: "worker-live-1", [fresh]: "worker-fresh-1" });

    // the sweep released the probe lock it took: a second sweep finds nothing more, the live lock is intact
    expect(await unlockDeadWorkers(client, { graceMs: 5_000 })).toEqual([]);
    await alive.query(`SELECT pg_advisory_unlock_all()`);
    expect(await unlockDeadWorkers(client, { graceMs: 5_000 })).toEqual(["worker-live-1"]);

    // the holder's own session: its try-lock would succeed (re-entrant), so its own ids are skipped
    const mine = await lockedJob(client, "worker-mine-1", 60);
    await alive.query(`SELECT pg_advisory_lock(hashtextextended('mlc-graphile-worker:worker-mine-1', 0))`);
    expect(await unlockDeadWorkers(alive, { graceMs: 5_000, own: new Set(["worker-mine-1"]) })).toEqual([]);
    expect((await client.query(`SELECT locked_by FROM graphile_worker._private_jobs WHERE id = $1`, [mine])).rows[0]).toEqual({ locked_by: "worker-mine-1" });
    await alive.query(`SELECT pg_advisory_unlock_all()`);
  });

  it("a live worker process never gives back its own running jobs", async () => {
    await client.query(`DELETE FROM graphile_worker._private_jobs`);
    const w = spawnWorkerProcess({ ...process.env, DATABASE_URL: t.url, NODE_ENV: "test", WORKER_CONCURRENCY: "1" });
    let output = "";
    w.stdout!.on("data", (d) => (output += d));
    w.stderr!.on("data", (d) => (output += d));
    try {
      await waitFor(async () => (output.includes(" running ") ? true : undefined));
      const pool = /(pool-[0-9a-f]+)\)/.exec(output)?.[1];
      expect(pool, output).toBeDefined();
      // a job its pool holds (as if running for a minute), then two of its own sweeps (start + 10 s interval) must keep it
      const job = await lockedJob(client, pool!, 60);
      await new Promise((r) => setTimeout(r, 11_000));
      expect((await client.query(`SELECT locked_by FROM graphile_worker._private_jobs WHERE id = $1`, [job])).rows[0]).toEqual({ locked_by: pool });
      expect(output).not.toContain("gave back");
    } finally {
      w.kill("SIGKILL");
      await new Promise((r) => w.once("exit", r));
    }
  }, 60_000);

  it("a worker process started after a SIGKILLed one runs the job the dead one had locked", async () => {
    await client.query(`DELETE FROM graphile_worker._private_jobs`);
    await t.db.workerHeartbeat.deleteMany();
    const spawnWorker = () => spawnWorkerProcess({ ...process.env, DATABASE_URL: t.url, NODE_ENV: "test", WORKER_CONCURRENCY: "2" });
    let output = "";
    const first: ChildProcess = spawnWorker();
    first.stdout!.on("data", (d) => (output += d));
    await waitFor(async () => (output.includes(" running ") ? true : undefined));
    // the live worker holds its pool's lock: a job locked under its pool id stays with it
    const pool = /\((?:concurrency \d+, )?(pool-[0-9a-f]+)\)/.exec(output)?.[1];
    expect(pool, output).toBeDefined();
    const orphan = await lockedJob(client, pool!, 60);
    expect(await unlockDeadWorkers(client, { graceMs: 0 })).toEqual([]);
    expect((await client.query(`SELECT locked_by FROM graphile_worker._private_jobs WHERE id = $1`, [orphan])).rows[0]).toEqual({ locked_by: pool });
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));

    // once its process is dead, the next worker process gives that job back and runs it
    const second = spawnWorker();
    let out2 = "";
    second.stdout!.on("data", (d) => (out2 += d));
    second.stderr!.on("data", (d) => (out2 += d));
    try {
      await waitFor(async () => {
        const { rows } = await client.query(`SELECT 1 FROM graphile_worker._private_jobs WHERE id = $1`, [orphan]);
        return rows.length === 0 ? true : undefined;
      }).catch((err: Error) => {
        throw new Error(`${err.message}; second worker printed:\n${out2}`);
      });
      // the job can finish before this process has read the line the worker wrote just before it
      await waitFor(async () => (out2.includes("gave back the jobs of") ? true : undefined), 5_000).catch(() => {});
      expect(out2, out2).toContain("gave back the jobs of");
    } finally {
      second.kill("SIGKILL");
      await new Promise((r) => second.once("exit", r));
    }
  }, 90_000);
});
