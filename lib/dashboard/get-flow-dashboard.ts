import type { Db } from "../db";
import { findFlowKind } from "../flows/registry";
import { listMissingMappings, type MissingMapping } from "../sync/list-missing-mappings";
import { getPeriodReconciliation, type PeriodReconciliation } from "./get-period-reconciliation";

export type StatusCounts = { pending: number; posted: number; held: number; failed: number; skipped: number };

export type FlowDashboard = {
  /** `objectLabels`: the flow kind's label of each object type ("invoice" -> "Posted invoices → AR invoices") */
  flow: { id: string; name: string; enabled: boolean; sourceName: string; targetName: string; objectLabels: Record<string, string> };
  /** records created since 00:00 UTC today, per status */
  today: StatusCounts;
  /** records created in the last 30 days, per status */
  last30Days: StatusCounts;
  /** one entry per UTC day of the last 30 days (oldest first), zeros included */
  daily: ({ day: string } & StatusCounts)[];
  missingMappings: MissingMapping[];
  recentFailures: { id: string; objectType: string; naturalKey: string | null; lastError: string | null; updatedAt: string }[];
  /** finish time of the latest successful poll run, and receipt time of the latest callout */
  lastSuccessfulPollAt: string | null;
  lastCalloutAt: string | null;
  reconciliation: PeriodReconciliation;
};

const DAY = 86_400_000;

const emptyCounts = (): StatusCounts => ({ pending: 0, posted: 0, held: 0, failed: 0, skipped: 0 });

/**
 * Everything the dashboard shows for one flow: status counts today and over 30 days (per day for
 * the chart), held records grouped by missing mapping, recent failures with their error, last
 * successful poll and callout, and billed vs posted for the period. Null for an unknown flow.
 */
export const getFlowDashboard = async ({ db, flowId, period, now = new Date() }: { db: Db; flowId: string; period?: string; now?: Date }): Promise<FlowDashboard | null> => {
  const flow = await db.flow.findUnique({
    where: { id: flowId },
    select: { id: true, name: true, kind: true, enabled: true, sourceConnectionId: true, source: { select: { name: true } }, target: { select: { name: true } } },
  });
  if (!flow) return null;
  const todayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const windowStart = new Date(todayStart.getTime() - 29 * DAY);

  // One index-only pass over the window gives the chart, the 30-day and today's counts alike (the
  // day is formatted per group, not per row).
  const [dailyRows, missingMappings, failures, lastPoll, lastCallout, reconciliation] = await Promise.all([
    db.$queryRaw<{ day: string; status: keyof StatusCounts; n: bigint }[]>`
      SELECT to_char(g.d, 'YYYY-MM-DD') AS day, g.status, g.n FROM (
        SELECT date_trunc('day', "createdAt" AT TIME ZONE 'UTC') AS d, status::text AS status, count(*) AS n
        FROM "SyncRecord" WHERE "flowId" = ${flowId}::uuid AND "createdAt" >= ${windowStart}
        GROUP BY 1, 2) g`,
    listMissingMappings({ db, flowId }),
    // The status is a literal so the planner can use the partial index of failed records (a bound parameter could not prove it).
    db.$queryRaw<{ id: string; objectType: string; naturalKey: string | null; lastError: string | null; updatedAt: Date }[]>`
      SELECT id, "objectType", "naturalKey", "lastError", "updatedAt" FROM "SyncRecord"
      WHERE "flowId" = ${flowId}::uuid AND status = 'failed' ORDER BY "updatedAt" DESC LIMIT 8`,
    db.flowRun.findFirst({ where: { flowId, status: "succeeded" }, orderBy: { finishedAt: "desc" }, select: { finishedAt: true } }),
    db.inboundEvent.findFirst({ where: { connectionId: flow.sourceConnectionId }, orderBy: { receivedAt: "desc" }, select: { receivedAt: true } }),
    getPeriodReconciliation({ db, flowId, period, now }),
  ]);

  const daily = Array.from({ length: 30 }, (_, i) => ({ day: new Date(windowStart.getTime() + i * DAY).toISOString().slice(0, 10), ...emptyCounts() }));
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const today = emptyCounts();
  const last30Days = emptyCounts();
  const todayKey = todayStart.toISOString().slice(0, 10);
  for (const row of dailyRows) {
    const entry = byDay.get(row.day);
    if (!entry || !(row.status in entry)) continue;
    const n = Number(row.n);
    entry[row.status] += n;
    last30Days[row.status] += n;
    if (row.day === todayKey) today[row.status] += n;
  }

  return {
    flow: {
      id: flow.id,
      name: flow.name,
      enabled: flow.enabled,
      sourceName: flow.source.name,
      targetName: flow.target.name,
      objectLabels: Object.fromEntries((findFlowKind(flow.kind)?.objects ?? []).map((o) => [o.type, o.label])),
    },
    today,
    last30Days,
    daily,
    missingMappings,
    recentFailures: failures.map((f) => ({ ...f, updatedAt: f.updatedAt.toISOString() })),
    lastSuccessfulPollAt: lastPoll?.finishedAt?.toISOString() ?? null,
    lastCalloutAt: lastCallout?.receivedAt.toISOString() ?? null,
    reconciliation,
  };
};
