import type { PostedVia } from "../audit/events";
import { randomUUID } from "node:crypto";
import type { RecordEventInput } from "../audit/events";
import type { SourceDocument, TargetCallSummary, TargetDocumentRef, TargetPort } from "../connectors/ports";
import { z } from "zod";
import type { Db } from "../db";
import { dbRows, prepared } from "../db/pool";
import { getFlowKind } from "../flows/registry";
import type { FlowRuntime, PlannedDocument, ProcessPlan } from "../flows/types";
import type { MissingKey } from "../mapping/missing-key";
import type { ValueMapIndex } from "../mapping/value-map-index";
import { connectFlow } from "./connect-flow";
import { describeSyncError } from "./describe-sync-error";
import { diffFields } from "./diff-fields";
import { alwaysLooksUp, syncModeOf } from "./flow-objects";
import { claimRecord, holdLease, type ClaimResult, type Lease } from "./claim-record";
import { enqueueRecord } from "./enqueue-record";
import { ingestDocuments } from "./ingest-document";
import { createLedgerReader, loadPartnerMaps } from "./ledger-reader";
import { releaseHeldRecords } from "./release-held-records";
import { settleRecord, settleRecordIn, type Settlement } from "./settle-record";
import { cacheValueMaps, isAtLeastVersion, NO_VALUE_MAP_VERSION, valueMapCacheOf } from "./value-map-cache";
import { createCallRecorder } from "../http/call-recorder";

/** Test and tooling seams of processRecord; production passes none. */
export type ProcessHooks = {
  /**
   * Runs after each target document was created or found and before the record is marked posted.
   * A throw here behaves like a crash between the vendor's write and our commit.
   */
  afterTargetWrite?: (info: { recordId: string; entity: string; ref: TargetDocumentRef; via: PostedVia }) => Promise<void> | void;
};

export type ProcessOutcome =
  | { status: "posted"; via: PostedVia | "unchanged"; targetId: string }
  | { status: "held"; reason: string; missing: MissingKey[] }
  | { status: "skipped"; reason: string }
  | { status: "failed"; reason: string; retryable: boolean }
  /** a retryable failure left for the record's own `process-record` job (`requeueRetries`) */
  | { status: "retrying"; reason: string }
  /** the record was not pending (already posted, held, ... or gone): nothing to do */
  | { status: "noop"; current: string | null };

/** A flow's value maps as one JSON value (one row, parsed once), when the claim did not bring them. */
const FLOW_VALUE_MAPS = prepared(
  "mlc_flow_value_maps",
  `SELECT COALESCE(json_agg(json_build_array(kind, "sourceKey", "targetValue")), '[]'::json) AS maps FROM "ValueMap" WHERE "flowId" = $1::uuid`,
);
const valueMapsRowSchema = z.object({ maps: z.array(z.tuple([z.string(), z.string(), z.string()])) });

/**
 * The flow's value maps at least as new as `versionRead` (the maps' version as claimRecord read it
 * with the record, null: never written since the version table exists): from this process's cache,
 * which the claim refreshed when they had moved, else read now.
 */
const loadValueMaps = async (db: Db, flowId: string, versionRead: string | null): Promise<ValueMapIndex> => {
  const version = versionRead ?? NO_VALUE_MAP_VERSION;
  const cached = valueMapCacheOf(db).get(flowId);
  if (cached && isAtLeastVersion(cached.version, version)) return cached.maps;
  // Read after the version: at least as new as it, so a change in between only costs a reload later.
  const [row] = await dbRows(db, FLOW_VALUE_MAPS, [flowId], valueMapsRowSchema);
  return cacheValueMaps(db, flowId, version, row?.maps ?? []);
};

/**
 * Counts the target writes of one attempt that may have changed the target: every write started,
 * less those refused with an error that says nothing was written (`written: false`, see TargetPort).
 * Before each write the attempt's claim must still be good for a while (see holdLease).
 */
type WriteLedger = { started: number; begin: () => void; refused: (err: unknown) => void };

const createWriteLedger = (assertWritable: () => void): WriteLedger => {
  const ledger: WriteLedger = {
    started: 0,
    begin: () => {
      assertWritable();
      ledger.started += 1;
    },
    refused: (err) => {
      if (typeof err === "object" && err !== null && "written" in err && err.written === false) ledger.started -= 1;
    },
  };
  return ledger;
};

/** One target write, counted in `writes` (see WriteLedger). */
const write = async <T>(writes: WriteLedger, call: () => Promise<T>): Promise<T> => {
  writes.begin();
  try {
    return await call();
  } catch (err) {
    writes.refused(err);
    throw err;
  }
};

/**
 * One planned document made to exist at the target: upserted where the target has an upsert (it
 * matches on the natural key itself); else, when the target may already hold it (`lookUp`: an earlier
 * attempt may have written it, or the flow's first pass may meet documents entered before it), looked
 * up by natural key and created only if absent (a document found is brought to its final state by
 * `completeDocument`); else created at once.
 */
const writeTargetDocument = async ({
  target,
  doc,
  calls,
  lookUp,
  writes,
}: {
  target: TargetPort;
  doc: PlannedDocument;
  calls: TargetCallSummary[];
  lookUp: boolean;
  writes: WriteLedger;
}): Promise<{ ref: TargetDocumentRef; via: PostedVia }> => {
  const upsert = target.upsertDocument;
  if (upsert) {
    calls.push({ operation: "upsert", entity: doc.entity, naturalKey: doc.naturalKey });
    const { created, ...ref } = await write(writes, () => upsert({ entity: doc.entity, naturalKey: doc.naturalKey, document: doc.document }));
    return { ref, via: created ? "created" : "upserted" };
  }
  if (lookUp) {
    calls.push({ operation: "find", entity: doc.entity, naturalKey: doc.naturalKey });
    const existing = await target.findDocument({ entity: doc.entity, naturalKey: doc.naturalKey });
    if (existing) {
      const complete = target.completeDocument;
      if (complete) {
        calls.push({ operation: "complete", entity: doc.entity, naturalKey: doc.naturalKey });
        await write(writes, () => complete({ entity: doc.entity, naturalKey: doc.naturalKey, ref: existing, document: doc.document }));
      }
      return { ref: existing, via: "found-existing" };
    }
  }
  calls.push({ operation: "create", entity: doc.entity, naturalKey: doc.naturalKey });
  return { ref: await write(writes, () => target.createDocument({ entity: doc.entity, naturalKey: doc.naturalKey, document: doc.document })), via: "created" };
};

/**
 * The target document of a master record brought up to date: upserted where the target has an
 * upsert, else updated (with the version the target checks, when it has one). A refusal throws with
 * the vendor's message; the record then fails or retries like any posting.
 */
const updateTargetDocument = async ({
  target,
  doc,
  ref,
  calls,
  writes,
}: {
  target: TargetPort;
  doc: PlannedDocument;
  ref: TargetDocumentRef;
  calls: TargetCallSummary[];
  writes: WriteLedger;
}): Promise<{ ref: TargetDocumentRef; via: "updated" | "upserted" }> => {
  const upsert = target.upsertDocument;
  if (upsert) {
    calls.push({ operation: "upsert", entity: doc.entity, naturalKey: doc.naturalKey });
    const { created: _created, ...upserted } = await write(writes, () => upsert({ entity: doc.entity, naturalKey: doc.naturalKey, document: doc.document }));
    return { ref: upserted, via: "upserted" };
  }
  const update = target.updateDocument;
  if (!update) throw Object.assign(new Error(`The target cannot update ${doc.entity} documents, so this master record cannot follow its source`), { retryable: false });
  calls.push({ operation: "update", entity: doc.entity, naturalKey: doc.naturalKey });
  return { ref: await write(writes, () => update({ entity: doc.entity, naturalKey: doc.naturalKey, ref, document: doc.document })), via: "updated" };
};

/**
 * The short transaction of a hold (with the dependencies it ingests): it holds no vendor call, but on
 * a loaded machine a connection or a dependency lock may take a while (Prisma's defaults, 2 s to
 * start and 5 s in all, would fail the hold and repeat the attempt's source reads).
 */
const SETTLE_TX = { maxWait: 30_000, timeout: 60_000 } as const;

/** How long after a busy claim runs out the record's job looks again. */
const BUSY_RETRY_SLACK_MS = 1_000;

/**
 * Maps and posts one record, exactly once per source document, with no database transaction open
 * while a vendor is called:
 *
 * 1. CLAIM (one statement, committed at once, see claimRecord): the pending record gets a lease
 *    (owner, expiry) and this attempt's number, and is marked "this attempt may write" before any
 *    vendor is called. A record another live claim holds is left to it (its job looks again when that
 *    claim runs out); an expired claim is taken over, and the taker looks the target up.
 * 2. PLAN and WRITE with no transaction open: the flow plans (post / hold / skip / fail) and each target
 *    document is written. A document is looked up by natural key before its create only when the
 *    target may already hold it (an earlier attempt that may have written or left no outcome, or the
 *    flow's first pass, see claimRecord / ingestDocuments); else it is created at once.
 * 3. SETTLE under a short lock (see settleRecord): the outcome, its audit events, value maps and the
 *    target id commit in one statement, only if this attempt's claim still holds the record; a post
 *    also releases the records waiting on it in the same transaction (dependency-lock protocol of
 *    lockFlowDependencies / releaseHeldRecords).
 *
 * A crash anywhere before the settle leaves the record pending and marked, so the next attempt
 * (after the claim runs out, or the same job's retry) finds the document instead of creating a second one.
 *
 * A `master` record posted before whose source changed is updated instead: its primary document gets
 * the mapped fields (an `updated` event lists what changed, old -> new), further documents are
 * created if absent as on a first post.
 *
 * Errors: a retryable error (429, 5xx, network) is recorded as an attempt and rethrown so the job
 * retries with backoff, except on the last attempt (`attempt >= maxAttempts`, the job's own count),
 * which marks the record failed. A non-retryable error fails the record at once with the vendor's
 * readable message. Attempt numbers in the trail are the record's own (continued across replays).
 */
export const processRecord = async ({
  db,
  recordId,
  attempt: jobAttempt = 1,
  maxAttempts = 1,
  hooks = {},
  runtime,
  refetch = false,
  removeQueuedJob = false,
  requeueRetries = false,
  leaseOwner,
  claimed,
}: {
  db: Db;
  recordId: string;
  /** 1-based attempt number of the job running this (graphile-worker job.attempts): decides the last attempt */
  attempt?: number;
  /** the job's max_attempts: the attempt that reaches it fails the record instead of retrying */
  maxAttempts?: number;
  hooks?: ProcessHooks;
  /** overrides the flow's runtime (vendor adapters), e.g. for tooling; defaults to its definition's connect() */
  runtime?: FlowRuntime;
  /** fetch the source document again before mapping (replay: it may have changed at the vendor) */
  refetch?: boolean;
  /**
   * The caller is not the record's queued job (a callout posting at once): when this run leaves the
   * record no longer pending, its queued `process-record` job is removed in the same statement that
   * settles it.
   */
  removeQueuedJob?: boolean;
  /**
   * A retryable failure (not the last attempt) queues the record's own `process-record` job for the
   * next attempt, in the statement that records the failure, and answers `retrying` instead of
   * throwing (an entry of a batch job: its job's retry would repeat the whole batch's schedule).
   */
  requeueRetries?: boolean;
  /**
   * Who claims the record: the record's job passes its worker pool and job id, so the same job's next
   * run may take back a claim its previous run left behind; anything else gets a claim of its own.
   */
  leaseOwner?: string;
  /**
   * The record's claim as the caller made it for `leaseOwner` (a batch claims all its records in one
   * statement, see processRecordBatch), with the lease it holds from then on when it was claimed.
   */
  claimed?: { claim: ClaimResult; lease?: Lease };
}): Promise<ProcessOutcome> => {
  const owner = leaseOwner ?? `direct:${randomUUID()}`;
  const claimedAt = Date.now();
  const claim = claimed?.claim ?? (await claimRecord({ db, recordId, owner }));
  if (!claim.claimed) {
    // Another attempt holds the record: when it ends the record settles; if its worker died, the
    // record's job runs again once that claim has run out.
    if ("busyUntil" in claim && !removeQueuedJob) {
      await enqueueRecord(db, { recordId, runAt: new Date(claim.busyUntil.getTime() + BUSY_RETRY_SLACK_MS), refetch });
    }
    return { status: "noop", current: claim.current };
  }
  const record = claim.record;
  const { flow, attempt } = record;
  const lease = claimed?.lease ?? holdLease({ db, recordId, owner, claimedAt });
  const writes = createWriteLedger(lease.assertWritable);
  // A newer source version ingested during this attempt queued the record again: it stays pending for
  // that version (a posted `document` record is never posted again; the ingest noted the version).
  const source = (statusIfChanged: Settlement["status"]) => ({ ...record.source, statusIfChanged });
  const settle = (settlement: Settlement) => settleRecord(db, { recordId, flowId: flow.id, owner, settlement: { removeQueuedJob, source: source("pending"), ...settlement } });
  const lostClaim: ProcessOutcome = { status: "noop", current: "pending" };

  const started = Date.now();
  const calls: TargetCallSummary[] = [];
  let plan: ProcessPlan | undefined;
  /** a master record posted before: its mappedPayload is what the target holds, kept until an update succeeds */
  let isUpdate = false;
  let fresh: SourceDocument | undefined;
  const fetchedEvents = (): RecordEventInput[] =>
    fresh ? [{ kind: "fetched", detail: { origin: "replay", sourceVersion: fresh.sourceVersion, naturalKey: fresh.naturalKey } }] : [];
  // What each vendor call of this attempt sent and got back (redacted, bounded), for its audit event.
  const recorder = createCallRecorder();
  const recorded = () => {
    const recordedCalls = recorder.calls();
    return recordedCalls.length > 0 ? { calls: recordedCalls, ...(recorder.dropped() > 0 ? { callsDropped: recorder.dropped() } : {}) } : {};
  };
  const attemptBody = async (): Promise<ProcessOutcome> => {
    const definition = getFlowKind(flow.kind);
    const rt = runtime ?? (await connectFlow({ db, flow, definition, connectionsUpdatedAt: { source: record.sourceUpdatedAt, target: record.targetUpdatedAt } }));
    const maps = await loadValueMaps(db, flow.id, record.valueMapVersion);
    const ledger = createLedgerReader({ db, flow, partnerKind: definition.partner, known: record.ledger });
    const partnerMaps = await loadPartnerMaps({ db, flow, partnerKind: definition.partner });
    const isMaster = syncModeOf(definition, record.objectType) === "master";

    let sourcePayload: unknown = record.sourcePayload;
    let naturalKey = record.naturalKey;
    if (refetch) {
      const document = await rt.source.fetchDocument({ objectType: record.objectType, sourceId: record.sourceId });
      if (!document) {
        const reason = "the source no longer has this document";
        const settled = await settle({
          status: "failed",
          statusReason: "source-missing",
          lastError: reason,
          lookUpFirst: record.lookUp,
          events: [{ kind: "failed", detail: { reason, retryable: false } }],
        });
        return settled ? { status: "failed", reason, retryable: false } : lostClaim;
      }
      fresh = document;
      ({ payload: sourcePayload, naturalKey } = document);
    }

    // A master record posted before: its target document is updated, not created again.
    const posted = isMaster && record.targetId ? { targetId: record.targetId, targetRef: record.targetRef, mappedPayload: record.mappedPayload } : null;
    isUpdate = posted !== null;
    plan = await rt.plan({
      record: {
        id: record.id,
        objectType: record.objectType,
        sourceId: record.sourceId,
        naturalKey,
        sourcePayload,
        posted,
        // the page's answer was about the natural key it read (a re-fetched document may name another)
        ...(record.targetLookUp && naturalKey === record.naturalKey ? { targetLookUp: record.targetLookUp } : {}),
      },
      maps,
      ledger,
      partnerMaps,
    });

    if (plan.action === "skip") {
      const settled = await settle({ status: "skipped", statusReason: plan.reason, fresh, lookUpFirst: record.lookUp, events: [...fetchedEvents(), { kind: "skipped", detail: { reason: plan.reason } }] });
      return settled ? { status: "skipped", reason: plan.reason } : lostClaim;
    }
    if (plan.action === "fail") {
      const settled = await settle({
        status: "failed",
        statusReason: "invalid-source",
        lastError: plan.reason,
        fresh,
        lookUpFirst: record.lookUp,
        events: [...fetchedEvents(), { kind: "failed", detail: { reason: plan.reason, retryable: false } }],
      });
      return settled ? { status: "failed", reason: plan.reason, retryable: false } : lostClaim;
    }
    if (plan.action === "hold") {
      const hold = plan;
      // Dependencies the flow has not seen are fetched from the source now (no transaction open) and
      // ingested with the hold; one another hold ingested meanwhile is left as it is (newOnly), so the
      // holds of a new customer's first documents neither queue on its row nor keep it from its claim.
      const ensure = hold.ensure ?? [];
      const dependencies: SourceDocument[] = [];
      if (ensure.length > 0) {
        const known = await db.$queryRaw<{ objectType: string; sourceId: string }[]>`
          SELECT r."objectType", r."sourceId" FROM "SyncRecord" r
          JOIN unnest(${ensure.map((d) => d.objectType)}::text[], ${ensure.map((d) => d.sourceId)}::text[]) AS k("objectType", "sourceId")
            ON r."objectType" = k."objectType" AND r."sourceId" = k."sourceId"
          WHERE r."flowId" = ${flow.id}::uuid`;
        const seen = new Set(known.map((k) => `${k.objectType}\u0000${k.sourceId}`));
        for (const dependency of ensure) {
          if (seen.has(`${dependency.objectType}\u0000${dependency.sourceId}`)) continue;
          const document = await rt.source.fetchDocument(dependency);
          if (document) dependencies.push(document);
        }
      }
      return await db.$transaction(async (tx): Promise<ProcessOutcome> => {
        if (dependencies.length > 0) await ingestDocuments({ tx, flow, documents: dependencies, origin: "dependency", definition, batched: true, newOnly: true });
        // Held, with the SHARE locks of the keys it waits on taken after its row (see lockFlowDependencies) ...
        const settled = await settleRecordIn(tx, {
          recordId,
          flowId: flow.id,
          owner,
          settlement: {
            status: "held",
            statusReason: hold.reason,
            missing: hold.missing,
            fresh,
            lookUpFirst: record.lookUp,
            events: [...fetchedEvents(), { kind: "held", detail: { reason: hold.reason, missing: hold.missing } }],
            locks: { keys: hold.missing, mode: "hold" },
            source: source("pending"),
            removeQueuedJob,
          },
        });
        if (!settled) return lostClaim;
        // ... then re-checked in a statement of its own: what it waits on may have become available
        // while we planned (whoever makes a key available takes it exclusive first).
        const released = await releaseHeldRecords({ db, tx, flowId: flow.id, recordIds: [recordId], actorUserId: null });
        if (released > 0) return { status: "noop", current: "pending" };
        return { status: "held", reason: hold.reason, missing: hold.missing };
      }, SETTLE_TX);
    }

    const written: { entity: string; targetId: string; targetRef: string | null; via: PostedVia }[] = [];
    const [first, ...others] = plan.documents;
    let update: { changes: ReturnType<typeof diffFields>; via: PostedVia | "unchanged" } | undefined;
    if (posted) {
      // Master data whose source changed: the primary document is updated with the fields that changed
      // since the last post (nothing is sent when the mapped document is the same).
      const changes = diffFields(posted.mappedPayload, plan.mapped, { depth: 3 });
      const ref: TargetDocumentRef = { targetId: posted.targetId, targetRef: posted.targetRef };
      if (changes.length === 0) {
        written.push({ entity: first.entity, ...ref, via: "updated" });
        update = { changes, via: "unchanged" };
      } else {
        const result = await updateTargetDocument({ target: rt.target, doc: first, ref, calls, writes });
        written.push({ entity: first.entity, ...result.ref, via: result.via });
        update = { changes, via: result.via };
        await hooks.afterTargetWrite?.({ recordId, entity: first.entity, ref: result.ref, via: result.via });
      }
    }
    for (const doc of posted ? others : plan.documents) {
      const result = await writeTargetDocument({ target: rt.target, doc, calls, lookUp: record.lookUp || alwaysLooksUp(definition, record.objectType), writes });
      written.push({ entity: doc.entity, ...result.ref, via: result.via });
      await hooks.afterTargetWrite?.({ recordId, entity: doc.entity, ref: result.ref, via: result.via });
    }

    const [primary, ...related] = written as [(typeof written)[number], ...typeof written];
    const requestEvent: RecordEventInput = { kind: "attempt", detail: { attempt, request: calls, ...recorded(), targetStatus: 200, durationMs: Date.now() - started } };
    const outcomeEvent: RecordEventInput = update
      ? {
          kind: "updated",
          detail: {
            entity: primary.entity,
            targetId: primary.targetId,
            targetRef: primary.targetRef,
            via: update.via === "upserted" ? "upserted" : update.via === "unchanged" ? "unchanged" : "updated",
            changes: update.changes,
            ...(related.length > 0 ? { related } : {}),
          },
        }
      : { kind: "posted", detail: { targetId: primary.targetId, targetRef: primary.targetRef, via: primary.via, ...(related.length > 0 ? { related } : {}) } };
    const post = plan;
    // Records waiting on this one (kind = its object type) or on the value maps it wrote may go now.
    const satisfied = [{ kind: record.objectType, sourceKey: record.sourceId }, ...(post.satisfies ?? []), ...(post.valueMaps ?? [])].map(({ kind, sourceKey }) => ({ kind, sourceKey }));
    // The post, with the EXCLUSIVE locks of the keys it makes available taken after its row, and the
    // records waiting on those keys released in the same transaction (see settleRecord).
    const settled = await settleRecord(db, {
      recordId,
      flowId: flow.id,
      owner,
      settlement: {
        status: "posted",
        statusReason: null,
        lastError: null,
        mappedPayload: post.mapped,
        target: { targetId: primary.targetId, targetRef: primary.targetRef },
        posted: !posted,
        fresh,
        lookUpFirst: record.lookUp,
        // the mapped payload of each posting is kept in its event (the record holds only the latest)
        events: [...fetchedEvents(), { kind: "mapped", detail: { target: primary.entity, payload: post.mapped } }, ...(calls.length > 0 ? [requestEvent] : []), outcomeEvent],
        valueMaps: post.valueMaps,
        locks: { keys: satisfied, mode: "release" },
        source: source(isMaster ? "pending" : "posted"),
        removeQueuedJob,
      },
    });
    return settled ? { status: "posted", via: update?.via ?? primary.via, targetId: primary.targetId } : lostClaim;
  };
  try {
    return await recorder.run(attemptBody);
  } catch (err) {
    const { message, retryable, targetStatus } = describeSyncError(err);
    const isFinal = !retryable || jobAttempt >= maxAttempts;
    const mapped = plan?.action === "post" ? plan : undefined;
    // An update that failed leaves the payload the target holds, so its replay sends the same changes again.
    const keepsMapped = mapped && !isUpdate;
    const events: RecordEventInput[] = [
      ...fetchedEvents(),
      ...(mapped ? [{ kind: "mapped" as const, detail: { target: mapped.documents[0].entity, payload: mapped.mapped } }] : []),
      { kind: "attempt", detail: { attempt, request: calls, ...recorded(), targetStatus, error: message, retryable, durationMs: Date.now() - started } },
      ...(isFinal ? [{ kind: "failed" as const, detail: { reason: message, retryable } }] : []),
    ];
    // graphile-worker's own backoff after a failed attempt: exp(attempts) seconds
    const retry = requeueRetries && !isFinal ? { attemptsBefore: jobAttempt, maxAttempts, delaySeconds: Math.exp(Math.min(jobAttempt, 10)) } : undefined;
    const settled = await settleRecord(db, {
      recordId,
      flowId: flow.id,
      owner,
      settlement: {
        retry,
        status: isFinal ? "failed" : "pending",
        ...(isFinal ? { statusReason: retryable ? "retries-exhausted" : "target-rejected" } : {}),
        lastError: message,
        ...(keepsMapped ? { mappedPayload: mapped.mapped } : {}),
        fresh,
        // a write that may have reached the target makes every later attempt look first
        lookUpFirst: record.lookUp || writes.started > 0,
        events,
        source: source("pending"),
        removeQueuedJob,
      },
    });
    if (retry) return settled ? { status: "retrying", reason: message } : lostClaim;
    if (!isFinal) throw err;
    return { status: "failed", reason: message, retryable };
  } finally {
    lease.stop();
  }
};
