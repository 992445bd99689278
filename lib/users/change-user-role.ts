import type { ConfigActor } from "@/lib/audit/config-change-schemas";
import { recordConfigChange } from "@/lib/audit/record-config-change";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { endUserSessions } from "./end-user-sessions";
import { lockUsers } from "./lock-users";
import { changeUserRoleInputSchema, type ChangeUserRoleInput } from "./schemas";

/**
 * Sets the role of `userId`. Refuses (AppError LAST_ADMIN, 409) to demote the only admin, so
 * nobody is left who can manage users; NOT_FOUND when the user does not exist. A demotion ends the
 * user's sessions.
 */
export const changeUserRole = async ({ db, actor, ...input }: ChangeUserRoleInput & { db: Db; actor?: ConfigActor }) => {
  const { userId, role } = changeUserRoleInputSchema.parse(input);
  return db.$transaction(async (tx) => {
    await lockUsers(tx);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { role: true } });
    if (!user) throw new AppError("NOT_FOUND", { userMessage: "That user no longer exists." });
    if (user.role === "admin" && role !== "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1) {
      throw new AppError("LAST_ADMIN", { status: 409, userMessage: "This is the only admin. Make another user admin first." });
    }
    // A demoted admin's sessions end, so no page or tab keeps acting on what it loaded as admin.
    if (user.role === "admin" && role !== "admin") await endUserSessions({ db: tx, userId });
    const updated = await tx.user.update({ where: { id: userId }, data: { role }, select: { id: true, email: true, role: true } });
    await recordConfigChange(tx, { actor, entity: "user", entityId: userId, label: updated.email, action: "updated", before: { role: user.role }, after: { role } });
    return updated;
  });
};
