import { POST } from "../../app/api/webhooks/[vendor]/[connectionId]/route";
import { serveRoute } from "../../test/reliability/http-helpers";
import { percentile, type BenchContext } from "../lib/context";
import { BENCH_CALLOUT_SECRET, createSandboxFlow, spawnWorker } from "../lib/stack";

export type CalloutLatencyResult = {
  scenario: string;
  latencyMs: number;
  callouts: number;
  ratePerSecond: number;
  posted: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /**
   * Stages of a callout, p50 / p99 ms each: receipt -> the ingest transaction began (job picked up, flows
   * read, source document fetched), -> the event marked processed (ingest committed), -> posted (the
   * record's post: look-ups, create, release).
   */
  pickAndFetchMs: string;
  ingestMs: string;
  postMs: string;
  /** CPU time of the two worker processes per callout (user + system) */
  workerCpuMsPerCallout: number;
  /** transactions committed in the bench database per callout (every statement outside a transaction is one) */
  transactionsPerCallout: number;
  /** vendor requests per callout, from the sandbox's own counters (Zuora's connection limit defaults to 40/s) */
  zuoraCallsPerCallout: number;
  acumaticaCallsPerCallout: number;
  /** bill runs the bench failed to send (a loaded machine): their invoices are not waited for */
  unsent: number;
  complete: boolean;
};

/**
 * Callout latency: the sandbox's Zuora sends an Invoice Posted callout (signed, id-only) for each of
 * `callouts` invoices posted at a steady `ratePerSecond`; the webhook handler (over real HTTP) records
 * and queues it; worker processes fetch, map and post. Latency per invoice = InboundEvent.receivedAt ->
 * its record's postedAt (set right after Acumatica answered the create and release).
 * Polling is off (no schedule, no Sync now): only callouts bring documents in.
 */
export const calloutLatency = async (
  ctx: BenchContext,
  { callouts, ratePerSecond, latencyMs, timeoutMs = 600_000 }: { callouts: number; ratePerSecond: number; latencyMs: number; timeoutMs?: number },
): Promise<CalloutLatencyResult> => {
  const label = `callouts-${latencyMs}ms`;
  const { url, db } = await ctx.freshDb(label);
  const sandbox = await ctx.freshSandbox({ latencyMs, accounts: 50 });
  const { sourceConnectionId, flowId } = await createSandboxFlow({ db, sandbox, acumaticaLimits: { requestsPerMinute: 600_000, maxConcurrent: 16 } });
  const g = globalThis as unknown as { mlConnectorDb?: unknown };
  g.mlConnectorDb = db;
  const served = await serveRoute(POST as never, /^\/api\/webhooks\/(?<vendor>[^/]*)\/(?<connectionId>[^/]*)$/);
  const procs = [spawnWorker({ databaseUrl: url, concurrency: 8 }), spawnWorker({ databaseUrl: url, concurrency: 8 })];
  try {
    await sandbox.control.zuora.callouts.addTemplate({
      url: `${served.url}/api/webhooks/zuora/${sourceConnectionId}`,
      events: ["InvoicePosted"],
      hmac: { secret: BENCH_CALLOUT_SECRET },
    });
    const upDeadline = Date.now() + 60_000;
    while (procs.some((p) => !p.output().includes(" running ")) && Date.now() < upDeadline) await new Promise((r) => setTimeout(r, 100));

    const xacts = async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`)[0]!.n);
    const cpuBefore = procs.reduce((sum, p) => sum + p.cpuSeconds(), 0);
    const xactsBefore = await xacts();
    const zuoraBefore = (await sandbox.control.zuora.stats()).requests ?? 0;
    const acumaticaBefore = (await sandbox.control.acumatica.stats()).requests;
    let unsent = 0;
    const started = Date.now();
    const interval = 1000 / ratePerSecond;
    for (let i = 0; i < callouts; i++) {
      const due = started + i * interval;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // A bill run the loaded machine failed to send is counted, not retried (it may have been made).
      void sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 1000 + i }).catch(() => (unsent += 1));
    }
    const deadline = Date.now() + timeoutMs;
    let posted = 0;
    while (Date.now() < deadline) {
      posted = await db.syncRecord.count({ where: { flowId, objectType: "invoice", status: "posted" } });
      if (posted >= callouts - unsent) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const workerCpuMs = (procs.reduce((sum, p) => sum + p.cpuSeconds(), 0) - cpuBefore) * 1000;
    const transactions = (await xacts()) - xactsBefore;
    const zuoraCalls = ((await sandbox.control.zuora.stats()).requests ?? 0) - zuoraBefore;
    const acumaticaCalls = (await sandbox.control.acumatica.stats()).requests - acumaticaBefore;
    const rows = await db.$queryRaw<{ ms: number; fetch: number; ingest: number; post: number }[]>`
      SELECT EXTRACT(EPOCH FROM (r."postedAt" - ie."receivedAt")) * 1000 AS ms,
        EXTRACT(EPOCH FROM (rcv."createdAt" - ie."receivedAt")) * 1000 AS fetch,
        EXTRACT(EPOCH FROM (ie."processedAt" - rcv."createdAt")) * 1000 AS ingest,
        EXTRACT(EPOCH FROM (r."postedAt" - ie."processedAt")) * 1000 AS post
      FROM "InboundEvent" ie
      JOIN "RecordEvent" rcv ON rcv.kind = 'received' AND rcv.detail->>'inboundEventId' = ie.id::text
      JOIN "SyncRecord" r ON r.id = rcv."recordId" AND r."objectType" = 'invoice' AND r."postedAt" IS NOT NULL`;
    const ms = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const stage = (key: "fetch" | "ingest" | "post") => {
      const sorted = rows.map((r) => Number(r[key])).sort((a, b) => a - b);
      return `${Math.round(percentile(sorted, 50))} / ${Math.round(percentile(sorted, 99))}`;
    };
    return {
      scenario: label,
      latencyMs,
      callouts,
      ratePerSecond,
      posted,
      p50Ms: Math.round(percentile(ms, 50)),
      p95Ms: Math.round(percentile(ms, 95)),
      p99Ms: Math.round(percentile(ms, 99)),
      maxMs: Math.round(ms.at(-1) ?? NaN),
      pickAndFetchMs: stage("fetch"),
      ingestMs: stage("ingest"),
      postMs: stage("post"),
      workerCpuMsPerCallout: Math.round((workerCpuMs / callouts) * 10) / 10,
      transactionsPerCallout: Math.round((transactions / callouts) * 10) / 10,
      zuoraCallsPerCallout: Math.round((zuoraCalls / callouts) * 100) / 100,
      acumaticaCallsPerCallout: Math.round((acumaticaCalls / callouts) * 100) / 100,
      unsent,
      complete: unsent === 0 && posted >= callouts && ms.length >= callouts,
    };
  } finally {
    await Promise.all(procs.map((p) => p.kill("SIGTERM")));
    await served.close();
    delete g.mlConnectorDb;
  }
};
