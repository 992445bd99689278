import { z } from "zod";
import type { Db } from "../db";

const prunedSchema = z.object({ shares: z.coerce.number(), rates: z.coerce.number(), slots: z.coerce.number() });

/**
 * Deletes limiter rows (lib/http/limits.ts) that no live process uses: demands ("VendorCallShare")
 * lapsed for a minute (a process that died without giving its share back, of any key; a key in use
 * also deletes its own at each sync), rate rows idle for an hour (a row whose time is past is what a
 * missing row means: the next reservation inserts it again), and the slots of a key none of whose
 * slots was leased within the hour (a process that calls again inserts them again at its next sync).
 */
export const pruneVendorLimits = async ({ db }: { db: Db }): Promise<z.output<typeof prunedSchema>> => {
  const rows = await db.$queryRaw<unknown[]>`
    WITH shares AS (DELETE FROM "VendorCallShare" WHERE "expiresAt" < clock_timestamp() - interval '1 minute' RETURNING 1),
         rates AS (DELETE FROM "VendorRateLimit" WHERE "tat" < clock_timestamp() - interval '1 hour' RETURNING 1),
         slots AS (
           DELETE FROM "VendorCallSlot" s
           WHERE NOT EXISTS (SELECT 1 FROM "VendorCallSlot" o WHERE o."key" = s."key" AND o."expiresAt" >= clock_timestamp() - interval '1 hour')
           RETURNING 1)
    SELECT (SELECT count(*) FROM shares) AS shares, (SELECT count(*) FROM rates) AS rates, (SELECT count(*) FROM slots) AS slots`;
  return prunedSchema.parse(rows[0]);
};
