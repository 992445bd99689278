import { recordEvent } from "../audit/record-event";
import type { Db, Prisma } from "../db";
import { enqueueRecord } from "./enqueue-record";

export type ReplayResult = { status: "queued" } | { status: "not_found" } | { status: "not_replayable"; reason: string };

/**
 * Queues a failed, held or skipped record again: appends `replayed` (by whom) and never rewrites
 * earlier events; the job re-fetches the document from the vendor (it may have changed there) and
 * re-runs mapping, and still looks the target up before creating. Posted records are not replayable.
 */
export const replayRecord = async ({
  db,
  tx,
  recordId,
  actorUserId,
}: {
  db: Db;
  tx?: Prisma.TransactionClient;
  recordId: string;
  actorUserId: string | null;
}): Promise<ReplayResult> => {
  const run = async (t: Prisma.TransactionClient): Promise<ReplayResult> => {
    const [row] = await t.$queryRaw<{ status: string; targetConnectionId: string }[]>`
      SELECT r.status::text AS status, f."targetConnectionId" FROM "SyncRecord" r JOIN "Flow" f ON f.id = r."flowId"
      WHERE r.id = ${recordId}::uuid FOR UPDATE OF r`;
    if (!row) return { status: "not_found" };
    if (row.status === "posted") return { status: "not_replayable", reason: "posted records are never posted again" };
    if (row.status === "pending") return { status: "not_replayable", reason: "the record is already queued" };
    await t.syncRecord.update({ where: { id: recordId }, data: { status: "pending", statusReason: null, missing: undefined } });
    await recordEvent(t, { recordId, kind: "replayed", detail: { by: actorUserId, previousStatus: row.status }, actorUserId });
    await enqueueRecord(t, { recordId, refetch: true });
    return { status: "queued" };
  };
  return tx ? run(tx) : db.$transaction(run);
};
