import type { Db } from "../db";
import { buildRecordWhere } from "./build-record-where";
import { recordFilterSchema, type RecordFilter } from "./schemas";

/** Most records one bulk replay or release acts on (replayRecords' own limit). */
export const MAX_BULK_RECORDS = 5000;

/**
 * Ids (with their flow) of the records of a list filter that a bulk action may touch: "replay" takes
 * failed, held and skipped records, "release" held ones; oldest first, at most MAX_BULK_RECORDS.
 */
export const selectRecordIds = async ({ db, filter, action }: { db: Db; filter: RecordFilter; action: "replay" | "release" }) => {
  const parsed = recordFilterSchema.parse(filter);
  const allowed: ("failed" | "held" | "skipped")[] = action === "release" ? ["held"] : ["failed", "held", "skipped"];
  const statuses = parsed.status ? allowed.filter((s) => s === parsed.status) : allowed;
  if (statuses.length === 0) return [];
  const { status: _status, ...rest } = parsed;
  return db.syncRecord.findMany({
    where: { AND: [buildRecordWhere(rest), { status: { in: statuses } }] },
    select: { id: true, flowId: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: MAX_BULK_RECORDS,
  });
};
