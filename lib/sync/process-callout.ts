import type { SourceDocument } from "../connectors/ports";
import type { Db } from "../db";
import { getFlowKind } from "../flows/registry";
import type { FlowRuntime } from "../flows/types";
import { connectFlow } from "./connect-flow";
import { describeSyncError } from "./describe-sync-error";
import { enqueueRecord } from "./enqueue-record";
import { eventObjectTypes } from "./flow-objects";
import { ingestDocument, type IngestOutcome } from "./ingest-document";
import { processRecordJob } from "./job-specs";
import { processRecord, type ProcessOutcome } from "./process-record";

/**
 * How long the queued `process-record` job of a record this callout posts itself waits before it runs:
 * it only runs when the direct post below could not finish (a retryable vendor error, or this worker
 * died meanwhile); a finished post removes it.
 */
export const CALLOUT_FALLBACK_DELAY_MS = 15_000;

export type CalloutPosting = { recordId: string; outcome: ProcessOutcome | { status: "deferred"; reason: string } };

/** The inbound event itself as a source document, for object types that are events (source id = the vendor's event id). */
const eventDocument = (objectType: string, event: { vendorEventId: string; receivedAt: Date; payload: unknown }): SourceDocument => ({
  objectType,
  sourceId: event.vendorEventId,
  sourceVersion: event.receivedAt.toISOString(),
  naturalKey: null,
  amount: null,
  currency: null,
  documentDate: event.receivedAt.toISOString().slice(0, 10),
  payload: event.payload ?? null,
});

/**
 * Processes one recorded callout: for every enabled flow reading from the callout's connection,
 * re-fetches the named record by id (or, for object types that are events, takes the event itself)
 * and ingests it exactly like a polled one (so a duplicate or out-of-order delivery is an `unchanged`
 * version). A document older than the flow's start (its backfill date, else its creation) is left
 * out, as the poll leaves it out. Marks the InboundEvent processed, then posts each
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
  if (event.objectType) {
    const flows = await db.flow.findMany({ where: { sourceConnectionId: event.connectionId, enabled: true } });
    for (const flow of flows) {
      const definition = getFlowKind(flow.kind);
      const types = eventObjectTypes(definition, event.objectType);
      if (types.length === 0) continue;
      const start = (flow.backfillFrom ?? flow.createdAt).toISOString();
      const rt = runtimeFor?.(flow.id) ?? (await connectFlow({ db, flow, definition }));
      for (const { type: objectType, fromEvents } of types) {
        const document = fromEvents ? eventDocument(objectType, event) : event.objectId ? await rt.source.fetchDocument({ objectType, sourceId: event.objectId }) : null;
        if (!document) continue;
        if (document.sourceVersion !== null && document.sourceVersion < start) continue;
        const { outcome, recordId } = await db.$transaction(async (tx) => {
          const ingested = await ingestDocument({ tx, flow, document, origin: "callout", inboundEventId: event.id, definition });
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
