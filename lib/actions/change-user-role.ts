"use server";

import { db } from "@/lib/db";
import { changeUserRole } from "@/lib/users/change-user-role";
import { changeUserRoleInputSchema } from "@/lib/users/schemas";
import { authedAction } from "./authed-action";

/** Admin only: make a user admin or viewer (the last admin cannot be demoted). */
export const changeUserRoleAction = authedAction(
  changeUserRoleInputSchema,
  ({ input, user }) => changeUserRole({ db: db(), ...input, actor: { id: user.id, email: user.email } }),
  { role: "admin" },
);
