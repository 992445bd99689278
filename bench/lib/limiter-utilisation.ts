import http from "node:http";
import { z } from "zod";
import { createDb, type Db } from "../../lib/db";
import { PlainHttpClient } from "../../lib/http/vendor-client";
import { listenLocally } from "./listen-locally";
import { numberArg } from "./number-arg";
import { prepareSqlStats, SQL_STATS_SETTINGS } from "./sql-stats";
import { startOwnPostgres } from "./stack";

/*
 * How busy the shared vendor limiter (lib/http/limits.ts) keeps a connection's concurrency cap, alone
 * (issue 17: the invoices-only run at 50 ms used ~8.4 of 16 slots).
 *
 *   npx tsx bench/lib/limiter-utilisation.ts [--cap 16] [--latency 50] [--callers 12] [--gap 20] [--seconds 10]
 *
 * Two "processes" (two Db clients: the limiter keeps its state per Db) share one Postgres that counts
 * statements, and a loopback server that answers each call after `latency` ms and records the calls in
 * flight. Each process runs `callers` loops that each do some work of their own (a random 0-2×`gap` ms,
 * a record's statements between its calls) and then one call under the connection's limits (600,000/min,
 * `cap` at once), for `seconds`. With more callers than the cap, a limiter that keeps every slot busy
 * makes cap / latency calls a second; it prints calls/s against that, the mean calls in flight, the
 * share of time at the cap, and the limiter's statements per call.
 */

const main = async () => {
  const cap = numberArg("cap", 16);
  const latencyMs = numberArg("latency", 50);
  const callers = numberArg("callers", 12);
  const gapMs = numberArg("gap", 20);
  const seconds = numberArg("seconds", 10);
  const pg = await startOwnPostgres({ settings: SQL_STATS_SETTINGS });
  const stats = await prepareSqlStats(pg.connectionString());
  let inFlight = 0;
  let maxInFlight = 0;
  let area = 0;
  let atCapMs = 0;
  let changedAt = performance.now();
  const note = (d: number) => {
    const now = performance.now();
    area += inFlight * (now - changedAt);
    if (inFlight >= cap) atCapMs += now - changedAt;
    changedAt = now;
    inFlight += d;
    maxInFlight = Math.max(maxInFlight, inFlight);
  };
  const server = http.createServer((req, res) => {
    req.resume();
    note(1);
    setTimeout(() => {
      note(-1);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    }, latencyMs);
  });
  const baseUrl = await listenLocally(server);
  const dbs: Db[] = [createDb(stats.workerUrl(pg.url), { max: 10 }), createDb(stats.workerUrl(pg.url), { max: 10 })];
  try {
    const okSchema = z.object({ ok: z.literal(true) });
    const clients = dbs.map(
      (db) => new PlainHttpClient({ vendor: "acumatica", baseUrl, limits: { db, key: "acumatica-connection", requestsPerSecond: 600_000 / 60, burst: 5, maxConcurrent: cap } }),
    );
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const call = (c: PlainHttpClient) => c.request({ method: "PUT", path: "/entity/Invoice", body: { json: {} }, outputSchema: okSchema });
    // warm-up: slots inserted, statements prepared, then counting from zero
    await Promise.all(clients.map(call));
    await pause(2_500);
    await stats.reset("mlc");
    let calls = 0;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    area = 0;
    atCapMs = 0;
    changedAt = started;
    await Promise.all(
      clients.flatMap((c) =>
        Array.from({ length: callers }, async () => {
          while (performance.now() < until) {
            await pause(Math.random() * 2 * gapMs);
            await call(c);
            calls++;
          }
        }),
      ),
    );
    note(0);
    const elapsedMs = performance.now() - started;
    const rows = await stats.read("mlc");
    const limiter = rows.filter((r) => /"Vendor(RateLimit|CallSlot|CallShare)"/.test(r.query));
    const [load1] = (await import("node:os")).loadavg();
    console.log(
      JSON.stringify({
        cap,
        latencyMs,
        callersPerProcess: callers,
        gapMs,
        loadAverage: Math.round(load1! * 100) / 100,
        callsPerSecond: Math.round((calls / elapsedMs) * 1000 * 10) / 10,
        ceilingPerSecond: Math.round((cap / latencyMs) * 1000),
        meanInFlight: Math.round((area / elapsedMs) * 10) / 10,
        shareAtCap: Math.round((atCapMs / elapsedMs) * 1000) / 1000,
        maxInFlight,
        limiterStatementsPerCall: Math.round((limiter.reduce((s, r) => s + r.calls, 0) / calls) * 1000) / 1000,
      }),
    );
  } finally {
    await Promise.all(dbs.map((db) => db.$disconnect()));
    server.close();
    await pg.destroy();
  }
};

await main();
