import type { Db } from "@/lib/db";
import { throttleKey, type LoginThrottleScope } from "./login-throttle-policy";

/**
 * After a right password: the attempt claimed by claimLoginAttempt was no failure. The account,
 * device and password-change counters start again; an address counter only gives back this one
 * attempt, so signing in to one's own account cannot wipe the failures a client made on others.
 */
export const clearLoginFailures = async ({ db, counters }: { db: Db; counters: { scope: LoginThrottleScope; id: string }[] }): Promise<void> => {
  const reset = counters.filter((c) => c.scope !== "address").map(throttleKey);
  const giveBack = counters.filter((c) => c.scope === "address").map(throttleKey);
  await db.$transaction([
    db.loginThrottle.deleteMany({ where: { key: { in: reset } } }),
    db.loginThrottle.updateMany({ where: { key: { in: giveBack }, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } }),
  ]);
};
