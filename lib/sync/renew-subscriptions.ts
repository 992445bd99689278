import { Prisma } from "../db";
import { findConnector } from "../connectors/registry";
import type { SubscriptionState } from "../connectors/types";
import type { Db } from "../db";
import { logger } from "../logger";
import { connectionRowSelect, toConnectionContext } from "./load-connection-context";

/** Renewal is due this long before expiry unless the connector says otherwise. */
const DEFAULT_RENEW_BEFORE_MS = 3_600_000;

export type RenewalOutcome = { connectionId: string; vendor: string; status: "renewed" | "failed"; expiresAt: string | null; error?: string };

/**
 * Renews the vendor subscriptions that expire (e.g. Zoho CRM notification channels) of every
 * connection whose connector has `webhooks.renewSubscriptions`: those never registered, and those
 * within `renewBeforeMs` of their expiry at `now`. The connector's new state and expiry are stored on
 * the connection; a failure is stored as `subscriptionError` and retried at the next run (polling
 * covers the gap meanwhile). `callbackUrlOf` gives a connection's webhook URL.
 */
export const renewSubscriptions = async ({ db, now = new Date(), callbackUrlOf }: { db: Db; now?: Date; callbackUrlOf: (connection: { id: string; vendor: string }) => string }): Promise<RenewalOutcome[]> => {
  const rows = await db.connection.findMany({ select: { ...connectionRowSelect, subscriptionState: true, subscriptionExpiresAt: true } });
  const outcomes: RenewalOutcome[] = [];
  for (const row of rows) {
    const webhooks = findConnector(row.vendor)?.webhooks;
    if (!webhooks?.renewSubscriptions) continue;
    const before = webhooks.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
    if (row.subscriptionExpiresAt && row.subscriptionExpiresAt.getTime() - before > now.getTime()) continue;
    const previous: SubscriptionState | null = row.subscriptionExpiresAt || row.subscriptionState ? { expiresAt: row.subscriptionExpiresAt?.toISOString() ?? null, state: row.subscriptionState } : null;
    try {
      const renewed = await webhooks.renewSubscriptions({ ...toConnectionContext(db, row), callbackUrl: callbackUrlOf(row), previous });
      await db.connection.update({
        where: { id: row.id },
        data: {
          subscriptionState: renewed.state === null || renewed.state === undefined ? Prisma.DbNull : (renewed.state as Prisma.InputJsonValue),
          subscriptionExpiresAt: renewed.expiresAt ? new Date(renewed.expiresAt) : null,
          subscriptionRenewedAt: new Date(),
          subscriptionError: null,
        },
      });
      outcomes.push({ connectionId: row.id, vendor: row.vendor, status: "renewed", expiresAt: renewed.expiresAt });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      logger.warn({ connectionId: row.id, vendor: row.vendor, error }, "subscription renewal failed");
      await db.connection.update({ where: { id: row.id }, data: { subscriptionError: error.slice(0, 500) } });
      outcomes.push({ connectionId: row.id, vendor: row.vendor, status: "failed", expiresAt: row.subscriptionExpiresAt?.toISOString() ?? null, error });
    }
  }
  return outcomes;
};
