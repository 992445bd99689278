import type { Db } from "../db";
import { findFlowKind } from "../flows/registry";
import type { FlowRunView } from "./views";

export type ObjectProgress = {
  objectType: string;
  /** the object type's label from the flow kind's definition */
  label: string;
  /** "running", "waiting" (queued behind another object type), "done" (latest run finished) or "never" */
  state: "running" | "waiting" | "done" | "never";
  /** 0..1: how far the run has read through time, from its start date to now */
  fraction: number;
  /** documents listed so far by the latest run */
  listed: number;
  /** the newest source change read so far */
  readUpTo: string | null;
};

export type FlowActivity = {
  runs: FlowRunView[];
  /** true while any object type has a run in progress */
  isRunning: boolean;
  /** 0..1 over every object type of the flow */
  fraction: number;
  objects: ObjectProgress[];
};

const asState = (v: unknown): { maxVersion?: string | null; runId?: string } => (v && typeof v === "object" ? (v as { maxVersion?: string | null; runId?: string }) : {});

/**
 * Last runs (FlowRun) with counts and durations, and the progress of a poll/backfill in progress:
 * per object type, the share of the time window (run start date .. now) read so far, taken from
 * the poll's checkpoint (SyncCursor.state.maxVersion). Object types poll in order on one queue.
 */
export const getFlowActivity = async ({ db, flowId, limit = 20, now = new Date() }: { db: Db; flowId: string; limit?: number; now?: Date }): Promise<FlowActivity> => {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { kind: true } });
  const [rows, cursors] = await Promise.all([
    db.flowRun.findMany({ where: { flowId }, orderBy: { startedAt: "desc" }, take: limit }),
    db.syncCursor.findMany({ where: { flowId } }),
  ]);
  const declared = (flow ? findFlowKind(flow.kind)?.objects : undefined) ?? [];
  const labelOf = (type: string) => declared.find((o) => o.type === type)?.label ?? type;
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
  }));
  const objectTypes = declared.length > 0 ? declared.map((o) => o.type) : [...new Set(runs.map((r) => r.objectType))];
  const isAnyRunning = runs.some((r) => r.status === "running");
  const runningIndex = objectTypes.findIndex((type) => runs.find((r) => r.objectType === type)?.status === "running");
  const objects: ObjectProgress[] = objectTypes.map((objectType, index) => {
    const latest = runs.find((r) => r.objectType === objectType);
    const cursor = cursors.find((c) => c.objectType === objectType);
    const label = labelOf(objectType);
    if (!latest) return { objectType, label, state: isAnyRunning ? "waiting" : "never", fraction: 0, listed: 0, readUpTo: null };
    if (latest.status !== "running") {
      // a finished run after the one in progress (in dependency order) belongs to the previous round
      const isBehind = runningIndex !== -1 && index > runningIndex;
      return { objectType, label, state: isBehind ? "waiting" : "done", fraction: isBehind ? 0 : 1, listed: isBehind ? 0 : latest.listed, readUpTo: cursor?.highWater?.toISOString() ?? null };
    }
    const readUpTo = asState(cursor?.state).maxVersion ?? null;
    const start = latest.since ? Date.parse(latest.since) : Date.parse(latest.startedAt);
    const span = Math.max(1, now.getTime() - start);
    const fraction = readUpTo ? Math.min(0.99, Math.max(0, (Date.parse(readUpTo) - start) / span)) : 0;
    return { objectType, label, state: "running", fraction, listed: latest.listed, readUpTo };
  });
  const fraction = objects.length ? objects.reduce((sum, o) => sum + o.fraction, 0) / objects.length : 0;
  return { runs, isRunning: isAnyRunning, fraction: isAnyRunning ? fraction : objects.every((o) => o.state === "done") ? 1 : fraction, objects };
};
