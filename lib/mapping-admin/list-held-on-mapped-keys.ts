import type { Db } from "../db";
import { allKeysSatisfiedSql } from "../sync/satisfied-keys";

export type HeldOnMappedKey = { sourceKey: string; held: number; releasable: number };

/**
 * Source keys of one kind that are mapped while held records still name them (an admin chose "Keep
 * held", or the records also wait on another key): how many are held and how many the release would
 * free now, by the conditions the release itself uses (lib/sync/satisfied-keys.ts).
 */
export const listHeldOnMappedKeys = async ({ db, flowId, kind }: { db: Db; flowId: string; kind: string }): Promise<HeldOnMappedKey[]> => {
  const rows = await db.$queryRaw<{ sourceKey: string; held: bigint; releasable: bigint }[]>`
    SELECT m->>'sourceKey' AS "sourceKey", count(*) AS held, count(*) FILTER (WHERE ${allKeysSatisfiedSql}) AS releasable
    FROM "SyncRecord" r, jsonb_array_elements(COALESCE(r.missing, '[]'::jsonb)) m
    WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held' AND m->>'kind' = ${kind}
      AND EXISTS (SELECT 1 FROM "ValueMap" v WHERE v."flowId" = r."flowId" AND v.kind = m->>'kind' AND v."sourceKey" = m->>'sourceKey')
    GROUP BY 1`;
  return rows.map((r) => ({ sourceKey: r.sourceKey, held: Number(r.held), releasable: Number(r.releasable) }));
};
