"use server";

import { db } from "@/lib/db";
import { inviteUser } from "@/lib/users/invite-user";
import { inviteUserInputSchema } from "@/lib/users/schemas";
import { authedAction } from "./authed-action";

/** Admin only: creates a user and returns the generated initial password, shown once. */
export const inviteUserAction = authedAction(
  inviteUserInputSchema,
  async ({ input, user: admin }) => {
    const { user, initialPassword } = await inviteUser({ db: db(), ...input, actor: { id: admin.id, email: admin.email } });
    return { email: user.email, role: user.role, initialPassword };
  },
  { role: "admin" },
);
