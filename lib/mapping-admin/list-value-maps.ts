import type { Db } from "../db";

/** One saved mapping as the UI shows it. */
export type ValueMapRow = { id: string; kind: string; sourceKey: string; sourceLabel: string | null; targetValue: string; targetLabel: string | null; updatedAt: string };

/** Every value map of a flow (optionally one kind), by kind then source key. */
export const listValueMaps = async ({ db, flowId, kind }: { db: Db; flowId: string; kind?: string }): Promise<ValueMapRow[]> => {
  const rows = await db.valueMap.findMany({
    where: { flowId, ...(kind ? { kind } : {}) },
    orderBy: [{ kind: "asc" }, { sourceKey: "asc" }],
    select: { id: true, kind: true, sourceKey: true, sourceLabel: true, targetValue: true, targetLabel: true, updatedAt: true },
  });
  return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
};
