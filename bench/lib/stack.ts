import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createConnection } from "../../lib/connections/create-connection";
import type { Db, Prisma } from "../../lib/db";
import { migrate } from "../../lib/db/migrate";
import { ZUORA_ACUMATICA } from "../../lib/flows/zuora-acumatica/definition";
import { zuoraAcumaticaSettingsSchema, type ZuoraAcumaticaSettings } from "../../lib/flows/zuora-acumatica/mapping";
import { freePort, startEmbeddedPostgres, type EmbeddedPg } from "../../scripts/embedded-postgres";
import type { RunningSandbox } from "../../sandbox/index";
import { ensureWorkerBundleSync, WORKER_BUNDLE, workerCommand } from "../../scripts/worker-build";

/*
 * The real parts the reliability tests and benchmarks run on: an embedded Postgres of their own (so it
 * can be restarted without touching other tests), a Zuora -> Acumatica flow on real connections to a
 * sandbox, worker processes spawned exactly as `npm run worker` runs them, and waits on real state.
 * No vitest import here: bench/run.ts uses it as well.
 */

export const root = path.resolve(import.meta.dirname, "../..");

/** GL accounts of the demo catalogue's charges (sandbox/demo), by charge name. */
export const DEMO_GL_MAPS: Record<string, string> = {
  "Platform Subscription – Starter": "40100",
  "Platform Subscription – Business": "40100",
  "Platform Subscription – Enterprise": "40100",
  "Premium Support": "40200",
  "API Calls (per 1,000)": "40000",
  "Implementation Package": "40200",
  "Training Day": "40200",
};

/**
 * The demo's other value maps (sandbox/demo): the cash account of each currency (10200 USD, 10250
 * EUR), the payment method of each Zuora payment type, the tax of EUR documents (Zuora's VAT goes
 * into Acumatica's tax details as VAT19) and the tax zone of EUR customers.
 */
export const DEMO_VALUE_MAPS: Record<string, Record<string, string>> = {
  "cash-account": { USD: "10200", EUR: "10250" },
  "payment-method": { Electronic: "CARD", External: "CHECK" },
  tax: { EUR: "VAT19" },
  "tax-zone": { EUR: "EU-VAT" },
};

/** Value map rows of a flow: the GL maps given and DEMO_VALUE_MAPS (`except`: "kind/sourceKey" left out). */
export const demoValueMapRows = ({ flowId, glMaps = DEMO_GL_MAPS, except = [] }: { flowId: string; glMaps?: Record<string, string>; except?: string[] }) =>
  [
    ...Object.entries(glMaps).map(([sourceKey, targetValue]) => ({ flowId, kind: "gl-account", sourceKey, targetValue })),
    ...Object.entries(DEMO_VALUE_MAPS).flatMap(([kind, maps]) => Object.entries(maps).map(([sourceKey, targetValue]) => ({ flowId, kind, sourceKey, targetValue }))),
  ].filter((m) => !except.includes(`${m.kind}/${m.sourceKey}`));

export type OwnPostgres = EmbeddedPg & {
  url: string;
  dataDir: string;
  restart: (downMs?: number) => Promise<void>;
  destroy: () => Promise<void>;
  /** CPU time the server has used so far, user + system, its exited backends included (seconds) */
  cpuSeconds: () => number;
};

/** Clock ticks of a process: fields 14-17 of /proc/<pid>/stat (utime, stime, cutime, cstime), after "(comm)". */
const ticksOf = (pid: number | string) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return { ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) };
};

/**
 * CPU seconds of a Postgres cluster: the postmaster's own and its reaped children's (backends that
 * exited), plus its live children's. Linux /proc, 100 ticks a second.
 */
const postgresCpuSeconds = (clusterDir: string) => {
  try {
    const pid = Number(readFileSync(path.join(clusterDir, "postmaster.pid"), "utf8").split("\n")[0]);
    const main = ticksOf(pid);
    let ticks = main.own + main.children;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const t = ticksOf(entry);
        if (t.ppid === pid) ticks += t.own;
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks / 100;
  } catch {
    return NaN;
  }
};

/**
 * A throw-away embedded Postgres with one migrated database; `restart` stops and starts the same
 * cluster. `settings`: server settings (the bench loads pg_stat_statements); `socket: false`: clients
 * connect over TCP instead of the server's Unix-domain socket.
 */
export const startOwnPostgres = async ({ settings, socket }: { settings?: Record<string, string>; socket?: boolean } = {}): Promise<OwnPostgres> => {
  const parent = await mkdtemp(path.join(os.tmpdir(), "mlc-rel-pg-"));
  await chmod(parent, 0o755);
  const dataDir = path.join(parent, "pg");
  const password = randomBytes(12).toString("hex");
  const port = await freePort();
  let server = await startEmbeddedPostgres({ dataDir, port, password, persistent: true, settings, socket });
  const admin = new pg.Client({ connectionString: server.connectionString() });
  await admin.connect();
  await admin.query("CREATE DATABASE mlc");
  await admin.end();
  const url = server.connectionString("mlc");
  await migrate({ connectionString: url });
  return {
    get port() {
      return server.port;
    },
    get socketDir() {
      return server.socketDir;
    },
    connectionString: (db?: string) => server.connectionString(db),
    url,
    dataDir,
    stop: () => server.stop(),
    restart: async (downMs = 0) => {
      await server.stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      server = await startEmbeddedPostgres({ dataDir, port, password, persistent: true, settings, socket });
    },
    cpuSeconds: () => postgresCpuSeconds(server.dataDir),
    destroy: async () => {
      await server.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
};

export type FlowIds = { flowId: string; sourceConnectionId: string; targetConnectionId: string };

/** A Zuora -> Acumatica flow against `sandbox`, with every demo charge mapped. */
export const createSandboxFlow = async ({
  db,
  sandbox,
  settings = {},
  zuoraBaseUrl,
  acumaticaBaseUrl,
  acumaticaLimits,
  zuoraLimits,
}: {
  db: Db;
  sandbox: RunningSandbox;
  settings?: Partial<ZuoraAcumaticaSettings>;
  /** e.g. a proxy in front of the sandbox */
  zuoraBaseUrl?: string;
  acumaticaBaseUrl?: string;
  /** the connection's limits (connector defaults: Acumatica 120/min, 3 concurrent; Zuora 40/s, 20 concurrent) */
  acumaticaLimits?: { requestsPerMinute?: number; maxConcurrent?: number };
  zuoraLimits?: { requestsPerSecond?: number; maxConcurrent?: number };
}): Promise<FlowIds> => {
  const z = sandbox.credentials.zuora;
  const a = sandbox.credentials.acumatica;
  const source = await createConnection({
    db,
    input: { vendor: "zuora", name: "Zuora (sandbox)", baseUrl: zuoraBaseUrl ?? z.baseUrl, settings: { ...zuoraLimits }, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, calloutHmacSecret: BENCH_CALLOUT_SECRET } },
  });
  const target = await createConnection({
    db,
    input: {
      vendor: "acumatica",
      name: "Acumatica (sandbox)",
      baseUrl: acumaticaBaseUrl ?? a.baseUrl,
      settings: { endpointVersion: a.endpointVersion, tenant: a.tenant, ...acumaticaLimits },
      secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password },
    },
  });
  const flow = await db.flow.create({
    data: {
      kind: ZUORA_ACUMATICA,
      name: "reliability",
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
      enabled: true,
      schedule: null,
      backfillFrom: new Date(Date.now() - 86_400_000),
      settings: zuoraAcumaticaSettingsSchema.parse(settings) as Prisma.InputJsonValue,
    },
  });
  await db.valueMap.createMany({ data: demoValueMapRows({ flowId: flow.id }) });
  return { flowId: flow.id, sourceConnectionId: source.id, targetConnectionId: target.id };
};

export const BENCH_CALLOUT_SECRET = "bench-callout-secret-9Qw2";

export type WorkerProcess = {
  child: ChildProcess;
  output: () => string;
  /** largest resident set seen by the sampler (bytes) */
  peakRss: () => number;
  /** CPU time the process has used so far, user + system (seconds; last value seen once it exited) */
  cpuSeconds: () => number;
  /** resident set now (bytes) */
  rss: () => number;
  /** resident set over time: one sample a second (ms since spawn, bytes) */
  rssSamples: () => { atMs: number; rss: number }[];
  exited: Promise<number | null>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
};

const rssOf = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

const cpuOf = (pid: number): number | undefined => {
  try {
    // fields 14 and 15 (utime, stime) in clock ticks (100 per second on Linux), after the "(comm)" field
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
};

/** Workers still running: killed when the bench process ends, however it ends (an interrupted run left them and its Postgres behind). */
const liveWorkers = new Set<ChildProcess>();
process.on("exit", () => killAllWorkers());

/** Kills every worker this process spawned and has not seen exit. */
export const killAllWorkers = () => {
  for (const child of liveWorkers) child.kill("SIGKILL");
};

/**
 * A worker process exactly as `npm run worker` starts it (`node <flags> dist/worker.mjs`, the bundle
 * rebuilt first if a source changed: scripts/worker-build.ts) against `databaseUrl`. RSS is sampled
 * every 100 ms for the peak and kept once a second for the curve.
 */
export const spawnWorker = ({
  databaseUrl,
  concurrency = 4,
  env = {},
  nodeArgs,
}: {
  databaseUrl: string;
  concurrency?: number;
  env?: Record<string, string>;
  /** node flags instead of WORKER_NODE_FLAGS; with a script among them, the whole command line */
  nodeArgs?: string[];
}): WorkerProcess => {
  ensureWorkerBundleSync();
  const { command, args, env: workerEnv } = workerCommand({ ...process.env, DATABASE_URL: databaseUrl, WORKER_CONCURRENCY: String(concurrency), LOG_LEVEL: "warn", ...env });
  // nodeArgs naming a script replace the whole command line (e.g. "--import tsx jobs/worker.ts" to compare)
  const argv = !nodeArgs ? args : nodeArgs.some((a) => !a.startsWith("-") && /\.[cm]?[jt]s$/.test(a)) ? nodeArgs : [...nodeArgs, WORKER_BUNDLE];
  const child = spawn(command, argv, {
    cwd: root,
    env: workerEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  liveWorkers.add(child);
  let out = "";
  const keep = (d: Buffer) => {
    out += d.toString("utf8");
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let peak = 0;
  let cpu = 0;
  const samples: { atMs: number; rss: number }[] = [];
  const spawnedAt = Date.now();
  let tick = 0;
  const sampler = setInterval(() => {
    if (!child.pid) return;
    const rss = rssOf(child.pid);
    peak = Math.max(peak, rss);
    cpu = cpuOf(child.pid) ?? cpu;
    if (tick++ % 10 === 0 && rss > 0) samples.push({ atMs: Date.now() - spawnedAt, rss });
  }, 100);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      liveWorkers.delete(child);
      clearInterval(sampler);
      resolve(code);
    }),
  );
  return {
    child,
    output: () => out,
    peakRss: () => peak,
    rss: () => (child.pid ? rssOf(child.pid) : 0),
    cpuSeconds: () => (child.pid ? (cpu = cpuOf(child.pid) ?? cpu) : 0),
    rssSamples: () => samples,
    exited,
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
};

/** Jobs not finished: queued, running, or waiting for a retry (permanently failed ones excluded). */
export const openJobs = async (db: Db) => {
  const [row] = await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE (attempts < max_attempts OR locked_at IS NOT NULL) AND task_identifier NOT IN ('heartbeat', 'poll-due-flows')`;
  return Number(row!.n);
};

/** Records of a flow counted by "objectType/status". */
export const statusCounts = async (db: Db, flowId: string) => {
  const rows = await db.syncRecord.groupBy({ by: ["objectType", "status"], where: { flowId }, _count: true });
  return Object.fromEntries(rows.map((r) => [`${r.objectType}/${r.status}`, r._count as number] as const).sort(([a], [b]) => a.localeCompare(b))) as Record<string, number>;
};

/**
 * Waits until `done(counts)` holds and no flow job is open, twice in a row `intervalMs` apart. Errors
 * of a probe (database restarting) are retried until the deadline.
 */
export const waitForSync = async ({
  db,
  flowId,
  done,
  timeoutMs,
  intervalMs = 250,
  stallMs,
  onTick,
}: {
  db: Db;
  flowId: string;
  done: (counts: Record<string, number>) => boolean;
  timeoutMs: number;
  intervalMs?: number;
  /** also give up when the counts have not changed for this long (a long run that still moves goes on to `timeoutMs`) */
  stallMs?: number;
  onTick?: (counts: Record<string, number>) => void;
}) => {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last: Record<string, number> = {};
  let lastError: unknown;
  let movedAt = Date.now();
  while (Date.now() < deadline && (stallMs === undefined || Date.now() - movedAt < stallMs)) {
    try {
      const counts = await statusCounts(db, flowId);
      if (JSON.stringify(counts) !== JSON.stringify(last)) movedAt = Date.now();
      last = counts;
      onTick?.(last);
      quiet = done(last) && (await openJobs(db)) === 0 ? quiet + 1 : 0;
      if (quiet >= 2) return last;
    } catch (err) {
      lastError = err;
      quiet = 0;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const jobs = await db.$queryRaw<unknown[]>`
    SELECT task_identifier, queue_name, attempts, max_attempts, left(last_error, 300) AS last_error, run_at, locked_at, locked_by
    FROM graphile_worker.jobs WHERE task_identifier NOT IN ('heartbeat', 'poll-due-flows') ORDER BY locked_at NULLS LAST, run_at LIMIT 8`.catch((e: unknown) => String(e));
  const stuck = await db.syncRecord
    .findMany({ where: { flowId, status: { not: "posted" } }, select: { objectType: true, naturalKey: true, status: true, statusReason: true, lastError: true }, take: 5 })
    .catch((e: unknown) => String(e));
  const why = Date.now() >= deadline ? `not done after ${timeoutMs} ms` : `no progress for ${stallMs} ms`;
  throw new Error(
    `sync ${why}: ${JSON.stringify(last)}${lastError ? ` (last probe error: ${String(lastError)})` : ""}\njobs: ${JSON.stringify(jobs, null, 1)}\nnot posted: ${JSON.stringify(stuck, null, 1)}`,
  );
};

/**
 * Records whose trail is not complete: it must start with `received`, hold `fetched`, `mapped` and an
 * `attempt` before `posted`, and end with the one `posted` (failed attempts and holds may come between).
 */
export const incompleteTrails = async (db: Db, flowId: string) => {
  const rows = await db.$queryRaw<{ id: string; naturalKey: string | null; kinds: string[] }[]>`
    SELECT r.id, r."naturalKey", array_agg(e.kind::text ORDER BY e.id) AS kinds
    FROM "SyncRecord" r JOIN "RecordEvent" e ON e."recordId" = r.id
    WHERE r."flowId" = ${flowId}::uuid GROUP BY r.id, r."naturalKey"`;
  const bad: string[] = [];
  for (const r of rows) {
    const posted = r.kinds.indexOf("posted");
    const before = (k: string) => {
      const i = r.kinds.indexOf(k);
      return i >= 0 && i < posted;
    };
    const ok = r.kinds[0] === "received" && before("fetched") && before("mapped") && before("attempt") && posted === r.kinds.length - 1 && r.kinds.filter((k) => k === "posted").length === 1;
    if (!ok) bad.push(`${r.naturalKey ?? r.id}: ${r.kinds.join(",")}`);
  }
  return bad;
};
