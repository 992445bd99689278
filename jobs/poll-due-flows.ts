import { db, type Db } from "../lib/db";
import { pollDueFlowsJob } from "../lib/sync/job-specs";
import { pollDueFlows } from "../lib/sync/poll-due-flows";
import { defineTask } from "./define-task";

/** Every minute (cron): queue the polls of flows whose schedule is due. */
export const createPollDueFlowsTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...pollDueFlowsJob,
    run: async (payload) => {
      const at = payload._cron?.ts ? new Date(payload._cron.ts) : new Date();
      await pollDueFlows({ db: getDb(), at });
    },
  });
