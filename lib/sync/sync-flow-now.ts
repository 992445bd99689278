import type { Db } from "../db";
import { getFlowKind } from "../flows/registry";
import { enqueueJob } from "./enqueue-job";
import { polledObjectTypes } from "./flow-objects";
import { pollFlowJob } from "./job-specs";

/**
 * "Sync now": queues an immediate poll of every object type of an enabled flow (a poll already
 * waiting is moved to now; one running continues and the new one follows it).
 */
export const syncFlowNow = async ({ db, flowId }: { db: Db; flowId: string }): Promise<{ status: "queued"; objectTypes: string[] } | { status: "not_found" } | { status: "disabled" }> => {
  const flow = await db.flow.findUnique({ where: { id: flowId }, select: { id: true, kind: true, enabled: true } });
  if (!flow) return { status: "not_found" };
  if (!flow.enabled) return { status: "disabled" };
  const objectTypes = polledObjectTypes(getFlowKind(flow.kind));
  await db.$transaction(async (tx) => {
    for (const objectType of objectTypes) {
      await enqueueJob(tx, pollFlowJob, { flowId, objectType, trigger: "manual" }, { jobKey: `poll:${flowId}:${objectType}`, queueName: `poll:${flowId}` });
    }
  });
  return { status: "queued", objectTypes: [...objectTypes] };
};
