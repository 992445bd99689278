import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createBenchContext, machine } from "./lib/context";
import { root } from "./lib/stack";
import { backfill } from "./scenarios/backfill";

/*
 * npm run bench                 quick sizes (a few minutes on a 2-core machine)
 * npm run bench -- --full       the sizes (10,000-invoice backfill, 100,000 for memory, ...)
 * npm run bench -- --only backfill,callouts   some scenarios
 * Each scenario prints a table and writes bench/results/<scenario>.json (with the machine and sizes).
 */

const { values } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    only: { type: "string" },
    latency: { type: "string", default: "0,50" },
    invoices: { type: "string" },
    /** per-scenario time limit in seconds (default 900) */
    timeout: { type: "string", default: "900" },
  },
});

const full = values.full;
const timeoutMs = Number(values.timeout) * 1000;
const latencies = values.latency!.split(",").map(Number);
const only = values.only ? new Set(values.only.split(",")) : undefined;
const wanted = (name: string) => !only || only.has(name);

const SIZES = full
  ? { backfill: 10_000, callouts: 2_000, licenceInvoices: 1_500, memory: 100_000, records: 1_000_000, intakeSeconds: 20 }
  : { backfill: 1_000, callouts: 300, licenceInvoices: 300, memory: 10_000, records: 100_000, intakeSeconds: 8 };
if (values.invoices) SIZES.backfill = Number(values.invoices);

const resultsDir = path.join(root, "bench", "results");

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
  const ctx = await createBenchContext();
  const stop = async () => {
    await ctx.cleanup().catch(() => {});
    process.exit(130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    if (wanted("backfill")) {
      const rows = [];
      for (const latencyMs of latencies) rows.push(await backfill(ctx, { invoices: SIZES.backfill, latencyMs, timeoutMs, label: `backfill-${latencyMs}ms` }));
      await save("backfill", rows, { targets: { invoicesPerSecond: 1000, callsPerInvoice: 1.5 } });
    }
  } finally {
    await ctx.cleanup();
  }
};

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
