import { parseCronItem, type CronMatcher } from "graphile-worker";
import type { Db } from "../db";
import { getFlowKind } from "../flows/registry";
import { enqueueJob } from "./enqueue-job";
import { polledObjectTypes } from "./flow-objects";
import { pollFlowJob } from "./job-specs";

const matchers = new Map<string, CronMatcher | null>();

/** graphile-worker's own cron parser (5 fields, UTC); null for an invalid expression. */
const matcherOf = (schedule: string): CronMatcher | null => {
  if (!matchers.has(schedule)) {
    try {
      matchers.set(schedule, parseCronItem({ task: pollFlowJob.name, match: schedule, identifier: "flow" }).match);
    } catch {
      matchers.set(schedule, null);
    }
  }
  return matchers.get(schedule)!;
};

/** True when a 5-field cron expression matches the minute of `at` (UTC). */
export const isScheduleDue = (schedule: string, at: Date): boolean => {
  const match = matcherOf(schedule.trim());
  return match !== null && match({ min: at.getUTCMinutes(), hour: at.getUTCHours(), date: at.getUTCDate(), month: at.getUTCMonth() + 1, dow: at.getUTCDay() });
};

/**
 * The per-minute sweep: for each enabled flow whose schedule matches this minute (or that was never
 * polled: the first poll does not wait for the schedule's next slot), queues one
 * `poll-flow` per object type (job key `poll:<flowId>:<objectType>` with preserve_run_at, so a poll
 * still waiting is not queued twice; queue `poll:<flowId>` so object types are read in dependency order).
 * Returns the flows that were due; flows with an invalid schedule are listed in `invalid`.
 */
export const pollDueFlows = async ({ db, at = new Date() }: { db: Db; at?: Date }) => {
  const flows = await db.flow.findMany({
    where: { enabled: true, schedule: { not: null } },
    select: { id: true, kind: true, schedule: true, _count: { select: { cursors: true } } },
  });
  const due: string[] = [];
  const invalid: string[] = [];
  for (const flow of flows) {
    if (matcherOf(flow.schedule!.trim()) === null) {
      invalid.push(flow.id);
      continue;
    }
    // A flow never polled (no cursor yet: just created or enabled) is due at once, not at its next slot.
    const isNew = flow._count.cursors === 0;
    if (!isNew && !isScheduleDue(flow.schedule!, at)) continue;
    const objectTypes = polledObjectTypes(getFlowKind(flow.kind));
    await db.$transaction(async (tx) => {
      for (const objectType of objectTypes) {
        await enqueueJob(tx, pollFlowJob, { flowId: flow.id, objectType, trigger: "schedule" }, {
          jobKey: `poll:${flow.id}:${objectType}`,
          jobKeyMode: "preserve_run_at",
          queueName: `poll:${flow.id}`,
        });
      }
    });
    due.push(flow.id);
  }
  return { due, invalid };
};
