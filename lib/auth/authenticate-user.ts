import type { Db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/client";
import { checkLoginThrottle } from "./check-login-throttle";
import { hashPassword } from "./hash-password";
import { normaliseEmail } from "./login-throttle-policy";
import { recordLoginFailure } from "./record-login-failure";
import { verifyPassword } from "./verify-password";

export type AuthenticatedUser = { id: string; email: string; name: string | null; role: Role; sessionVersion: number };

export type AuthenticateResult =
  | { ok: true; user: AuthenticatedUser }
  /** Wrong e-mail or wrong password: deliberately not told apart. */
  | { ok: false; code: "INVALID_CREDENTIALS" }
  /** Too many recent failures for this e-mail; the password was not checked. */
  | { ok: false; code: "THROTTLED"; retryAfterMinutes: number };

let dummyHash: Promise<string> | undefined;

/**
 * Checks an e-mail/password pair, counting failures per normalised e-mail in LoginThrottle
 * (unknown addresses included, and an unknown address costs one argon2 verify too, so neither
 * the answer nor its timing reveals whether an account exists). A success clears the count.
 */
export const authenticateUser = async ({
  db,
  email,
  password,
  now = new Date(),
}: {
  db: Db;
  email: string;
  password: string;
  now?: Date;
}): Promise<AuthenticateResult> => {
  const key = normaliseEmail(email);
  const throttle = await checkLoginThrottle({ db, key, now });
  if (throttle.isLocked) {
    return { ok: false, code: "THROTTLED", retryAfterMinutes: Math.max(1, Math.ceil(throttle.retryAfterMs / 60_000)) };
  }

  const user = key ? await db.user.findUnique({ where: { email: key } }) : null;
  const hash = user?.passwordHash ?? (await (dummyHash ??= hashPassword("not-a-real-password-0000")));
  const isMatch = (await verifyPassword({ hash, password })) && user !== null;

  if (!isMatch) {
    await recordLoginFailure({ db, key, now });
    return { ok: false, code: "INVALID_CREDENTIALS" };
  }
  await db.loginThrottle.deleteMany({ where: { key } });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion } };
};
