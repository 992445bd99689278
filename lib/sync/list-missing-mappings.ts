import type { Db } from "../db";

export type MissingMapping = {
  kind: string;
  sourceKey: string;
  /** e.g. which setting chose the key ("charge") or the account name */
  label: string | null;
  /** held records waiting on this key */
  records: number;
  /** their total amount per currency, as decimal strings */
  amountByCurrency: Record<string, string>;
};

/**
 * The mapping-coverage view: every value map that held records wait on (dependencies on other
 * records are left out: they resolve themselves), with how many records and how much money wait.
 * Most records first. Read from HeldKey (one narrow row per held record and missing key, kept by
 * triggers on SyncRecord), an index-only scan however many records are held.
 */
export const listMissingMappings = async ({ db, flowId }: { db: Db; flowId: string }): Promise<MissingMapping[]> => {
  const rows = await db.$queryRaw<{ kind: string; sourceKey: string; label: string | null; currency: string | null; records: bigint; amount: string | null }[]>`
    SELECT h.kind, h."sourceKey", max(h.label) AS label, h.currency, count(*) AS records, sum(h.amount)::text AS amount
    FROM "HeldKey" h
    WHERE h."flowId" = ${flowId}::uuid AND NOT h.dependency
      AND NOT EXISTS (SELECT 1 FROM "ValueMap" v WHERE v."flowId" = h."flowId" AND v.kind = h.kind AND v."sourceKey" = h."sourceKey")
    GROUP BY 1, 2, h.currency`;
  const byKey = new Map<string, MissingMapping>();
  for (const row of rows) {
    const key = `${row.kind}\u0000${row.sourceKey}`;
    const entry = byKey.get(key) ?? { kind: row.kind, sourceKey: row.sourceKey, label: row.label, records: 0, amountByCurrency: {} };
    entry.records += Number(row.records);
    if (row.currency && row.amount !== null) entry.amountByCurrency[row.currency] = row.amount;
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => b.records - a.records || a.kind.localeCompare(b.kind) || a.sourceKey.localeCompare(b.sourceKey));
};
