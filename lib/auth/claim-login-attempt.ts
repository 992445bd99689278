import { Prisma } from "@/lib/generated/prisma/client";
import type { Db } from "@/lib/db";
import { LOGIN_FORGET_AFTER_MS, loginDelayMs, throttleKey, type LoginThrottleScope } from "./login-throttle-policy";

/**
 * A burst of sign-ins queues for pool connections and then for the counters' row locks; each claim
 * holds them only for a few statements, so waiting is right and Prisma's 2 s / 5 s defaults are not
 * (a burst of 41 on two busy cores exceeded them, and the attempts failed instead of being counted).
 */
const CLAIM_TRANSACTION = { maxWait: 30_000, timeout: 30_000 };

export type LoginAttemptClaim = { isAllowed: true } | { isAllowed: false; retryAfterMs: number };

export type ThrottleCounter = { scope: LoginThrottleScope; id: string };

/**
 * Claims one password check for every counter in `counters`, before the password is checked: in
 * one transaction each counter's row is locked (created if missing), and either all of them are
 * counted as a failure (a success takes that back, clearLoginFailures) or, when any of them is in
 * its delay, none is and the attempt is refused. Parallel attempts therefore wait for each other's
 * row locks and cannot slip past the limit together. Rows quiet for LOGIN_FORGET_AFTER_MS are
 * deleted on the way, so addresses that were tried once do not pile up.
 */
export const claimLoginAttempt = async ({ db, counters, now }: { db: Db; counters: ThrottleCounter[]; now: Date }): Promise<LoginAttemptClaim> => {
  const forgetBefore = new Date(now.getTime() - LOGIN_FORGET_AFTER_MS);
  // A fixed order, so two attempts locking the same rows cannot deadlock.
  const keyed = counters.map((c) => ({ ...c, key: throttleKey(c) })).sort((a, b) => a.key.localeCompare(b.key));
  const keys = keyed.map((c) => c.key);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO "LoginThrottle" ("key", "failures", "lastFailureAt")
      SELECT k, 0, ${now} FROM unnest(${keys}::text[]) AS k
      ON CONFLICT ("key") DO NOTHING`;
    const rows = await tx.$queryRaw<{ key: string; failures: number; lastFailureAt: Date }[]>`
      SELECT "key", "failures", "lastFailureAt" FROM "LoginThrottle"
      WHERE "key" IN (${Prisma.join(keys)}) ORDER BY "key" FOR UPDATE`;
    let retryAfterMs = 0;
    for (const row of rows) {
      if (row.lastFailureAt < forgetBefore) continue;
      const delay = loginDelayMs({ failures: row.failures, scope: keyed.find((c) => c.key === row.key)!.scope });
      const wait = row.lastFailureAt.getTime() + delay - now.getTime();
      if (delay > 0 && wait > 0) retryAfterMs = Math.max(retryAfterMs, wait);
    }
    if (retryAfterMs > 0) return { isAllowed: false, retryAfterMs };
    await tx.$executeRaw`
      UPDATE "LoginThrottle" SET
        "failures" = CASE WHEN "lastFailureAt" < ${forgetBefore} THEN 1 ELSE "failures" + 1 END,
        "lastFailureAt" = ${now}
      WHERE "key" IN (${Prisma.join(keys)})`;
    await tx.$executeRaw`DELETE FROM "LoginThrottle" WHERE "lastFailureAt" < ${forgetBefore}`;
    return { isAllowed: true };
  }, CLAIM_TRANSACTION);
};
