import type { Db } from "../db";
import { replayRecord } from "./replay-record";

const MAX_BULK = 5000;

/**
 * Bulk replay: the given ids, or every failed/held/skipped record matching the filter (at most
 * 5,000 per call). Each record is replayed in its own transaction (one bad row stops nothing).
 * Returns how many were queued.
 */
export const replayRecords = async ({
  db,
  ids,
  filter,
  actorUserId,
}: {
  db: Db;
  ids?: string[];
  filter?: { flowId?: string; status?: "failed" | "held" | "skipped"; objectType?: string; statusReason?: string };
  actorUserId: string | null;
}): Promise<{ queued: number }> => {
  const targets =
    ids ??
    (
      await db.syncRecord.findMany({
        where: {
          flowId: filter?.flowId,
          objectType: filter?.objectType,
          statusReason: filter?.statusReason,
          status: filter?.status ?? { in: ["failed", "held", "skipped"] },
        },
        select: { id: true },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: MAX_BULK,
      })
    ).map((r) => r.id);
  let queued = 0;
  for (const recordId of targets.slice(0, MAX_BULK)) {
    if ((await replayRecord({ db, recordId, actorUserId })).status === "queued") queued += 1;
  }
  return { queued };
};
