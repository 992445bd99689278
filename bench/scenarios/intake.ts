import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createConnection } from "../../lib/connections/create-connection";
import { mb, type BenchContext } from "../lib/context";
import { BENCH_CALLOUT_SECRET, root } from "../lib/stack";
import { freePort } from "../../scripts/embedded-postgres";

/**
 * callouts: signed Zuora callouts on the webhook route; ceiling: GETs on the same URL (405); floor: the same
 * POSTs (body, headers) on the route's bench-only floor, which reads the body and answers as the callout does;
 * deferredFloor: the same answered 3 ms later, after the handler has returned, as a callout is answered once
 * its statement commits (under `next start` that costs Next less than answering inside the handler: bench/README.md).
 */
export type IntakeKind = "callouts" | "ceiling" | "floor" | "deferredFloor";

export type IntakeRound = {
  /** warm-up rounds are numbered from -(warm-up rounds) up to 0 and left out of every figure */
  round: number;
  kind: IntakeKind;
  seconds: number;
  perSecond: number;
  p99Ms: number;
  serverCpuUsPerRequest: number;
  postgresCpuUsPerRequest: number;
  loadAverage1m: number;
};

export type IntakeResult = {
  scenario: string;
  /** rounds of each kind, alternated on one server (the order rotated every round) */
  rounds: number;
  secondsPerRound: number;
  connections: number;
  acknowledgedPerSecond: number;
  p50Ms: number;
  p97_5Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  inboundEvents: number;
  acknowledged: number;
  /** acknowledged callouts whose InboundEvent row or process-callout job is missing (must be 0) */
  lost: number;
  serverPeakRssMb: number;
  /**
   * The framework's ceiling on the same server, connections and machine: GET on the webhook URL, which
   * the route answers 405 after Next's routing and its API-route dispatch with a method check and
   * nothing else (no body read, no database). Acknowledged/s can at most approach this.
   */
  ceilingPerSecond: number;
  ceilingP99Ms: number;
  /** median over the rounds of (callouts/s) / (ceiling/s of the same round): the figure */
  throughputRatio: number;
  /**
   * The framework's floor for a POST with a body on the same route (BENCH_INTAKE_FLOOR): the callout's own
   * request read by the route's own body reader and answered with the callout's acknowledgement, nothing
   * verified or stored. What Next and Node cost a callout before any of its work: the part of the 405's
   * rate no handler can keep.
   */
  floorPerSecond: number;
  /** median over the rounds of (floor/s) / (ceiling/s of the same round) */
  floorToCeilingRatio: number;
  /** median over the rounds of (callouts/s) / (floor/s of the same round): what verifying and the durable write keep of the floor */
  calloutsToFloorRatio: number;
  /** the floor answered 3 ms later, after the handler returned (deferredFloor), and the same two ratios for it */
  deferredFloorPerSecond: number;
  deferredFloorToCeilingRatio: number;
  calloutsToDeferredFloorRatio: number;
  /** CPU time of the server process per request: callouts, and the 405 ceiling (less noisy than rates on a shared machine) */
  serverCpuUsPerCallout: number;
  serverCpuUsPerCeilingRequest: number;
  serverCpuUsPerFloorRequest: number;
  serverCpuUsPerDeferredFloorRequest: number;
  /** serverCpuUsPerCeilingRequest / serverCpuUsPerCallout */
  cpuRatio: number;
  /** Postgres CPU per acknowledged callout (all backends: the insert, the job, the commit) */
  postgresCpuUsPerCallout: number;
  /** 1-minute load average over the rounds: lowest-highest */
  loadAverage: string;
  /** rounds of each kind run first, as the measured ones are, and discarded (their rows are in `detail`, round <= 0) */
  warmUpRounds: number;
  /** each round as measured (bench/results/intake.json) */
  detail: IntakeRound[];
};

/** user + system CPU of a process so far, in ms (Linux clock ticks of 10 ms) */
const cpuMsOf = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
};

const rssOf = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

const KINDS: IntakeKind[] = ["callouts", "ceiling", "floor", "deferredFloor"];

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Webhook intake: autocannon against the PRODUCTION build (`next start`), each request a signed
 * Zuora callout with its own Zuora-Notification-Id (so each one is verified, recorded and queued, not
 * deduplicated), acknowledged = HTTP 200; against the same load as GETs on the same URL, which the
 * route answers 405 at once: the framework's own ceiling; and the same signed POSTs on the route's
 * bench-only floor (the server is started with BENCH_INTAKE_FLOOR), which reads the body as a callout's
 * and answers as a callout is answered, verifying and storing nothing: what Next and Node alone cost a
 * POST with a body and a 200 with one; and that floor answered 3 ms later (deferredFloor). The four kinds alternate on ONE server for `rounds` rounds each,
 * their order rotated every round (after `warmUpRounds` discarded rounds of each, so every kind is measured warm), so that
 * the load other processes put on a shared machine hits all alike; the figures are medians of the
 * per-round ratios (callouts to the 405, the floor to the 405, callouts to the floor), with the
 * server's and Postgres's CPU per request (steadier than rates on a shared machine) and the load
 * average of each round. Builds the app first when .next holds no build.
 *
 * BENCH_INTAKE_WARM_UP_ROUNDS (default 2): discarded rounds of each kind before the measured ones.
 * BENCH_INTAKE_SERVER_NODE_ARGS (space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`): node flags of
 * the server (a CPU profile is written when it stops at the end).
 */
export const webhookIntake = async (
  ctx: BenchContext,
  { seconds, rounds = 3, warmUpRounds = Number(process.env.BENCH_INTAKE_WARM_UP_ROUNDS ?? 2), connections = 20 }: { seconds: number; rounds?: number; warmUpRounds?: number; connections?: number },
): Promise<IntakeResult> => {
  if (!Number.isInteger(warmUpRounds) || warmUpRounds < 0) throw new Error("BENCH_INTAKE_WARM_UP_ROUNDS must be a whole number >= 0");
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    console.log("  no production build in .next: running next build (a few minutes)");
    const built = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, stdio: "inherit" });
    if (built.status !== 0) throw new Error("next build failed");
  }
  const { url: dbUrl, db } = await ctx.freshDb("intake");
  const connection = await createConnection({
    db,
    input: { vendor: "zuora", name: "Zuora (intake bench)", baseUrl: "http://127.0.0.1:9/zuora", settings: {}, secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: BENCH_CALLOUT_SECRET } },
  });
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_INTAKE_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      BENCH_INTAKE_FLOOR: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  server.stdout!.on("data", (d) => (out = (out + d).slice(-20_000)));
  server.stderr!.on("data", (d) => (out = (out + d).slice(-20_000)));
  let peak = 0;
  const sampler = setInterval(() => server.pid && (peak = Math.max(peak, rssOf(server.pid))), 200);
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const up = await fetch(`${base}/api/health`).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`next start did not come up: ${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const body = JSON.stringify({ EventType: "InvoicePosted", InvoiceId: "8a80aa0000000000000000000000beef", InvoiceNumber: "INV-BENCH" });
    const signature = createHmac("sha256", BENCH_CALLOUT_SECRET).update(body).digest("base64");
    const target = `${base}/api/webhooks/zuora/${connection.id}`;
    const headers = { "content-type": "application/json", "x-zuora-signature": signature };
    let n = 0;
    type Load = { duration: number } | { amount: number };
    const signedPosts = (url: string, load: Load) =>
      autocannon({
        url,
        method: "POST",
        connections,
        ...load,
        body,
        headers,
        requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, "zuora-notification-id": `bench-${process.pid}-${n++}` } }) }],
      });
    const run: Record<IntakeKind, (load: Load) => Promise<autocannon.Result>> = {
      callouts: (load) => signedPosts(target, load),
      ceiling: (load) => autocannon({ url: target, method: "GET", connections, ...load }),
      floor: (load) => signedPosts(`${base}/api/webhooks/bench-floor/${connection.id}`, load),
      deferredFloor: (load) => signedPosts(`${base}/api/webhooks/bench-floor-deferred/${connection.id}`, load),
    };
    const answeredOf = (kind: IntakeKind, result: autocannon.Result) => (kind === "ceiling" ? result["4xx"] : result["2xx"]);
    // every path answers as expected before anything is timed
    for (const kind of KINDS) {
      const first = await run[kind]({ amount: 200 });
      if (answeredOf(kind, first) === 0) throw new Error(`intake bench: the ${kind} requests got no expected answer (${first.non2xx} non-2xx)`);
    }

    const detail: IntakeRound[] = [];
    const results: Record<IntakeKind, autocannon.Result[]> = { callouts: [], ceiling: [], floor: [], deferredFloor: [] };
    const calloutResults = results.callouts;
    const ceilingResults = results.ceiling;
    let before = 0;
    const measure = async (round: number, kind: IntakeKind) => {
      const cpu0 = cpuMsOf(server.pid!);
      const pg0 = ctx.pg.cpuSeconds();
      const from = process.hrtime.bigint() / 1000n;
      const result = await run[kind]({ duration: seconds });
      // CLOCK_MONOTONIC in µs, the clock of a --cpu-prof profile's timestamps: to cut the server's profile by round
      if (nodeArgs.length > 0) console.log(`  round ${round} ${kind}: monotonic µs ${from}-${process.hrtime.bigint() / 1000n}`);
      const cpuMs = cpuMsOf(server.pid!) - cpu0;
      const pgMs = (ctx.pg.cpuSeconds() - pg0) * 1000;
      if (round > 0) results[kind].push(result);
      const answered = answeredOf(kind, result);
      const total = Math.max(1, result.requests.total);
      detail.push({
        round,
        kind,
        seconds,
        perSecond: Math.round(answered / seconds),
        p99Ms: result.latency.p99,
        serverCpuUsPerRequest: Math.round((cpuMs * 1000) / total),
        postgresCpuUsPerRequest: Math.round((pgMs * 1000) / total),
        loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
      });
    };
    // Warm-up rounds first, the same as the measured ones and discarded: with a warm-up of 2,000 requests per
    // kind, the 405 and the floors ran at 500-1,000/s in their first two measured rounds and 1,300-1,600/s after,
    // while the callouts were steady from the first (bench/README.md, "Warm against warm").
    for (let round = 1 - warmUpRounds; round <= rounds; round++) {
      if (round === 1) before = await db.inboundEvent.count();
      // the order rotates every round, so no kind always runs first or after the same other
      const order = KINDS.map((_, k) => KINDS[(((k + round - 1) % KINDS.length) + KINDS.length) % KINDS.length]!);
      for (const kind of order) await measure(round, kind);
    }
    console.table(detail);

    const acknowledged = calloutResults.reduce((s, r) => s + r["2xx"], 0);
    const inboundEvents = (await db.inboundEvent.count()) - before;
    // every acknowledged callout has its row and its job (rows without a job are lost work)
    const [{ lost }] = await db.$queryRawUnsafe<[{ lost: bigint }]>(
      `SELECT count(*) AS lost FROM "InboundEvent" e WHERE NOT EXISTS (SELECT 1 FROM graphile_worker.jobs j WHERE j.key = 'callout:' || e.id)`,
    );
    const sum = (rs: autocannon.Result[], f: (r: autocannon.Result) => number) => rs.reduce((s, r) => s + f(r), 0);
    const ofKind = (kind: IntakeKind) => detail.filter((d) => d.kind === kind && d.round > 0);
    /** median over the rounds of kind a's rate over kind b's in the same round */
    const ratioOf = (a: IntakeKind, b: IntakeKind) =>
      Number(median(ofKind(a).map((x) => x.perSecond / Math.max(1, ofKind(b).find((y) => y.round === x.round)!.perSecond))).toFixed(3));
    const cpuPerCallout = median(ofKind("callouts").map((d) => d.serverCpuUsPerRequest));
    const cpuPerCeiling = median(ofKind("ceiling").map((d) => d.serverCpuUsPerRequest));
    const loads = detail.filter((d) => d.round > 0).map((d) => d.loadAverage1m);
    const measuredSeconds = seconds * rounds;
    return {
      scenario: "webhook-intake",
      rounds,
      secondsPerRound: seconds,
      connections,
      acknowledgedPerSecond: Math.round(acknowledged / measuredSeconds),
      p50Ms: median(calloutResults.map((r) => r.latency.p50)),
      p97_5Ms: median(calloutResults.map((r) => r.latency.p97_5)),
      p99Ms: median(calloutResults.map((r) => r.latency.p99)),
      maxMs: Math.max(...calloutResults.map((r) => r.latency.max)),
      non2xx: sum(calloutResults, (r) => r.non2xx),
      errors: sum(calloutResults, (r) => r.errors),
      inboundEvents,
      acknowledged,
      lost: Number(lost) + Math.max(0, acknowledged - inboundEvents),
      serverPeakRssMb: mb(peak),
      ceilingPerSecond: Math.round(sum(ceilingResults, (r) => r["4xx"]) / measuredSeconds),
      ceilingP99Ms: median(ceilingResults.map((r) => r.latency.p99)),
      throughputRatio: ratioOf("callouts", "ceiling"),
      floorPerSecond: Math.round(sum(results.floor, (r) => r["2xx"]) / measuredSeconds),
      floorToCeilingRatio: ratioOf("floor", "ceiling"),
      calloutsToFloorRatio: ratioOf("callouts", "floor"),
      deferredFloorPerSecond: Math.round(sum(results.deferredFloor, (r) => r["2xx"]) / measuredSeconds),
      deferredFloorToCeilingRatio: ratioOf("deferredFloor", "ceiling"),
      calloutsToDeferredFloorRatio: ratioOf("callouts", "deferredFloor"),
      serverCpuUsPerCallout: cpuPerCallout,
      serverCpuUsPerCeilingRequest: cpuPerCeiling,
      serverCpuUsPerFloorRequest: median(ofKind("floor").map((d) => d.serverCpuUsPerRequest)),
      serverCpuUsPerDeferredFloorRequest: median(ofKind("deferredFloor").map((d) => d.serverCpuUsPerRequest)),
      cpuRatio: Number((cpuPerCeiling / Math.max(1, cpuPerCallout)).toFixed(3)),
      postgresCpuUsPerCallout: median(ofKind("callouts").map((d) => d.postgresCpuUsPerRequest)),
      loadAverage: `${Math.min(...loads)}-${Math.max(...loads)}`,
      warmUpRounds,
      detail,
    };
  } finally {
    clearInterval(sampler);
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
  }
};
