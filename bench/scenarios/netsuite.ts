import { db as appDb } from "../../lib/db";
import { answerCalloutRequest } from "../../lib/sync/answer-callout-request";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import { startSandbox } from "../../sandbox/index";
import { serveNodeRoute } from "../../test/reliability/http-helpers";
import { percentile, type BenchContext } from "../lib/context";
import { CALLOUT_SECRET, createNetsuiteZuoraFlows, seedNetsuiteVolume } from "../lib/netsuite-stack";
import { spawnWorker, waitForSync } from "../lib/stack";

export type NetsuiteBenchResult = {
  scenario: string;
  latencyMs: number;
  customers: number;
  invoices: number;
  seconds: number;
  recordsPerSecond: number;
  netsuiteCallsPerRecord: number;
  zuoraCallsPerRecord: number;
  netsuite429s: number;
  subscriptionEvents: number;
  eventsPerSecond: number;
  eventP50Ms: number;
  eventP95Ms: number;
  complete: boolean;
};

/**
 * Both NetSuite <-> Zuora flows on worker processes as `npm run worker` starts them:
 * - netsuite-zuora: a backfill of `customers` customers and `invoices` invoices (Sync now), records/s
 *   and vendor calls per record (NetSuite: SuiteQL pages, record reads, token; Zuora: look-up and create);
 * - zuora-netsuite-subscriptions: `events` subscription callouts (new, amended, cancelled) sent by the
 *   sandbox's Zuora through the real webhook route, latency from receipt to the custom record posted.
 */
export const netsuiteFlows = async (
  ctx: BenchContext,
  { customers, invoices, events, latencyMs, timeoutMs = 900_000 }: { customers: number; invoices: number; events: number; latencyMs: number; timeoutMs?: number },
): Promise<NetsuiteBenchResult> => {
  const label = `netsuite-${latencyMs}ms`;
  const { url, db } = await ctx.freshDb(label);
  const sandbox = await startSandbox({ port: 0, demo: { accounts: 2 } });
  const procs: ReturnType<typeof spawnWorker>[] = [];
  const g = globalThis as unknown as { mlConnectorDb?: unknown };
  g.mlConnectorDb = db;
  const served = await serveNodeRoute((req, res, { vendor = "", connectionId = "" }) => answerCalloutRequest({ db: appDb, req, res, vendor, connectionId }), /^\/api\/webhooks\/(?<vendor>[^/]*)\/(?<connectionId>[^/]*)$/);
  try {
    await sandbox.control.setLatency({ zuora: latencyMs, netsuite: latencyMs });
    const ids = await createNetsuiteZuoraFlows({ db, sandbox, netsuiteMaxConcurrent: 10 });
    await seedNetsuiteVolume({ sandbox, customers, invoices });
    procs.push(spawnWorker({ databaseUrl: url, concurrency: 8 }), spawnWorker({ databaseUrl: url, concurrency: 8 }));
    const upDeadline = Date.now() + 60_000;
    while (procs.some((p) => !p.output().includes(" running ")) && Date.now() < upDeadline) await new Promise((r) => setTimeout(r, 100));

    const before = { ns: await sandbox.control.netsuite.stats(), z: await sandbox.control.zuora.stats() };
    const started = Date.now();
    await syncFlowNow({ db, flowId: ids.invoiceFlowId });
    const counts = await waitForSync({ db, flowId: ids.invoiceFlowId, timeoutMs, done: (c) => (c["customer/posted"] ?? 0) >= customers && (c["invoice/posted"] ?? 0) >= invoices });
    const seconds = (Date.now() - started) / 1000;
    const after = { ns: await sandbox.control.netsuite.stats(), z: await sandbox.control.zuora.stats() };
    const records = customers + invoices;

    // Subscription events: one third new, one third amended, one third cancelled, sent as they happen.
    await sandbox.control.zuora.callouts.addTemplate({
      url: `${served.url}/api/webhooks/zuora/${ids.zuoraConnectionId}`,
      events: ["SubscriptionCreated", "SubscriptionAmended", "SubscriptionCancelled"],
      hmac: { secret: CALLOUT_SECRET, algorithm: "SHA-256" },
    });
    const accounts = (await sandbox.control.zuora.accounts()).filter((a) => a.customFields?.NetSuiteId__c);
    const third = Math.ceil(events / 3);
    const subsStarted = Date.now();
    const subs = [];
    for (let i = 0; i < third; i++) subs.push(await sandbox.control.zuora.createSubscription({ account: accounts[i % accounts.length]!.id, mrr: 100 + i }));
    for (let i = 0; i < third; i++) await sandbox.control.zuora.amendSubscription(subs[i]!.id, { mrr: 200 + i });
    for (let i = 0; i < events - 2 * third; i++) await sandbox.control.zuora.amendSubscription(subs[i]!.id, { cancel: true });
    await sandbox.control.zuora.callouts.drain(Math.min(timeoutMs, 600_000));
    await waitForSync({ db, flowId: ids.subscriptionFlowId, timeoutMs, done: (c) => (c["subscription-event/posted"] ?? 0) >= events });
    const subsSeconds = (Date.now() - subsStarted) / 1000;
    const rows = await db.$queryRaw<{ ms: number }[]>`
      SELECT EXTRACT(EPOCH FROM (r."postedAt" - ie."receivedAt")) * 1000 AS ms
      FROM "SyncRecord" r JOIN "InboundEvent" ie ON ie."vendorEventId" = r."sourceId" AND ie."connectionId" = ${ids.zuoraConnectionId}::uuid
      WHERE r."flowId" = ${ids.subscriptionFlowId}::uuid AND r."postedAt" IS NOT NULL`;
    const ms = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const posted = (await sandbox.control.netsuite.records("customrecord_zuora_subscription_event")).length;
    return {
      scenario: label,
      latencyMs,
      customers,
      invoices,
      seconds: Math.round(seconds * 10) / 10,
      recordsPerSecond: Math.round((records / seconds) * 10) / 10,
      netsuiteCallsPerRecord: Math.round(((after.ns.requests ?? 0) - (before.ns.requests ?? 0)) / records * 100) / 100,
      zuoraCallsPerRecord: Math.round(((after.z.requests ?? 0) - (before.z.requests ?? 0)) / records * 100) / 100,
      netsuite429s: (after.ns.rejected429 ?? 0) - (before.ns.rejected429 ?? 0),
      subscriptionEvents: events,
      eventsPerSecond: Math.round((events / subsSeconds) * 10) / 10,
      eventP50Ms: Math.round(percentile(ms, 50)),
      eventP95Ms: Math.round(percentile(ms, 95)),
      complete: (counts["customer/posted"] ?? 0) === customers && (counts["invoice/posted"] ?? 0) === invoices && posted === events && ms.length === events,
    };
  } finally {
    await Promise.all(procs.map((p) => p.kill("SIGTERM")));
    await served.close();
    await sandbox.close();
    delete g.mlConnectorDb;
  }
};
