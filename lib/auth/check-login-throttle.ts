import type { Db } from "@/lib/db";
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS } from "./login-throttle-policy";

export type LoginThrottleState = { isLocked: false } | { isLocked: true; retryAfterMs: number };

/** Whether sign-in for `key` (a normalised e-mail) is refused at `now`, and for how long. */
export const checkLoginThrottle = async ({
  db,
  key,
  now,
}: {
  db: Db;
  key: string;
  now: Date;
}): Promise<LoginThrottleState> => {
  const row = await db.loginThrottle.findUnique({ where: { key } });
  if (!row || row.failures < LOGIN_MAX_FAILURES) return { isLocked: false };
  const retryAfterMs = row.lastFailureAt.getTime() + LOGIN_WINDOW_MS - now.getTime();
  return retryAfterMs > 0 ? { isLocked: true, retryAfterMs } : { isLocked: false };
};
