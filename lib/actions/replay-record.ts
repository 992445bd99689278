"use server";

import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { replayRecordInputSchema } from "@/lib/records/bulk-schemas";
import { replayRecord } from "@/lib/sync/replay-record";
import { authedAction } from "./authed-action";

/** Admin only: queue one failed, held or skipped record again (re-fetched from the source, looked up before posting). */
export const replayRecordAction = authedAction(
  replayRecordInputSchema,
  async ({ input, user }) => {
    const result = await replayRecord({ db: db(), recordId: input.recordId, actorUserId: user.id });
    if (result.status === "not_found") throw new AppError("NOT_FOUND", { userMessage: "This record does not exist." });
    if (result.status === "not_replayable") throw new AppError("CONFLICT", { userMessage: `This record cannot be replayed: ${result.reason}.` });
    return result;
  },
  { role: "admin" },
);
