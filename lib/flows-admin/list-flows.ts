import type { Db } from "../db";

export type FlowListItem = {
  id: string;
  name: string;
  enabled: boolean;
  schedule: string | null;
  source: { id: string; name: string };
  target: { id: string; name: string };
  /** the latest poll run of any object type */
  lastRun: { status: string; startedAt: string; finishedAt: string | null } | null;
};

/** Every flow by name with its connections and latest run (for the flows list and pickers). */
export const listFlows = async ({ db }: { db: Db }): Promise<FlowListItem[]> => {
  const flows = await db.flow.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, enabled: true, schedule: true, source: { select: { id: true, name: true } }, target: { select: { id: true, name: true } } },
  });
  const runs = flows.length
    ? await db.$queryRaw<{ flowId: string; status: string; startedAt: Date; finishedAt: Date | null }[]>`
        SELECT DISTINCT ON ("flowId") "flowId", status, "startedAt", "finishedAt" FROM "FlowRun"
        WHERE "flowId" = ANY(${flows.map((f) => f.id)}::uuid[]) ORDER BY "flowId", "startedAt" DESC`
    : [];
  const byFlow = new Map(runs.map((r) => [r.flowId, r]));
  return flows.map((f) => {
    const run = byFlow.get(f.id);
    return { ...f, lastRun: run ? { status: run.status, startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null } : null };
  });
};
