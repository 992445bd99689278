import { db, type Db } from "../lib/db";
import { pollFlowJob } from "../lib/sync/job-specs";
import { pollFlow } from "../lib/sync/poll-flow";
import { defineTask } from "./define-task";

/** A few pages of one flow's object type; re-enqueues itself while pages remain. */
export const createPollFlowTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...pollFlowJob,
    run: async ({ flowId, objectType, trigger }, helpers) => {
      const result = await pollFlow({ db: getDb(), flowId, objectType, trigger });
      helpers.logger.info(`poll ${flowId} ${objectType}: ${JSON.stringify(result)}`);
    },
  });
