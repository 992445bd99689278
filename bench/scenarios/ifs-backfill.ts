import { randomBytes } from "node:crypto";
import { createConnection } from "../../lib/connections/create-connection";
import type { Db, Prisma } from "../../lib/db";
import { ZUORA_IFS_CLOUD } from "../../lib/flows/zuora-ifs-cloud/definition";
import { zuoraIfsCloudSettingsSchema } from "../../lib/flows/zuora-ifs-cloud/settings";
import { DEMO_IFS_FLOW_SETTINGS, demoIfsValueMaps } from "../../prisma/seed/seed-demo-ifs-flow";
import type { RunningSandbox } from "../../sandbox/index";
import { mb, type BenchContext } from "../lib/context";
import { runBackfillWorkers } from "../lib/run-backfill-workers";

/** The Zuora connection's callout signing secret in these flows. */
export const IFS_CALLOUT_SECRET = "ifs-callout-secret-7Rk2";

/** A Zuora -> IFS Cloud flow on the sandbox's demo connections with the demo's value maps (all mapped unless `withoutCostCenters`). */
export const createIfsSandboxFlow = async ({ db, sandbox, withoutCostCenters = [] }: { db: Db; sandbox: RunningSandbox; withoutCostCenters?: string[] }) => {
  const suffix = randomBytes(3).toString("hex");
  const z = sandbox.credentials.zuora;
  const i = sandbox.credentials.ifsCloud;
  const source = await createConnection({ db, input: { vendor: "zuora", name: `Zuora ${suffix}`, baseUrl: z.baseUrl, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, calloutHmacSecret: IFS_CALLOUT_SECRET } } });
  const target = await createConnection({ db, input: { vendor: "ifs-cloud", name: `IFS ${suffix}`, baseUrl: i.baseUrl, settings: { realm: i.realm }, secrets: { clientId: i.clientId, clientSecret: i.clientSecret } } });
  const flow = await db.flow.create({
    data: {
      kind: ZUORA_IFS_CLOUD,
      name: `ifs ${suffix}`,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
      enabled: true,
      schedule: null,
      backfillFrom: new Date(Date.now() - 86_400_000),
      settings: zuoraIfsCloudSettingsSchema.parse(DEMO_IFS_FLOW_SETTINGS) as Prisma.InputJsonValue,
    },
  });
  await db.valueMap.createMany({ data: demoIfsValueMaps({ withoutCostCenters }).map((m) => ({ flowId: flow.id, ...m })) });
  return { flowId: flow.id, sourceConnectionId: source.id, targetConnectionId: target.id };
};

export type IfsBackfillResult = {
  scenario: string;
  latencyMs: number;
  invoices: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  zuoraCallsPerDocument: number;
  ifsCallsPerDocument: number;
  callsPerDocument: number;
  ifsTokens: number;
  failedRecords: number;
  peakWorkerRssMb: number;
  workers: number;
  concurrency: number;
  complete: boolean;
  note?: string;
};

/**
 * Backfill of a Zuora bill run into IFS Cloud GL vouchers by polling: every invoice, payment and
 * credit memo one voucher. Throughput from Sync now to the last post; calls per document (invoices,
 * payments and memos together) from the sandbox's own counters.
 */
export const ifsBackfill = async (
  ctx: BenchContext,
  { invoices, latencyMs, workers = 2, concurrency = 8, timeoutMs = 900_000, accounts = 300 }: { invoices: number; latencyMs: number; workers?: number; concurrency?: number; timeoutMs?: number; accounts?: number },
): Promise<IfsBackfillResult> => {
  const label = `ifs-backfill-${latencyMs}ms`;
  const { url, db } = await ctx.freshDb(label);
  const sandbox = await ctx.freshSandbox({ latencyMs, accounts });
  await sandbox.control.setLatency({ zuora: latencyMs, "ifs-cloud": latencyMs });
  const { flowId } = await createIfsSandboxFlow({ db, sandbox });
  const run = await sandbox.control.zuora.billRun({ invoices, seed: 42, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.1 });
  const expected = { invoice: run.invoices.length, payment: run.payments.length, "credit-memo": run.creditMemos.length };
  const z0 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const i0 = await sandbox.control.ifsCloud.stats();

  const { procs, complete, note, seconds, posted: records, failed } = await runBackfillWorkers({ db, url, flowId, expected, label, workers, concurrency, timeoutMs });
  const z1 = (await sandbox.control.zuora.stats()).requests ?? 0;
  const i1 = await sandbox.control.ifsCloud.stats();
  const per = (n: number) => Number((n / Math.max(1, records)).toFixed(2));
  return {
    scenario: label,
    latencyMs,
    invoices,
    records,
    seconds: Number(seconds.toFixed(1)),
    recordsPerSecond: Number((records / seconds).toFixed(1)),
    zuoraCallsPerDocument: per(z1 - z0),
    ifsCallsPerDocument: per(i1.requests - i0.requests),
    callsPerDocument: per(z1 - z0 + i1.requests - i0.requests),
    ifsTokens: i1.tokensIssued - i0.tokensIssued,
    failedRecords: failed,
    peakWorkerRssMb: Math.max(...procs.map((p) => mb(p.peakRss()))),
    workers,
    concurrency,
    complete,
    ...(note ? { note } : {}),
  };
};
