import { hashPassword } from "@/lib/auth/hash-password";
import { verifyPassword } from "@/lib/auth/verify-password";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { changePasswordInputSchema, type ChangePasswordInput } from "./schemas";

/**
 * Replaces the password of `userId` after checking `currentPassword` (throws AppError
 * WRONG_PASSWORD, 422, when it does not match; ZodError when the new one is too short or equal
 * to the current one). Lets a user replace the initial password an admin has seen.
 */
export const changePassword = async ({ db, userId, ...input }: ChangePasswordInput & { db: Db; userId: string }): Promise<void> => {
  const { currentPassword, newPassword } = changePasswordInputSchema.parse(input);
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) throw new AppError("UNAUTHENTICATED", { userMessage: "Your session has ended. Sign in again." });
  if (!(await verifyPassword({ hash: user.passwordHash, password: currentPassword }))) {
    throw new AppError("WRONG_PASSWORD", { status: 422, userMessage: "The current password is not correct." });
  }
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(newPassword) } });
};
