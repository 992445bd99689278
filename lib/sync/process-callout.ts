import pLimit, { type LimitFunction } from "p-limit";
import type { SourceDocument } from "../connectors/ports";
import type { Db } from "../db";
import { getFlowKind } from "../flows/registry";
import type { AnyFlowKind, FlowRow, FlowRuntime } from "../flows/types";
import { logger } from "../logger";
import { connectFlow } from "./connect-flow";
import { describeSyncError } from "./describe-sync-error";
import { eventObjectTypes } from "./flow-objects";
import { ingestDocument, type IngestOutcome } from "./ingest-document";
import { processCalloutJob, processRecordJob } from "./job-specs";
import { processRecord, type ProcessOutcome } from "./process-record";

/**
 * How long the queued `process-record` job of a record this callout posts itself waits before it runs:
 * it only runs when the direct post below could not finish (a retryable vendor error, or this worker
 * died meanwhile); a finished post removes it.
 */
export const CALLOUT_FALLBACK_DELAY_MS = 15_000;

/**
 * How many callouts of one connection a process-callout job takes at most (its own and those still
 * waiting): enough to share the job, the read and the commit, few enough that the ingest transaction
 * (three statements per document) stays short.
 */
export const CALLOUT_BATCH = 20;

/**
 * How long the jobs of the callouts a job took over wait before they would run themselves: they only
 * run when this job died before its ingest committed (which removes them).
 */
export const CALLOUT_TAKEOVER_LEASE_MS = 60_000;

/**
 * The ingest transaction holds no vendor call, but on a loaded machine a connection or a row lock may
 * take a while (Prisma's defaults, 2 s to start and 5 s in all, would roll a whole batch back).
 */
const INGEST_TX = { maxWait: 30_000, timeout: 60_000 } as const;

/** How many documents of one batch are read from the source at once. */
const READS_AT_ONCE = 8;

/**
 * How many callout records one process posts at once, all its callout jobs together: as many as its
 * job slots would post one by one (env WORKER_CONCURRENCY's default), so batches do not crowd the
 * target's shared concurrency limit (each slot a process cannot reuse costs two limiter statements).
 */
const POSTS_AT_ONCE = 8;
const postLimits = new WeakMap<Db, LimitFunction>();
const postLimitOf = (db: Db) => {
  let limit = postLimits.get(db);
  if (!limit) postLimits.set(db, (limit = pLimit(POSTS_AT_ONCE)));
  return limit;
};

export type CalloutPosting = { recordId: string; outcome: ProcessOutcome | { status: "deferred"; reason: string } };

type FlowJson = Omit<FlowRow, "backfillFrom" | "createdAt"> & { backfillFrom: string | null; createdAt: string; sourceUpdatedAt: string; targetUpdatedAt: string };
type EventRow = {
  id: string;
  vendorEventId: string;
  objectType: string | null;
  objectId: string | null;
  payload: unknown;
  receivedAt: Date;
  processedAt: Date | null;
};

const jobKey = (inboundEventId: string) => `callout:${inboundEventId}`;

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

/*
 * The job's own event, the other callouts of its connection whose jobs still wait (due, unlocked, never
 * tried: every job slot is busy, so they queue behind this one), and the enabled flows reading from the
 * connection with both connections' updatedAt (so the cached vendor clients are checked without reads
 * of their own), in ONE statement that commits at once. The waiting callouts are taken over by pushing
 * their own jobs CALLOUT_TAKEOVER_LEASE_MS into the future: if this job dies before its ingest commits,
 * they run then; the commit that ingests them removes them. The jobs are locked the way
 * graphile-worker's own get_job locks them (FOR UPDATE SKIP LOCKED on its jobs table, conditions
 * re-checked on the row's latest version), so two jobs never take the same callout and a job a worker
 * has just fetched is never taken. graphile-worker offers no public call for this: it reads and
 * updates `graphile_worker._private_jobs` (schema of graphile-worker 0.17, as worker-liveness does).
 */
const READ_SQL = `
WITH me AS (
  SELECT "connectionId" FROM "InboundEvent" WHERE id = $1::uuid
),
taken AS (
  SELECT j.id AS "jobId", e.id
  FROM graphile_worker._private_jobs j
  JOIN "InboundEvent" e ON e.id = (CASE WHEN j.key ~ '^callout:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN substr(j.key, 9)::uuid END)
  -- is_available and no queue: graphile-worker's own partial index of due jobs (jobs_no_queue_index), so a job
  -- with nothing waiting behind it reads no more than the jobs that are due now
  WHERE j.is_available AND j.job_queue_id IS NULL AND j.run_at <= now() AND j.task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = $3::text)
    AND j.locked_at IS NULL AND j.attempts = 0
    AND e."connectionId" = (SELECT "connectionId" FROM me) AND e."processedAt" IS NULL AND e.id <> $1::uuid AND e."objectType" IS NOT NULL
  ORDER BY j.id
  LIMIT $2::int
  FOR UPDATE OF j SKIP LOCKED
),
leased AS (
  UPDATE graphile_worker._private_jobs j SET run_at = now() + make_interval(secs => $4::float8), updated_at = now()
  FROM taken WHERE j.id = taken."jobId"
  RETURNING j.id
)
SELECT
  COALESCE((
    SELECT json_agg(json_build_object('id', e.id, 'vendorEventId', e."vendorEventId", 'objectType', e."objectType", 'objectId', e."objectId",
      'payload', e.payload, 'receivedAt', e."receivedAt", 'processedAt', e."processedAt") ORDER BY e.id <> $1::uuid, e."receivedAt", e.id)
    FROM "InboundEvent" e WHERE e.id = $1::uuid OR e.id IN (SELECT id FROM taken)
  ), '[]'::json) AS events,
  COALESCE((
    SELECT json_agg(json_build_object('id', f.id, 'kind', f.kind, 'sourceConnectionId', f."sourceConnectionId", 'targetConnectionId', f."targetConnectionId",
      'enabled', f.enabled, 'schedule', f.schedule, 'backfillFrom', f."backfillFrom", 'settings', f.settings, 'createdAt', f."createdAt",
      'sourceUpdatedAt', sc."updatedAt", 'targetUpdatedAt', tc."updatedAt") ORDER BY f."createdAt", f.id)
    FROM "Flow" f JOIN "Connection" sc ON sc.id = f."sourceConnectionId" JOIN "Connection" tc ON tc.id = f."targetConnectionId"
    WHERE f."sourceConnectionId" = (SELECT "connectionId" FROM me) AND f.enabled
  ), '[]'::json) AS flows,
  (SELECT count(*) FROM leased) AS leased`;

/*
 * The end of the ingest transaction, in ONE statement: the ingested events marked processed, the
 * job ingest queued for each record posted below delayed by CALLOUT_FALLBACK_DELAY_MS (it becomes the
 * post's fallback), the taken-over callouts' pushed jobs removed, and those whose document could not
 * be read given back to their own jobs at once (which retry with graphile-worker's backoff). The
 * fallback jobs are delayed by updating their run_at in graphile-worker's jobs table rather than by
 * add_jobs, whose NOTIFY would wake every idle worker of every process to fetch a job that is not due
 * (at 20 callouts/s on a quiet machine each NOTIFY costs about three empty job fetches).
 */
const SETTLE_SQL = `
WITH done AS (
  UPDATE "InboundEvent" SET "processedAt" = now() WHERE id = ANY($1::uuid[]) RETURNING id
),
fallback AS (
  UPDATE graphile_worker._private_jobs SET run_at = now() + make_interval(secs => $3::float8), updated_at = now()
  WHERE key = ANY(ARRAY(SELECT 'record:' || r FROM unnest($2::text[]) AS r)) AND locked_at IS NULL
  RETURNING id
),
unleased AS (
  SELECT count(graphile_worker.remove_job(k)) AS n FROM (SELECT k FROM unnest($4::text[]) AS k ORDER BY k) AS keys
),
given_back AS (
  SELECT (SELECT count(*) FROM graphile_worker.add_jobs(specs, false)) AS n
  FROM (
    SELECT array_agg(ROW($5::text, json_build_object('inboundEventId', id), NULL::text, NULL::timestamptz, $6::smallint,
      'callout:' || id, NULL::smallint, NULL::text[])::graphile_worker.job_spec ORDER BY id) AS specs
    FROM unnest($7::uuid[]) AS id
  ) AS batch
  WHERE specs IS NOT NULL
)
SELECT (SELECT count(*) FROM done) AS done, (SELECT count(*) FROM fallback) AS fallback, (SELECT n FROM unleased) AS unleased, (SELECT n FROM given_back) AS "givenBack"`;

type Fetched = { event: EventRow; flow: FlowRow; definition: AnyFlowKind; runtime: FlowRuntime; document: SourceDocument };

/**
 * Processes a recorded callout, together with the other callouts of its connection still waiting for
 * a job slot (up to CALLOUT_BATCH, taken over as READ_SQL says): under load, callouts arriving together
 * share one job, one database read, one ingest transaction and one commit (their documents are still read from the source one by one, 8 at once). For every enabled flow reading from
 * the connection, each event's named record is re-fetched by id (or, for object types that are events,
 * the event itself is the document) and ingested exactly like a polled one (so a duplicate or
 * out-of-order delivery is an `unchanged` version). A document older than the flow's start (its
 * backfill date, else its creation) is left out, as the poll leaves it out. The events are marked
 * processed in the ingest's transaction; then each new or changed record is posted at once in this job
 * (one job hop instead of two), under the same lease and natural-key look-up as a `process-record` job,
 * which stays queued (delayed) until this post has finished.
 *
 * A failed read of the job's own event's document fails the job (it retries with backoff) after the
 * others were ingested and posted; a taken-over callout whose read failed goes back to its own job.
 */
export const processCallout = async ({
  db,
  inboundEventId,
  runtimeFor,
  batch = CALLOUT_BATCH,
}: {
  db: Db;
  inboundEventId: string;
  /** overrides a flow's vendor adapters (tooling); default: its definition's connect() */
  runtimeFor?: (flowId: string) => FlowRuntime | undefined;
  /** how many callouts this job takes at most, its own included */
  batch?: number;
}): Promise<{ status: "processed"; events: number; outcomes: IngestOutcome[]; postings: CalloutPosting[] } | { status: "not_found" | "already_processed" }> => {
  const pickedUpAt = Date.now();
  const [row] = await db.$queryRawUnsafe<{ events: (Omit<EventRow, "receivedAt" | "processedAt"> & { receivedAt: string; processedAt: string | null })[]; flows: FlowJson[] }[]>(
    READ_SQL,
    inboundEventId,
    Math.max(0, batch - 1),
    processCalloutJob.name,
    CALLOUT_TAKEOVER_LEASE_MS / 1000,
  );
  const events: EventRow[] = (row?.events ?? []).map((e) => ({ ...e, receivedAt: new Date(e.receivedAt), processedAt: e.processedAt === null ? null : new Date(e.processedAt) }));
  const own = events[0]?.id === inboundEventId ? events[0] : undefined;
  const others = events.filter((e) => e.id !== inboundEventId);
  if (!own && others.length === 0) return { status: "not_found" };
  if (own?.processedAt && others.length === 0) return { status: "already_processed" };
  /** the events this job processes now: its own unless another job already did */
  const mine = own && !own.processedAt ? [own, ...others] : others;

  const flows = (row?.flows ?? []).map(({ sourceUpdatedAt, targetUpdatedAt, ...f }) => ({
    flow: { ...f, backfillFrom: f.backfillFrom === null ? null : new Date(f.backfillFrom), createdAt: new Date(f.createdAt) } satisfies FlowRow,
    connectionsUpdatedAt: { source: new Date(sourceUpdatedAt), target: new Date(targetUpdatedAt) },
  }));
  const runtimes = new Map<string, Promise<FlowRuntime>>();
  const runtimeOf = (flow: FlowRow, definition: AnyFlowKind, connectionsUpdatedAt: { source: Date; target: Date }) => {
    let runtime = runtimes.get(flow.id);
    if (!runtime) {
      const given = runtimeFor?.(flow.id);
      runtime = given ? Promise.resolve(given) : connectFlow({ db, flow, definition, connectionsUpdatedAt });
      runtimes.set(flow.id, runtime);
    }
    return runtime;
  };

  // Each event's documents, read concurrently; an event whose read failed is left out (see above).
  const reads = await pLimit(READS_AT_ONCE).map(mine, async (event): Promise<{ event: EventRow; fetched: Fetched[] } | { event: EventRow; error: unknown }> => {
    const fetched: Fetched[] = [];
    if (!event.objectType) return { event, fetched };
    try {
      for (const { flow, connectionsUpdatedAt } of flows) {
        const definition = getFlowKind(flow.kind);
        const types = eventObjectTypes(definition, event.objectType);
        if (types.length === 0) continue;
        const start = (flow.backfillFrom ?? flow.createdAt).toISOString();
        const runtime = await runtimeOf(flow, definition, connectionsUpdatedAt);
        for (const { type: objectType, fromEvents } of types) {
          const document = fromEvents ? eventDocument(objectType, event) : event.objectId ? await runtime.source.fetchDocument({ objectType, sourceId: event.objectId }) : null;
          if (!document) continue;
          if (document.sourceVersion !== null && document.sourceVersion < start) continue;
          fetched.push({ event, flow, definition, runtime, document });
        }
      }
      return { event, fetched };
    } catch (error) {
      return { event, error };
    }
  });
  const fetchedAt = Date.now();
  const read = reads.flatMap((r) => ("fetched" in r ? [r] : []));
  const failed = reads.flatMap((r) => ("error" in r ? [r] : []));
  const ownError = failed.find((f) => f.event.id === inboundEventId)?.error;
  const givenBack = failed.filter((f) => f.event.id !== inboundEventId).map((f) => f.event.id);
  for (const { event, error } of failed) logger.warn({ inboundEventId: event.id, reason: describeSyncError(error).message }, "callout's document could not be read; its job tries again");

  // Every document, the events' processedAt and the jobs' changes in one transaction: a crash leaves all of it or none (then the jobs run again).
  // One ingest per document (three statements each): each `received` event names the callout that brought it.
  const { ingested, toPost } = await db.$transaction(async (tx) => {
    const ingested: { outcome: IngestOutcome; recordId: string; runtime: FlowRuntime }[] = [];
    for (const { event, flow, definition, runtime, document } of read.flatMap((r) => r.fetched)) {
      ingested.push({ ...(await ingestDocument({ tx, flow, document, origin: "callout", inboundEventId: event.id, definition })), runtime });
    }
    // a record once, however many of the batch's callouts named its document
    const toPost = [...new Map(ingested.filter(({ outcome }) => outcome === "new" || outcome === "reprocess").map((r) => [r.recordId, r])).values()];
    await tx.$queryRawUnsafe(
      SETTLE_SQL,
      read.map((r) => r.event.id),
      toPost.map((r) => r.recordId),
      CALLOUT_FALLBACK_DELAY_MS / 1000,
      others.filter((e) => !givenBack.includes(e.id)).map((e) => jobKey(e.id)),
      processCalloutJob.name,
      processCalloutJob.maxAttempts,
      givenBack,
    );
    return { ingested, toPost };
  }, INGEST_TX);
  const ingestedAt = Date.now();

  const postings = await postLimitOf(db).map(toPost, async ({ recordId, runtime }): Promise<CalloutPosting> => {
    try {
      // Attempt 1 of the job's budget: a retryable failure is recorded on the record and left to the queued job.
      return { recordId, outcome: await processRecord({ db, recordId, runtime, attempt: 1, maxAttempts: processRecordJob.maxAttempts, removeQueuedJob: true }) };
    } catch (err) {
      return { recordId, outcome: { status: "deferred", reason: describeSyncError(err).message } };
    }
  });
  // Where each callout's time went, in ms since its receipt (debug level: one line per callout).
  const doneAt = Date.now();
  for (const { event } of read) {
    const since = (t: number) => t - event.receivedAt.getTime();
    logger.debug(
      { inboundEventId: event.id, batch: mine.length, pickedUpMs: since(pickedUpAt), fetchedMs: since(fetchedAt), ingestedMs: since(ingestedAt), doneMs: since(doneAt) },
      "callout processed",
    );
  }
  if (ownError !== undefined) throw ownError;
  return { status: "processed", events: read.length, outcomes: ingested.map((r) => r.outcome), postings };
};
