import type { Db } from "../db";
import { findPool } from "../db/pool";
import { getFlowKind } from "../flows/registry";
import type { FlowRow } from "../flows/types";
import { logger } from "../logger";
import { describeSyncError } from "./describe-sync-error";
import { connectFlow } from "./connect-flow";

export type WarmFlowsResult = { flows: number; warmed: number; failed: number; connections: number; ms: number };

/**
 * Readies a worker process for its first jobs, which would otherwise pay for everything a process
 * keeps between jobs (measured in the callouts bench: a cold worker's first callouts took ~250 ms
 * where a warm one takes ~60): the database pool's connections are opened, and for every enabled
 * flow its vendor clients are built (cached per process, see connectFlow) and its runtime's `warm`
 * reads what the flow keeps per process (vendor tokens, the vendors' connections, catalogue caches).
 * Reads only: nothing is written to a vendor or the ledger. A flow that cannot be warmed is logged and
 * left to its first job, which pays as it would have.
 */
export const warmFlows = async ({ db, connections }: { db: Db; /** how many of the pool's connections to open */ connections: number }): Promise<WarmFlowsResult> => {
  const started = Date.now();
  // asked all at once, so the pool opens a connection for each (one after the other would reuse one)
  const pool = findPool(db);
  const opened = pool
    ? (await Promise.allSettled(Array.from({ length: Math.min(connections, pool.options.max ?? connections) }, () => pool.query("SELECT 1")))).filter((r) => r.status === "fulfilled").length
    : 0;
  const rows = await db.$queryRaw<(Omit<FlowRow, "enabled"> & { sourceUpdatedAt: Date; targetUpdatedAt: Date })[]>`
    SELECT f.id, f.kind, f."sourceConnectionId", f."targetConnectionId", f.schedule, f."backfillFrom", f.settings, f."createdAt",
      sc."updatedAt" AS "sourceUpdatedAt", tc."updatedAt" AS "targetUpdatedAt"
    FROM "Flow" f JOIN "Connection" sc ON sc.id = f."sourceConnectionId" JOIN "Connection" tc ON tc.id = f."targetConnectionId"
    WHERE f.enabled`;
  const results = await Promise.allSettled(
    rows.map(async ({ sourceUpdatedAt, targetUpdatedAt, ...row }) => {
      const flow: FlowRow = { ...row, enabled: true };
      try {
        const runtime = await connectFlow({ db, flow, definition: getFlowKind(flow.kind), connectionsUpdatedAt: { source: sourceUpdatedAt, target: targetUpdatedAt } });
        await runtime.warm?.();
      } catch (err) {
        logger.warn({ flowId: flow.id, reason: describeSyncError(err).message }, "worker warm-up: a flow's vendors could not be readied; its first job will");
        throw err;
      }
    }),
  );
  const failed = results.filter((r) => r.status === "rejected").length;
  return { flows: rows.length, warmed: rows.length - failed, failed, connections: opened, ms: Date.now() - started };
};
