"use server";

import { db } from "@/lib/db";
import { removeUser } from "@/lib/users/remove-user";
import { removeUserInputSchema } from "@/lib/users/schemas";
import { authedAction } from "./authed-action";

/** Admin only: remove a user and end their sessions (the only admin cannot be removed). */
export const removeUserAction = authedAction(removeUserInputSchema, ({ input, user }) => removeUser({ db: db(), ...input, actor: { id: user.id, email: user.email } }), { role: "admin" });
