import { z } from "zod";

/** Filter of the records list and counts (admin UI query string). */
export const recordFilterSchema = z.strictObject({
  flowId: z.uuid().optional(),
  status: z.enum(["pending", "posted", "held", "failed", "skipped"]).optional(),
  objectType: z.string().min(1).max(50).optional(),
  /** createdAt >= from */
  from: z.coerce.date().optional(),
  /** createdAt < to */
  to: z.coerce.date().optional(),
  /**
   * Any part of the source document number, the target reference or the source id, in
   * any case ("inv00000470", "00000470", "ar000522"); served by the trigram indexes.
   */
  q: z.string().trim().min(1).max(100).optional(),
  /** documentDate >= documentFrom (a calendar date, "YYYY-MM-DD") */
  documentFrom: z.iso.date().optional(),
  /** documentDate <= documentTo (inclusive) */
  documentTo: z.iso.date().optional(),
  /** amount >= amountMin */
  amountMin: z.coerce.number().finite().optional(),
  /** amount <= amountMax */
  amountMax: z.coerce.number().finite().optional(),
});
export type RecordFilter = z.infer<typeof recordFilterSchema>;

/** Opaque keyset cursor: the (createdAt, id) of the last row of the previous page. */
export const encodeRecordCursor = (row: { createdAt: Date; id: string }) => Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
export const decodeRecordCursor = (cursor: string): { createdAt: Date; id: string } | null => {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = at ? new Date(at) : null;
  return createdAt && !Number.isNaN(createdAt.getTime()) && id && z.uuid().safeParse(id).success ? { createdAt, id } : null;
};
