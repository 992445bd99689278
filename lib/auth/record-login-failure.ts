import type { Db } from "@/lib/db";
import { LOGIN_WINDOW_MS } from "./login-throttle-policy";

/**
 * Counts one failed sign-in for `key` in a single statement, so parallel attempts cannot
 * lose counts. A failure after a quiet window starts the count again at 1.
 */
export const recordLoginFailure = async ({ db, key, now }: { db: Db; key: string; now: Date }): Promise<number> => {
  const windowStart = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const rows = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" ("key", "failures", "lastFailureAt")
    VALUES (${key}, 1, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN "LoginThrottle"."lastFailureAt" < ${windowStart} THEN 1
                        ELSE "LoginThrottle"."failures" + 1 END,
      "lastFailureAt" = EXCLUDED."lastFailureAt"
    RETURNING "failures"`;
  return rows[0]?.failures ?? 1;
};
