import { recordEventSchema, type RecordEventDetail, type RecordEventKind, type RecordOrigin } from "../audit/events";
import type { SqlTx } from "../db/run-sql-transaction";
import { enqueueRecords } from "./enqueue-records";
import type { SourceDocument, TargetLookUpHit } from "../connectors/ports";
import type { AnyFlowKind } from "../flows/types";
import { diffFields } from "./diff-fields";
import { syncModeOf } from "./flow-objects";

/**
 * What ingesting one source document did:
 * - `new`: first sight; a record was created and queued;
 * - `reprocess`: a newer version of a record not yet posted, or of a posted `master` record (its target
 *   document is to be updated); it was updated and queued again;
 * - `source-updated`: a newer version of a `document` record already posted, or of a failed record; noted, not re-posted;
 * - `unchanged`: this version (or a newer one) was seen before, with this payload: a duplicate or out-of-order delivery.
 */
export type IngestOutcome = "new" | "reprocess" | "source-updated" | "unchanged";

/**
 * Whether a document read from the source supersedes the one stored. Versions are ISO-8601 UTC
 * strings, and vendors stamp them to the second: a second change within the same second keeps the
 * stamp. So at an equal version (or without versions) a different payload is a change: every read
 * returns the document as it is now, and the poll re-reads a stamp only while a later change could
 * still carry it (see pollFlow).
 */
const isNewer = (incoming: { sourceVersion: string | null }, stored: { sourceVersion: string | null }, samePayload: () => boolean) => {
  if (incoming.sourceVersion !== null && stored.sourceVersion !== null && incoming.sourceVersion !== stored.sourceVersion) {
    return incoming.sourceVersion > stored.sourceVersion;
  }
  return !samePayload();
};

const json = (value: unknown) => JSON.stringify(value ?? null);

/** A document's stored columns, as the batched INSERT and UPDATE read them from JSON. */
const columnsOf = (d: SourceDocument) => ({
  naturalKey: d.naturalKey,
  sourceVersion: d.sourceVersion,
  amount: d.amount,
  currency: d.currency,
  documentDate: d.documentDate,
  payload: json(d.payload),
});

/** A document's key in a page (and in `targetLookUp`): its object type and source id. */
export const documentKey = (d: { objectType: string; sourceId: string }) => `${d.objectType}\u0000${d.sourceId}`;

type Stored = { id: string; objectType: string; sourceId: string; status: string; sourceVersion: string | null; sourcePayload: unknown; samePayload: boolean };
type EventRow = { recordId: string; kind: string; detail: unknown };

/**
 * Records source documents in the flow's ledger, exactly once per (sourceId, version), in a fixed
 * number of statements whatever their count: one INSERT ... ON CONFLICT DO NOTHING for all, one
 * SELECT ... FOR UPDATE (in id order) of those already known, whose versions are then compared, one
 * UPDATE per kind of change, one INSERT of all audit events and one add_jobs for all records to
 * process. All of it in the caller's transaction `tx`, so a crash leaves all of it or none.
 * Returns one result per input document, in input order (a document listed twice counts once; the
 * other copy is `unchanged`).
 */
export const ingestDocuments = async ({
  tx,
  flow,
  documents,
  origin,
  inboundEventId,
  definition,
  targetLookUp,
  batched = false,
  newOnly = false,
}: {
  /** a Prisma transaction, or a driver transaction (runSqlTransaction): only raw statements run on it */
  tx: SqlTx;
  flow: { id: string; targetConnectionId: string };
  documents: readonly SourceDocument[];
  origin: RecordOrigin;
  inboundEventId?: string;
  /** the flow's kind, for the sync mode of each object type (all `document` without it) */
  definition?: AnyFlowKind;
  /**
   * What the target was just asked about documents (by `documentKey`) and answered (a first-pass poll
   * page's batched look-up), and when that look-up was sent (`performance.now()` of this process). A
   * record created now for a document the target does not hold (an empty answer) is created without a
   * look-up of its own; every record created now for an answered document keeps the answer and when
   * the target was asked (`targetFound`, `targetLookedUpAt`, for its planner). Records that exist
   * already keep their flag (an attempt of theirs may have written).
   */
  targetLookUp?: { answers: ReadonlyMap<string, readonly TargetLookUpHit[]>; askedAt: number };
  /** queue the records in batch jobs (see enqueueRecords): for callers that never address a record's job by its key */
  batched?: boolean;
  /**
   * Only documents the ledger does not hold yet are recorded; a record that exists is left as it is,
   * unlocked and `unchanged` (its version is not compared). For a hold's dependencies, fetched because
   * the flow had not seen them a moment before: when another hold ingested the same one meanwhile,
   * locking its row would make every hold that raced it wait for the one before, and the dependency's
   * own claim wait for them all (the first records of a new customer).
   */
  newOnly?: boolean;
}): Promise<{ outcome: IngestOutcome; recordId: string }[]> => {
  // One document per (objectType, sourceId): the newest wins.
  const unique = new Map<string, SourceDocument>();
  for (const d of documents) {
    const seen = unique.get(documentKey(d));
    if (!seen || isNewer(d, seen, () => json(d.payload) === json(seen.payload))) unique.set(documentKey(d), d);
  }
  const docs = [...unique.values()];
  const results = new Map<string, { outcome: IngestOutcome; recordId: string }>();
  const events: EventRow[] = [];
  const event = <K extends RecordEventKind>(recordId: string, kind: K, detail: RecordEventDetail<K>) => {
    // Validated as recordEvent does: details may carry vendor-derived values.
    const parsed = recordEventSchema.parse({ kind, detail });
    events.push({ recordId, kind: parsed.kind, detail: parsed.detail });
  };
  const toQueue: string[] = [];

  if (docs.length > 0) {
    const rows = docs.map((d, ord) => {
      const found = targetLookUp?.answers.get(documentKey(d));
      return { ord, objectType: d.objectType, sourceId: d.sourceId, absent: found?.length === 0, found: found ? JSON.stringify(found) : null, ...columnsOf(d) };
    });
    // how long ago the target was asked, on this process's monotonic clock: the database dates it on its own
    const askedSecondsAgo = targetLookUp ? Math.max(0, performance.now() - targetLookUp.askedAt) / 1000 : 0;
    const inserted = await tx.$queryRaw<{ id: string; objectType: string; sourceId: string }[]>`
      INSERT INTO "SyncRecord" ("flowId", "objectType", "sourceId", "naturalKey", "sourceVersion", "status", "amount", "currency", "documentDate", "sourcePayload", "sourceSeenDigest", "lookUpFirst", "targetLookedUpAt", "targetFound")
      SELECT ${flow.id}::uuid, d."objectType", d."sourceId", d."naturalKey", d."sourceVersion", 'pending'::"RecordStatus",
             d.amount, d.currency, d."documentDate", d.payload::jsonb, md5(d.payload::jsonb::text),
             -- before the flow's first complete pass over this object type, the target may already hold
             -- the document (entered before the flow existed): look it up before creating it, unless
             -- the target was just asked and does not hold it
             NOT d.absent AND NOT EXISTS (SELECT 1 FROM "SyncCursor" c WHERE c."flowId" = ${flow.id}::uuid AND c."objectType" = d."objectType" AND c."highWater" IS NOT NULL),
             CASE WHEN d.found IS NOT NULL THEN clock_timestamp() - make_interval(secs => ${askedSecondsAgo}::float8) END, d.found::jsonb
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS d(ord int, "objectType" text, "sourceId" text, absent boolean, found text, "naturalKey" text, "sourceVersion" text, amount numeric, currency text, "documentDate" date, payload text)
      ORDER BY d.ord
      ON CONFLICT ("flowId", "objectType", "sourceId") DO NOTHING
      RETURNING id, "objectType", "sourceId"`;
    const created = new Map(inserted.map((r) => [documentKey(r), r.id]));

    const rest = docs.filter((d) => !created.has(documentKey(d)));
    const stored = new Map<string, Stored>();
    if (rest.length > 0 && newOnly) {
      const existing = await tx.$queryRaw<{ id: string; objectType: string; sourceId: string }[]>`
        SELECT s.id, s."objectType", s."sourceId" FROM "SyncRecord" s
        JOIN unnest(${rest.map((d) => d.objectType)}::text[], ${rest.map((d) => d.sourceId)}::text[]) AS k("objectType", "sourceId")
          ON s."objectType" = k."objectType" AND s."sourceId" = k."sourceId"
        WHERE s."flowId" = ${flow.id}::uuid`;
      for (const r of existing) results.set(documentKey(r), { outcome: "unchanged", recordId: r.id });
    } else if (rest.length > 0) {
      // samePayload: the document read now equals the newest one read before (rows from before the
      // digest column compare with the stored payload)
      const locked = await tx.$queryRaw<Stored[]>`
        SELECT s.id, s."objectType", s."sourceId", s.status::text AS status, s."sourceVersion", s."sourcePayload",
               COALESCE(s."sourceSeenDigest" = md5(k.payload::jsonb::text), s."sourcePayload" = k.payload::jsonb, false) AS "samePayload"
        FROM "SyncRecord" s
        JOIN unnest(${rest.map((d) => d.objectType)}::text[], ${rest.map((d) => d.sourceId)}::text[], ${rest.map((d) => json(d.payload))}::text[])
          AS k("objectType", "sourceId", payload)
          ON s."objectType" = k."objectType" AND s."sourceId" = k."sourceId"
        WHERE s."flowId" = ${flow.id}::uuid
        ORDER BY s.id
        FOR UPDATE OF s`;
      for (const r of locked) stored.set(documentKey(r), r);
    }

    const noted: { id: string; sourceVersion: string | null; payload: string }[] = [];
    const reprocessed: { id: string; d: SourceDocument }[] = [];
    for (const d of docs) {
      const k = documentKey(d);
      const newId = created.get(k);
      if (newId) {
        event(newId, "received", { origin, sourceVersion: d.sourceVersion, ...(inboundEventId ? { inboundEventId } : {}) });
        event(newId, "fetched", { origin, sourceVersion: d.sourceVersion, naturalKey: d.naturalKey });
        toQueue.push(newId);
        results.set(k, { outcome: "new", recordId: newId });
        continue;
      }
      if (newOnly && results.has(k)) continue;
      const s = stored.get(k);
      if (!s) throw new Error(`SyncRecord ${d.objectType}/${d.sourceId} vanished during ingest`);
      if (!isNewer(d, s, () => s.samePayload)) {
        results.set(k, { outcome: "unchanged", recordId: s.id });
        continue;
      }
      const changes = diffFields(s.sourcePayload, d.payload);
      const isMaster = definition !== undefined && syncModeOf(definition, d.objectType) === "master";
      if ((s.status === "posted" && !isMaster) || s.status === "failed") {
        // A posted document is never re-posted: the ledger keeps the payload that was posted and only
        // notes the newer version. A failed record keeps its failure until an admin replays it (replay re-fetches).
        // A posted master record goes on below: its target document is updated.
        noted.push({ id: s.id, sourceVersion: d.sourceVersion, payload: json(d.payload) });
        event(s.id, "source-updated", {
          previousVersion: s.sourceVersion,
          sourceVersion: d.sourceVersion,
          changes,
          action: s.status === "posted" ? "kept-posted" : "kept",
        });
        results.set(k, { outcome: "source-updated", recordId: s.id });
        continue;
      }
      reprocessed.push({ id: s.id, d });
      event(s.id, "source-updated", { previousVersion: s.sourceVersion, sourceVersion: d.sourceVersion, changes, action: s.status === "posted" ? "update" : "reprocess" });
      event(s.id, "fetched", { origin, sourceVersion: d.sourceVersion, naturalKey: d.naturalKey });
      toQueue.push(s.id);
      results.set(k, { outcome: "reprocess", recordId: s.id });
    }

    if (noted.length > 0) {
      await tx.$executeRaw`
        UPDATE "SyncRecord" s SET "sourceVersion" = n.v, "sourceSeenDigest" = md5(n.payload::jsonb::text), "updatedAt" = now()
        FROM unnest(${noted.map((n) => n.id)}::uuid[], ${noted.map((n) => n.sourceVersion)}::text[], ${noted.map((n) => n.payload)}::text[]) AS n(id, v, payload)
        WHERE s.id = n.id`;
    }
    if (reprocessed.length > 0) {
      const updates = reprocessed.map(({ id, d }) => ({ id, ...columnsOf(d) }));
      await tx.$executeRaw`
        UPDATE "SyncRecord" s SET "sourceVersion" = u."sourceVersion", "naturalKey" = u."naturalKey", "amount" = u.amount,
          "currency" = u.currency, "documentDate" = u."documentDate", "sourcePayload" = u.payload::jsonb, "sourceSeenDigest" = md5(u.payload::jsonb::text),
          "status" = 'pending'::"RecordStatus", "statusReason" = NULL, "missing" = NULL, "targetLookedUpAt" = NULL, "targetFound" = NULL, "updatedAt" = now()
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
          AS u(id uuid, "naturalKey" text, "sourceVersion" text, amount numeric, currency text, "documentDate" date, payload text)
        WHERE s.id = u.id`;
    }
    if (events.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "RecordEvent" ("recordId", kind, detail)
        SELECT (e.v->>'recordId')::uuid, e.v->>'kind', e.v->'detail' FROM jsonb_array_elements(${JSON.stringify(events)}::jsonb) WITH ORDINALITY e(v, ord)
        ORDER BY e.ord`;
    }
    await enqueueRecords(tx, toQueue, { batched });
  }

  return documents.map((d) => {
    const r = results.get(documentKey(d))!;
    // The copy that lost to a newer one of the same document changed nothing.
    return unique.get(documentKey(d)) === d ? r : { outcome: "unchanged" as const, recordId: r.recordId };
  });
};

/**
 * Records one fetched source document in the flow's ledger, exactly once per (sourceId, version):
 * INSERT ... ON CONFLICT DO NOTHING, else compare versions under a row lock. Writes the audit events
 * and queues processing in the caller's transaction `tx`, so a crash leaves all of it or none.
 */
export const ingestDocument = async (options: {
  tx: SqlTx;
  flow: { id: string; targetConnectionId: string };
  document: SourceDocument;
  origin: RecordOrigin;
  inboundEventId?: string;
  definition?: AnyFlowKind;
}): Promise<{ outcome: IngestOutcome; recordId: string }> => {
  const { document, ...rest } = options;
  const [result] = await ingestDocuments({ ...rest, documents: [document] });
  return result!;
};
