import type { Db, Prisma } from "../db";
import { allKeysSatisfiedSql } from "../sync/satisfied-keys";

/**
 * Held records of a flow waiting on (kind, sourceKey): how many wait on it, and how many of those
 * releaseHeldRecords would release now (every missing key satisfied: mapped, or the record waited
 * on is posted), by the conditions the release itself uses (lib/sync/satisfied-keys.ts).
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
           count(*) FILTER (WHERE ${allKeysSatisfiedSql}) AS releasable
    FROM "SyncRecord" r
    WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held' AND r.missing @> ${filter}::jsonb`;
  return { waiting: Number(row?.waiting ?? 0), releasable: Number(row?.releasable ?? 0) };
};
