import { missingKeySchema, type MissingKey } from "../mapping/missing-key";
import type { Db } from "../db";

/** A missing key as the screens show it: the record waited on gets its document number and id. */
export type LabelledMissingKey = MissingKey & { recordId?: string };

const parseMissing = (raw: unknown): MissingKey[] => {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((m) => {
    const parsed = missingKeySchema.safeParse(m);
    return parsed.success ? [parsed.data] : [];
  });
};

/**
 * The missing keys of held records (SyncRecord.missing, one array per record), with each dependency
 * (another record to post first, keyed by its source id) labelled with that record's document number
 * (e.g. the invoice number instead of the source system's internal id) and linked to it. One query
 * for all the records given, and none when no record waits on another.
 */
export const labelMissingKeys = async ({ db, flowId, missing }: { db: Db; flowId: string | ((i: number) => string); missing: readonly unknown[] }): Promise<LabelledMissingKey[][]> => {
  const parsed = missing.map(parseMissing);
  const flowOf = (i: number) => (typeof flowId === "string" ? flowId : flowId(i));
  const wanted = parsed.flatMap((keys, i) => keys.filter((k) => k.dependency).map((k) => ({ flowId: flowOf(i), objectType: k.kind, sourceId: k.sourceKey })));
  if (wanted.length === 0) return parsed;
  const rows = await db.syncRecord.findMany({
    where: { OR: wanted.slice(0, 500) },
    select: { id: true, flowId: true, objectType: true, sourceId: true, naturalKey: true },
  });
  const byKey = new Map(rows.map((r) => [`${r.flowId}|${r.objectType}|${r.sourceId}`, r]));
  return parsed.map((keys, i) =>
    keys.map((k) => {
      if (!k.dependency) return k;
      const row = byKey.get(`${flowOf(i)}|${k.kind}|${k.sourceKey}`);
      if (!row) return k;
      return { ...k, label: row.naturalKey ?? k.label, recordId: row.id };
    }),
  );
};
