import type { Db } from "../lib/db";
import { db } from "../lib/db";
import { processRecordJob } from "../lib/sync/job-specs";
import { processRecord } from "../lib/sync/process-record";
import { defineTask } from "./define-task";

/** Map and post one record; the job's attempt count lets the last attempt fail the record instead of retrying. */
export const createProcessRecordTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...processRecordJob,
    run: async ({ recordId, refetch, attemptsBefore = 0 }, helpers) => {
      await processRecord({
        db: getDb(),
        recordId,
        refetch,
        // a batch entry's retries continue its count (this job's max_attempts was lowered by as many)
        attempt: helpers.job.attempts + attemptsBefore,
        maxAttempts: helpers.job.max_attempts + attemptsBefore,
        // this job, in this worker pool: its next run may take back a claim its previous run left
        leaseOwner: `job:${helpers.job.locked_by ?? "?"}:${helpers.job.id}`,
      });
    },
  });
