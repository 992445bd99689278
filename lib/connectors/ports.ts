/*
 * The adapter contract between a vendor and the engine: a source lists and fetches documents, a
 * target finds, creates, updates (or upserts) them. Adapters live under their vendor
 * (lib/connectors/<vendor>/source.ts, target.ts) and know nothing of flows; the engine owns records,
 * audit, holds, ordering of writes, retries and replay.
 */

/** A source record as the engine stores it: identity, version and the normalised payload. */
export type SourceDocument = {
  objectType: string;
  sourceId: string;
  /**
   * Modification stamp as an ISO-8601 UTC string with milliseconds ("2024-05-01T10:00:00.000Z"), so
   * versions compare as strings; null when the source has none.
   */
  sourceVersion: string | null;
  /** human document number, e.g. "INV00000042" */
  naturalKey: string | null;
  amount: number | null;
  currency: string | null;
  /** "YYYY-MM-DD" */
  documentDate: string | null;
  payload: unknown;
};

/**
 * Identity and version of a changed document, as a change listing returns it; `document` when the
 * listing already carries the whole document (then the engine does not fetch it again).
 */
export type ChangedItem = { sourceId: string; sourceVersion: string; document?: SourceDocument };

/**
 * One page of changed documents, oldest first: their ids and versions (full documents are fetched
 * only for versions the ledger has not seen), the vendor's cursor for the next page (null: last
 * page) and the page's largest version (the high-water candidate).
 */
export type ChangedPage = { items: ChangedItem[]; nextCursor: string | null; maxVersion: string | null };

export type SourcePort = {
  /** The full current document, or null when the source no longer has it. */
  fetchDocument: (options: { objectType: string; sourceId: string }) => Promise<SourceDocument | null>;
  /** Documents changed at or after `since` (inclusive, so ties at the boundary are re-read). */
  listChanged: (options: { objectType: string; since: Date; cursor: string | null; pageSize: number }) => Promise<ChangedPage>;
};

/** A document that exists in the target system; `version` is its ETag/timestamp where the target checks one on update. */
export type TargetDocumentRef = { targetId: string; targetRef: string | null; version?: string | null };

/**
 * A document a batched look-up found (TargetPort.lookUpMany): its reference and, where the target
 * gives it, what it read of the document (`read`, kept with the record for its planner).
 */
export type TargetLookUpHit = TargetDocumentRef & { read?: Record<string, unknown> };

/** Summary of one call to the target, for the audit trail (never bodies or credentials). */
export type TargetCallSummary = { operation: string; entity?: string; naturalKey?: string; status?: number | null };

export type TargetPort = {
  /** The document whose external-reference field holds `naturalKey`, or null. */
  findDocument: (options: { entity: string; naturalKey: string }) => Promise<TargetDocumentRef | null>;
  /**
   * Many natural keys of one entity looked up at once, in as few calls as the target allows (e.g. one
   * `$filter=F eq 'a' or F eq 'b' ...` per URL's worth of keys). For each key answered: the documents
   * `findDocument` would see for it (empty: it would answer null; more than one: duplicates exist). A
   * key missing from the answer was not looked up. Optional: the engine uses it to look a first-pass
   * poll page's documents up together, so that those the target does not hold are created without a
   * look-up of their own; the answer goes with each record to its planner (PlannedRecord.targetLookUp).
   */
  lookUpMany?: (options: { entity: string; naturalKeys: readonly string[] }) => Promise<Map<string, TargetLookUpHit[]>>;
  /**
   * Creates the document (and brings it to its final state, e.g. released). The caller looked it up
   * and found nothing, or knows the target cannot hold it yet (no earlier attempt may have written it,
   * and the flow is past its first pass). An error thrown here counts as "may have written" (the next
   * attempt looks the document up first) unless it carries `written: false`: the target refused the
   * create itself before any part of it was written (e.g. a 4xx or 429 to the first write request).
   * The same holds for errors of the other writes below.
   */
  createDocument: (options: { entity: string; naturalKey: string; document: unknown }) => Promise<TargetDocumentRef>;
  /**
   * Updates an existing document (master data whose source changed) with the fields of `document`.
   * `ref.version`, when the target has one, is sent for the target to check (If-Match); a refusal
   * throws with the vendor's message. Needed by targets of `master` object types.
   */
  updateDocument?: (options: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }) => Promise<TargetDocumentRef>;
  /**
   * Creates or updates in one call, matched by the target on `naturalKey` (e.g. Zoho upsert with
   * duplicate_check_fields): when present the engine skips the look-up for create and update.
   */
  upsertDocument?: (options: { entity: string; naturalKey: string; document: unknown }) => Promise<TargetDocumentRef & { created: boolean }>;
  /**
   * Brings a document found by natural key to its final state (e.g. releases a payment created by an
   * attempt that died before releasing it). Optional; must be safe to repeat.
   */
  completeDocument?: (options: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }) => Promise<void>;
};
