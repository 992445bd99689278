import type { Prisma } from "../db";

/**
 * Serialises, per flow, "a record is held waiting on X" against "X became available" (a record
 * posted, a value map added): both take this transaction-scoped advisory lock before their final
 * writes, so one always sees the other's committed result and no hold is left waiting forever.
 */
export const lockFlowDependencies = async (tx: Pick<Prisma.TransactionClient, "$executeRaw">, { flowId }: { flowId: string }) => {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`flow-deps:${flowId}`}, 0))`;
};
