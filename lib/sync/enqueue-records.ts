import type { Prisma } from "../db";
import { processRecordJob, processRecordsJob } from "./job-specs";

/** Records per `process-records` job at most: a job's statements (fetch, completion) are shared by its records. */
export const RECORDS_PER_BATCH = 10;
/** A small set is still spread over this many jobs, so every worker slot gets a share. */
const SPREAD_JOBS = 8;

/** The ids cut into batch jobs of at most RECORDS_PER_BATCH, and at least min(ids, SPREAD_JOBS) jobs. */
const batchesOf = (ids: readonly string[]): string[][] => {
  const size = Math.min(RECORDS_PER_BATCH, Math.max(1, Math.ceil(ids.length / SPREAD_JOBS)));
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  return batches;
};

/**
 * Queues processing of many records in ONE statement (graphile_worker.add_jobs), in the caller's
 * transaction, so the jobs exist exactly when the records that asked for them commit.
 *
 * By default, exactly the jobs enqueueRecord would add one by one: task `process-record`, payload
 * `{ recordId }`, job key `record:<id>` in replace mode (add_job's replace mode is add_jobs with
 * preserve_run_at false), the spec's max attempts, no queue; a caller may then replace or remove a
 * record's job by its key (a callout's fallback).
 *
 * `batched`: the records go in `process-records` batch jobs instead (no job key, a few records each,
 * see processRecordBatch): one job fetch and one completion for several records. For records no
 * caller addresses by job key (a poll page, the records a post releases). A batch entry that fails
 * with a retryable error continues as the record's own keyed `process-record` job (settleRecord).
 */
export const enqueueRecords = async (tx: Pick<Prisma.TransactionClient, "$executeRaw">, recordIds: readonly string[], { batched = false }: { batched?: boolean } = {}) => {
  const ids = [...new Set(recordIds)];
  if (ids.length === 0) return;
  const [name, maxAttempts, payloads, keys] = batched
    ? [processRecordsJob.name, processRecordsJob.maxAttempts, batchesOf(ids).map((batch) => JSON.stringify(processRecordsJob.schema.parse(batch.map((recordId) => ({ recordId }))))), null]
    : [
        processRecordJob.name,
        processRecordJob.maxAttempts,
        ids.map((recordId) => JSON.stringify(processRecordJob.schema.parse({ recordId }))),
        ids.map((recordId) => `record:${recordId}`),
      ];
  await tx.$executeRaw`SELECT count(*) FROM graphile_worker.add_jobs(
    ARRAY(
      SELECT (${name}::text, j.payload::json, NULL::text, NULL::timestamptz, ${maxAttempts}::smallint, j.key, NULL::smallint, NULL::text[])::graphile_worker.job_spec
      FROM unnest(${payloads}::text[], ${keys ?? payloads.map(() => null)}::text[]) AS j(payload, key)
    ),
    false
  )`;
};
