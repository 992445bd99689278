import { z } from "zod";
import { recordedCallSchema } from "../http/call-recorder";
import { missingKeySchema, type MissingKey } from "../mapping/missing-key";

// Persisted JSON: RecordEvent.detail is written and read through these schemas. Changing a schema
// needs a data migration of the existing rows (or a new kind beside the old one).

/** Where a record came from: a vendor callout, a scheduled or manual poll, a replay or a dependency. */
export const recordOriginSchema = z.enum(["callout", "poll", "replay", "dependency"]);
export type RecordOrigin = z.infer<typeof recordOriginSchema>;

export { missingKeySchema, type MissingKey };

const requestSummarySchema = z.object({
  /** e.g. "create Invoice", "find Invoice by CustomerOrder" */
  operation: z.string(),
  /** target entity, e.g. "Invoice" */
  entity: z.string().optional(),
  /** the natural key looked up or written, never credentials */
  naturalKey: z.string().optional(),
});

/** How a target document came to hold the record: created, found by natural key, updated (master data), or upserted by the target. */
export const postedViaSchema = z.enum(["created", "found-existing", "updated", "upserted"]);
export type PostedVia = z.infer<typeof postedViaSchema>;

const postedDocumentSchema = z.object({
  entity: z.string(),
  targetId: z.string(),
  targetRef: z.string().nullable(),
  via: postedViaSchema,
});

/** One changed field, old -> new (scalars; "(changed)" for objects and arrays). */
const fieldChangeSchema = z.object({ field: z.string(), from: z.unknown(), to: z.unknown() });

/**
 * The audit vocabulary. Details never carry secrets or raw HTTP bodies with credentials: only ids,
 * summaries and readable vendor messages.
 */
export const recordEventSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("received"),
    detail: z.object({ origin: recordOriginSchema, inboundEventId: z.string().optional(), sourceVersion: z.string().nullable() }),
  }),
  z.object({
    kind: z.literal("fetched"),
    detail: z.object({ origin: recordOriginSchema, sourceVersion: z.string().nullable(), naturalKey: z.string().nullable() }),
  }),
  z.object({
    kind: z.literal("source-updated"),
    detail: z.object({
      previousVersion: z.string().nullable(),
      sourceVersion: z.string().nullable(),
      /** top-level fields whose value differs from the version kept, e.g. balance */
      changes: z.array(fieldChangeSchema),
      /** what the engine did: a posted document is never re-posted; a posted master record is updated */
      action: z.enum(["kept-posted", "reprocess", "kept", "update"]),
    }),
  }),
  z.object({
    kind: z.literal("mapped"),
    detail: z.object({
      target: z.string(),
      lines: z.number().int().optional(),
      /** the mapped document of this posting, as sent (each posting keeps its own; the record keeps only the latest) */
      payload: z.unknown().optional(),
    }),
  }),
  z.object({
    kind: z.literal("held"),
    detail: z.object({ reason: z.string(), missing: z.array(missingKeySchema) }),
  }),
  z.object({
    kind: z.literal("released"),
    detail: z.object({ trigger: z.object({ kind: z.string().optional(), sourceKey: z.string().optional() }), by: z.string().optional() }),
  }),
  z.object({
    kind: z.literal("attempt"),
    detail: z.object({
      attempt: z.number().int(),
      request: z.array(requestSummarySchema),
      /** HTTP status of the last target answer, null when none came */
      targetStatus: z.number().int().nullable(),
      error: z.string().optional(),
      retryable: z.boolean().optional(),
      durationMs: z.number().int().nonnegative(),
      /** what was sent and what came back, per vendor call (lib/http/call-recorder.ts: no headers, secrets redacted, bodies bounded) */
      calls: z.array(recordedCallSchema).optional(),
      /** calls beyond the recorder's limit, counted but not kept */
      callsDropped: z.number().int().nonnegative().optional(),
    }),
  }),
  z.object({
    kind: z.literal("posted"),
    detail: z.object({
      targetId: z.string(),
      targetRef: z.string().nullable(),
      via: postedViaSchema,
      /** further documents posted for the same record (e.g. the GL journal of an invoice) */
      related: z.array(postedDocumentSchema).optional(),
    }),
  }),
  z.object({
    kind: z.literal("updated"),
    detail: z.object({
      entity: z.string(),
      targetId: z.string(),
      targetRef: z.string().nullable(),
      /** `unchanged`: the mapped document equals the one posted last, so nothing was sent */
      via: z.enum(["updated", "upserted", "unchanged"]),
      /** fields of the mapped document whose value changed since the last post, old -> new */
      changes: z.array(fieldChangeSchema),
      /** further documents written for the record by this update (e.g. the credit memo reversing a canceled invoice) */
      related: z.array(postedDocumentSchema).optional(),
    }),
  }),
  z.object({ kind: z.literal("failed"), detail: z.object({ reason: z.string(), retryable: z.boolean() }) }),
  z.object({ kind: z.literal("skipped"), detail: z.object({ reason: z.string() }) }),
  z.object({ kind: z.literal("replayed"), detail: z.object({ by: z.string().nullable(), previousStatus: z.string() }) }),
]);

export type RecordEventInput = z.infer<typeof recordEventSchema>;
export type RecordEventKind = RecordEventInput["kind"];
export type RecordEventDetail<K extends RecordEventKind> = Extract<RecordEventInput, { kind: K }>["detail"];

/** Parses a stored row's kind + detail; unknown kinds or shapes throw (they need a data migration). */
export const parseRecordEvent = (row: { kind: string; detail: unknown }): RecordEventInput => recordEventSchema.parse(row);
