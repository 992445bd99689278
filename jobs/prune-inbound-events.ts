import { db, type Db } from "../lib/db";
import { env } from "../lib/env";
import { pruneInboundEventsJob } from "../lib/sync/job-specs";
import { pruneInboundEvents } from "../lib/sync/prune-inbound-events";
import { defineTask } from "./define-task";

/** Daily (cron): delete processed inbound events past INBOUND_EVENT_RETENTION_DAYS or the per-connection budget. */
export const createPruneInboundEventsTask = ({ getDb = db }: { getDb?: () => Db } = {}) =>
  defineTask({
    ...pruneInboundEventsJob,
    run: async () => {
      const { INBOUND_EVENT_RETENTION_DAYS, INBOUND_EVENT_BUDGET_PER_CONNECTION } = env();
      await pruneInboundEvents({ db: getDb(), retentionDays: INBOUND_EVENT_RETENTION_DAYS, budgetPerConnection: INBOUND_EVENT_BUDGET_PER_CONNECTION });
    },
  });
