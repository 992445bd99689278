"use server";

import { db } from "@/lib/db";
import { saveFlow } from "@/lib/flows-admin/save-flow";
import { flowFormSchema } from "@/lib/flows-admin/schemas";
import { authedAction } from "./authed-action";

/** Admin only: create (disabled) or edit a flow of any kind this build has. */
export const saveFlowAction = authedAction(flowFormSchema, ({ input }) => saveFlow({ db: db(), form: input }), { role: "admin" });
