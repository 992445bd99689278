import type { Prisma } from "../db";
import { processRecordJob } from "./job-specs";

/**
 * Queues processing of many records in ONE statement (graphile_worker.add_jobs), with exactly the
 * jobs enqueueRecord would add one by one: task `process-record`, payload `{ recordId }`, job key
 * `record:<id>` in replace mode (add_job's replace mode is add_jobs with preserve_run_at false), the
 * spec's max attempts, no queue. Runs in the caller's transaction, so the jobs exist exactly when the
 * records that asked for them commit.
 */
export const enqueueRecords = async (tx: Pick<Prisma.TransactionClient, "$executeRaw">, recordIds: readonly string[]) => {
  const ids = [...new Set(recordIds)];
  if (ids.length === 0) return;
  const payloads = ids.map((recordId) => JSON.stringify(processRecordJob.schema.parse({ recordId })));
  const keys = ids.map((recordId) => `record:${recordId}`);
  await tx.$executeRaw`SELECT count(*) FROM graphile_worker.add_jobs(
    ARRAY(
      SELECT (${processRecordJob.name}::text, j.payload::json, NULL::text, NULL::timestamptz, ${processRecordJob.maxAttempts}::smallint, j.key, NULL::smallint, NULL::text[])::graphile_worker.job_spec
      FROM unnest(${payloads}::text[], ${keys}::text[]) AS j(payload, key)
    ),
    false
  )`;
};
