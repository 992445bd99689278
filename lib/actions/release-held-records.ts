"use server";

import { z } from "zod";
import { db } from "@/lib/db";
import { bulkRecordsInputSchema, releaseForMappingInputSchema } from "@/lib/records/bulk-schemas";
import { selectRecordIds } from "@/lib/records/select-record-ids";
import { releaseHeldRecords } from "@/lib/sync/release-held-records";
import { authedAction } from "./authed-action";

/**
 * Admin only: release held records whose missing mappings now exist, either those waiting on one
 * mapping, a selection, or every held record of a list filter. Answers how many were released and
 * how many stay held (still missing something).
 */
export const releaseHeldRecordsAction = authedAction(
  z.union([releaseForMappingInputSchema, bulkRecordsInputSchema]),
  async ({ input, user }) => {
    const database = db();
    if ("sourceKey" in input) {
      const released = await releaseHeldRecords({ db: database, flowId: input.flowId, kind: input.kind, sourceKey: input.sourceKey, actorUserId: user.id });
      return { released, considered: released };
    }
    const rows =
      "ids" in input
        ? await database.syncRecord.findMany({ where: { id: { in: input.ids }, status: "held" }, select: { id: true, flowId: true } })
        : await selectRecordIds({ db: database, filter: input.filter, action: "release" });
    const byFlow = new Map<string, string[]>();
    for (const r of rows) byFlow.set(r.flowId, [...(byFlow.get(r.flowId) ?? []), r.id]);
    let released = 0;
    for (const [flowId, recordIds] of byFlow) released += await releaseHeldRecords({ db: database, flowId, recordIds, actorUserId: user.id });
    return { released, considered: rows.length };
  },
  { role: "admin" },
);
