import type { Db } from "../lib/db";
import { db } from "../lib/db";
import { processRecordsJob } from "../lib/sync/job-specs";
import { processRecordBatch } from "../lib/sync/process-record-batch";
import { defineTask } from "./define-task";

/** Map and post the records of one batch job; one promise per entry, so only failed entries are retried. */
export const createProcessRecordsTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...processRecordsJob,
    run: async (entries, helpers) =>
      processRecordBatch({
        db: getDb(),
        recordIds: entries.map((e) => e.recordId),
        attempt: helpers.job.attempts,
        maxAttempts: helpers.job.max_attempts,
        leaseOwner: `job:${helpers.job.locked_by ?? "?"}:${helpers.job.id}`,
      }),
  });
