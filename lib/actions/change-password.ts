"use server";

import { db } from "@/lib/db";
import { changePassword } from "@/lib/users/change-password";
import { changePasswordInputSchema } from "@/lib/users/schemas";
import { authedAction } from "./authed-action";

/** Any signed-in user: replace your own password (the current one is checked). */
export const changePasswordAction = authedAction(changePasswordInputSchema, async ({ input, user }) => {
  await changePassword({ db: db(), userId: user.id, ...input });
  return { changed: true as const };
});
