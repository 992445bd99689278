import { mb, type BenchContext } from "../lib/context";
import { acceptSuggestedMatches, createAndMatchCustomers, createQadSandboxFlow } from "../lib/qad-flow";
import { runBackfillWorkers } from "../lib/run-backfill-workers";

export type QadBackfillResult = {
  scenario: string;
  latencyMs: number;
  invoices: number;
  documents: number;
  seconds: number;
  recordsPerSecond: number;
  zuoraCallsPerDocument: number;
  qadCallsPerDocument: number;
  callsPerDocument: number;
  qadTokenRequests: number;
  failedRecords: number;
  peakWorkerRssMb: number;
  workers: number;
  concurrency: number;
  complete: boolean;
  note?: string;
};

/**
 * Zuora -> QAD backfill by polling: a bill run of `invoices` posted invoices (with payments and credit
 * memos) for the demo accounts, every account matched to a QAD customer first (the canvas's suggestions
 * accepted, customers created in QAD for the rest), `Sync now`, worker processes until every record is
 * posted. Throughput end to end (first poll to last post); calls per document from the sandbox's counters.
 */
export const backfillQad = async (
  ctx: BenchContext,
  { invoices, latencyMs, workers = 2, concurrency = 8, timeoutMs = 900_000, accounts = 300 }: { invoices: number; latencyMs: number; workers?: number; concurrency?: number; timeoutMs?: number; accounts?: number },
): Promise<QadBackfillResult> => {
  const label = `backfill-qad-${latencyMs}ms`;
  const { url, db } = await ctx.freshDb(label);
  const sandbox = await ctx.freshSandbox({ latencyMs, accounts });
  await sandbox.control.setLatency({ zuora: latencyMs, acumatica: latencyMs, qad: latencyMs });
  const flowId = await createQadSandboxFlow({ db, sandbox });
  const { unmatched } = await acceptSuggestedMatches({ db, flowId });
  const run = await sandbox.control.zuora.billRun({ invoices, seed: 42, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.1 });
  await createAndMatchCustomers({ db, sandbox, flowId, prefix: "B", accountNumbers: unmatched.map((a) => a.accountNumber) });
  const expected = { invoice: run.invoices.length, payment: run.payments.length, "credit-memo": run.creditMemos.length };
  const z0 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const q0 = await sandbox.control.qad.stats();

  const { procs, complete, note, seconds, posted: documents, failed } = await runBackfillWorkers({ db, url, flowId, expected, label, workers, concurrency, timeoutMs });
  const z1 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const q1 = await sandbox.control.qad.stats();
  const zc = (z1 - z0) / Math.max(1, documents);
  const qc = ((q1.requests ?? 0) - (q0.requests ?? 0)) / Math.max(1, documents);
  return {
    scenario: label,
    latencyMs,
    invoices,
    documents,
    seconds: Number(seconds.toFixed(1)),
    recordsPerSecond: Number((documents / seconds).toFixed(1)),
    zuoraCallsPerDocument: Number(zc.toFixed(2)),
    qadCallsPerDocument: Number(qc.toFixed(2)),
    callsPerDocument: Number((zc + qc).toFixed(2)),
    qadTokenRequests: (q1.tokenRequests ?? 0) - (q0.tokenRequests ?? 0),
    failedRecords: failed,
    peakWorkerRssMb: Math.max(...procs.map((p) => mb(p.peakRss()))),
    workers,
    concurrency,
    complete,
    ...(note ? { note } : {}),
  };
};
