"use server";

import { deleteConnection } from "@/lib/connections/delete-connection";
import { idInputSchema } from "@/lib/connections/form-schemas";
import { db } from "@/lib/db";
import { authedAction } from "./authed-action";

/** Admin only: delete a connection no flow uses. */
export const deleteConnectionAction = authedAction(idInputSchema, ({ input, user }) => deleteConnection({ db: db(), connectionId: input.id, actor: { id: user.id, email: user.email } }), { role: "admin" });
