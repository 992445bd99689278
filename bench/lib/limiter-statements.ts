import http from "node:http";
import { z } from "zod";
import { createDb, type Db } from "../../lib/db";
import { PlainHttpClient } from "../../lib/http/vendor-client";
import { listenLocally } from "./listen-locally";
import { numberArg } from "./number-arg";
import { prepareSqlStats, SQL_STATS_SETTINGS } from "./sql-stats";
import { startOwnPostgres } from "./stack";

/*
 * Statements of the shared vendor limiter (lib/http/limits.ts) per job, alone (issue 17 item 4).
 *
 *   npx tsx bench/lib/limiter-statements.ts [--jobs-per-second 20] [--seconds 20]
 *
 * Two "processes" (two Db clients: the limiter keeps its state per Db) share one Postgres that counts
 * statements (pg_stat_statements), and a loopback server answering each call after 2 ms. Jobs arrive
 * at `jobs-per-second` in all, alternating between the processes, at most 8 at a time per process
 * (graphile-worker's concurrency in the bench), and each does what a callout's job does to the
 * vendors: one Zuora call (its default limits, 40/s, burst 20, 20 at once), then 3.6 Acumatica calls
 * in a row (the bench's 600,000/min and 16 at once) with 5 ms of other work before each. It prints the
 * limiter's statements per job by kind. The counts depend on timing (the processes' syncs): compare runs
 * made at the same load.
 */

const main = async () => {
  const jobsPerSecond = numberArg("jobs-per-second", 20);
  const seconds = numberArg("seconds", 20);
  const pg = await startOwnPostgres({ settings: SQL_STATS_SETTINGS });
  const stats = await prepareSqlStats(pg.connectionString());
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'), 2));
  });
  const baseUrl = await listenLocally(server);
  const dbs: Db[] = [createDb(stats.workerUrl(pg.url), { max: 10 }), createDb(stats.workerUrl(pg.url), { max: 10 })];
  try {
    const okSchema = z.object({ ok: z.literal(true) });
    const processes = dbs.map((db) => ({
      zuora: new PlainHttpClient({ vendor: "zuora", baseUrl, limits: { db, key: "zuora-connection", requestsPerSecond: 40, burst: 20, maxConcurrent: 20 } }),
      acumatica: new PlainHttpClient({ vendor: "acumatica", baseUrl, limits: { db, key: "acumatica-connection", requestsPerSecond: 600_000 / 60, burst: 5, maxConcurrent: 16 } }),
      running: 0,
      queued: 0,
    }));
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let acumaticaCalls = 0;
    const job = async (p: (typeof processes)[number], n: number) => {
      await p.zuora.request({ method: "GET", path: "/v1/invoices/x", outputSchema: okSchema });
      // 3.6 calls per job on average: 4 in three jobs of five, 3 in the others
      const calls = n % 5 < 3 ? 4 : 3;
      for (let i = 0; i < calls; i++) {
        await pause(5);
        await p.acumatica.request({ method: "PUT", path: "/entity/Invoice", body: { json: { n } }, outputSchema: okSchema });
        acumaticaCalls++;
      }
    };
    const runQueued = (p: (typeof processes)[number], n: number) => {
      if (p.running >= 8) {
        p.queued++;
        return;
      }
      p.running++;
      void job(p, n).finally(() => {
        p.running--;
        if (p.queued > 0) {
          p.queued--;
          runQueued(p, n);
        }
      });
    };
    // warm-up: slots inserted, statements prepared, then counting from zero
    await Promise.all(processes.map((p) => job(p, 0)));
    await pause(2_500);
    await stats.reset("mlc");
    const total = Math.round(jobsPerSecond * seconds);
    const started = performance.now();
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / jobsPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await pause(wait);
      runQueued(processes[n % 2]!, n);
    }
    while (processes.some((p) => p.running > 0 || p.queued > 0)) await pause(20);
    // the slots given back once the processes went quiet count too
    await pause(2_500);
    const rows = await stats.read("mlc");
    const limiter = rows.filter((r) => /"Vendor(RateLimit|CallSlot|CallShare)"/.test(r.query));
    const byKind = limiter.map((r) => ({ statement: /mlc_limits_\w+|INSERT INTO "VendorRateLimit"|UPDATE "VendorCallSlot"[^\n]{0,60}|WITH freed|INSERT INTO "VendorCallSlot"/.exec(r.query)?.[0] ?? r.query.slice(0, 60), calls: r.calls, perJob: Math.round((r.calls / total) * 100) / 100 }));
    const [load1] = (await import("node:os")).loadavg();
    console.log(
      JSON.stringify(
        {
          jobs: total,
          jobsPerSecond,
          seconds: Math.round((performance.now() - started) / 100) / 10,
          loadAverage: Math.round(load1! * 100) / 100,
          acumaticaCallsPerJob: Math.round((acumaticaCalls / total) * 100) / 100,
          limiterStatementsPerJob: Math.round((limiter.reduce((s, r) => s + r.calls, 0) / total) * 100) / 100,
          byKind,
        },
        null,
        1,
      ),
    );
  } finally {
    await Promise.all(dbs.map((db) => db.$disconnect()));
    server.close();
    await pg.destroy();
  }
};

await main();
