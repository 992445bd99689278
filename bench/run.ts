import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createBenchContext, machine } from "./lib/context";
import { root } from "./lib/stack";
import { updateBenchmarksMd } from "./report";
import { spawnSync } from "node:child_process";
import { backfillMeasured, INVOICES_ONLY, type BackfillDetail, type BackfillResult } from "./scenarios/backfill";
import { backfillQad } from "./scenarios/backfill-qad";
import { calloutLatency } from "./scenarios/callouts";
import { canvasFigures } from "./scenarios/canvas";
import { ifsBackfill } from "./scenarios/ifs-backfill";
import { ledgerBrowserFigures } from "./scenarios/ledger-browser";
import { webhookIntake } from "./scenarios/intake";
import { memoryRun, printCurve } from "./scenarios/memory";
import { netsuiteFlows } from "./scenarios/netsuite";
import { zohoCrmRoundTrip } from "./scenarios/zoho-crm";

/** What --only takes. */
const SCENARIOS = ["backfill", "invoices-only", "callouts", "licence", "intake", "memory", "records", "canvas", "ledger-browser", "backfill-qad", "ifs-backfill", "netsuite", "zoho-crm"];

/** What `npm run bench -- --help` prints. */
const USAGE = `npm run bench                 quick sizes (a few minutes on a 2-core machine)
npm run bench -- --full       the issue's sizes (10,000-invoice backfill, 100,000 for memory, ...)
npm run bench -- --only backfill,callouts   some scenarios (backfill-qad: the Zuora -> QAD flow's backfill;
                                             ifs-backfill: Zuora -> IFS Cloud vouchers)
npm run bench -- --only memory --memory-invoices 20000   the streaming proof at another size
npm run bench -- --only memory --worker-node-args="--max-semi-space-size=4"   worker flags to compare (with "=")
npm run bench -- --only callouts --full --new-account-every 20   callouts with a new account's first invoice every
                                             20th callout throughout the run (held first, then released by its customer's post)
npm run bench -- --only invoices-only        the n8n comparison's job: a bill run of invoices alone (1,000 at each
                                             latency and 300 at 0 ms with --full; 300 quick; --invoices N)
npm run bench -- --only backfill --worker-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof ..."   a CPU profile per worker
                                             (the flags replace WORKER_NODE_FLAGS of scripts/worker-build.ts: repeat those)
npm run bench -- --only backfill --pg-tcp     Postgres reached over TCP, not its Unix-domain socket (to compare)
npx next build && npm run bench -- --only ledger-browser   records page and dashboard in Chromium at 1,000,000 records
                                             (--ledger-records N for another size, --ledger-runs N runs each)
Scenarios for --only: ${SCENARIOS.join(", ")}.
Other options: --latency 0,50 (ms per vendor answer), --rate N,
--callouts N, --timeout SECONDS (per scenario, default 900), --help.
Each scenario prints a table and writes bench/results/<scenario>.json (with the machine and sizes).
`;

/** The options, or a clear line and the usage for an option the bench does not know (never a stack trace). */
const parseOptions = () => {
  try {
    return parseArgs({
      options: {
        full: { type: "boolean", default: false },
        only: { type: "string" },
        latency: { type: "string", default: "0,50" },
        invoices: { type: "string" },
        /** size of the memory scenario (default 2,000 quick, 100,000 with --full) */
        "memory-invoices": { type: "string" },
        /** node flags of the spawned workers instead of WORKER_NODE_FLAGS (scripts/worker-build.ts), space-separated */
        "worker-node-args": { type: "string" },
        /** callouts scenario: how many and how many per second (default 300 at 10/s quick, 2,000 at 20/s full) */
        callouts: { type: "string" },
        rate: { type: "string" },
        /** callouts scenario: also bill a new account (Zuora only: its customer is created on its first invoice) every N callouts */
        "new-account-every": { type: "string" },
        /** records seeded for the ledger-browser scenario (default 1,000,000) */
        "ledger-records": { type: "string", default: "1000000" },
        /** timed runs of each ledger-browser navigation (after one warm-up) */
        "ledger-runs": { type: "string", default: "7" },
        /** the bench's Postgres over TCP instead of its Unix-domain socket (to compare the two) */
        "pg-tcp": { type: "boolean", default: false },
        /** per-scenario time limit in seconds (default 900) */
        timeout: { type: "string", default: "900" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
};
const { values } = parseOptions();

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const full = values.full;
const timeoutMs = Number(values.timeout) * 1000;
const latencies = values.latency!.split(",").map(Number);
const only = values.only ? new Set(values.only.split(",")) : undefined;
const unknown = [...(only ?? [])].filter((name) => !SCENARIOS.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`No scenario named ${unknown.join(", ")}: --only takes ${SCENARIOS.join(", ")}.\n`);
  process.exit(2);
}
const wanted = (name: string) => !only || only.has(name);
/** the 100,000-invoice memory run takes long: only with --full or --only memory */
const wantedMemory = () => (only ? only.has("memory") : full);

const SIZES = full
  ? {
      backfill: 10_000,
      callouts: 2_000,
      licenceInvoices: 1_500,
      memory: 100_000,
      records: 1_000_000,
      intake: { seconds: 10, rounds: 5 },
      netsuite: { customers: 500, invoices: 1_000, events: 300 },
      zoho: { customers: 500, items: 200, invoices: 1_000, deals: 200 },
    }
  : {
      backfill: 500,
      callouts: 300,
      licenceInvoices: 100,
      memory: 2_000,
      records: 100_000,
      intake: { seconds: 5, rounds: 5 },
      netsuite: { customers: 200, invoices: 400, events: 150 },
      zoho: { customers: 200, items: 50, invoices: 400, deals: 50 },
    };
if (values.invoices) SIZES.backfill = Number(values.invoices);
if (values["memory-invoices"]) SIZES.memory = Number(values["memory-invoices"]);
const workerNodeArgs = values["worker-node-args"] === undefined ? undefined : values["worker-node-args"].split(/\s+/).filter(Boolean);

const resultsDir = path.join(root, "bench", "results");

/** The statements by kind and the Acumatica calls by route of one run, for the console. */
const printDetail = (detail: BackfillDetail) => {
  console.log(`\n${detail.scenario}: Acumatica calls per document by operation ${JSON.stringify(detail.acumaticaPerDocumentByOperation)}`);
  if (detail.statementsByKind) console.table(detail.statementsByKind.slice(0, 20));
};

const save = async (scenario: string, rows: object[], extra: object = {}) => {
  console.log(`\n== ${scenario} (${full ? "full" : "quick"} sizes) ==`);
  console.table(rows);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(
    path.join(resultsDir, `${scenario}.json`),
    `${JSON.stringify({ scenario, sizes: full ? "full" : "quick", at: new Date().toISOString(), machine: machine(), rows, ...extra }, null, 2)}\n`,
  );
};

const main = async () => {
  const ctx = await createBenchContext({ pgOverTcp: values["pg-tcp"] });
  // Ctrl-C reaches npm, tsx and this process, and tsx relays it: a second signal must not cut the
  // clean-up short (an interrupted run left its worker and its Postgres running).
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await ctx.cleanup().catch(() => {});
    process.exit(130);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    /** rows and the details of each (statements by kind, Acumatica calls by route) for the JSON */
    const measured = async (runs: (() => Promise<{ row: BackfillResult; detail: BackfillDetail }>)[]) => {
      const rows: BackfillResult[] = [];
      const details: BackfillDetail[] = [];
      for (const runOne of runs) {
        const { row, detail } = await runOne();
        rows.push(row);
        details.push(detail);
        printDetail(detail);
      }
      return { rows, details };
    };
    if (wanted("backfill")) {
      const { rows, details } = await measured(
        latencies.map((latencyMs) => () => backfillMeasured(ctx, { invoices: SIZES.backfill, latencyMs, timeoutMs, label: `backfill-${latencyMs}ms`, workerNodeArgs })),
      );
      await save("backfill", rows, { targets: { invoicesPerSecond: 1000, callsPerInvoice: 1.5 }, workerNodeArgs: workerNodeArgs ?? "default (WORKER_NODE_FLAGS)", details });
    }
    if (wanted("invoices-only")) {
      // the n8n comparison's job (issue 17): invoices and the customers they need, no payments or credit memos
      const sizes = values.invoices ? [Number(values.invoices)] : full ? [1_000] : [300];
      const runs = sizes.flatMap((invoices) =>
        latencies.map((latencyMs) => () => backfillMeasured(ctx, { invoices, latencyMs, timeoutMs, paymentRates: INVOICES_ONLY, label: `invoices-only-${invoices}-${latencyMs}ms`, workerNodeArgs })),
      );
      // a small bill run: time to the last of 300 invoices posted at 0 ms
      if (full && !values.invoices) runs.push(() => backfillMeasured(ctx, { invoices: 300, latencyMs: 0, timeoutMs, paymentRates: INVOICES_ONLY, label: "invoices-only-300-0ms", workerNodeArgs }));
      const { rows, details } = await measured(runs);
      await save("invoices-only", rows, { targets: { invoicesPerSecond: 120, secondsToLastPostedOf300: 5 }, details });
    }
    if (wanted("backfill-qad")) {
      const rows = [];
      for (const latencyMs of latencies) rows.push(await backfillQad(ctx, { invoices: SIZES.backfill, latencyMs, timeoutMs }));
      await save("backfill-qad", rows, { flow: "zuora-qad" });
    }
    if (wanted("ifs-backfill")) {
      const rows = [];
      for (const latencyMs of latencies) rows.push(await ifsBackfill(ctx, { invoices: SIZES.backfill, latencyMs, timeoutMs }));
      await save("ifs-backfill", rows);
    }
    if (wanted("callouts")) {
      const rows = [];
      const details = [];
      for (const latencyMs of latencies) {
        const { stages, slowest, statementsByKind, slowStatements, ...row } = await calloutLatency(ctx, { callouts: values.callouts ? Number(values.callouts) : SIZES.callouts, ratePerSecond: values.rate ? Number(values.rate) : full ? 20 : 10, latencyMs, timeoutMs, workerNodeArgs, newAccountEvery: values["new-account-every"] ? Number(values["new-account-every"]) : undefined });
        rows.push(row);
        details.push({ scenario: row.scenario, stages, statementsByKind, slowStatements, slowest });
      }
      await save("callouts", rows, { targets: { p99Ms: 250 }, details });
    }
    if (wanted("netsuite")) {
      const rows = [];
      for (const latencyMs of latencies) rows.push(await netsuiteFlows(ctx, { ...SIZES.netsuite, latencyMs, timeoutMs }));
      await save("netsuite", rows);
    }
    if (wanted("licence")) {
      const { rows, details } = await measured(
        latencies.map(
          (latencyMs) => () =>
            backfillMeasured(ctx, {
              invoices: SIZES.licenceInvoices,
              latencyMs,
              timeoutMs,
              accounts: 40,
              label: `licence-600-${latencyMs}ms`,
              licence: { requestsPerMinute: 600 },
              // the run's end is seen within 100 ms (a 500 ms probe left the licence idle for 0.25 s on average, 0.4 % of the run)
              probeIntervalMs: 100,
              // the connection configured to the tenant's licence, as an admin would
              acumaticaLimits: { requestsPerMinute: 600, maxConcurrent: 3 },
            }),
        ),
      );
      await save("licence", rows, { targets: { usedShareOfLimit: 0.95, failedRecords: 0 }, limitPerMinute: 600, details });
    }
    if (wanted("zoho-crm")) {
      const rows = [];
      for (const latencyMs of latencies) rows.push(...(await zohoCrmRoundTrip(ctx, { ...SIZES.zoho, latencyMs, timeoutMs })));
      await save("zoho-crm", rows, { counts: SIZES.zoho });
    }
    if (wanted("intake")) {
      const { detail, ...row } = await webhookIntake(ctx, SIZES.intake);
      await save("intake", [row], { targets: { throughputRatio: 0.8, lost: 0 }, detail });
    }
    // the canvas runs the production build in Chromium (`npx next build` first): only with --only canvas
    if (only?.has("canvas")) {
      const { rows, median } = await canvasFigures({ timeoutMs });
      await save("canvas", rows, { median });
    }
    // the records page and the dashboard in Chromium against the production build: only with --only ledger-browser
    if (only?.has("ledger-browser")) {
      const { rows, ...extra } = await ledgerBrowserFigures({ records: Number(values["ledger-records"]), runs: Number(values["ledger-runs"]), timeoutMs: Math.max(timeoutMs, 3600_000) });
      await save("ledger-browser", rows, { targets: { p95Ms: 1000 }, ...extra });
    }
    if (wantedMemory()) {
      // one worker process, so its peak RSS is the whole backfill's; pages must stream (RSS flat over the run)
      // no fixed limit short of 24 h: the run stops when it is done or stalls (memory.ts); its curve so far
      // goes to bench/results/memory-progress.jsonl once a minute
      const progressFile = path.join(resultsDir, "memory-progress.jsonl");
      await mkdir(resultsDir, { recursive: true });
      console.log(`memory: ${SIZES.memory.toLocaleString("en-US")} invoices, one worker; progress once a minute in ${path.relative(root, progressFile)}`);
      const { row, curve, points } = await memoryRun(ctx, { invoices: SIZES.memory, timeoutMs: Math.max(timeoutMs, 24 * 3600_000), workerNodeArgs, progressFile });
      printCurve(points, curve);
      const step = Math.max(1, Math.ceil(points.length / 200));
      await save("memory", [row], {
        targets: { peakWorkerRssMb: 200 },
        workerNodeArgs: workerNodeArgs ?? "default (WORKER_NODE_FLAGS)",
        curve,
        // at most ~200 points of the curve (seconds since Sync now, RSS, records posted)
        points: points.filter((_, i) => i % step === 0 || i === points.length - 1),
      });
    }
    if (wanted("records")) {
      // scripts/seed-records.ts (records browser): seeds SyncRecords with generate_series and times listRecords
      const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/seed-records.ts", "--count", String(SIZES.records), "--runs", "40"], { cwd: root, encoding: "utf8", env: process.env });
      const rows = [...(res.stdout ?? "").matchAll(/^(.+?)\s+p50\s+([\d.]+) ms\s+p95\s+([\d.]+) ms\s+max\s+([\d.]+) ms/gm)].map((m) => ({
        query: m[1]!.trim(),
        records: SIZES.records,
        p50Ms: Number(m[2]),
        p95Ms: Number(m[3]),
        maxMs: Number(m[4]),
      }));
      if (rows.length === 0) console.log(res.stdout, res.stderr);
      await save("records", rows, { targets: { p95Ms: 50 } });
    }
  } finally {
    await ctx.cleanup();
  }
  updateBenchmarksMd(path.join(root, "BENCHMARKS.md"), resultsDir);
  console.log("\nBENCHMARKS.md results block rewritten from bench/results/*.json");
};

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
