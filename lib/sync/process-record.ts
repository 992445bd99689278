import type { PostedVia } from "../audit/events";
import { recordEvent, recordEvents } from "../audit/record-event";
import type { TargetCallSummary, TargetDocumentRef, TargetPort } from "../connectors/ports";
import { Prisma, type Db } from "../db";
import { getFlowKind } from "../flows/registry";
import type { FlowRow, FlowRuntime, PlannedDocument, ProcessPlan } from "../flows/types";
import type { MissingKey } from "../mapping/missing-key";
import { indexValueMaps, type ValueMapIndex } from "../mapping/value-map-index";
import { connectFlow } from "./connect-flow";
import { describeSyncError } from "./describe-sync-error";
import { diffFields } from "./diff-fields";
import { syncModeOf } from "./flow-objects";
import { ingestDocument } from "./ingest-document";
import { createLedgerReader, loadPartnerMaps } from "./ledger-reader";
import { lockFlowDependencies } from "./lock-flow-dependencies";
import { releaseHeldRecords } from "./release-held-records";

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
  /** the record was not pending (already posted, held, ... or gone): nothing to do */
  | { status: "noop"; current: string | null };

/** Long enough for a few vendor calls with their own retries; the row lock is held meanwhile. */
const TX_OPTIONS = { timeout: 10 * 60_000, maxWait: 60_000 } as const;

type ProcessedRecord = { id: string; status: string; objectType: string; sourceId: string };

const jsonValue = (v: unknown) => v as Prisma.InputJsonValue;

/**
 * The flow's value maps, per process (per Db) and flow, reused while a digest of their content (one
 * aggregate the database computes over the flow's rows) is unchanged: a job reads one short row
 * instead of every map, and any saved, imported or deleted map is seen by the next job.
 */
const valueMapCache = new WeakMap<Db, Map<string, { digest: string; maps: ValueMapIndex }>>();

const valueMapDigestSql = Prisma.sql`(
  SELECT md5(string_agg(v.kind || chr(31) || v."sourceKey" || chr(31) || v."targetValue", chr(30) ORDER BY v.kind, v."sourceKey"))
  FROM "ValueMap" v WHERE v."flowId" = r."flowId")`;

/** `digest`: valueMapDigestSql as read with the record (the maps read after it are at least as new). */
const loadValueMaps = async (db: Db, flowId: string, digestRead: string | null): Promise<ValueMapIndex> => {
  const digest = digestRead ?? "none";
  const perDb = valueMapCache.get(db) ?? new Map<string, { digest: string; maps: ValueMapIndex }>();
  valueMapCache.set(db, perDb);
  const cached = perDb.get(flowId);
  if (cached?.digest === digest) return cached.maps;
  // Read after the digest: at least as new as it, so a change in between only costs a reload later.
  const maps = indexValueMaps(await db.valueMap.findMany({ where: { flowId }, select: { kind: true, sourceKey: true, targetValue: true } }));
  perDb.set(flowId, { digest, maps });
  return maps;
};

/**
 * One planned document made to exist at the target: upserted where the target has an upsert (it
 * matches on the natural key itself), else looked up by natural key and created only if absent (a
 * document found is brought to its final state by `completeDocument`).
 */
const writeTargetDocument = async ({ target, doc, calls }: { target: TargetPort; doc: PlannedDocument; calls: TargetCallSummary[] }): Promise<{ ref: TargetDocumentRef; via: PostedVia }> => {
  if (target.upsertDocument) {
    calls.push({ operation: "upsert", entity: doc.entity, naturalKey: doc.naturalKey });
    const { created, ...ref } = await target.upsertDocument({ entity: doc.entity, naturalKey: doc.naturalKey, document: doc.document });
    return { ref, via: created ? "created" : "upserted" };
  }
  calls.push({ operation: "find", entity: doc.entity, naturalKey: doc.naturalKey });
  const existing = await target.findDocument({ entity: doc.entity, naturalKey: doc.naturalKey });
  if (existing) {
    if (target.completeDocument) {
      calls.push({ operation: "complete", entity: doc.entity, naturalKey: doc.naturalKey });
      await target.completeDocument({ entity: doc.entity, naturalKey: doc.naturalKey, ref: existing, document: doc.document });
    }
    return { ref: existing, via: "found-existing" };
  }
  calls.push({ operation: "create", entity: doc.entity, naturalKey: doc.naturalKey });
  return { ref: await target.createDocument({ entity: doc.entity, naturalKey: doc.naturalKey, document: doc.document }), via: "created" };
};

/**
 * The target document of a master record brought up to date: upserted where the target has an
 * upsert, else updated (with the version the target checks, when it has one). A refusal throws with
 * the vendor's message; the record then fails or retries like any posting.
 */
const updateTargetDocument = async ({ target, doc, ref, calls }: { target: TargetPort; doc: PlannedDocument; ref: TargetDocumentRef; calls: TargetCallSummary[] }): Promise<{ ref: TargetDocumentRef; via: "updated" | "upserted" }> => {
  if (target.upsertDocument) {
    calls.push({ operation: "upsert", entity: doc.entity, naturalKey: doc.naturalKey });
    const { created: _created, ...upserted } = await target.upsertDocument({ entity: doc.entity, naturalKey: doc.naturalKey, document: doc.document });
    return { ref: upserted, via: "upserted" };
  }
  if (!target.updateDocument) throw Object.assign(new Error(`The target cannot update ${doc.entity} documents, so this master record cannot follow its source`), { retryable: false });
  calls.push({ operation: "update", entity: doc.entity, naturalKey: doc.naturalKey });
  return { ref: await target.updateDocument({ entity: doc.entity, naturalKey: doc.naturalKey, ref, document: doc.document }), via: "updated" };
};

/**
 * Maps and posts one record, exactly once per source document:
 * under a row lock, the flow plans (post / hold / skip / fail); to post, each target document is
 * looked up by natural key and created only if absent, and the target id is stored in the SAME
 * transaction that marks the record posted. A crash anywhere before that commit leaves the record
 * pending, and the next attempt finds the document instead of creating a second one.
 *
 * A `master` record posted before whose source changed is updated instead: its primary document gets
 * the mapped fields (an `updated` event lists what changed, old -> new), further documents are
 * created if absent as on a first post.
 *
 * Errors: a retryable error (429, 5xx, network) is recorded as an attempt and rethrown so the job
 * retries with backoff, except on the last attempt (`attempt >= maxAttempts`), which marks the
 * record failed. A non-retryable error fails the record at once with the vendor's readable message.
 */
export const processRecord = async ({
  db,
  recordId,
  attempt = 1,
  maxAttempts = 1,
  hooks = {},
  runtime,
  refetch = false,
  removeQueuedJob = false,
}: {
  db: Db;
  recordId: string;
  /** 1-based attempt number of the job running this (graphile-worker job.attempts) */
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
   * record no longer pending, its queued `process-record` job is removed in the same transaction, under
   * the row lock (anyone queueing the record again changes the row first, so waits for that lock).
   */
  removeQueuedJob?: boolean;
}): Promise<ProcessOutcome> => {
  // The record and its flow in one round trip (a Prisma include would take two).
  // With them, what the per-process caches are checked against: the connections' updatedAt and the value maps' digest.
  const [row] = await db.$queryRaw<
    (ProcessedRecord & {
      flow: Omit<FlowRow, "backfillFrom" | "createdAt"> & { backfillFrom: string | null; createdAt: string };
      sourceUpdatedAt: Date;
      targetUpdatedAt: Date;
      valueMapDigest: string | null;
    })[]
  >`
    SELECT r.id, r.status::text AS status, r."objectType", r."sourceId",
      json_build_object('id', f.id, 'kind', f.kind, 'sourceConnectionId', f."sourceConnectionId", 'targetConnectionId', f."targetConnectionId",
        'enabled', f.enabled, 'schedule', f.schedule, 'backfillFrom', f."backfillFrom", 'settings', f.settings, 'createdAt', f."createdAt") AS flow,
      sc."updatedAt" AS "sourceUpdatedAt", tc."updatedAt" AS "targetUpdatedAt", ${valueMapDigestSql} AS "valueMapDigest"
    FROM "SyncRecord" r JOIN "Flow" f ON f.id = r."flowId"
      JOIN "Connection" sc ON sc.id = f."sourceConnectionId" JOIN "Connection" tc ON tc.id = f."targetConnectionId"
    WHERE r.id = ${recordId}::uuid`;
  if (!row) return { status: "noop", current: null };
  if (row.status !== "pending") return { status: "noop", current: row.status };
  const record = row;
  const flow: FlowRow = {
    ...row.flow,
    backfillFrom: row.flow.backfillFrom === null ? null : new Date(row.flow.backfillFrom),
    createdAt: new Date(row.flow.createdAt),
  };

  const started = Date.now();
  const calls: TargetCallSummary[] = [];
  let plan: ProcessPlan | undefined;
  /** a master record posted before: its mappedPayload is what the target holds, kept until an update succeeds */
  let isUpdate = false;
  const dropJob = async (tx: Prisma.TransactionClient) => {
    if (removeQueuedJob) await tx.$executeRaw`SELECT graphile_worker.remove_job(${`record:${recordId}`}::text)`;
  };
  try {
    const definition = getFlowKind(flow.kind);
    const rt = runtime ?? (await connectFlow({ db, flow, definition, connectionsUpdatedAt: { source: row.sourceUpdatedAt, target: row.targetUpdatedAt } }));
    const maps = await loadValueMaps(db, flow.id, row.valueMapDigest);
    const ledger = createLedgerReader({ db, flow, partnerKind: definition.partner });
    const partnerMaps = await loadPartnerMaps({ db, flow, partnerKind: definition.partner });
    const isMaster = syncModeOf(definition, record.objectType) === "master";

    return await db.$transaction(async (tx): Promise<ProcessOutcome> => {
      // The payload is read again under the lock: a newer version may have been ingested since the read above.
      const [locked] = await tx.$queryRaw<{ status: string; naturalKey: string | null; sourcePayload: unknown; targetId: string | null; targetRef: string | null; mappedPayload: unknown }[]>`
        SELECT status::text AS status, "naturalKey", "sourcePayload", "targetId", "targetRef", "mappedPayload" FROM "SyncRecord" WHERE id = ${recordId}::uuid FOR UPDATE`;
      if (!locked || locked.status !== "pending") return { status: "noop", current: locked?.status ?? null };

      let sourcePayload: unknown = locked.sourcePayload;
      let naturalKey = locked.naturalKey;
      if (refetch) {
        const fresh = await rt.source.fetchDocument({ objectType: record.objectType, sourceId: record.sourceId });
        if (!fresh) {
          const reason = "the source no longer has this document";
          await tx.syncRecord.update({ where: { id: recordId }, data: { status: "failed", statusReason: "source-missing", lastError: reason } });
          await recordEvent(tx, { recordId, kind: "failed", detail: { reason, retryable: false } });
          await dropJob(tx);
          return { status: "failed", reason, retryable: false };
        }
        ({ payload: sourcePayload, naturalKey } = fresh);
        await tx.$executeRaw`
          UPDATE "SyncRecord" SET "sourcePayload" = ${JSON.stringify(fresh.payload ?? null)}::jsonb, "sourceVersion" = ${fresh.sourceVersion},
            "naturalKey" = ${fresh.naturalKey}, "amount" = ${fresh.amount}::numeric, "currency" = ${fresh.currency}, "documentDate" = ${fresh.documentDate}::date
          WHERE id = ${recordId}::uuid`;
        await recordEvent(tx, { recordId, kind: "fetched", detail: { origin: "replay", sourceVersion: fresh.sourceVersion, naturalKey: fresh.naturalKey } });
      }

      // A master record posted before: its target document is updated, not created again.
      const posted = isMaster && locked.targetId ? { targetId: locked.targetId, targetRef: locked.targetRef, mappedPayload: locked.mappedPayload } : null;
      isUpdate = posted !== null;
      plan = await rt.plan({
        record: { id: record.id, objectType: record.objectType, sourceId: record.sourceId, naturalKey, sourcePayload, posted },
        maps,
        ledger,
        partnerMaps,
      });

      if (plan.action === "skip") {
        await tx.syncRecord.update({ where: { id: recordId }, data: { status: "skipped", statusReason: plan.reason, missing: undefined } });
        await recordEvent(tx, { recordId, kind: "skipped", detail: { reason: plan.reason } });
        await dropJob(tx);
        return { status: "skipped", reason: plan.reason };
      }
      if (plan.action === "fail") {
        await tx.syncRecord.update({ where: { id: recordId }, data: { status: "failed", statusReason: "invalid-source", lastError: plan.reason } });
        await recordEvent(tx, { recordId, kind: "failed", detail: { reason: plan.reason, retryable: false } });
        await dropJob(tx);
        return { status: "failed", reason: plan.reason, retryable: false };
      }
      if (plan.action === "hold") {
        await tx.syncRecord.update({ where: { id: recordId }, data: { status: "held", statusReason: plan.reason, missing: jsonValue(plan.missing) } });
        await recordEvent(tx, { recordId, kind: "held", detail: { reason: plan.reason, missing: plan.missing } });
        for (const dependency of plan.ensure ?? []) {
          const known = await tx.syncRecord.findUnique({
            where: { flowId_objectType_sourceId: { flowId: flow.id, objectType: dependency.objectType, sourceId: dependency.sourceId } },
            select: { id: true },
          });
          if (known) continue;
          const document = await rt.source.fetchDocument(dependency);
          if (document) await ingestDocument({ tx, flow, document, origin: "dependency", definition });
        }
        // What it waits on may have become available while we planned: re-check under the locks of
        // the keys it waits on (whoever makes one available takes it exclusive, see lockFlowDependencies).
        await lockFlowDependencies(tx, { flowId: flow.id, keys: plan.missing, mode: "hold" });
        const released = await releaseHeldRecords({ db, tx, flowId: flow.id, recordIds: [recordId], actorUserId: null });
        if (released > 0) return { status: "noop", current: "pending" };
        await dropJob(tx);
        return { status: "held", reason: plan.reason, missing: plan.missing };
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
          const result = await updateTargetDocument({ target: rt.target, doc: first, ref, calls });
          written.push({ entity: first.entity, ...result.ref, via: result.via });
          update = { changes, via: result.via };
          await hooks.afterTargetWrite?.({ recordId, entity: first.entity, ref: result.ref, via: result.via });
        }
      }
      for (const doc of posted ? others : plan.documents) {
        const result = await writeTargetDocument({ target: rt.target, doc, calls });
        written.push({ entity: doc.entity, ...result.ref, via: result.via });
        await hooks.afterTargetWrite?.({ recordId, entity: doc.entity, ref: result.ref, via: result.via });
      }

      const [primary, ...related] = written as [(typeof written)[number], ...typeof written];
      await tx.syncRecord.update({
        where: { id: recordId },
        data: {
          status: "posted",
          statusReason: null,
          missing: undefined,
          mappedPayload: jsonValue(plan.mapped),
          targetId: primary.targetId,
          targetRef: primary.targetRef,
          ...(posted ? {} : { postedAt: new Date() }),
          attempts: { increment: 1 },
          lastError: null,
        },
      });
      const requestEvent = { recordId, kind: "attempt" as const, detail: { attempt, request: calls, targetStatus: 200, durationMs: Date.now() - started } };
      await recordEvents(tx, [
        { recordId, kind: "mapped", detail: { target: primary.entity } },
        ...(calls.length > 0 ? [requestEvent] : []),
        update
          ? {
              recordId,
              kind: "updated" as const,
              detail: {
                entity: primary.entity,
                targetId: primary.targetId,
                targetRef: primary.targetRef,
                via: update.via === "upserted" ? ("upserted" as const) : update.via === "unchanged" ? ("unchanged" as const) : ("updated" as const),
                changes: update.changes,
                ...(related.length > 0 ? { related } : {}),
              },
            }
          : { recordId, kind: "posted" as const, detail: { targetId: primary.targetId, targetRef: primary.targetRef, via: primary.via, ...(related.length > 0 ? { related } : {}) } },
      ]);
      for (const map of plan.valueMaps ?? []) {
        await tx.valueMap.upsert({
          where: { flowId_kind_sourceKey: { flowId: flow.id, kind: map.kind, sourceKey: map.sourceKey } },
          create: { flowId: flow.id, ...map },
          update: {},
        });
      }
      // Records waiting on this one (kind = its object type) or on the value maps it wrote may go now.
      // releaseHeldRecords takes these keys' dependency locks: only posts that satisfy one key wait on each other.
      const satisfied = [{ kind: record.objectType, sourceKey: record.sourceId }, ...(plan.satisfies ?? []), ...(plan.valueMaps ?? [])];
      await releaseHeldRecords({ db, tx, flowId: flow.id, keys: satisfied.map(({ kind, sourceKey }) => ({ kind, sourceKey })), actorUserId: null });
      await dropJob(tx);
      return { status: "posted", via: update?.via ?? primary.via, targetId: primary.targetId };
    }, TX_OPTIONS);
  } catch (err) {
    const { message, retryable, targetStatus } = describeSyncError(err);
    const isFinal = !retryable || attempt >= maxAttempts;
    const mapped = plan?.action === "post" ? plan : undefined;
    // An update that failed leaves the payload the target holds, so its replay sends the same changes again.
    const keepsMapped = mapped && !isUpdate;
    await db.$transaction(async (tx) => {
      const changed = await tx.syncRecord.updateMany({
        where: { id: recordId, status: "pending" },
        data: {
          attempts: { increment: 1 },
          lastError: message,
          ...(keepsMapped ? { mappedPayload: jsonValue(mapped.mapped) } : {}),
          ...(isFinal ? { status: "failed", statusReason: retryable ? "retries-exhausted" : "target-rejected" } : {}),
        },
      });
      if (changed.count === 0) return;
      if (mapped) await recordEvent(tx, { recordId, kind: "mapped", detail: { target: mapped.documents[0].entity } });
      await recordEvent(tx, {
        recordId,
        kind: "attempt",
        detail: { attempt, request: calls, targetStatus, error: message, retryable, durationMs: Date.now() - started },
      });
      if (isFinal) {
        await recordEvent(tx, { recordId, kind: "failed", detail: { reason: message, retryable } });
        await dropJob(tx);
      }
    });
    if (!isFinal) throw err;
    return { status: "failed", reason: message, retryable };
  }
};
