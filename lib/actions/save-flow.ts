"use server";

import { db } from "@/lib/db";
import { saveFlow } from "@/lib/flows-admin/save-flow";
import { flowFormSchema } from "@/lib/flows-admin/schemas";
import { authedAction } from "./authed-action";

/** Admin only: create (disabled) or edit a flow of any kind this build has. */
export const saveFlowAction = authedAction(flowFormSchema, ({ input, user }) => saveFlow({ db: db(), form: input, actor: { id: user.id, email: user.email } }), { role: "admin" });
