import { Prisma } from "../db";

/*
 * When a held record may go: the one definition the release (release-held-records.ts) and the
 * "releasable now" counts of the mapping screens share. Both fragments read held record `r`.
 */

/**
 * Missing key `m` (a jsonb element of r.missing) is still unsatisfied: no value map for it (other than
 * one to its `refusedTarget`), no posted record it names.
 */
export const keyUnsatisfiedSql = Prisma.sql`(
  NOT EXISTS (SELECT 1 FROM "ValueMap" v WHERE v."flowId" = r."flowId" AND v.kind = m->>'kind' AND v."sourceKey" = m->>'sourceKey'
              AND (m->>'refusedTarget' IS NULL OR v."targetValue" <> m->>'refusedTarget'))
  AND NOT EXISTS (SELECT 1 FROM "SyncRecord" d WHERE d."flowId" = r."flowId" AND d."objectType" = m->>'kind'
                  AND d."sourceId" = m->>'sourceKey' AND d.status = 'posted'))`;

/** Every missing key of `r` is satisfied (true for a record with none). */
export const allKeysSatisfiedSql = Prisma.sql`NOT EXISTS (
  SELECT 1 FROM jsonb_array_elements(COALESCE(r.missing, '[]'::jsonb)) m WHERE ${keyUnsatisfiedSql})`;
