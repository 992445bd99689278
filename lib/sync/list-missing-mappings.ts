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
 * Most records first.
 */
export const listMissingMappings = async ({ db, flowId }: { db: Db; flowId: string }): Promise<MissingMapping[]> => {
  const rows = await db.$queryRaw<{ kind: string; sourceKey: string; label: string | null; currency: string | null; records: bigint; amount: string | null }[]>`
    SELECT m->>'kind' AS kind, m->>'sourceKey' AS "sourceKey", max(m->>'label') AS label, r.currency,
           count(*) AS records, sum(r.amount)::text AS amount
    FROM "SyncRecord" r, jsonb_array_elements(COALESCE(r.missing, '[]'::jsonb)) m
    WHERE r."flowId" = ${flowId}::uuid AND r.status = 'held' AND COALESCE((m->>'dependency')::boolean, false) = false
      AND NOT EXISTS (SELECT 1 FROM "ValueMap" v WHERE v."flowId" = r."flowId" AND v.kind = m->>'kind' AND v."sourceKey" = m->>'sourceKey')
    GROUP BY 1, 2, r.currency`;
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
