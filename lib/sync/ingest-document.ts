import type { RecordOrigin } from "../audit/events";
import { recordEvent } from "../audit/record-event";
import type { Prisma } from "../db";
import { enqueueRecord } from "./enqueue-record";
import type { SourceDocument } from "./ports";

/**
 * What ingesting one source document did:
 * - `new`: first sight; a record was created and queued;
 * - `reprocess`: a newer version of a record not yet posted; it was updated and queued again;
 * - `source-updated`: a newer version of a record already posted or failed; noted, not re-posted;
 * - `unchanged`: this version (or a newer one) was seen before: a duplicate or out-of-order delivery.
 */
export type IngestOutcome = "new" | "reprocess" | "source-updated" | "unchanged";

const MAX_CHANGES = 20;

/** Top-level fields whose values differ between two payload versions (for the audit trail). */
const diffTopLevel = (before: unknown, after: unknown) => {
  if (typeof before !== "object" || before === null || typeof after !== "object" || after === null) return [];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const changes: { field: string; from: unknown; to: unknown }[] = [];
  for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const from = a[field];
    const to = b[field];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    const isScalar = (v: unknown) => v === null || v === undefined || typeof v !== "object";
    changes.push(isScalar(from) && isScalar(to) ? { field, from: from ?? null, to: to ?? null } : { field, from: "(changed)", to: "(changed)" });
    if (changes.length >= MAX_CHANGES) break;
  }
  return changes;
};

/** Versions are ISO-8601 UTC strings; null versions fall back to comparing payloads. */
const isNewer = (incoming: SourceDocument, stored: { sourceVersion: string | null; sourcePayload: unknown }) => {
  if (incoming.sourceVersion !== null && stored.sourceVersion !== null) return incoming.sourceVersion > stored.sourceVersion;
  return JSON.stringify(incoming.payload) !== JSON.stringify(stored.sourcePayload);
};

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Records one fetched source document in the flow's ledger, exactly once per (sourceId, version):
 * INSERT ... ON CONFLICT DO NOTHING, else compare versions under a row lock. Writes the audit events
 * and queues processing in the caller's transaction `tx`, so a crash leaves all of it or none.
 */
export const ingestDocument = async ({
  tx,
  flow,
  document,
  origin,
  inboundEventId,
}: {
  tx: Prisma.TransactionClient;
  flow: { id: string; targetConnectionId: string };
  document: SourceDocument;
  origin: RecordOrigin;
  inboundEventId?: string;
}): Promise<{ outcome: IngestOutcome; recordId: string }> => {
  const d = document;
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "SyncRecord" ("flowId", "objectType", "sourceId", "naturalKey", "sourceVersion", "status", "amount", "currency", "documentDate", "sourcePayload")
    VALUES (${flow.id}::uuid, ${d.objectType}, ${d.sourceId}, ${d.naturalKey}, ${d.sourceVersion}, 'pending'::"RecordStatus",
            ${d.amount}::numeric, ${d.currency}, ${d.documentDate}::date, ${json(d.payload)}::jsonb)
    ON CONFLICT ("flowId", "objectType", "sourceId") DO NOTHING
    RETURNING id`;
  const created = inserted[0];
  if (created) {
    await recordEvent(tx, {
      recordId: created.id,
      kind: "received",
      detail: { origin, sourceVersion: d.sourceVersion, ...(inboundEventId ? { inboundEventId } : {}) },
    });
    await recordEvent(tx, { recordId: created.id, kind: "fetched", detail: { origin, sourceVersion: d.sourceVersion, naturalKey: d.naturalKey } });
    await enqueueRecord(tx, { recordId: created.id });
    return { outcome: "new", recordId: created.id };
  }

  const [stored] = await tx.$queryRaw<{ id: string; status: string; sourceVersion: string | null; sourcePayload: unknown }[]>`
    SELECT id, status::text AS status, "sourceVersion", "sourcePayload" FROM "SyncRecord"
    WHERE "flowId" = ${flow.id}::uuid AND "objectType" = ${d.objectType} AND "sourceId" = ${d.sourceId}
    FOR UPDATE`;
  if (!stored) throw new Error(`SyncRecord ${d.objectType}/${d.sourceId} vanished during ingest`);
  if (!isNewer(d, stored)) return { outcome: "unchanged", recordId: stored.id };

  const changes = diffTopLevel(stored.sourcePayload, d.payload);
  if (stored.status === "posted" || stored.status === "failed") {
    // A posted document is never re-posted: the ledger keeps the payload that was posted and only
    // notes the newer version. A failed record keeps its failure until an admin replays it (replay re-fetches).
    await tx.$executeRaw`UPDATE "SyncRecord" SET "sourceVersion" = ${d.sourceVersion}, "updatedAt" = now() WHERE id = ${stored.id}::uuid`;
    await recordEvent(tx, {
      recordId: stored.id,
      kind: "source-updated",
      detail: { previousVersion: stored.sourceVersion, sourceVersion: d.sourceVersion, changes, action: stored.status === "posted" ? "kept-posted" : "kept" },
    });
    return { outcome: "source-updated", recordId: stored.id };
  }

  await tx.$executeRaw`
    UPDATE "SyncRecord" SET "sourceVersion" = ${d.sourceVersion}, "naturalKey" = ${d.naturalKey}, "amount" = ${d.amount}::numeric,
      "currency" = ${d.currency}, "documentDate" = ${d.documentDate}::date, "sourcePayload" = ${json(d.payload)}::jsonb,
      "status" = 'pending'::"RecordStatus", "statusReason" = NULL, "missing" = NULL, "updatedAt" = now()
    WHERE id = ${stored.id}::uuid`;
  await recordEvent(tx, {
    recordId: stored.id,
    kind: "source-updated",
    detail: { previousVersion: stored.sourceVersion, sourceVersion: d.sourceVersion, changes, action: "reprocess" },
  });
  await recordEvent(tx, { recordId: stored.id, kind: "fetched", detail: { origin, sourceVersion: d.sourceVersion, naturalKey: d.naturalKey } });
  await enqueueRecord(tx, { recordId: stored.id });
  return { outcome: "reprocess", recordId: stored.id };
};

