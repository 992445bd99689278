import type { Db, Prisma } from "../db";

/**
 * Held records of a flow waiting on (kind, sourceKey): how many wait on it, and how many of those
 * releaseHeldRecords would release now (every missing key satisfied: mapped, or the record waited
 * on is posted). Same conditions as lib/sync/release-held-records.ts.
 */
export const countReleasableRecords = async ({
  db,
  flowId,
  kind,
  sourceKey,
}: {
  db: Db | Prisma.TransactionClient;
  flowId: string;
  kind: string;
  sourceKey: string;
}): Promise<{ waiting: number; releasable: number }> => {
  const filter = JSON.stringify([{ kind, sourceKey }]);
  const [row] = await db.$queryRaw<{ waiting: bigint; releasable: bigint }[]>`
    SELECT count(*) AS waiting,
           count(*) FILTER (WHERE NOT EXISTS (
             SELECT 1 FROM jsonb_array_elements(COALESCE(r.missing, '[]'::jsonb)) m
             WHERE NOT EXISTS (SELECT 1 FROM "ValueMap" v WHERE v."flowId" = r."flowId" AND v.kind = m->>'kind' AND v."sourceKey" = m->>'sourceKey')
               AND NOT EXISTS (SELECT 1 FROM "SyncRecord" d WHERE d."flowId" = r."flowId" AND d."objectType" = m->>'kind'
                               AND d."sourceId" = m->>'sourceKey' AND d.status = 'posted'))) AS releasable
    FROM "SyncRecord" r
    WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held' AND r.missing @> ${filter}::jsonb`;
  return { waiting: Number(row?.waiting ?? 0), releasable: Number(row?.releasable ?? 0) };
};
