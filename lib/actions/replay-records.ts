"use server";

import { db } from "@/lib/db";
import { bulkRecordsInputSchema } from "@/lib/records/bulk-schemas";
import { selectRecordIds } from "@/lib/records/select-record-ids";
import { replayRecords } from "@/lib/sync/replay-records";
import { authedAction } from "./authed-action";

/** Admin only: replay a selection, or every failed/held/skipped record of a list filter (at most 5,000 per call). */
export const replayRecordsAction = authedAction(
  bulkRecordsInputSchema,
  async ({ input, user }) => {
    const database = db();
    const ids = "ids" in input ? input.ids : (await selectRecordIds({ db: database, filter: input.filter, action: "replay" })).map((r) => r.id);
    const { queued } = await replayRecords({ db: database, ids, actorUserId: user.id });
    return { queued, considered: ids.length };
  },
  { role: "admin" },
);
