import type { Db } from "@/lib/db";

type Tx = Pick<Db, "user">;

/**
 * Ends every session of `userId` by bumping its sessionVersion: tokens issued before no longer
 * resolve to a user (lib/auth/resolve-session-user.ts). With `ifVersion`, only when the user is
 * still at that version (a sign-out with a stale token ends nothing). No-op for an unknown user.
 */
export const endUserSessions = async ({ db, userId, ifVersion }: { db: Tx; userId: string; ifVersion?: number }): Promise<void> => {
  await db.user.updateMany({
    where: { id: userId, ...(ifVersion === undefined ? {} : { sessionVersion: ifVersion }) },
    data: { sessionVersion: { increment: 1 } },
  });
};
