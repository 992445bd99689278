import type { Db } from "../lib/db";
import { db } from "../lib/db";
import { env } from "../lib/env";
import { processRecordsJob } from "../lib/sync/job-specs";
import { paceRecordsInFlight, type RecordsInFlight } from "../lib/sync/pace-records-in-flight";
import { processRecordBatch } from "../lib/sync/process-record-batch";
import { defineTask } from "./define-task";

/** One record per job slot of this process, up to WORKER_MAX_RECORDS_IN_FLIGHT while it waits on vendors. */
const workerRecordsInFlight = () => {
  const { WORKER_CONCURRENCY: slots, WORKER_MAX_RECORDS_IN_FLIGHT: most } = env();
  return paceRecordsInFlight({ floor: slots, ceiling: Math.max(slots, most ?? slots * 4) });
};

/**
 * Map and post the records of one batch job; one promise per entry, so only failed entries are retried.
 * The batches of one task list (one worker process) share `inFlight`: one record per job slot, more at
 * once while the process waits on its vendors (see paceRecordsInFlight).
 */
export const createProcessRecordsTask = ({
  getDb = db,
  inFlight = workerRecordsInFlight(),
}: { getDb?: () => Db; inFlight?: RecordsInFlight } = {}) =>
  defineTask({
    ...processRecordsJob,
    run: async (entries, helpers) =>
      processRecordBatch({
        db: getDb(),
        recordIds: entries.map((e) => e.recordId),
        attempt: helpers.job.attempts,
        maxAttempts: helpers.job.max_attempts,
        leaseOwner: `job:${helpers.job.locked_by ?? "?"}:${helpers.job.id}`,
        inFlight,
      }),
  });
