import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { createDb } from "../lib/db";
import { migrate } from "../lib/db/migrate";
import { env } from "../lib/env";
import { ensureFirstAdmin } from "../lib/users/ensure-first-admin";
import { startChild, stopChild, type Child } from "./children";
import { EmbeddedPgError, isPortFree, startEmbeddedPostgres, type EmbeddedPg } from "./embedded-postgres";
import { loadOrCreateLocalSecrets } from "./local-secrets";
import { ensureWorkerBundle, workerCommand } from "./worker-build";

/**
 * `npm start`: everything a finance admin needs on one machine.
 * - No DATABASE_URL: an embedded Postgres with its data under DATA_DIR (kept across restarts), a
 *   generated credentials key and session secret, and the vendor sandbox with demo data.
 * - DATABASE_URL set: that database; ML_CONNECTOR_KEY and NEXTAUTH_SECRET must be given.
 * Then: migrations, the first admin on an empty database, a production build if there is none (and
 * the worker bundle if it is missing or stale), the web app and one worker. Ctrl-C stops them all, Postgres last.
 */

const root = path.resolve(import.meta.dirname, "..");
const DATABASE_NAME = "ml_connector";

const say = (message: string) => console.log(`[start] ${message}`);

class StartError extends Error {}

const ensureDatabase = async (adminUrl: string) => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
};

const runToCompletion = (name: string, command: string, args: string[], childEnv: NodeJS.ProcessEnv) =>
  new Promise<void>((resolve, reject) => {
    const child = startChild({ name, command, args, env: childEnv, onUnexpectedExit: () => {} });
    void child.exited.then((code) => (code === 0 ? resolve() : reject(new StartError(`${name} failed (exit code ${code})`))));
  });

/** Waits for the web app to answer and the worker to beat, so the banner comes when sign-in works. */
const waitUntilHealthy = async (url: string, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  say(`the app did not report healthy within ${timeoutMs / 1000} s; see the [web] and [worker] lines above`);
};

const children: Child[] = [];
let embedded: EmbeddedPg | undefined;
let shuttingDown = false;

/** Stops the children first (running jobs finish), then Postgres, then exits. */
const shutdown = async (reason: string, exitCode: number) => {
  if (shuttingDown) return;
  shuttingDown = true;
  if (children.length || embedded) say(`${reason}: stopping`);
  // Web and worker first (running jobs finish against live vendors), then the sandbox, then Postgres.
  await Promise.all(children.filter((c) => !c.isDetached).map((c) => stopChild(c)));
  await Promise.all(children.filter((c) => c.isDetached).map((c) => stopChild(c)));
  if (embedded) {
    await embedded.stop().catch((error: Error) => {
      console.error(`[start] ${error.message}`);
      exitCode = exitCode || 1;
    });
  }
  if (children.length || embedded) say("stopped");
  process.exit(exitCode);
};

const main = async () => {
  process.on("SIGINT", () => void shutdown("Ctrl-C", 0));
  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  const config = env();
  const dataDir = path.resolve(root, config.DATA_DIR);
  const isEmbedded = !config.DATABASE_URL;

  for (const [name, port] of [["PORT", config.PORT], ["SANDBOX_PORT", config.SANDBOX_PORT]] as const) {
    if ((name === "PORT" || isEmbedded || config.SANDBOX) && !(await isPortFree(port))) {
      throw new StartError(`Port ${port} (${name}) is already in use. Stop what uses it, or set ${name} to another port.`);
    }
  }

  let databaseUrl: string;
  let secrets: { key: string; nextauthSecret: string };
  if (isEmbedded) {
    const local = await loadOrCreateLocalSecrets(dataDir);
    say("starting the embedded Postgres");
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      port: config.PG_PORT,
      password: local.pgPassword,
      log: say,
    });
    say(`the embedded Postgres is up (data in ${embedded.dataDir})`);
    await ensureDatabase(embedded.connectionString());
    databaseUrl = embedded.connectionString(DATABASE_NAME);
    secrets = { key: config.ML_CONNECTOR_KEY ?? local.masterKey, nextauthSecret: config.NEXTAUTH_SECRET ?? local.nextauthSecret };
  } else {
    if (!config.ML_CONNECTOR_KEY || !config.NEXTAUTH_SECRET) {
      throw new StartError("With DATABASE_URL set, ML_CONNECTOR_KEY and NEXTAUTH_SECRET must be set too (see README, Configuration).");
    }
    databaseUrl = config.DATABASE_URL!;
    secrets = { key: config.ML_CONNECTOR_KEY, nextauthSecret: config.NEXTAUTH_SECRET };
  }

  const { applied } = await migrate({ connectionString: databaseUrl });
  say(applied.length ? `applied ${applied.length} migration(s)` : "database schema is up to date");

  const db = createDb(databaseUrl, { max: 2 });
  const admin = await ensureFirstAdmin({ db, email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  await db.$disconnect();

  const appUrl = config.NEXTAUTH_URL ?? `http://localhost:${config.PORT}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    ML_CONNECTOR_KEY: secrets.key,
    NEXTAUTH_SECRET: secrets.nextauthSecret,
    NEXTAUTH_URL: appUrl,
    PORT: String(config.PORT),
    DATA_DIR: dataDir,
  };
  const tsx = (script: string) => ["--import", "tsx", path.join(root, script)];
  const nextBin = path.join(root, "node_modules/next/dist/bin/next");

  if (!existsSync(path.join(root, ".next/BUILD_ID"))) {
    say("no production build yet: building the web app (once; about half a minute)");
    await runToCompletion("build", process.execPath, [nextBin, "build"], childEnv);
  }

  // the worker runs from its bundle (dist/worker.mjs), rebuilt here when a source file changed
  const bundle = await ensureWorkerBundle();
  if (bundle.built) say(`built the worker bundle (${bundle.built})`);

  const onUnexpectedExit = (name: string, code: number | null) => void shutdown(`${name} exited unexpectedly (code ${code})`, 1);
  if (isEmbedded || config.SANDBOX) {
    children.push(startChild({ name: "sandbox", command: process.execPath, args: tsx("sandbox/cli.ts"), env: { ...childEnv, SANDBOX_PORT: String(config.SANDBOX_PORT) }, onUnexpectedExit, isDetached: true }));
  }
  children.push(startChild({ name: "web", command: process.execPath, args: [nextBin, "start", "-p", String(config.PORT)], env: childEnv, onUnexpectedExit }));
  children.push(startChild({ name: "worker", ...workerCommand(childEnv), onUnexpectedExit }));

  if (isEmbedded || config.SANDBOX) {
    await runToCompletion("seed", process.execPath, tsx("scripts/seed-demo.ts"), { ...childEnv, SANDBOX_URL: `http://127.0.0.1:${config.SANDBOX_PORT}` });
  }
  await waitUntilHealthy(`http://127.0.0.1:${config.PORT}/api/health`);
  const login = admin.created
    ? `${admin.email} / ${admin.password ?? "(the ADMIN_PASSWORD you set)"}${admin.password ? "   <- shown once, write it down" : ""}`
    : "with your existing account (new users: npm run create-admin)";
  console.log(
    [
      "",
      "  ml-connector is running",
      `  App:      ${appUrl}`,
      `  Sign in:  ${login}`,
      ...(isEmbedded || config.SANDBOX ? [`  Sandbox:  http://127.0.0.1:${config.SANDBOX_PORT} (Zuora at /zuora, Acumatica at /acumatica)`] : []),
      `  Data:     ${embedded ? (embedded.dataDir === path.join(dataDir, "pg") ? dataDir : `${dataDir} (Postgres: ${embedded.dataDir})`) : "DATABASE_URL"}`,
      "  Health:   " + `${appUrl}/api/health`,
      "  Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
};

main().catch((error) => {
  const known = error instanceof StartError || error instanceof EmbeddedPgError;
  console.error(`\nml-connector could not start: ${error instanceof Error ? error.message : String(error)}`);
  if (!known && error instanceof Error && error.stack) console.error(error.stack);
  void shutdown("start-up failed", 1);
});
