import { Logger, runOnce, type TaskList } from "graphile-worker";
import type { TestDb } from "./db";

const quiet = new Logger(() => () => {});

/**
 * Runs the test database's jobs with these tasks until none is runnable (runOnce stops when a fetch
 * comes back empty, even if a job it ran added more); throws when jobs keep coming after 20 rounds.
 */
export const drainJobs = async (t: Pick<TestDb, "url" | "db">, taskList: TaskList) => {
  for (let round = 0; round < 20; round++) {
    await runOnce({ connectionString: t.url, concurrency: 1, logger: quiet, taskList });
    const [ready] = await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE run_at <= now() AND locked_at IS NULL AND attempts < max_attempts`;
    if (Number(ready!.n) === 0) return;
  }
  throw new Error("jobs kept coming");
};
