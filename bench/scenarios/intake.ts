import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { createConnection } from "../../lib/connections/create-connection";
import { mb, type BenchContext } from "../lib/context";
import { BENCH_CALLOUT_SECRET, root } from "../lib/stack";
import { freePort } from "../../scripts/embedded-postgres";

export type IntakeResult = {
  scenario: string;
  seconds: number;
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
  serverPeakRssMb: number;
  /**
   * The framework's ceiling on the same server, connections and machine: GET on the webhook URL, which
   * the route answers 405 after Next's routing and its API-route dispatch with a method check and
   * nothing else (no body read, no database). Acknowledged/s can at most approach this.
   */
  ceilingPerSecond: number;
  ceilingP99Ms: number;
  /** CPU time of the server process per request: callouts, and the 405 ceiling (less noisy than rates on a shared machine) */
  serverCpuUsPerCallout: number;
  serverCpuUsPerCeilingRequest: number;
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

/**
 * Webhook intake: autocannon against the PRODUCTION build (`next start`), each request a signed
 * Zuora callout with its own Zuora-Notification-Id (so each one is verified, recorded and queued, not
 * deduplicated). Builds the app first when .next holds no build. Acknowledged = HTTP 200. Then the
 * same load as GETs the route answers 405 to at once, for the framework's own ceiling on this machine.
 */
export const webhookIntake = async (ctx: BenchContext, { seconds, connections = 20 }: { seconds: number; connections?: number }): Promise<IntakeResult> => {
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
  const server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
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
    // warm-up (first requests compile nothing in production, but open pools and JIT)
    await autocannon({ url: target, method: "POST", connections: 4, amount: 200, body, headers: { "content-type": "application/json", "x-zuora-signature": signature } });
    const before = await db.inboundEvent.count();
    const cpuBefore = cpuMsOf(server.pid!);
    let n = 0;
    const result = await autocannon({
      url: target,
      method: "POST",
      connections,
      duration: seconds,
      body,
      headers: { "content-type": "application/json", "x-zuora-signature": signature },
      requests: [
        {
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            headers: { ...req.headers, "zuora-notification-id": `bench-${process.pid}-${n++}` },
          }),
        },
      ],
    });
    const cpuCallouts = cpuMsOf(server.pid!) - cpuBefore;
    const inboundEvents = (await db.inboundEvent.count()) - before;
    const ceilingSeconds = Math.max(3, Math.round(seconds / 2));
    await autocannon({ url: target, method: "GET", connections: 4, amount: 200 });
    const cpuBeforeCeiling = cpuMsOf(server.pid!);
    const ceiling = await autocannon({ url: target, method: "GET", connections, duration: ceilingSeconds });
    const cpuCeiling = cpuMsOf(server.pid!) - cpuBeforeCeiling;
    const ok = result["2xx"];
    return {
      scenario: "webhook-intake",
      seconds,
      connections,
      acknowledgedPerSecond: Math.round(ok / seconds),
      p50Ms: result.latency.p50,
      p97_5Ms: result.latency.p97_5,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors,
      inboundEvents,
      acknowledged: ok,
      serverPeakRssMb: mb(peak),
      ceilingPerSecond: Math.round(ceiling["4xx"] / ceilingSeconds),
      ceilingP99Ms: ceiling.latency.p99,
      serverCpuUsPerCallout: Math.round((cpuCallouts * 1000) / Math.max(1, result.requests.total)),
      serverCpuUsPerCeilingRequest: Math.round((cpuCeiling * 1000) / Math.max(1, ceiling.requests.total)),
    };
  } finally {
    clearInterval(sampler);
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
  }
};
