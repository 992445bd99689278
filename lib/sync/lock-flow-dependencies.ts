import { Prisma } from "../db";

export type DependencyKey = { kind: string; sourceKey: string };

/**
 * Serialises "a record is held waiting on key X" against "X became available" (a record of kind X
 * posted, a value map for X saved), so one always sees the other's committed result and no hold is
 * left waiting forever. Transaction-scoped advisory locks per (flow, key), so posts of one flow that
 * make different keys available do not wait for each other:
 *
 * - `hold`: the holder takes the keys it waits on in SHARE mode (holders never conflict);
 * - `release`: whoever makes keys available takes them EXCLUSIVE before it looks for the held records
 *   waiting on them, and keeps them until it commits.
 *
 * Keys are taken in one fixed order (by their hash), so two callers never deadlock on them. A held
 * record waiting on several keys whose makers run at once is resolved by its row lock, see
 * releaseHeldRecords.
 */
export const lockFlowDependencies = async (
  tx: Pick<Prisma.TransactionClient, "$executeRaw">,
  { flowId, keys, mode }: { flowId: string; keys: readonly DependencyKey[]; mode: "hold" | "release" },
) => {
  if (keys.length === 0) return;
  await tx.$executeRaw`SELECT count(*) FROM (${dependencyLocksSql({ flowId, keys, mode })}) locks`;
};

/**
 * The same locks as a row source (one row per key, taken in hash order when it is read), for a caller
 * that takes them inside a statement of its own; `when` gates it (e.g. "only if my UPDATE matched").
 */
export const dependencyLocksSql = ({ flowId, keys, mode, when = Prisma.sql`true` }: { flowId: string; keys: readonly DependencyKey[]; mode: "hold" | "release"; when?: Prisma.Sql }) => {
  const names = [...new Set(keys.map((k) => JSON.stringify([flowId, k.kind, k.sourceKey])))];
  return Prisma.sql`
    SELECT CASE WHEN ${mode} = 'hold' THEN pg_advisory_xact_lock_shared(h) ELSE pg_advisory_xact_lock(h) END
    FROM (SELECT DISTINCT hashtextextended('flow-dep:' || n, 0) AS h FROM unnest(${names}::text[]) n WHERE ${when} ORDER BY 1) ordered`;
};
