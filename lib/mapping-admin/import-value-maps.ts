import type { ConfigActor } from "../audit/config-change-schemas";
import { recordConfigChange } from "../audit/record-config-change";
import type { Db } from "../db";
import { lockFlowDependencies } from "../sync/lock-flow-dependencies";
import { releaseHeldRecords } from "../sync/release-held-records";
import { allKeysSatisfiedSql } from "../sync/satisfied-keys";
import { readCatalog } from "../sync/read-catalog";
import { listValueMapKinds } from "./list-value-map-kinds";
import { parseValueMapCsv, type CsvRowError } from "./parse-value-map-csv";
import { importValueMapsInputSchema, type ImportValueMapsInput } from "./schemas";

export type ImportValueMapsResult =
  | { ok: true; created: number; updated: number; unchanged: number; releasable: number; released: number; targetsChecked: boolean }
  | { ok: false; errors: CsvRowError[] };

/**
 * Imports value maps from CSV all or nothing: every row is validated first (including that each target
 * exists in the target system, read through the catalogue cache), and rows are written in one
 * transaction only when none is bad. Rows of the file replace the maps with the same (kind, sourceKey);
 * other maps stay. `releasable`: held records every missing key of which is now mapped; `released`:
 * those released in the same transaction because the flow releases by itself (`releaseOnMapping`).
 */
export const importValueMaps = async ({ db, input, checkTargets = true, actor }: { db: Db; input: ImportValueMapsInput; checkTargets?: boolean; actor?: ConfigActor }): Promise<ImportValueMapsResult> => {
  const { flowId, csv } = importValueMapsInputSchema.parse(input);
  const kinds = await listValueMapKinds({ db, flowId });
  const targets: Partial<Record<string, Set<string>>> = {};
  let targetsChecked = checkTargets;
  if (checkTargets) {
    for (const { kind } of kinds) {
      const read = await readCatalog({ db, flowId, kind, side: "target" });
      if (read.error) targetsChecked = false;
      else targets[kind] = new Set(read.values.map((v) => v.key));
    }
  }
  const { rows, errors } = parseValueMapCsv({ csv, flowId, kinds, targets });
  if (errors.length > 0) return { ok: false, errors };
  return db.$transaction(async (tx) => {
    // A record being held on one of these keys right now either sees its map or is counted below.
    await lockFlowDependencies(tx, { flowId, keys: rows, mode: "release" });
    const existing = await tx.valueMap.findMany({ where: { flowId }, select: { kind: true, sourceKey: true, targetValue: true, targetLabel: true } });
    const byKey = new Map(existing.map((e) => [`${e.kind}\u0000${e.sourceKey}`, e]));
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    for (const r of rows) {
      const before = byKey.get(`${r.kind}\u0000${r.sourceKey}`);
      if (before && before.targetValue === r.targetValue && (before.targetLabel ?? undefined) === r.targetLabel) {
        unchanged += 1;
        continue;
      }
      const saved = await tx.valueMap.upsert({
        where: { flowId_kind_sourceKey: { flowId, kind: r.kind, sourceKey: r.sourceKey } },
        create: { flowId, kind: r.kind, sourceKey: r.sourceKey, sourceLabel: r.sourceLabel ?? null, targetValue: r.targetValue, targetLabel: r.targetLabel ?? null },
        update: { targetValue: r.targetValue, targetLabel: r.targetLabel ?? null, ...(r.sourceLabel ? { sourceLabel: r.sourceLabel } : {}) },
      });
      if (before) updated += 1;
      else created += 1;
      await recordConfigChange(tx, {
        actor,
        entity: "mapping",
        entityId: saved.id,
        label: `${r.kind} “${r.sourceKey}” (CSV import)`,
        action: before ? "updated" : "created",
        before: before ? { targetValue: before.targetValue, targetLabel: before.targetLabel } : null,
        after: { targetValue: saved.targetValue, targetLabel: saved.targetLabel },
        flowId,
      });
    }
    const flow = await tx.flow.findUnique({ where: { id: flowId }, select: { releaseOnMapping: true } });
    const released = flow?.releaseOnMapping ? await releaseHeldRecords({ db, tx, flowId, keys: rows.map(({ kind, sourceKey }) => ({ kind, sourceKey })), actorUserId: actor?.id ?? null }) : 0;
    const [row] = await tx.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "SyncRecord" r
      WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held' AND ${allKeysSatisfiedSql}`;
    return { ok: true as const, created, updated, unchanged, releasable: Number(row?.n ?? 0), released, targetsChecked };
  });
};
