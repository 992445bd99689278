import { randomBytes } from "node:crypto";
import { Logger, run, type Runner } from "graphile-worker";
import { toGraphileTask } from "../../jobs/define-task";
import { createPollFlowTask } from "../../jobs/poll-flow";
import { createProcessCalloutTask } from "../../jobs/process-callout";
import { createProcessRecordTask } from "../../jobs/process-record";
import { createProcessRecordsTask } from "../../jobs/process-records";
import { createConnection } from "../../lib/connections/create-connection";
import type { Prisma } from "../../lib/db";
import { ZUORA_ACUMATICA } from "../../lib/flows/zuora-acumatica/definition";
import { DEMO_GL_MAPS, demoValueMapRows } from "../../bench/lib/stack";
import { zuoraAcumaticaSettingsSchema, type ZuoraAcumaticaSettings } from "../../lib/flows/zuora-acumatica/mapping";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import type { RunningSandbox } from "../../sandbox/index";
import type { TestDb } from "../db";

/*
 * End-to-end harness: a Zuora -> Acumatica flow on real connections to a running sandbox, a real
 * graphile-worker runner on the test database, and waits on real state (jobs table, records).
 */

/** GL accounts of the demo catalogue's charges, by charge name (the benchmark stack's table). */
export const ALL_GL_MAPS = DEMO_GL_MAPS;

const quiet = new Logger(() => () => {});

export const createFlow = async ({
  t,
  sandbox,
  settings = {},
  glMaps = ALL_GL_MAPS,
  withoutMaps = [],
  zuoraSettings = {},
  acumaticaRequestsPerMinute = 3000,
  acumaticaBaseUrl,
}: {
  t: TestDb;
  sandbox: RunningSandbox;
  settings?: Partial<ZuoraAcumaticaSettings>;
  glMaps?: Record<string, string>;
  /** demo value maps left out, as "kind/sourceKey" (e.g. "cash-account/EUR") */
  withoutMaps?: string[];
  zuoraSettings?: Record<string, unknown>;
  /** the connection's shared request budget (default of the connector: 120/min, a licence's typical limit) */
  acumaticaRequestsPerMinute?: number;
  /** e.g. a recording proxy in front of the sandbox */
  acumaticaBaseUrl?: string;
}) => {
  const suffix = randomBytes(3).toString("hex");
  const z = sandbox.credentials.zuora;
  const a = sandbox.credentials.acumatica;
  const source = await createConnection({
    db: t.db,
    input: { vendor: "zuora", name: `Zuora (sandbox ${suffix})`, baseUrl: z.baseUrl, settings: zuoraSettings, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, calloutHmacSecret: "e2e-callout-secret" } },
  });
  const target = await createConnection({
    db: t.db,
    input: {
      vendor: "acumatica",
      name: `Acumatica (sandbox ${suffix})`,
      baseUrl: acumaticaBaseUrl ?? a.baseUrl,
      settings: { endpointVersion: a.endpointVersion, tenant: a.tenant, requestsPerMinute: acumaticaRequestsPerMinute },
      secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password },
    },
  });
  const flow = await t.db.flow.create({
    data: {
      kind: ZUORA_ACUMATICA,
      name: `e2e ${suffix}`,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
      enabled: true,
      schedule: null,
      backfillFrom: new Date(Date.now() - 86_400_000),
      settings: zuoraAcumaticaSettingsSchema.parse(settings) as Prisma.InputJsonValue,
    },
  });
  await t.db.valueMap.createMany({ data: demoValueMapRows({ flowId: flow.id, glMaps, except: withoutMaps }) });
  return { flowId: flow.id, sourceConnectionId: source.id, targetConnectionId: target.id };
};

/** A real graphile-worker runner over the flow tasks, on the test database. */
export const startWorker = async (t: TestDb, concurrency = 4): Promise<Runner> =>
  run({
    connectionString: t.url,
    concurrency,
    pollInterval: 100,
    noHandleSignals: true,
    logger: quiet,
    taskList: {
      "process-record": toGraphileTask(createProcessRecordTask({ getDb: () => t.db })),
      "process-records": toGraphileTask(createProcessRecordsTask({ getDb: () => t.db })),
      "process-callout": toGraphileTask(createProcessCalloutTask({ getDb: () => t.db })),
      "poll-flow": toGraphileTask(createPollFlowTask({ getDb: () => t.db })),
    },
  });

/** Jobs not finished: queued, running, or waiting for a retry (permanently failed ones excluded). */
export const openJobs = async (t: TestDb) => {
  const [row] = await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE attempts < max_attempts OR locked_at IS NOT NULL`;
  return Number(row!.n);
};

/** Waits until the worker has nothing left to do (twice in a row, 200 ms apart). */
export const settle = async (t: TestDb, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs;
  let quietRounds = 0;
  while (Date.now() < deadline) {
    quietRounds = (await openJobs(t)) === 0 ? quietRounds + 1 : 0;
    if (quietRounds >= 2) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  const jobs = await t.db.$queryRaw<unknown[]>`SELECT task_identifier, attempts, max_attempts, last_error, run_at, locked_at FROM graphile_worker.jobs ORDER BY locked_at NULLS LAST LIMIT 5`;
  const sessions = await t.db.$queryRaw<unknown[]>`SELECT state, wait_event_type, wait_event, left(query, 160) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
  throw new Error(`worker still busy after ${timeoutMs} ms: ${JSON.stringify(jobs)}\nsessions: ${JSON.stringify(sessions, null, 1)}`);
};

/** Polls every object type now and waits until the worker is done. */
export const pollAndSettle = async (t: TestDb, flowId: string, timeoutMs?: number) => {
  await syncFlowNow({ db: t.db, flowId });
  await settle(t, timeoutMs);
};

/** Records of a flow counted by "objectType/status". */
export const statusCounts = async (t: TestDb, flowId: string) => {
  const rows = await t.db.syncRecord.groupBy({ by: ["objectType", "status"], where: { flowId }, _count: true });
  return Object.fromEntries(rows.map((r) => [`${r.objectType}/${r.status}`, r._count]).sort(([a], [b]) => String(a).localeCompare(String(b))));
};

type AcumaticaDoc = Record<string, unknown>;

/** Acumatica documents keyed by natural key: AR invoices and credit memos by CustomerOrder, payments by ExternalRef. */
export const acumaticaDocuments = async (sandbox: RunningSandbox) => {
  const invoices = await sandbox.control.acumatica.documents("Invoice");
  const payments = await sandbox.control.acumatica.documents("Payment");
  const byKey = (rows: AcumaticaDoc[], field: string) => new Map(rows.map((r) => [String(r[field]), r]));
  return {
    invoices: byKey(invoices.filter((d) => d.Type === "Invoice"), "CustomerOrder"),
    creditMemos: byKey(invoices.filter((d) => d.Type === "Credit Memo"), "CustomerOrder"),
    payments: byKey(payments, "ExternalRef"),
    counts: {
      invoices: invoices.filter((d) => d.Type === "Invoice").length,
      creditMemos: invoices.filter((d) => d.Type === "Credit Memo").length,
      payments: payments.length,
      customers: (await sandbox.control.acumatica.documents("Customer")).length,
    },
  };
};
