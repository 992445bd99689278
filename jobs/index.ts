import { parseCronItems, type TaskList } from "graphile-worker";
import type { WorkerIdentity } from "../lib/workers/worker-identity";
import { toGraphileTask, type TaskDefinition } from "./define-task";
import { heartbeatTask } from "./heartbeat";
import { createPollDueFlowsTask } from "./poll-due-flows";
import { createPollFlowTask } from "./poll-flow";
import { createProcessCalloutTask } from "./process-callout";
import { createProcessRecordTask } from "./process-record";
import { createProcessRecordsTask } from "./process-records";
import { createPruneInboundEventsTask } from "./prune-inbound-events";
import { createPruneVendorLimitsTask } from "./prune-vendor-limits";
import { createRenewDueSubscriptionsTask } from "./renew-due-subscriptions";
import { createRenewSubscriptionsTask } from "./renew-subscriptions";

/** Every task this worker runs, listed by hand (style-guide §5). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const createTasks = (identity: WorkerIdentity): TaskDefinition<any>[] => [
  heartbeatTask(identity),
  createPollDueFlowsTask(),
  createPollFlowTask(),
  createProcessCalloutTask(),
  createProcessRecordTask(),
  createProcessRecordsTask(),
  createRenewDueSubscriptionsTask(),
  createRenewSubscriptionsTask(),
  createPruneInboundEventsTask(),
  createPruneVendorLimitsTask(),
];

export const createTaskList = (identity: WorkerIdentity): TaskList =>
  Object.fromEntries(createTasks(identity).map((t) => [t.name, toGraphileTask(t)]));

/**
 * Recurring schedules. Flow polling schedules come from each flow's settings, swept by one cron item;
 * vendor subscriptions are swept every ten minutes; inbound events are pruned daily, the vendor
 * limiter's unused rows hourly.
 */
export const cronItems = parseCronItems([
  { task: "heartbeat", match: "* * * * *", identifier: "heartbeat", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "poll-due-flows", match: "* * * * *", identifier: "poll-due-flows", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "renew-due-subscriptions", match: "*/10 * * * *", identifier: "renew-due-subscriptions", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "prune-inbound-events", match: "17 3 * * *", identifier: "prune-inbound-events", options: { backfillPeriod: 0, maxAttempts: 1 } },
  { task: "prune-vendor-limits", match: "41 * * * *", identifier: "prune-vendor-limits", options: { backfillPeriod: 0, maxAttempts: 1 } },
]);
