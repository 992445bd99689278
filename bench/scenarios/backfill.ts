import { mb, type BenchContext } from "../lib/context";
import { runBackfillWorkers, type BackfillObserver } from "../lib/run-backfill-workers";
import { createSandboxFlow } from "../lib/stack";

export type BackfillResult = {
  scenario: string;
  latencyMs: number;
  invoices: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  invoicesPerSecond: number;
  zuoraCallsPerInvoice: number;
  acumaticaCallsPerInvoice: number;
  callsPerInvoice: number;
  acumatica429: number;
  acumaticaRequestsPerMinute: number;
  failedRecords: number;
  peakWorkerRssMb: number;
  workers: number;
  concurrency: number;
  complete: boolean;
  note?: string;
};

/**
 * Backfill by polling: a bill run of `invoices` posted invoices (with payments and credit memos) in
 * Zuora, a flow created, `Sync now`, worker processes until every record is posted. Throughput end to
 * end (first poll to last post), API calls per invoice from the sandbox's own counters, peak RSS.
 */
export const backfill = async (
  ctx: BenchContext,
  {
    invoices,
    latencyMs,
    workers = 2,
    concurrency = 8,
    timeoutMs = 900_000,
    accounts = 300,
    label = "backfill",
    licence,
    acumaticaLimits = { requestsPerMinute: 600_000, maxConcurrent: 16 },
    paymentRates = { electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.1 },
    workerNodeArgs,
    observe,
  }: {
    invoices: number;
    latencyMs: number;
    workers?: number;
    concurrency?: number;
    timeoutMs?: number;
    accounts?: number;
    label?: string;
    licence?: { requestsPerMinute: number };
    /** the Acumatica connection's own limits; default: high (the sandbox has no licence limit unless `licence`) */
    acumaticaLimits?: { requestsPerMinute?: number; maxConcurrent?: number };
    paymentRates?: { electronicPaymentRate: number; externalPaymentRate: number; creditMemoRate: number };
    /** node flags of the worker processes instead of scripts/worker-build.ts's WORKER_NODE_FLAGS (to measure flags) */
    workerNodeArgs?: string[];
    /** sees the worker processes and every progress probe (the memory scenario draws its curve from them) */
    observe?: BackfillObserver;
  },
): Promise<BackfillResult> => {
  const { url, db } = await ctx.freshDb(label);
  const sandbox = await ctx.freshSandbox({ latencyMs, accounts });
  if (licence) await sandbox.control.acumatica.setLicence({ requestsPerMinute: licence.requestsPerMinute, sendRetryAfter: true });
  const { flowId } = await createSandboxFlow({ db, sandbox, acumaticaLimits });
  const run = await sandbox.control.zuora.billRun({ invoices, seed: 42, ...paymentRates });
  const expected = { invoice: run.invoices.length, payment: run.payments.length, "credit-memo": run.creditMemos.length };
  const z0 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const a0 = await sandbox.control.acumatica.stats();

  const { procs, counts, complete, note, seconds, posted: records, failed } = await runBackfillWorkers({ db, url, flowId, expected, label, workers, concurrency, timeoutMs, workerNodeArgs, observe });
  const z1 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const a1 = await sandbox.control.acumatica.stats();
  const postedInvoices = counts["invoice/posted"] ?? 0;
  const zc = (z1 - z0) / Math.max(1, postedInvoices);
  const ac = (a1.requests - a0.requests) / Math.max(1, postedInvoices);
  return {
    scenario: label,
    latencyMs,
    invoices,
    records,
    seconds: Number(seconds.toFixed(1)),
    recordsPerSecond: Number((records / seconds).toFixed(1)),
    invoicesPerSecond: Number((postedInvoices / seconds).toFixed(1)),
    zuoraCallsPerInvoice: Number(zc.toFixed(2)),
    acumaticaCallsPerInvoice: Number(ac.toFixed(2)),
    callsPerInvoice: Number((zc + ac).toFixed(2)),
    acumatica429: a1.rejected429 - a0.rejected429,
    acumaticaRequestsPerMinute: Math.round(((a1.requests - a0.requests) / seconds) * 60),
    failedRecords: failed,
    peakWorkerRssMb: Math.max(...procs.map((p) => mb(p.peakRss()))),
    workers,
    concurrency,
    complete,
    ...(note ? { note } : {}),
  };
};
