import { acumaticaCallsByOperation, formatOperations } from "../lib/acumatica-operations";
import { mb, type BenchContext } from "../lib/context";
import { runBackfillWorkers, type BackfillObserver } from "../lib/run-backfill-workers";
import { recordTimeline, sampleSlotsHeld } from "../lib/record-timeline";
import { createSandboxFlow } from "../lib/stack";

export type BackfillResult = {
  scenario: string;
  latencyMs: number;
  invoices: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  invoicesPerSecond: number;
  /** from Sync now to the last record's postedAt (the probe that sees it comes up to 500 ms later) */
  secondsToLastPosted: number;
  zuoraCallsPerInvoice: number;
  acumaticaCallsPerInvoice: number;
  callsPerInvoice: number;
  /** invoices, payments and credit memos posted (customers are records, not documents) */
  documents: number;
  acumaticaCallsPerDocument: number;
  /** Acumatica calls per posted document by operation (see bench/lib/acumatica-operations.ts) */
  acumaticaPerDocument: string;
  acumatica429: number;
  acumaticaRequestsPerMinute: number;
  /** with a licence: requests/min achieved ÷ the licence's requests/min */
  licenceShareUsed?: number;
  failedRecords: number;
  /** the workers' CPU time (user + system, all worker processes) per posted record */
  workerCpuMsPerRecord: number;
  /** the Postgres server's CPU time per posted record (the bench's own probes included, a small share) */
  postgresCpuMsPerRecord: number;
  /** statements the workers sent per posted record (pg_stat_statements; BEGIN/COMMIT and graphile-worker's own included) */
  sqlStatementsPerRecord: number;
  peakWorkerRssMb: number;
  workers: number;
  concurrency: number;
  complete: boolean;
  note?: string;
};

/** What a backfill measured beyond its row: the workers' statements by kind and Acumatica's calls by route. */
export type BackfillDetail = {
  scenario: string;
  statementsByKind?: { kind: string; calls: number; perRecord: number; totalMs: number }[];
  topStatements?: { query: string; calls: number; perRecord: number }[];
  /** rows of "SyncRecord" updated during the run, and how many as HOT updates (no index written) */
  syncRecordUpdates?: { updates: number; hot: number; perRecord: number; hotShare: number };
  /** CPU of the bench's own process per posted record, Sync now to the end: the in-process sandboxes (Zuora, Acumatica) and the bench's probes */
  benchProcessCpuMsPerRecord?: number;
  acumaticaByRoute: Record<string, number>;
  acumaticaPerDocumentByOperation: Record<string, number>;
  /** with BENCH_TIMELINE=1: where the posted records' attempts spent their time (bench/lib/record-timeline.ts) */
  recordTimeline?: Awaited<ReturnType<typeof recordTimeline>>;
  /** with a licence: where the run left the licence idle (see licenceTimeline) */
  licenceTimeline?: LicenceTimeline;
};

/**
 * Where a licence run used less than its rate, from Acumatica's request count sampled every
 * 100 ms: seconds from Sync now to the first call, from the last call to the run's end, and the
 * calls short of the rate in the whole seconds between (each second's calls against the rate), and when the
 * ledger first held a record and first posted one.
 */
export type LicenceTimeline = {
  secondsToFirstCall: number;
  secondsAfterLastCall: number;
  callsShortMidRun: number;
  callsPerSecond: number[];
  /** from Sync now to the first probe that saw a record in the ledger (the poll's first page ingested), and one posted (periods aside) */
  secondsToFirstRecord?: number;
  secondsToFirstPosted?: number;
};

export type BackfillOptions = {
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
  /** shares of invoices with a payment or credit memo; INVOICES_ONLY for the peer's job (invoices and their customers) */
  paymentRates?: { electronicPaymentRate: number; externalPaymentRate: number; creditMemoRate: number };
  /** node flags of the worker processes instead of scripts/worker-build.ts's WORKER_NODE_FLAGS (to measure flags) */
  workerNodeArgs?: string[];
  /** sees the worker processes and every progress probe (the memory scenario draws its curve from them) */
  observe?: BackfillObserver;
  /** how often the records' counts are read (default 500 ms) */
  probeIntervalMs?: number;
  /** give up when nothing moved for this long (default: only `timeoutMs`) */
  stallMs?: number;
};

/** A bill run of invoices alone: the job the n8n comparison moves (issue 17). */
export const INVOICES_ONLY = { electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 };

const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : NaN);

/**
 * Backfill by polling: a bill run of `invoices` posted invoices (with payments and credit memos) in
 * Zuora, a flow created, `Sync now`, worker processes until every record is posted. Throughput end to
 * end (first poll to last post), API calls per invoice and per document from the sandbox's own
 * counters (Acumatica's by operation), peak RSS, the workers' and Postgres's CPU and the workers' SQL
 * statements per record. `backfillMeasured` also returns the statements by kind and the calls by route.
 */
export const backfillMeasured = async (
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
    acumaticaLimits = { requestsPerMinute: 600_000, maxConcurrent: Number(process.env.BENCH_ACUMATICA_MAX_CONCURRENT ?? 16) },
    paymentRates = { electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.1 },
    workerNodeArgs,
    observe,
    probeIntervalMs,
    stallMs,
  }: BackfillOptions,
): Promise<{ row: BackfillResult; detail: BackfillDetail }> => {
  const { url, db, name } = await ctx.freshDb(label);
  const sandbox = await ctx.freshSandbox({ latencyMs, accounts });
  if (licence) await sandbox.control.acumatica.setLicence({ requestsPerMinute: licence.requestsPerMinute, sendRetryAfter: true });
  const { flowId, targetConnectionId } = await createSandboxFlow({ db, sandbox, acumaticaLimits });
  const run = await sandbox.control.zuora.billRun({ invoices, seed: 42, ...paymentRates });
  const expected = { invoice: run.invoices.length, payment: run.payments.length, "credit-memo": run.creditMemos.length };
  const z0 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const a0 = await sandbox.control.acumatica.stats();

  // with a licence, Acumatica's request count is sampled from Sync now on (where the licence stood idle)
  const samples: { at: number; requests: number }[] = [];
  let sampler: NodeJS.Timeout | undefined;
  let firstRecordAt: number | undefined;
  let firstPostedAt: number | undefined;
  const sample = async () => samples.push({ at: Date.now(), requests: (await sandbox.control.acumatica.stats()).requests });
  const observed: BackfillObserver | undefined = licence
    ? {
        ...observe,
        syncStarted: () => {
          observe?.syncStarted?.();
          void sample();
          sampler = setInterval(() => void sample(), 100);
        },
        progress: (c) => {
          observe?.progress?.(c);
          const at = Date.now();
          const total = Object.values(c).reduce((n, v) => n + v, 0);
          const posted = Object.entries(c).reduce((n, [k, v]) => n + (k.endsWith("/posted") && !k.startsWith("period/") ? v : 0), 0);
          if (total > 0) firstRecordAt ??= at;
          if (posted > 0) firstPostedAt ??= at;
        },
      }
    : observe;
  // with BENCH_TIMELINE, the Acumatica connection's slots held are sampled from Sync now on
  let slotsSampler: ReturnType<typeof sampleSlotsHeld> | undefined;
  const sampled: BackfillObserver | undefined =
    process.env.BENCH_TIMELINE && acumaticaLimits.maxConcurrent
      ? {
          ...observed,
          syncStarted: () => {
            observed?.syncStarted?.();
            slotsSampler = sampleSlotsHeld({ db, key: targetConnectionId, cap: acumaticaLimits.maxConcurrent });
          },
        }
      : observed;
  const out = await runBackfillWorkers({
    db,
    url,
    flowId,
    expected,
    label,
    workers,
    concurrency,
    timeoutMs,
    workerNodeArgs,
    observe: sampled,
    probeIntervalMs,
    stallMs,
    measure: { database: name, sqlStats: ctx.sqlStats, postgresCpuSeconds: () => ctx.pg.cpuSeconds() },
  });
  clearInterval(sampler);
  const slotsHeld = await slotsSampler?.stop();
  const { procs, counts, complete, note, seconds, posted: records, failed } = out;
  const z1 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const a1 = await sandbox.control.acumatica.stats();
  const postedInvoices = counts["invoice/posted"] ?? 0;
  const documents = postedInvoices + (counts["payment/posted"] ?? 0) + (counts["credit-memo/posted"] ?? 0);
  const zc = (z1 - z0) / Math.max(1, postedInvoices);
  const ac = (a1.requests - a0.requests) / Math.max(1, postedInvoices);
  const byRoute = Object.fromEntries(Object.entries(a1.byRoute).map(([route, n]) => [route, n - (a0.byRoute[route] ?? 0)] as const).filter(([, n]) => n > 0));
  const byOperation = acumaticaCallsByOperation(byRoute, documents);
  const perMinute = ((a1.requests - a0.requests) / seconds) * 60;
  const recordsTimeline = process.env.BENCH_TIMELINE ? { ...(await recordTimeline({ db, flowId, seconds, cap: acumaticaLimits.maxConcurrent })), acumaticaSlotsHeld: slotsHeld } : undefined;
  if (recordsTimeline) console.log(`\n${label}: where the posted records' attempts spent their time\n${JSON.stringify(recordsTimeline, null, 1)}`);
  const row: BackfillResult = {
    scenario: label,
    latencyMs,
    invoices,
    records,
    seconds: fixed(seconds, 1),
    recordsPerSecond: fixed(records / seconds, 1),
    invoicesPerSecond: fixed(postedInvoices / seconds, 1),
    secondsToLastPosted: fixed(out.secondsToLastPosted, 1),
    zuoraCallsPerInvoice: fixed(zc),
    acumaticaCallsPerInvoice: fixed(ac),
    callsPerInvoice: fixed(zc + ac),
    documents,
    acumaticaCallsPerDocument: fixed((a1.requests - a0.requests) / Math.max(1, documents)),
    acumaticaPerDocument: formatOperations(byOperation),
    acumatica429: a1.rejected429 - a0.rejected429,
    acumaticaRequestsPerMinute: Math.round(perMinute),
    ...(licence ? { licenceShareUsed: fixed(perMinute / licence.requestsPerMinute, 3) } : {}),
    failedRecords: failed,
    workerCpuMsPerRecord: fixed((out.workerCpuSeconds * 1000) / Math.max(1, records)),
    postgresCpuMsPerRecord: fixed((out.postgresCpuSeconds * 1000) / Math.max(1, records)),
    sqlStatementsPerRecord: out.statements?.perRecord ?? NaN,
    peakWorkerRssMb: Math.max(...procs.map((p) => mb(p.peakRss()))),
    workers,
    concurrency,
    complete,
    ...(note ? { note } : {}),
  };
  const timeline = licence ? timelineOf(samples, a0.requests, seconds, licence.requestsPerMinute / 60) : undefined;
  const since = (at: number | undefined) => (at === undefined || !samples[0] ? NaN : fixed((at - samples[0].at) / 1000, 1));
  const licenceTimeline = timeline ? { ...timeline, secondsToFirstRecord: since(firstRecordAt), secondsToFirstPosted: since(firstPostedAt) } : undefined;
  if (licenceTimeline) console.log(`  [${label}] licence timeline ${JSON.stringify(licenceTimeline)}`);
  return {
    row,
    detail: {
      scenario: label,
      statementsByKind: out.statements?.byKind,
      topStatements: out.statements?.top,
      syncRecordUpdates: {
        ...out.syncRecordUpdates,
        perRecord: fixed(out.syncRecordUpdates.updates / Math.max(1, out.posted), 2),
        hotShare: fixed(out.syncRecordUpdates.hot / Math.max(1, out.syncRecordUpdates.updates), 2),
      },
      benchProcessCpuMsPerRecord: fixed((out.benchProcessCpuSeconds * 1000) / Math.max(1, out.posted), 2),
      acumaticaByRoute: byRoute,
      acumaticaPerDocumentByOperation: byOperation,
      ...(licenceTimeline ? { licenceTimeline } : {}),
      ...(recordsTimeline ? { recordTimeline: recordsTimeline } : {}),
    },
  };
};

/** LicenceTimeline from request counts sampled from Sync now (`startRequests` before it) over a run of `seconds`. */
const timelineOf = (samples: { at: number; requests: number }[], startRequests: number, seconds: number, perSecond: number): LicenceTimeline | undefined => {
  const t0 = samples[0]?.at;
  const last = samples.at(-1);
  if (t0 === undefined || !last) return undefined;
  const first = samples.find((s) => s.requests > startRequests);
  const done = samples.find((s) => s.requests === last.requests);
  const callsPerSecond: number[] = [];
  for (let sec = 0; sec * 1000 <= last.at - t0; sec++) {
    const upTo = (ms: number) => [...samples].reverse().find((s) => s.at - t0 <= ms)?.requests ?? startRequests;
    callsPerSecond.push(upTo((sec + 1) * 1000) - upTo(sec * 1000));
  }
  const from = first ? Math.ceil((first.at - t0) / 1000) : 0;
  const to = done ? Math.floor((done.at - t0) / 1000) : 0;
  const callsShortMidRun = callsPerSecond.slice(from, to).reduce((n, c) => n + Math.max(0, perSecond - c), 0);
  return {
    secondsToFirstCall: first ? fixed((first.at - t0) / 1000, 1) : NaN,
    secondsAfterLastCall: done ? fixed(seconds - (done.at - t0) / 1000, 1) : NaN,
    callsShortMidRun: fixed(callsShortMidRun, 0),
    callsPerSecond,
  };
};

export const backfill = async (ctx: BenchContext, options: BackfillOptions): Promise<BackfillResult> => (await backfillMeasured(ctx, options)).row;
