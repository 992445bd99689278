import type { Db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/client";
import { claimLoginAttempt, type ThrottleCounter } from "./claim-login-attempt";
import { clearLoginFailures } from "./clear-login-failures";
import { hashPassword } from "./hash-password";
import { normaliseEmail } from "./login-throttle-policy";
import { verifyPassword } from "./verify-password";

export type AuthenticatedUser = { id: string; email: string; name: string | null; role: Role; sessionVersion: number };

export type AuthenticateResult =
  | { ok: true; user: AuthenticatedUser }
  /** Wrong e-mail or wrong password: deliberately not told apart. */
  | { ok: false; code: "INVALID_CREDENTIALS" }
  /** Too many recent failures on one of the attempt's counters; the password was not checked. */
  | { ok: false; code: "THROTTLED"; retryAfterMinutes: number };

let dummyHash: Promise<string> | undefined;

/**
 * Checks an e-mail/password pair behind the sign-in throttle (lib/auth/login-throttle-policy.ts).
 * A browser that signed in to this account before (`deviceId`, from its signed device cookie) is
 * counted on its own, and not per address, so nobody else's failures lock it out; any other attempt
 * counts on the e-mail (unknown addresses included) and on the client address. An unknown address
 * costs one argon2 verify too, so neither the answer nor its timing reveals whether an account exists.
 */
export const authenticateUser = async ({
  db,
  email,
  password,
  clientAddress,
  deviceId,
  now = new Date(),
}: {
  db: Db;
  email: string;
  password: string;
  /** The client's address as the proxy reports it; attempts without one share the "unknown" counter. */
  clientAddress?: string;
  /** The id of a valid device cookie for this e-mail (lib/auth/device-token.ts). */
  deviceId?: string;
  now?: Date;
}): Promise<AuthenticateResult> => {
  const key = normaliseEmail(email);
  const counters: ThrottleCounter[] = deviceId
    ? [{ scope: "device", id: `${key}|${deviceId}` }]
    : [
        { scope: "account", id: key },
        { scope: "address", id: clientAddress || "unknown" },
      ];
  const claim = await claimLoginAttempt({ db, counters, now });
  if (!claim.isAllowed) {
    return { ok: false, code: "THROTTLED", retryAfterMinutes: Math.max(1, Math.ceil(claim.retryAfterMs / 60_000)) };
  }

  const user = key ? await db.user.findUnique({ where: { email: key } }) : null;
  const hash = user?.passwordHash ?? (await (dummyHash ??= hashPassword("not-a-real-password-0000")));
  const isMatch = (await verifyPassword({ hash, password })) && user !== null;

  if (!isMatch) return { ok: false, code: "INVALID_CREDENTIALS" };
  await clearLoginFailures({ db, counters });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion } };
};
