import type { Db } from "../db";

/**
 * Deletes a key's shared limiter state (lib/http/limits.ts), for a connection that was deleted: its
 * rate row, its concurrency slots and the demands processes published for them. A process still
 * holding a share of the key finds its rows gone at its next sync and inserts them again if it calls on.
 */
export const forgetVendorLimits = async ({ db, key }: { db: Db; key: string }): Promise<void> => {
  await db.$executeRaw`
    WITH rate AS (DELETE FROM "VendorRateLimit" WHERE "key" = ${key}),
         slots AS (DELETE FROM "VendorCallSlot" WHERE "key" = ${key})
    DELETE FROM "VendorCallShare" WHERE "key" = ${key}`;
};
