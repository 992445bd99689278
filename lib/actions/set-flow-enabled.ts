"use server";

import { db } from "@/lib/db";
import { setFlowEnabledInputSchema } from "@/lib/flows-admin/schemas";
import { setFlowEnabled } from "@/lib/flows-admin/set-flow-enabled";
import { authedAction } from "./authed-action";

/** Admin only: turn a flow on or off. */
export const setFlowEnabledAction = authedAction(setFlowEnabledInputSchema, ({ input, user }) => setFlowEnabled({ db: db(), ...input, actor: { id: user.id, email: user.email } }), { role: "admin" });
