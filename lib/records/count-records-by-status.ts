import type { Db } from "../db";
import { buildRecordWhere } from "./build-record-where";
import { recordFilterSchema, type RecordFilter } from "./schemas";

/** Records per status for a filter (the status filter itself is ignored); every status is present. */
export const countRecordsByStatus = async ({ db, filter = {} }: { db: Db; filter?: RecordFilter }) => {
  const { status: _ignored, ...rest } = recordFilterSchema.parse(filter);
  const groups = await db.syncRecord.groupBy({ by: ["status"], where: buildRecordWhere(rest), _count: { _all: true } });
  const counts = { pending: 0, posted: 0, held: 0, failed: 0, skipped: 0 };
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
};
