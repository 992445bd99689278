"use server";

import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { flowIdInputSchema } from "@/lib/flows-admin/schemas";
import { syncFlowNow } from "@/lib/sync/sync-flow-now";
import { authedAction } from "./authed-action";

/** Admin only: queue an immediate poll of every object type of an enabled flow. */
export const syncFlowNowAction = authedAction(
  flowIdInputSchema,
  async ({ input }) => {
    const result = await syncFlowNow({ db: db(), flowId: input.flowId });
    if (result.status === "not_found") throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
    if (result.status === "disabled") throw new AppError("FLOW_DISABLED", { status: 409, userMessage: "The flow is off. Turn it on to sync." });
    return result;
  },
  { role: "admin" },
);
