"use server";

import { db } from "@/lib/db";
import { deleteValueMap } from "@/lib/mapping-admin/delete-value-map";
import { deleteValueMapInputSchema } from "@/lib/mapping-admin/schemas";
import { authedAction } from "./authed-action";

/** Admin only: remove one mapping (posted records keep their accounts). */
export const deleteValueMapAction = authedAction(deleteValueMapInputSchema, ({ input, user }) => deleteValueMap({ db: db(), input, actor: { id: user.id, email: user.email } }), { role: "admin" });
