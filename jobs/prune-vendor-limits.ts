import { db, type Db } from "../lib/db";
import { pruneVendorLimits } from "../lib/http/prune-vendor-limits";
import { pruneVendorLimitsJob } from "../lib/sync/job-specs";
import { defineTask } from "./define-task";

/** Hourly (cron): delete the shared limiter's rows that no live process uses. */
export const createPruneVendorLimitsTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...pruneVendorLimitsJob,
    run: async () => {
      await pruneVendorLimits({ db: getDb() });
    },
  });
