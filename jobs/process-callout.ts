import { db, type Db } from "../lib/db";
import { processCallout } from "../lib/sync/process-callout";
import { processCalloutJob } from "../lib/sync/job-specs";
import { defineTask } from "./define-task";

/** Re-fetch the record a verified callout names and ingest it like a polled one. */
export const createProcessCalloutTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...processCalloutJob,
    run: async ({ inboundEventId }) => {
      await processCallout({ db: getDb(), inboundEventId });
    },
  });
