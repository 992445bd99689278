import { recordEvents } from "../audit/record-event";
import type { Db, Prisma } from "../db";
import { enqueueRecords } from "./enqueue-records";
import { lockFlowDependencies, type DependencyKey } from "./lock-flow-dependencies";
import { keyUnsatisfiedSql } from "./satisfied-keys";

/** Up to this many records released together are queued in a job each (above: batch jobs). */
export const RELEASED_OWN_JOBS_MAX = 32;

/**
 * Re-queues held records of a flow whose every missing key is now satisfied: a ValueMap exists for
 * (kind, sourceKey), or a record of object type `kind` with source id `sourceKey` is posted.
 * `kind`/`sourceKey` narrow the search to records waiting on that key, `keys` to records waiting on
 * any of those keys (one search for all of them); `recordIds` to those records.
 * Records still waiting on something else stay held, and keep only what is still missing.
 * Returns how many were released.
 *
 * Called with keys (the engine after a post, an admin for one mapping), it takes those keys'
 * dependency locks exclusive first (see lockFlowDependencies), so a record being held on one of them
 * at the same moment is either seen here or sees the satisfied key itself.
 *
 * Each candidate is then row-locked, in id order, and only after that judged, in a statement of its
 * own: under READ COMMITTED that statement sees every release that held the row before. So when two
 * keys of one held record become available in two transactions at once, the second to lock the
 * record sees the first's key and releases it; neither can leave it held with nothing missing.
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
  keysLocked = false,
}: {
  db: Db;
  tx?: Prisma.TransactionClient;
  flowId: string;
  kind?: string;
  sourceKey?: string;
  keys?: DependencyKey[];
  recordIds?: string[];
  /** the admin who asked, null when the engine released by itself */
  actorUserId?: string | null;
  /** the caller took `keys`' dependency locks (release mode) in an earlier statement of `tx` */
  keysLocked?: boolean;
}): Promise<number> => {
  const run = async (t: Prisma.TransactionClient) => {
    const wanted = keys ?? (kind === undefined ? undefined : [sourceKey === undefined ? { kind } : { kind, sourceKey }]);
    if (wanted?.length === 0) return 0;
    const exactKeys = wanted?.filter((k): k is DependencyKey => k.sourceKey !== undefined) ?? [];
    if (!keysLocked) await lockFlowDependencies(t, { flowId, keys: exactKeys, mode: "release" });
    // each key as the jsonb containment filter [{kind, sourceKey}] on "missing"
    const filters = wanted?.map((k) => JSON.stringify([k])) ?? null;
    const candidates = await t.$queryRaw<{ id: string }[]>`
      SELECT r.id FROM "SyncRecord" r
      WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held'
        AND (${filters}::jsonb[] IS NULL OR r.missing @> ANY(${filters}::jsonb[]))
        AND (${recordIds ?? null}::uuid[] IS NULL OR r.id = ANY(${recordIds ?? null}::uuid[]))
      ORDER BY r.id
      FOR UPDATE OF r`;
    if (candidates.length === 0) return 0;
    const ids = candidates.map((c) => c.id);

    // Judged after the row locks were granted (a new statement, so a new snapshot).
    const judged = await t.$queryRaw<{ id: string; missing: unknown[] | null; stillMissing: unknown[]; trigger: { kind?: string; sourceKey?: string } | null }[]>`
      SELECT r.id, r.missing,
        (SELECT COALESCE(jsonb_agg(m ORDER BY e.ord), '[]'::jsonb)
           FROM jsonb_array_elements(COALESCE(r.missing, '[]'::jsonb)) WITH ORDINALITY e(m, ord)
           WHERE ${keyUnsatisfiedSql}) AS "stillMissing",
        (SELECT w->0 FROM unnest(${filters}::jsonb[]) w WHERE r.missing @> w LIMIT 1) AS "trigger"
      FROM "SyncRecord" r
      WHERE r.id = ANY(${ids}::uuid[]) AND r.status = 'held'
      ORDER BY r."createdAt", r.id`;
    const released = judged.filter((r) => r.stillMissing.length === 0);
    // Records still waiting on something else keep only what is still missing, so the coverage view
    // and the record page never name a key that was satisfied in the meantime.
    const narrowed = judged.filter((r) => r.stillMissing.length > 0 && r.stillMissing.length < (r.missing?.length ?? 0));

    if (released.length > 0) {
      const releasedIds = released.map((r) => r.id);
      await t.$executeRaw`
        UPDATE "SyncRecord" SET status = 'pending', "statusReason" = NULL, missing = NULL, "updatedAt" = now()
        WHERE id = ANY(${releasedIds}::uuid[])`;
      await recordEvents(
        t,
        released.map((row) => ({
          recordId: row.id,
          kind: "released" as const,
          detail: {
            trigger: { ...(row.trigger?.kind === undefined ? {} : { kind: row.trigger.kind }), ...(row.trigger?.sourceKey === undefined ? {} : { sourceKey: row.trigger.sourceKey }) },
            ...(actorUserId ? { by: actorUserId } : {}),
          },
          actorUserId: actorUserId ?? null,
        })),
      );
      // A few released records (a new customer's first documents) each get a job of their own, so
      // they are posted side by side on the free job slots at once; many (a mapping that releases a
      // backlog) go in batch jobs, whose records are posted one after the other.
      await enqueueRecords(t, releasedIds, { batched: releasedIds.length > RELEASED_OWN_JOBS_MAX });
    }
    if (narrowed.length > 0) {
      await t.$executeRaw`
        UPDATE "SyncRecord" r SET missing = n.missing::jsonb, "updatedAt" = now()
        FROM unnest(${narrowed.map((r) => r.id)}::uuid[], ${narrowed.map((r) => JSON.stringify(r.stillMissing))}::text[]) AS n(id, missing)
        WHERE r.id = n.id`;
    }
    return released.length;
  };
  return tx ? run(tx) : db.$transaction(run);
};
