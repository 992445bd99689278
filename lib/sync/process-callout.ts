import type { Db } from "../db";
import { getFlowDefinition } from "../flows/registry";
import { describeSyncError } from "./describe-sync-error";
import { enqueueRecord } from "./enqueue-record";
import { ingestDocument, type IngestOutcome } from "./ingest-document";
import { processRecordJob } from "./job-specs";
import type { FlowRuntime } from "./ports";
import { processRecord, type ProcessOutcome } from "./process-record";

/**
 * How long the queued `process-record` job of a record this callout posts itself waits before it runs:
 * it only runs when the direct post below could not finish (a retryable vendor error, or this worker
 * died meanwhile); a finished post removes it.
 */
export const CALLOUT_FALLBACK_DELAY_MS = 15_000;

export type CalloutPosting = { recordId: string; outcome: ProcessOutcome | { status: "deferred"; reason: string } };

/**
 * Processes one recorded callout: for every enabled flow reading from the callout's connection,
 * re-fetches the named record by id and ingests it exactly like a polled one (so a duplicate or
 * out-of-order delivery is an `unchanged` version). Marks the InboundEvent processed, then posts each
 * new or changed record at once in this job (one job hop instead of two), under the same row lock and
 * natural-key look-up as a `process-record` job, which stays queued (delayed) until this post has finished.
 */
export const processCallout = async ({
  db,
  inboundEventId,
  runtimeFor,
}: {
  db: Db;
  inboundEventId: string;
  /** overrides a flow's vendor adapters (tooling); default: its definition's connect() */
  runtimeFor?: (flowId: string) => FlowRuntime | undefined;
}): Promise<{ status: "processed"; outcomes: IngestOutcome[]; postings: CalloutPosting[] } | { status: "not_found" | "already_processed" }> => {
  const event = await db.inboundEvent.findUnique({ where: { id: inboundEventId } });
  if (!event) return { status: "not_found" };
  if (event.processedAt) return { status: "already_processed" };
  const outcomes: IngestOutcome[] = [];
  const toPost: { recordId: string; runtime: FlowRuntime }[] = [];
  if (event.objectType && event.objectId) {
    const flows = await db.flow.findMany({ where: { sourceConnectionId: event.connectionId, enabled: true } });
    for (const flow of flows) {
      const definition = getFlowDefinition(flow.kind);
      const objectTypes = definition.calloutObjectTypes?.(event.objectType) ?? [];
      if (objectTypes.length === 0) continue;
      const rt = runtimeFor?.(flow.id) ?? (await definition.connect({ db, flow }));
      for (const objectType of objectTypes) {
        const document = await rt.source.fetchDocument({ objectType, sourceId: event.objectId });
        if (!document) continue;
        const { outcome, recordId } = await db.$transaction(async (tx) => {
          const ingested = await ingestDocument({ tx, flow, document, origin: "callout", inboundEventId: event.id });
          // The job ingest queued becomes the fallback of the post below (same job key, replaced).
          if (ingested.outcome === "new" || ingested.outcome === "reprocess") {
            await enqueueRecord(tx, { recordId: ingested.recordId, runAt: new Date(Date.now() + CALLOUT_FALLBACK_DELAY_MS) });
          }
          return ingested;
        });
        outcomes.push(outcome);
        if (outcome === "new" || outcome === "reprocess") toPost.push({ recordId, runtime: rt });
      }
    }
  }
  await db.inboundEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } });

  const postings: CalloutPosting[] = [];
  for (const { recordId, runtime } of toPost) {
    try {
      // Attempt 1 of the job's budget: a retryable failure is recorded on the record and left to the queued job.
      const outcome = await processRecord({ db, recordId, runtime, attempt: 1, maxAttempts: processRecordJob.maxAttempts, removeQueuedJob: true });
      postings.push({ recordId, outcome });
    } catch (err) {
      postings.push({ recordId, outcome: { status: "deferred", reason: describeSyncError(err).message } });
    }
  }
  return { status: "processed", outcomes, postings };
};
