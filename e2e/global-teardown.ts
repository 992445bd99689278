import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Stops the run's embedded Postgres (fast shutdown) after the tests. scripts/start.ts is meant to
 * stop it when Playwright sends SIGTERM, but Postgres runs in its own process group, and a server
 * left behind in this run's throw-away folder would hold PG_PORT and disk until someone kills it.
 */
const globalTeardown = async () => {
  const dataDir = process.env.E2E_DATA_DIR;
  if (process.env.E2E_BASE_URL || !dataDir) return;
  const pidFile = path.join(dataDir, "pg", "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  console.warn(`[e2e] the Postgres of ${dataDir} (pid ${pid}) did not stop within 10 s`);
};

export default globalTeardown;
