import { db, type Db } from "../lib/db";
import { renewDueSubscriptionsJob } from "../lib/sync/job-specs";
import { renewDueSubscriptions } from "../lib/sync/renew-due-subscriptions";
import { defineTask } from "./define-task";

/** Every ten minutes (cron): queue the renewal of vendor subscriptions that expire soon. */
export const createRenewDueSubscriptionsTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...renewDueSubscriptionsJob,
    run: async (payload) => {
      await renewDueSubscriptions({ db: getDb(), now: payload._cron?.ts ? new Date(payload._cron.ts) : new Date() });
    },
  });
