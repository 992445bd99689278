import type { MissingKey } from "../audit/events";
import type { Db } from "../db";
import type { ValueMapIndex } from "../mapping/value-map-index";

/*
 * What the engine needs from one integration (lib/flows/<kind>.ts). The engine owns records, audit,
 * holds, ordering of writes, retries and replay; a flow only knows its vendors' objects and how a
 * source document becomes target documents.
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

/** A document that exists in the target system. */
export type TargetDocumentRef = { targetId: string; targetRef: string | null };

/** Summary of one call to the target, for the audit trail (never bodies or credentials). */
export type TargetCallSummary = { operation: string; entity?: string; naturalKey?: string; status?: number | null };

export type TargetPort = {
  /** The document whose external-reference field holds `naturalKey`, or null. */
  findDocument: (options: { entity: string; naturalKey: string }) => Promise<TargetDocumentRef | null>;
  /** Creates the document; the caller has just looked it up and found nothing. */
  createDocument: (options: { entity: string; naturalKey: string; document: unknown }) => Promise<TargetDocumentRef>;
  /**
   * Brings a document found by natural key to its final state (e.g. releases a payment created by an
   * attempt that died before releasing it). Optional; must be safe to repeat.
   */
  completeDocument?: (options: { entity: string; naturalKey: string; ref: TargetDocumentRef; document: unknown }) => Promise<void>;
};

/** One target document to post for a record; the first of a plan is the record's primary document. */
export type PlannedDocument = {
  /** target entity, e.g. "Invoice", "Payment", "JournalTransaction", "Customer" */
  entity: string;
  /** value of the external-reference field looked up before creating */
  naturalKey: string;
  document: unknown;
};

/** A value map the engine writes when the record posts (e.g. account -> the customer it created). */
export type ValueMapWrite = { kind: string; sourceKey: string; sourceLabel?: string; targetValue: string; targetLabel?: string };

/**
 * What to do with a record, decided by the flow from its source payload, the value maps and
 * settings (and reads of the target where needed):
 * - `post`: create the documents unless they exist; on success, records waiting on this one (kind =
 *   its object type, sourceKey = its source id), on `satisfies` or on the written `valueMaps` are released;
 * - `hold`: wait for the `missing` keys (value maps or other records);
 * - `skip`: nothing to post, for `reason`;
 * - `fail`: the source data cannot be posted as it is (non-retryable), for `reason`.
 */
export type ProcessPlan =
  | { action: "post"; documents: [PlannedDocument, ...PlannedDocument[]]; mapped: unknown; valueMaps?: ValueMapWrite[]; satisfies?: { kind: string; sourceKey: string }[] }
  | { action: "hold"; reason: string; missing: MissingKey[]; ensure?: { objectType: string; sourceId: string }[] }
  | { action: "skip"; reason: string }
  | { action: "fail"; reason: string };

/** A record as handed to a flow's planner. */
export type PlannedRecord = { id: string; objectType: string; sourceId: string; naturalKey: string | null; sourcePayload: unknown };

/** Reads of our own ledger a planner may make (e.g. "is invoice X posted, and as what?"). */
export type LedgerReader = {
  postedRecord: (options: { objectType: string; sourceId: string }) => Promise<{ targetId: string; targetRef: string | null; mappedPayload: unknown } | null>;
};

/** A flow's live connection to both vendors, built per job from the flow's connections. */
export type FlowRuntime = {
  source: SourcePort;
  target: TargetPort;
  plan: (options: { record: PlannedRecord; maps: ValueMapIndex; ledger: LedgerReader }) => Promise<ProcessPlan>;
};

/** Callout events after verification: ids only. */
export type CalloutEvent = { vendorEventId: string; eventType: string; objectType: string | null; objectId: string | null; /** the parsed body (ids only), kept for the audit */ payload?: unknown };

export type FlowDefinition = {
  /** Flow.kind, e.g. "zuora-acumatica" */
  kind: string;
  /** object types in dependency order (earlier ones post first when polled in one sweep) */
  objectTypes: readonly string[];
  /** Polling options from the flow's settings. */
  pollOptions: (settings: unknown) => { pageSize: number; pagesPerJob: number; overlapSeconds: number };
  /** Which object types a callout's object type feeds (e.g. "invoice" -> ["invoice"]). */
  calloutObjectTypes?: (objectType: string) => string[];
  /** Parses Flow.settings; throws a ZodError naming the bad setting. */
  parseSettings: (settings: unknown) => unknown;
  /**
   * The flow's runtime. `connectionsUpdatedAt`: the source and target connections' updatedAt as the
   * caller just read them (with the record), so a runtime cached per process needs no read of its own.
   */
  connect: (options: { db: Db; flow: FlowRow; connectionsUpdatedAt?: { source: Date; target: Date } }) => Promise<FlowRuntime>;
};

/** Verifies callouts arriving for one source connection (vendor-specific, e.g. Zuora HMAC). */
export type CalloutVerifier = (options: {
  db: Db;
  connection: { id: string; vendor: string; settings: unknown };
  rawBody: Uint8Array;
  headers: Headers;
}) => Promise<{ ok: true; events: CalloutEvent[] } | { ok: false; reason: string }>;

/** The Flow columns the engine uses. */
export type FlowRow = {
  id: string;
  kind: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  enabled: boolean;
  schedule: string | null;
  backfillFrom: Date | null;
  settings: unknown;
  createdAt: Date;
};
