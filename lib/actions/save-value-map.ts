"use server";

import { db } from "@/lib/db";
import { saveValueMap } from "@/lib/mapping-admin/save-value-map";
import { saveValueMapInputSchema } from "@/lib/mapping-admin/schemas";
import { authedAction } from "./authed-action";

/** Admin only: create or replace one mapping; answers how many held records wait on it and can be released (or were, when the flow releases by itself). */
export const saveValueMapAction = authedAction(saveValueMapInputSchema, ({ input, user }) => saveValueMap({ db: db(), input, actor: { id: user.id, email: user.email } }), { role: "admin" });
