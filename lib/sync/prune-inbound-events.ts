import type { Db } from "../db";

/**
 * Deletes stored inbound events (callouts, webhooks) that were processed and are either older than
 * `retentionDays` or beyond the newest `budgetPerConnection` of their connection. Unprocessed events
 * are kept whatever their age: their job still needs them. Records keep their own trail; an event id
 * in a `received` event then names an event no longer stored.
 */
export const pruneInboundEvents = async ({
  db,
  retentionDays,
  budgetPerConnection,
  now = new Date(),
}: {
  db: Db;
  retentionDays: number;
  budgetPerConnection: number;
  now?: Date;
}): Promise<{ expired: number; overBudget: number }> => {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const expired = await db.$executeRaw`DELETE FROM "InboundEvent" WHERE "processedAt" IS NOT NULL AND "receivedAt" < ${cutoff}`;
  const overBudget = await db.$executeRaw`
    DELETE FROM "InboundEvent" e USING (
      SELECT id FROM (
        SELECT id, "processedAt", row_number() OVER (PARTITION BY "connectionId" ORDER BY "receivedAt" DESC, id DESC) AS n FROM "InboundEvent"
      ) ranked WHERE ranked.n > ${budgetPerConnection} AND ranked."processedAt" IS NOT NULL
    ) old WHERE e.id = old.id`;
  return { expired, overBudget };
};
