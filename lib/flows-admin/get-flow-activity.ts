import type { Db } from "../db";
import { findFlowKind } from "../flows/registry";
import type { FlowRunView } from "./views";

type RunRecords = FlowRunView["records"];
const noRecords = (): RunRecords => ({ received: 0, posted: 0, held: 0, failed: 0, skipped: 0, pending: 0, retrying: 0 });

const outcomeOf = (status: string, records: RunRecords): FlowRunView["outcome"] => {
  if (status === "running") return "reading";
  if (status === "failed") return "failed";
  if (records.retrying > 0) return "retrying";
  if (records.pending > 0) return "posting";
  if (records.failed > 0) return "finished with failures";
  // held records are not posted: a run whose new payments all wait for their invoices has not succeeded
  return records.held > 0 ? "finished with held records" : "succeeded";
};

export type ObjectProgress = {
  objectType: string;
  /** the object type's label from the flow kind's definition */
  label: string;
  /**
   * "running" (reading), "posting" (read, records still waiting to be posted), "waiting" (queued
   * behind another object type), "done" (latest run finished, its records settled) or "never"
   */
  state: "running" | "posting" | "waiting" | "done" | "never";
  /** 0..1: reading and posting together, (readFraction + postFraction) / 2 */
  fraction: number;
  /** 0..1: how far the run has read through time, from its start date to now */
  readFraction: number;
  /** 0..1: the share of the records the run received that are no longer pending (0 before any is received) */
  postFraction: number;
  /** the latest run's records: received, still pending (retrying among them) and posted */
  received: number;
  pending: number;
  retrying: number;
  posted: number;
  /** documents listed so far by the latest run */
  listed: number;
  /** the newest source change read so far */
  readUpTo: string | null;
};

export type FlowActivity = {
  runs: FlowRunView[];
  /** true while any object type has a run reading, or records of a latest run waiting to be posted */
  isRunning: boolean;
  /** 0..1 over every object type of the flow */
  fraction: number;
  objects: ObjectProgress[];
};

const asState = (v: unknown): { maxVersion?: string | null; runId?: string } => (v && typeof v === "object" ? (v as { maxVersion?: string | null; runId?: string }) : {});

/**
 * Last runs (FlowRun) with counts and durations, what became of the records each received, and the
 * progress of a poll/backfill in progress: per object type, the share of the time window (run start
 * date .. now) read so far, taken from the poll's checkpoint (SyncCursor.state.maxVersion), and the
 * share of its records no longer pending. Object types poll in order on one queue.
 *
 * A run's records are those of its object type first created between its start and its end (the
 * ledger does not note which run read a record): documents a callout brought in meanwhile count too,
 * newer versions of known records do not.
 */
export const getFlowActivity = async ({ db, flowId, limit = 20, now = new Date() }: { db: Db; flowId: string; limit?: number; now?: Date }): Promise<FlowActivity> => {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { kind: true } });
  const [rows, cursors] = await Promise.all([
    db.flowRun.findMany({ where: { flowId }, orderBy: { startedAt: "desc" }, take: limit }),
    db.syncCursor.findMany({ where: { flowId } }),
  ]);
  const declared = (flow ? findFlowKind(flow.kind)?.objects : undefined) ?? [];
  const labelOf = (type: string) => declared.find((o) => o.type === type)?.label ?? type;
  const counted =
    rows.length === 0
      ? []
      : await db.$queryRaw<{ runId: string; status: keyof RunRecords; n: bigint; retrying: bigint }[]>`
          SELECT fr.id AS "runId", r.status::text AS status, count(*) AS n, count(*) FILTER (WHERE r.status = 'pending' AND r."lastError" IS NOT NULL) AS retrying
          FROM "FlowRun" fr
          JOIN "SyncRecord" r ON r."flowId" = fr."flowId" AND r."objectType" = fr."objectType"
            AND r."createdAt" >= fr."startedAt" AND r."createdAt" <= COALESCE(fr."finishedAt", 'infinity'::timestamptz)
          WHERE fr.id = ANY(${rows.map((r) => r.id)}::uuid[])
          GROUP BY 1, 2`;
  const recordsOf = new Map<string, RunRecords>();
  for (const c of counted) {
    const entry = recordsOf.get(c.runId) ?? noRecords();
    entry[c.status] += Number(c.n);
    entry.received += Number(c.n);
    entry.retrying += Number(c.retrying);
    recordsOf.set(c.runId, entry);
  }
  const runs: FlowRunView[] = rows.map((r) => ({
    id: r.id,
    objectType: r.objectType,
    label: labelOf(r.objectType),
    trigger: r.trigger,
    status: r.status,
    since: r.since?.toISOString() ?? null,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
    pages: r.pages,
    listed: r.listed,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    error: r.error,
    records: recordsOf.get(r.id) ?? noRecords(),
    outcome: outcomeOf(r.status, recordsOf.get(r.id) ?? noRecords()),
  }));
  const objectTypes = declared.length > 0 ? declared.map((o) => o.type) : [...new Set(runs.map((r) => r.objectType))];
  const isAnyReading = runs.some((r) => r.status === "running");
  const runningIndex = objectTypes.findIndex((type) => runs.find((r) => r.objectType === type)?.status === "running");
  const objects: ObjectProgress[] = objectTypes.map((objectType, index) => {
    const latest = runs.find((r) => r.objectType === objectType);
    const cursor = cursors.find((c) => c.objectType === objectType);
    const label = labelOf(objectType);
    const idle = { objectType, label, fraction: 0, readFraction: 0, postFraction: 0, listed: 0, readUpTo: null, received: 0, pending: 0, retrying: 0, posted: 0 };
    if (!latest) return { ...idle, state: isAnyReading ? "waiting" : "never" };
    const { received, pending, retrying, posted } = latest.records;
    const postFraction = received > 0 ? (received - pending) / received : latest.status === "running" ? 0 : 1;
    const counts = { received, pending, retrying, posted, postFraction };
    if (latest.status !== "running") {
      // a finished run after the one in progress (in dependency order) belongs to the previous round
      const isBehind = runningIndex !== -1 && index > runningIndex;
      if (isBehind) return { ...idle, state: "waiting" };
      return { objectType, label, state: pending > 0 ? "posting" : "done", ...counts, readFraction: 1, fraction: (1 + postFraction) / 2, listed: latest.listed, readUpTo: cursor?.highWater?.toISOString() ?? null };
    }
    const readUpTo = asState(cursor?.state).maxVersion ?? null;
    const start = latest.since ? Date.parse(latest.since) : Date.parse(latest.startedAt);
    const span = Math.max(1, now.getTime() - start);
    const readFraction = readUpTo ? Math.min(0.99, Math.max(0, (Date.parse(readUpTo) - start) / span)) : 0;
    return { objectType, label, state: "running", ...counts, readFraction, fraction: (readFraction + postFraction) / 2, listed: latest.listed, readUpTo };
  });
  const isRunning = isAnyReading || objects.some((o) => o.state === "posting");
  const fraction = objects.length ? objects.reduce((sum, o) => sum + o.fraction, 0) / objects.length : 0;
  return { runs, isRunning, fraction: isRunning ? Math.min(0.99, fraction) : objects.every((o) => o.state === "done") ? 1 : fraction, objects };
};
