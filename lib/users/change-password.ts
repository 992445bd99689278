import { hashPassword } from "@/lib/auth/hash-password";
import { claimLoginAttempt } from "@/lib/auth/claim-login-attempt";
import { clearLoginFailures } from "@/lib/auth/clear-login-failures";
import { verifyPassword } from "@/lib/auth/verify-password";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { endUserSessions } from "./end-user-sessions";
import { changePasswordInputSchema, type ChangePasswordInput } from "./schemas";

/**
 * Replaces the password of `userId` after checking `currentPassword` (throws AppError
 * WRONG_PASSWORD, 422, when it does not match; ZodError when the new one is too short or equal
 * to the current one; RATE_LIMITED, 429, after too many wrong ones: lib/auth/login-throttle-policy.ts). Lets a user replace the initial password an admin has seen. Every session
 * of the user ends (sessionVersion bumped); they sign in again with the new password.
 */
export const changePassword = async ({
  db,
  userId,
  now = new Date(),
  ...input
}: ChangePasswordInput & { db: Db; userId: string; now?: Date }): Promise<void> => {
  const { currentPassword, newPassword } = changePasswordInputSchema.parse(input);
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user) throw new AppError("UNAUTHENTICATED", { userMessage: "Your session has ended. Sign in again." });
  // The current-password check is a password guess like a sign-in, so it is throttled like one.
  const counters = [{ scope: "password-change" as const, id: userId }];
  const claim = await claimLoginAttempt({ db, counters, now });
  if (!claim.isAllowed) {
    const minutes = Math.max(1, Math.ceil(claim.retryAfterMs / 60_000));
    throw new AppError("RATE_LIMITED", { userMessage: `Too many wrong passwords. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.` });
  }
  if (!(await verifyPassword({ hash: user.passwordHash, password: currentPassword }))) {
    throw new AppError("WRONG_PASSWORD", { status: 422, userMessage: "The current password is not correct." });
  }
  await clearLoginFailures({ db, counters });
  // A new password ends every session, this one included: a copied cookie must not outlive it.
  const passwordHash = await hashPassword(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    await endUserSessions({ db: tx, userId });
  });
};
