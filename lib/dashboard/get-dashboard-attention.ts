import type { Db } from "../db";
import { getConnectionHealth, type FailingConnection } from "../health/get-connection-health";
import { listRetryingRecords, type RetryingRecords } from "./list-retrying-records";

/** What needs the admin's eye now, polled every few seconds: failing connections and records being retried. */
export type DashboardAttention = {
  /** ISO time the figures were read */
  readAt: string;
  connections: FailingConnection[];
  /** the flow's retrying records; null without a flow */
  retrying: RetryingRecords | null;
};

/**
 * Failing connections (of every enabled flow, or of `flowId` alone with `scope: "flow"`) and the
 * flow's retrying records. Both read small partial indexes, so the banner can poll every few seconds.
 */
export const getDashboardAttention = async ({ db, flowId, scope = "all", now = new Date() }: { db: Db; flowId?: string; scope?: "all" | "flow"; now?: Date }): Promise<DashboardAttention> => {
  const [connections, retrying] = await Promise.all([
    getConnectionHealth({ db, flowId: scope === "flow" ? flowId : undefined }),
    flowId ? listRetryingRecords({ db, flowId }) : Promise.resolve(null),
  ]);
  return { readAt: now.toISOString(), connections, retrying };
};
