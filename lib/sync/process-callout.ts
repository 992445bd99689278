import type { SourceDocument } from "../connectors/ports";
import type { Db } from "../db";
import { getFlowKind } from "../flows/registry";
import type { AnyFlowKind, FlowRow, FlowRuntime } from "../flows/types";
import { logger } from "../logger";
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
 * new or changed record at once in this job (one job hop instead of two), under the same lease and
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
  const pickedUpAt = Date.now();
  // The event, and the enabled flows reading from its connection with both connections' updatedAt (so the
  // cached vendor clients are checked without reads of their own), in one round trip.
  const [event] = await db.$queryRaw<
    {
      id: string;
      connectionId: string;
      vendorEventId: string;
      objectType: string | null;
      objectId: string | null;
      payload: unknown;
      receivedAt: Date;
      processedAt: Date | null;
      flows: (Omit<FlowRow, "backfillFrom" | "createdAt"> & { backfillFrom: string | null; createdAt: string; sourceUpdatedAt: string; targetUpdatedAt: string })[];
    }[]
  >`
    SELECT e.id, e."connectionId", e."vendorEventId", e."objectType", e."objectId", e.payload, e."receivedAt", e."processedAt",
      COALESCE((
        SELECT json_agg(json_build_object('id', f.id, 'kind', f.kind, 'sourceConnectionId', f."sourceConnectionId", 'targetConnectionId', f."targetConnectionId",
          'enabled', f.enabled, 'schedule', f.schedule, 'backfillFrom', f."backfillFrom", 'settings', f.settings, 'createdAt', f."createdAt",
          'sourceUpdatedAt', sc."updatedAt", 'targetUpdatedAt', tc."updatedAt") ORDER BY f."createdAt", f.id)
        FROM "Flow" f JOIN "Connection" sc ON sc.id = f."sourceConnectionId" JOIN "Connection" tc ON tc.id = f."targetConnectionId"
        WHERE f."sourceConnectionId" = e."connectionId" AND f.enabled AND e."objectType" IS NOT NULL
      ), '[]'::json) AS flows
    FROM "InboundEvent" e WHERE e.id = ${inboundEventId}::uuid`;
  if (!event) return { status: "not_found" };
  if (event.processedAt) return { status: "already_processed" };
  const fetched: { flow: FlowRow; definition: AnyFlowKind; runtime: FlowRuntime; document: SourceDocument }[] = [];
  if (event.objectType) {
    const flows = event.flows.map(({ sourceUpdatedAt, targetUpdatedAt, ...f }) => ({
      flow: { ...f, backfillFrom: f.backfillFrom === null ? null : new Date(f.backfillFrom), createdAt: new Date(f.createdAt) } satisfies FlowRow,
      source: { updatedAt: new Date(sourceUpdatedAt) },
      target: { updatedAt: new Date(targetUpdatedAt) },
    }));
    for (const { flow, source, target } of flows) {
      const definition = getFlowKind(flow.kind);
      const types = eventObjectTypes(definition, event.objectType);
      if (types.length === 0) continue;
      const start = (flow.backfillFrom ?? flow.createdAt).toISOString();
      const runtime = runtimeFor?.(flow.id) ?? (await connectFlow({ db, flow, definition, connectionsUpdatedAt: { source: source.updatedAt, target: target.updatedAt } }));
      for (const { type: objectType, fromEvents } of types) {
        const document = fromEvents ? eventDocument(objectType, { ...event, receivedAt: new Date(event.receivedAt) }) : event.objectId ? await runtime.source.fetchDocument({ objectType, sourceId: event.objectId }) : null;
        if (!document) continue;
        if (document.sourceVersion !== null && document.sourceVersion < start) continue;
        fetched.push({ flow, definition, runtime, document });
      }
    }
  }
  const fetchedAt = Date.now();
  // Every document and the event's processedAt in one transaction: a crash leaves all of it or none (then the job runs again).
  const markProcessed = (client: Pick<Db, "inboundEvent">) => client.inboundEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } });
  if (fetched.length === 0) {
    await markProcessed(db);
    return { status: "processed", outcomes: [], postings: [] };
  }
  const ingested = await db.$transaction(async (tx) => {
    const results: { outcome: IngestOutcome; recordId: string }[] = [];
    for (const { flow, definition, document } of fetched) {
      const result = await ingestDocument({ tx, flow, document, origin: "callout", inboundEventId: event.id, definition });
      // The job ingest queued becomes the fallback of the post below (same job key, replaced).
      if (result.outcome === "new" || result.outcome === "reprocess") {
        await enqueueRecord(tx, { recordId: result.recordId, runAt: new Date(Date.now() + CALLOUT_FALLBACK_DELAY_MS) });
      }
      results.push(result);
    }
    await markProcessed(tx);
    return results;
  });
  const ingestedAt = Date.now();
  const outcomes = ingested.map((r) => r.outcome);
  const toPost = ingested.flatMap(({ outcome, recordId }, i) => (outcome === "new" || outcome === "reprocess" ? [{ recordId, runtime: fetched[i]!.runtime }] : []));

  const postings: CalloutPosting[] = [];
  for (const { recordId, runtime } of toPost) {
    try {
      // Attempt 1 of the job's budget: a retryable failure is recorded on the record and left to the queued job.
      postings.push({ recordId, outcome: await processRecord({ db, recordId, runtime, attempt: 1, maxAttempts: processRecordJob.maxAttempts, removeQueuedJob: true }) });
    } catch (err) {
      postings.push({ recordId, outcome: { status: "deferred", reason: describeSyncError(err).message } });
    }
  }
  // Where a callout's time went, in ms since its receipt (debug level: one line per callout).
  const since = (t: number) => t - new Date(event.receivedAt).getTime();
  logger.debug(
    { inboundEventId: event.id, pickedUpMs: since(pickedUpAt), fetchedMs: since(fetchedAt), ingestedMs: since(ingestedAt), doneMs: since(Date.now()), postings: postings.map((p) => p.outcome.status) },
    "callout processed",
  );
  return { status: "processed", outcomes, postings };
};
