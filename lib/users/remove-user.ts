import { throttleKey } from "@/lib/auth/login-throttle-policy";
import type { ConfigActor } from "@/lib/audit/config-change-schemas";
import { recordConfigChange } from "@/lib/audit/record-config-change";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { lockUsers } from "./lock-users";
import { removeUserInputSchema, type RemoveUserInput } from "./schemas";

/**
 * Deletes `userId`. Its sessions end with it (every request re-reads the user, which is gone), its
 * audit events keep their text with no actor, and its throttle counter goes too. Refuses (AppError
 * LAST_ADMIN, 409) to remove the only admin, which is how the only admin cannot remove themselves;
 * NOT_FOUND when the user does not exist.
 */
export const removeUser = async ({ db, actor, ...input }: RemoveUserInput & { db: Db; actor?: ConfigActor }): Promise<{ email: string }> => {
  const { userId } = removeUserInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    await lockUsers(tx);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true, email: true } });
    if (!user) throw new AppError("NOT_FOUND", { userMessage: "That user no longer exists." });
    if (user.role === "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1) {
      throw new AppError("LAST_ADMIN", { status: 409, userMessage: "This is the only admin. Make another user admin first." });
    }
    await tx.user.delete({ where: { id: userId } });
    await recordConfigChange(tx, { actor, entity: "user", entityId: userId, label: user.email, action: "deleted", before: { email: user.email, role: user.role } });
    await tx.loginThrottle.deleteMany({ where: { key: throttleKey({ scope: "password-change", id: userId }) } });
    return { email: user.email };
  });
};
