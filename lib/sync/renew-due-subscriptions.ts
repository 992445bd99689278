import { findConnector } from "../connectors/registry";
import type { Db } from "../db";
import { enqueueJob } from "./enqueue-job";
import { renewSubscriptionsJob } from "./job-specs";

/** Renew this long before expiry unless the connector says otherwise. */
const DEFAULT_RENEW_BEFORE_MS = 60 * 60_000;

/**
 * The renewal sweep: for every connection whose connector declares `webhooks.renewSubscriptions`,
 * queues one `renew-subscriptions` job (job key `renew:<connectionId>`, an existing one kept) when its
 * subscriptions were never made, or expire within the connector's margin, or the last renewal failed.
 */
export const renewDueSubscriptions = async ({ db, now = new Date() }: { db: Db; now?: Date }): Promise<{ queued: string[] }> => {
  const connections = await db.connection.findMany({ select: { id: true, vendor: true, subscriptionExpiresAt: true, subscriptionError: true } });
  const queued: string[] = [];
  for (const c of connections) {
    const webhooks = findConnector(c.vendor)?.webhooks;
    if (!webhooks?.renewSubscriptions) continue;
    const margin = webhooks.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS;
    const due = !c.subscriptionExpiresAt || c.subscriptionError !== null || c.subscriptionExpiresAt.getTime() - margin <= now.getTime();
    if (!due) continue;
    await enqueueJob(db, renewSubscriptionsJob, { connectionId: c.id }, { jobKey: `renew:${c.id}`, jobKeyMode: "preserve_run_at" });
    queued.push(c.id);
  }
  return { queued };
};
