import { getConnector } from "../connectors/registry";
import type { SubscriptionState } from "../connectors/types";
import { Prisma, type Db } from "../db";
import { describeSyncError } from "./describe-sync-error";
import { loadConnectionContext } from "./load-connection-context";

/**
 * (Re)creates one connection's vendor subscriptions through its connector's `renewSubscriptions`
 * (given the connection's decrypted context, its webhook URL and the state stored last time) and
 * stores the new state and expiry on the connection, where the connection page shows them. A failure
 * is stored as `subscriptionError` (an admin reads it) and rethrown, so the job retries.
 */
export const renewSubscriptions = async ({ db, connectionId, appUrl, now = () => new Date() }: { db: Db; connectionId: string; appUrl: string; now?: () => Date }): Promise<SubscriptionState | null> => {
  const ctx = await loadConnectionContext({ db, connectionId });
  const renew = getConnector(ctx.vendor).webhooks?.renewSubscriptions;
  if (!renew) return null;
  const row = await db.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { subscriptionState: true, subscriptionExpiresAt: true } });
  const previous = row.subscriptionState === null ? null : { state: row.subscriptionState, expiresAt: row.subscriptionExpiresAt?.toISOString() ?? null };
  const callbackUrl = `${appUrl.replace(/\/+$/, "")}/api/webhooks/${ctx.vendor}/${connectionId}`;
  try {
    const renewed = await renew({ ...ctx, callbackUrl, previous });
    await db.connection.update({
      where: { id: connectionId },
      data: {
        subscriptionState: renewed.state === null || renewed.state === undefined ? Prisma.DbNull : (renewed.state as Prisma.InputJsonValue),
        subscriptionExpiresAt: renewed.expiresAt ? new Date(renewed.expiresAt) : null,
        subscriptionRenewedAt: now(),
        subscriptionError: null,
      },
    });
    return renewed;
  } catch (err) {
    await db.connection.update({ where: { id: connectionId }, data: { subscriptionError: describeSyncError(err).message } });
    throw err;
  }
};
