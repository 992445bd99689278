import { recordEvent } from "../audit/record-event";
import { Prisma, type Db } from "../db";
import { enqueueRecord } from "./enqueue-record";
import { lockFlowDependencies } from "./lock-flow-dependencies";

/**
 * Re-queues held records of a flow whose every missing key is now satisfied: a ValueMap exists for
 * (kind, sourceKey), or a record of object type `kind` with source id `sourceKey` is posted.
 * `kind`/`sourceKey` narrow the search to records waiting on that key, `keys` to records waiting on
 * any of those keys (one search for all of them); `recordIds` to those records.
 * Records still waiting on something else stay held. Returns how many were released.
 *
 * Runs under the flow's dependency lock (see lockFlowDependencies), so a record being held at the
 * same moment is either seen here or sees the satisfied key itself.
 */
export const releaseHeldRecords = async ({
  db,
  tx,
  flowId,
  kind,
  sourceKey,
  keys,
  recordIds,
  actorUserId,
}: {
  db: Db;
  tx?: Prisma.TransactionClient;
  flowId: string;
  kind?: string;
  sourceKey?: string;
  keys?: { kind: string; sourceKey: string }[];
  recordIds?: string[];
  /** the admin who asked, null when the engine released by itself */
  actorUserId?: string | null;
}): Promise<number> => {
  /** A missing key `m` of held record `r` is satisfied by a value map or by a posted record it named. */
  const satisfied = Prisma.sql`(
    EXISTS (SELECT 1 FROM "ValueMap" v WHERE v."flowId" = r."flowId" AND v.kind = m->>'kind' AND v."sourceKey" = m->>'sourceKey')
    OR EXISTS (SELECT 1 FROM "SyncRecord" d WHERE d."flowId" = r."flowId" AND d."objectType" = m->>'kind'
               AND d."sourceId" = m->>'sourceKey' AND d.status = 'posted'))`;
  const run = async (t: Prisma.TransactionClient) => {
    await lockFlowDependencies(t, { flowId });
    const wanted = keys ?? (kind === undefined ? undefined : [sourceKey === undefined ? { kind } : { kind, sourceKey }]);
    if (wanted?.length === 0) return 0;
    // each key as the jsonb containment filter [{kind, sourceKey}] on "missing"
    const filters = wanted?.map((k) => JSON.stringify([k])) ?? null;
    const rows = await t.$queryRaw<{ id: string; targetConnectionId: string; trigger: { kind?: string; sourceKey?: string } | null }[]>`
      SELECT r.id, f."targetConnectionId",
        (SELECT w->0 FROM unnest(${filters}::jsonb[]) w WHERE r.missing @> w LIMIT 1) AS "trigger"
      FROM "SyncRecord" r JOIN "Flow" f ON f.id = r."flowId"
      WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held'
        AND (${filters}::jsonb[] IS NULL OR r.missing @> ANY(${filters}::jsonb[]))
        AND (${recordIds ?? null}::uuid[] IS NULL OR r.id = ANY(${recordIds ?? null}::uuid[]))
        AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(r.missing, '[]'::jsonb)) m WHERE NOT ${satisfied})
      ORDER BY r."createdAt", r.id
      FOR UPDATE OF r SKIP LOCKED`;
    // SKIP LOCKED: a locked record is inside processRecord, which re-checks its holds under the same lock.
    for (const row of rows) {
      await t.$executeRaw`UPDATE "SyncRecord" SET status = 'pending', "statusReason" = NULL, missing = NULL, "updatedAt" = now() WHERE id = ${row.id}::uuid`;
      await recordEvent(t, {
        recordId: row.id,
        kind: "released",
        detail: {
          trigger: { ...(row.trigger?.kind === undefined ? {} : { kind: row.trigger.kind }), ...(row.trigger?.sourceKey === undefined ? {} : { sourceKey: row.trigger.sourceKey }) },
          ...(actorUserId ? { by: actorUserId } : {}),
        },
        actorUserId: actorUserId ?? null,
      });
      await enqueueRecord(t, { recordId: row.id });
    }
    // Records still waiting on something else keep only what is still missing, so the coverage view
    // and the record page never name a key that was satisfied in the meantime.
    await t.$executeRaw`
      UPDATE "SyncRecord" r SET missing = (
          SELECT COALESCE(jsonb_agg(m), '[]'::jsonb) FROM jsonb_array_elements(r.missing) m
          WHERE NOT ${satisfied}),
        "updatedAt" = now()
      WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held'
        AND (${filters}::jsonb[] IS NULL OR r.missing @> ANY(${filters}::jsonb[]))
        AND (${recordIds ?? null}::uuid[] IS NULL OR r.id = ANY(${recordIds ?? null}::uuid[]))
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(r.missing, '[]'::jsonb)) m WHERE ${satisfied})`;
    return rows.length;
  };
  return tx ? run(tx) : db.$transaction(run);
};
