import { appendFileSync } from "node:fs";
import { db as appDb } from "../../lib/db";
import { answerCalloutRequest } from "../../lib/sync/answer-callout-request";
import { serveNodeRoute } from "../../test/reliability/http-helpers";
import { percentile, type BenchContext } from "../lib/context";
import { summariseStatements } from "../lib/sql-stats";
import { BENCH_CALLOUT_SECRET, createSandboxFlow, spawnWorker } from "../lib/stack";

/** One callout's path, in ms since its receipt (InboundEvent.receivedAt); null where a stage left no trace. */
export type CalloutTimeline = {
  totalMs: number;
  /** the record was held first (waiting for its customer: the account's own job posted that, then the record's) */
  held: boolean;
  /** held first: when it was held, and when its customer's post released it */
  heldMs?: number | null;
  releasedMs?: number | null;
  /** the process-callout job started (worker log) */
  pickedUpMs: number | null;
  /** its flows read, vendor clients ready and the source document fetched */
  fetchedMs: number | null;
  /** the ingest transaction committed */
  ingestedMs: number | null;
  /** the first target call of the post (after the claim and planning) */
  firstCallMs: number | null;
  /** the last target call answered */
  lastCallMs: number | null;
  /** the settling transaction began (the posted event's time) */
  settleMs: number | null;
  /** the target calls: method, path and ms each */
  calls: string;
};

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
  /** CPU time of Postgres (all its processes) per callout */
  postgresCpuMsPerCallout: number;
  /** CPU time of the bench process itself per callout: the webhook route and both vendor sandboxes */
  benchCpuMsPerCallout: number;
  /** transactions committed in the bench database per callout (every statement outside a transaction is one) */
  transactionsPerCallout: number;
  /** vendor requests per callout, from the sandbox's own counters (Zuora's connection limit defaults to 40/s) */
  zuoraCallsPerCallout: number;
  acumaticaCallsPerCallout: number;
  /** bill runs the bench failed to send (a loaded machine): their invoices are not waited for */
  unsent: number;
  complete: boolean;
  /** p50 / p99 ms since receipt of each stage (the JSON's details; not a table column) */
  stages?: Record<string, string>;
  /** callouts whose record was held first (its customer not yet posted), their p50, and the p99 of the others */
  heldFirst: number;
  heldP50Ms: number | null;
  heldP99Ms: number | null;
  directP99Ms: number | null;
  /** the workers' SQL statements per callout (pg_stat_statements, as in the backfill scenario) */
  sqlStatementsPerCallout: number | null;
  statementsByKind?: { kind: string; calls: number; perRecord: number; totalMs: number }[];
  slowStatements?: { query: string; calls: number; msPerCall: number }[];
  /** the slowest callouts' timelines (the JSON's details) */
  slowest?: (CalloutTimeline & { id: string })[];
};

/** p50 / p99 of one timeline stage, "-" when no callout has it */
const stageOf = (timelines: CalloutTimeline[], key: keyof Omit<CalloutTimeline, "calls" | "held">) => {
  const v = timelines.map((t) => t[key]).filter((x): x is number => x !== null).sort((a, b) => a - b);
  return v.length === 0 ? "-" : `${Math.round(percentile(v, 50))} / ${Math.round(percentile(v, 99))}`;
};

/**
 * Callout latency: the sandbox's Zuora sends an Invoice Posted callout (signed, id-only) for each of
 * `callouts` invoices posted at a steady `ratePerSecond`; the webhook handler (over real HTTP) records
 * and queues it; worker processes fetch, map and post. Latency per invoice = InboundEvent.receivedAt ->
 * its record's postedAt (set right after Acumatica answered the create and release).
 * Polling is off (no schedule, no Sync now): only callouts bring documents in.
 *
 * Every bill run bills the tenant's first account, which Acumatica does not have yet: the invoices that
 * arrive before its customer is posted are held first (the run's first second or two). With
 * `newAccountEvery` N, every Nth callout is instead the first invoice of an account added to Zuora
 * alone before the run (its customer is created then), so accounts keep arriving throughout the run.
 */
export const calloutLatency = async (
  ctx: BenchContext,
  {
    callouts,
    ratePerSecond,
    latencyMs,
    timeoutMs = 600_000,
    workerNodeArgs,
    newAccountEvery,
  }: { callouts: number; ratePerSecond: number; latencyMs: number; timeoutMs?: number; workerNodeArgs?: string[]; newAccountEvery?: number },
): Promise<CalloutLatencyResult> => {
  const label = `callouts-${latencyMs}ms${newAccountEvery ? `-new-account-every-${newAccountEvery}` : ""}`;
  const { url, db, name } = await ctx.freshDb(label);
  const sandbox = await ctx.freshSandbox({ latencyMs, accounts: 50 });
  const { sourceConnectionId, flowId } = await createSandboxFlow({ db, sandbox, acumaticaLimits: { requestsPerMinute: 600_000, maxConcurrent: 16 } });
  const g = globalThis as unknown as { mlConnectorDb?: unknown };
  g.mlConnectorDb = db;
  const served = await serveNodeRoute((req, res, { vendor = "", connectionId = "" }) => answerCalloutRequest({ db: appDb, req, res, vendor, connectionId }), /^\/api\/webhooks\/(?<vendor>[^/]*)\/(?<connectionId>[^/]*)$/);
  // debug level: each callout's stage times ("callout processed", lib/sync/process-callout.ts), read from the workers' output
  const procs = [0, 1].map(() => spawnWorker({ databaseUrl: ctx.sqlStats ? ctx.sqlStats.workerUrl(url) : url, concurrency: 8, env: { LOG_LEVEL: "debug" }, nodeArgs: workerNodeArgs }));
  const stages = new Map<string, { pickedUpMs: number; fetchedMs: number; ingestedMs: number }>();
  // BENCH_CALLOUT_WORKER_LOG=<file>: every worker output line, prefixed with the bench's clock (ms)
  const logFile = process.env.BENCH_CALLOUT_WORKER_LOG;
  for (const p of procs) {
    let rest = "";
    p.child.stdout!.on("data", (d: Buffer) => {
      const lines = (rest + d.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        if (logFile) appendFileSync(logFile, `${Date.now()} ${line}\n`);
        if (!line.includes('"callout processed"')) continue;
        try {
          const o = JSON.parse(line) as { inboundEventId: string; pickedUpMs: number; fetchedMs: number; ingestedMs: number };
          stages.set(o.inboundEventId, { pickedUpMs: o.pickedUpMs, fetchedMs: o.fetchedMs, ingestedMs: o.ingestedMs });
        } catch {
          // a line cut by the pipe: that callout has no log stages
        }
      }
    });
  }
  try {
    await sandbox.control.zuora.callouts.addTemplate({
      url: `${served.url}/api/webhooks/zuora/${sourceConnectionId}`,
      events: ["InvoicePosted"],
      hmac: { secret: BENCH_CALLOUT_SECRET },
    });
    // the new accounts, in Zuora only (Acumatica gets each one's customer with its first invoice)
    const newAccounts: string[] = [];
    for (let i = 0; newAccountEvery && i < Math.floor(callouts / newAccountEvery); i++) {
      newAccounts.push((await sandbox.control.zuora.addAccount({ name: `Bench New Account ${i + 1}`, accountNumber: `BN${String(i + 1).padStart(6, "0")}` })).id);
    }
    const upDeadline = Date.now() + 60_000;
    while (procs.some((p) => !p.output().includes(" running ")) && Date.now() < upDeadline) await new Promise((r) => setTimeout(r, 100));

    const xacts = async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`)[0]!.n);
    if (ctx.sqlStats) await ctx.sqlStats.reset(name);
    const cpuBefore = procs.reduce((sum, p) => sum + p.cpuSeconds(), 0);
    const pgCpuBefore = ctx.pg.cpuSeconds();
    const benchCpuBefore = process.cpuUsage();
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
      const account = newAccountEvery && (i + 1) % newAccountEvery === 0 ? newAccounts[(i + 1) / newAccountEvery - 1] : undefined;
      void sandbox.control.zuora
        .billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 1000 + i, ...(account ? { accounts: [account] } : {}) })
        .catch(() => (unsent += 1));
    }
    const deadline = Date.now() + timeoutMs;
    let posted = 0;
    while (Date.now() < deadline) {
      posted = await db.syncRecord.count({ where: { flowId, objectType: "invoice", status: "posted" } });
      if (posted >= callouts - unsent) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const workerCpuMs = (procs.reduce((sum, p) => sum + p.cpuSeconds(), 0) - cpuBefore) * 1000;
    const postgresCpuMs = (ctx.pg.cpuSeconds() - pgCpuBefore) * 1000;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const transactions = (await xacts()) - xactsBefore;
    const counts = ctx.sqlStats ? await ctx.sqlStats.read(name).catch(() => undefined) : undefined;
    const statements = counts ? summariseStatements(counts, callouts) : undefined;
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
    const traced = await db.$queryRaw<{ id: string; ms: number; settle: number | null; received: Date; held: boolean; heldMs: number | null; releasedMs: number | null; calls: { method: string; url: string; startedAt: string; durationMs: number }[] | null }[]>`
      SELECT ie.id, EXTRACT(EPOCH FROM (r."postedAt" - ie."receivedAt")) * 1000 AS ms, ie."receivedAt" AS received,
        EXISTS (SELECT 1 FROM "RecordEvent" h WHERE h."recordId" = r.id AND h.kind = 'held') AS held,
        (SELECT EXTRACT(EPOCH FROM (min(h."createdAt") - ie."receivedAt")) * 1000 FROM "RecordEvent" h WHERE h."recordId" = r.id AND h.kind = 'held') AS "heldMs",
        (SELECT EXTRACT(EPOCH FROM (min(h."createdAt") - ie."receivedAt")) * 1000 FROM "RecordEvent" h WHERE h."recordId" = r.id AND h.kind = 'released') AS "releasedMs",
        (SELECT EXTRACT(EPOCH FROM (p."createdAt" - ie."receivedAt")) * 1000 FROM "RecordEvent" p WHERE p."recordId" = r.id AND p.kind = 'posted' LIMIT 1) AS settle,
        (SELECT a.detail->'calls' FROM "RecordEvent" a WHERE a."recordId" = r.id AND a.kind = 'attempt' ORDER BY a."createdAt" DESC LIMIT 1) AS calls
      FROM "InboundEvent" ie
      JOIN "RecordEvent" rcv ON rcv.kind = 'received' AND rcv.detail->>'inboundEventId' = ie.id::text
      JOIN "SyncRecord" r ON r.id = rcv."recordId" AND r."objectType" = 'invoice' AND r."postedAt" IS NOT NULL`;
    const timelines = traced.map((t): CalloutTimeline & { id: string } => {
      const at = t.received.getTime();
      const calls = (t.calls ?? []).map((c) => ({ start: Date.parse(c.startedAt) - at, end: Date.parse(c.startedAt) + c.durationMs - at, label: `${c.method} ${new URL(c.url).pathname.split("/").slice(-2).join("/")} ${c.durationMs}` }));
      const logged = stages.get(t.id);
      return {
        id: t.id,
        totalMs: Math.round(Number(t.ms)),
        held: t.held,
        heldMs: t.heldMs === null ? null : Math.round(Number(t.heldMs)),
        releasedMs: t.releasedMs === null ? null : Math.round(Number(t.releasedMs)),
        pickedUpMs: logged?.pickedUpMs ?? null,
        fetchedMs: logged?.fetchedMs ?? null,
        ingestedMs: logged?.ingestedMs ?? null,
        firstCallMs: calls[0]?.start ?? null,
        lastCallMs: calls.length > 0 ? Math.max(...calls.map((c) => c.end)) : null,
        settleMs: t.settle === null ? null : Math.round(Number(t.settle)),
        calls: calls.map((c) => c.label).join(", "),
      };
    });
    timelines.sort((a, b) => b.totalMs - a.totalMs);
    console.log(`  slowest callouts (ms since receipt: picked up, fetched, ingested, first target call, last call answered, settle began, posted; held first; calls):`);
    for (const t of timelines.slice(0, 10)) console.log(`    ${t.pickedUpMs} ${t.fetchedMs} ${t.ingestedMs} ${t.firstCallMs} ${t.lastCallMs} ${t.settleMs} ${t.totalMs} ${t.held ? `held at ${t.heldMs}, released at ${t.releasedMs}` : "-"}  ${t.calls}`);
    const heldMs = timelines.filter((t) => t.held).map((t) => t.totalMs).sort((a, b) => a - b);
    const directMs = timelines.filter((t) => !t.held).map((t) => t.totalMs).sort((a, b) => a - b);
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
      postgresCpuMsPerCallout: Math.round((postgresCpuMs / callouts) * 10) / 10,
      benchCpuMsPerCallout: Math.round(((benchCpu.user + benchCpu.system) / 1000 / callouts) * 10) / 10,
      transactionsPerCallout: Math.round((transactions / callouts) * 10) / 10,
      sqlStatementsPerCallout: statements?.perRecord ?? null,
      heldFirst: heldMs.length,
      heldP50Ms: heldMs.length > 0 ? Math.round(percentile(heldMs, 50)) : null,
      heldP99Ms: heldMs.length > 0 ? Math.round(percentile(heldMs, 99)) : null,
      directP99Ms: directMs.length > 0 ? Math.round(percentile(directMs, 99)) : null,
      zuoraCallsPerCallout: Math.round((zuoraCalls / callouts) * 100) / 100,
      acumaticaCallsPerCallout: Math.round((acumaticaCalls / callouts) * 100) / 100,
      unsent,
      complete: unsent === 0 && posted >= callouts && ms.length >= callouts,
      stages: {
        pickedUpMs: stageOf(timelines, "pickedUpMs"),
        fetchedMs: stageOf(timelines, "fetchedMs"),
        ingestedMs: stageOf(timelines, "ingestedMs"),
        firstCallMs: stageOf(timelines, "firstCallMs"),
        lastCallMs: stageOf(timelines, "lastCallMs"),
        settleMs: stageOf(timelines, "settleMs"),
      },
      slowest: timelines.slice(0, 20),
      statementsByKind: statements?.byKind,
      // where the database time went: the statements with the most total execution time (lock waits included)
      slowStatements: counts
        ?.sort((a, b) => b.totalMs - a.totalMs)
        .slice(0, 8)
        .map((c) => ({ query: c.query.replace(/\s+/g, " ").slice(0, 300), calls: c.calls, msPerCall: Math.round((c.totalMs / Math.max(1, c.calls)) * 10) / 10 })),
    };
  } finally {
    await Promise.all(procs.map((p) => p.kill("SIGTERM")));
    await served.close();
    delete g.mlConnectorDb;
  }
};
