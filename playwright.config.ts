import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { E2E_ADMIN } from "./e2e/support";

/**
 * e2e journeys in Debian's Chromium against a production build started by the real
 * `scripts/start.ts` (embedded Postgres, worker, sandbox) in a fresh data folder per run.
 * E2E_BASE_URL=http://host:port runs against an already running app instead (no webServer);
 * E2E_SKIP_BUILD=1 reuses the existing .next build (faster, but it may be stale).
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? `http://127.0.0.1:${PORT}`;


// Playwright evaluates this file again in each worker; the env var keeps one folder per run.
// Postgres runs as its own user when we are root, so the folder must be world-traversable.
if (!external && !process.env.E2E_DATA_DIR) {
  // Folders of earlier runs whose Postgres has stopped (no postmaster.pid) are only disk space.
  for (const name of readdirSync(os.tmpdir()).filter((n) => n.startsWith("mlc-e2e-"))) {
    const old = path.join(os.tmpdir(), name);
    if (!existsSync(path.join(old, "pg", "postmaster.pid"))) rmSync(old, { recursive: true, force: true });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "mlc-e2e-"));
  chmodSync(dir, 0o755);
  process.env.E2E_DATA_DIR = dir;
}

export default defineConfig({
  testDir: "e2e",
  globalTeardown: "./e2e/global-teardown.ts",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    },
  },
  projects: [
    { name: "api", testMatch: /api\.spec\.ts$/, use: { ...devices["Desktop Chrome"] } },
    { name: "ui", testIgnore: /api\.spec\.ts$/, use: { ...devices["Desktop Chrome"] } },
  ],
  webServer: external
    ? undefined
    : {
        // `exec`: start.ts must be the process that gets Playwright's SIGTERM and is waited for, so it
        // stops its embedded Postgres; behind a lingering `sh` it is orphaned and Postgres keeps running.
        command: process.env.E2E_SKIP_BUILD ? "exec npx tsx scripts/start.ts" : "npx next build && exec npx tsx scripts/start.ts",
        // /api/health answers 200 only once the database is up and a worker has beaten.
        url: `http://127.0.0.1:${PORT}/api/health`,
        timeout: 5 * 60_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
        env: {
          DATA_DIR: process.env.E2E_DATA_DIR!,
          PORT: String(PORT),
          PG_PORT: process.env.E2E_PG_PORT ?? "5544",
          SANDBOX_PORT: process.env.E2E_SANDBOX_PORT ?? "4110",
          NEXTAUTH_URL: baseURL,
          ADMIN_EMAIL: E2E_ADMIN.email,
          ADMIN_PASSWORD: E2E_ADMIN.password,
          DATABASE_URL: "",
          WORKER_STALE_SECONDS: "90",
        },
      },
});
