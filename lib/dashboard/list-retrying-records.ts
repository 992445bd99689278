import type { Db } from "../db";
import { RETRYING_CAP } from "../health/get-connection-health";

export type RetryingRecord = {
  id: string;
  objectType: string;
  naturalKey: string | null;
  /** attempts made so far */
  attempts: number;
  /** attempts the queue allows before the record fails (the job's max_attempts), null without a job */
  maxAttempts: number | null;
  lastError: string | null;
  /** when the last attempt failed (ISO) */
  failedAt: string;
  /** when the queue runs the next attempt (the `record:<id>` job's run_at, ISO); null without a queued job */
  nextAttemptAt: string | null;
  /** true while an attempt is running */
  isRunning: boolean;
};

export type RetryingRecords = {
  /** records of the flow waiting for another attempt after a failed one, counted up to RETRYING_CAP + 1 */
  total: number;
  isCapped: boolean;
  items: RetryingRecord[];
};

/**
 * The flow's records being retried: pending with the error of a failed attempt, newest failure
 * first, each with its next attempt time from the queue. Served by the partial index of migration
 * 20261207200200, so it stays cheap at any ledger size.
 */
export const listRetryingRecords = async ({ db, flowId, limit = 10 }: { db: Db; flowId: string; limit?: number }): Promise<RetryingRecords> => {
  const [rows, [count]] = await Promise.all([
    db.$queryRaw<{ id: string; objectType: string; naturalKey: string | null; attempts: number; maxAttempts: number | null; lastError: string | null; updatedAt: Date; runAt: Date | null; lockedAt: Date | null }[]>`
      SELECT r.id, r."objectType", r."naturalKey", r.attempts, j.max_attempts AS "maxAttempts", r."lastError", r."updatedAt", j.run_at AS "runAt", j.locked_at AS "lockedAt"
      FROM (SELECT id, "objectType", "naturalKey", attempts, "lastError", "updatedAt" FROM "SyncRecord"
            WHERE "flowId" = ${flowId}::uuid AND status = 'pending' AND "lastError" IS NOT NULL
            ORDER BY "updatedAt" DESC LIMIT ${limit}) r
      LEFT JOIN graphile_worker.jobs j ON j.key = 'record:' || r.id::text
      ORDER BY r."updatedAt" DESC`,
    db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT 1 FROM "SyncRecord" WHERE "flowId" = ${flowId}::uuid AND status = 'pending' AND "lastError" IS NOT NULL LIMIT ${RETRYING_CAP + 1}) x`,
  ]);
  const total = Number(count?.n ?? 0);
  return {
    total: Math.min(total, RETRYING_CAP),
    isCapped: total > RETRYING_CAP,
    items: rows.map((r) => ({
      id: r.id,
      objectType: r.objectType,
      naturalKey: r.naturalKey,
      attempts: r.attempts,
      maxAttempts: r.maxAttempts,
      lastError: r.lastError,
      failedAt: r.updatedAt.toISOString(),
      nextAttemptAt: r.runAt?.toISOString() ?? null,
      isRunning: r.lockedAt !== null,
    })),
  };
};
