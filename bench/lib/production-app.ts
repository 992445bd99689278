import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { signInByApi } from "../../e2e/fixtures";
import { E2E_ADMIN } from "../../e2e/support";
import { freePort } from "../../scripts/embedded-postgres";
import { root } from "./stack";

export type ProductionApp = {
  baseURL: string;
  pgPort: number;
  sandboxPort: number;
  /** requests signed in as the first admin (its storage state signs a browser context in) */
  api: APIRequestContext;
  /** stops the app (web, worker, sandbox, then its Postgres) and waits up to 30 s for it */
  stop: () => Promise<void>;
};

/**
 * The production build (`npx next build` first) started as `npm start` starts it, with its embedded Postgres
 * in `dataDir`, on free ports; resolves once /api/health answers and the first admin is signed in.
 * `env` adds to the app's environment (e.g. TZ); its output goes to `log`, or nowhere.
 */
export const startProductionApp = async ({ dataDir, timeoutMs, env = {}, log }: { dataDir: string; timeoutMs: number; env?: Record<string, string>; log?: Writable }): Promise<ProductionApp> => {
  const [port, pgPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
  const baseURL = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    stdio: log ? ["ignore", "pipe", "pipe"] : "ignore",
    env: {
      ...process.env,
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      PG_PORT: String(pgPort),
      SANDBOX_PORT: String(sandboxPort),
      NEXTAUTH_URL: baseURL,
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      DATABASE_URL: "",
    },
  });
  if (log) {
    app.stdout?.pipe(log);
    app.stderr?.pipe(log);
  }
  const exited = new Promise<void>((resolve) => app.once("exit", () => resolve()));
  const api = await playwrightRequest.newContext({ baseURL });
  const stop = async () => {
    await api.dispose().catch(() => {});
    app.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  };
  try {
    const deadline = Date.now() + Math.min(timeoutMs, 5 * 60_000);
    while (!(await api.get("/api/health").then((r) => r.ok(), () => false))) {
      if (Date.now() > deadline || app.exitCode !== null) throw new Error("the app did not answer /api/health in time");
      await new Promise((r) => setTimeout(r, 1000));
    }
    await signInByApi(api, E2E_ADMIN);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseURL, pgPort, sandboxPort, api, stop };
};
