import { z } from "zod";

/** What a value map maps (ValueMap.kind): a billing account to an ERP customer, or a charge/product to a GL account. */
/** Kinds an admin edits: GL accounts and customers, and those of Zuora -> Acumatica's issue-11 maps (read by their flow declaration). */
export const VALUE_MAP_KINDS = ["gl-account", "customer", "cash-account", "payment-method", "tax", "tax-zone", "tax-category", "canceled-invoice"] as const;
export const valueMapKindSchema = z.enum(VALUE_MAP_KINDS);
export type ValueMapKind = z.infer<typeof valueMapKindSchema>;

const key = z.string().trim().min(1, "must not be empty").max(255, "is longer than 255 characters");
const label = z.string().trim().max(255, "is longer than 255 characters").optional().transform((v) => (v ? v : undefined));

/** One mapping as an admin saves it (canvas edge, table row, CSV row). */
export const saveValueMapInputSchema = z.strictObject({
  flowId: z.uuid(),
  kind: valueMapKindSchema,
  sourceKey: key,
  sourceLabel: label,
  targetValue: key,
  targetLabel: label,
});
export type SaveValueMapInput = z.input<typeof saveValueMapInputSchema>;

export const deleteValueMapInputSchema = z.strictObject({ flowId: z.uuid(), kind: valueMapKindSchema, sourceKey: key });
export type DeleteValueMapInput = z.infer<typeof deleteValueMapInputSchema>;

/** A whole CSV file (header: kind,sourceKey,targetValue[,sourceLabel,targetLabel]); at most 1 MB. */
export const importValueMapsInputSchema = z.strictObject({ flowId: z.uuid(), csv: z.string().min(1, "The file is empty").max(1_000_000, "The file is larger than 1 MB") });
export type ImportValueMapsInput = z.infer<typeof importValueMapsInputSchema>;

/** Query of the mapping board (canvas): one kind, a search per side, a window per side. */
export const mappingBoardQuerySchema = z.strictObject({
  kind: valueMapKindSchema.default("gl-account"),
  /** substring, case-insensitive, on key and label */
  sourceQ: z.string().trim().max(100).optional(),
  targetQ: z.string().trim().max(100).optional(),
  /** "unmapped": only sources without a map; "waiting": only those with held records */
  show: z.enum(["all", "unmapped", "waiting"]).default("all"),
  /** window size per side (rendering stays smooth whatever the catalogue size) */
  limit: z.coerce.number().int().min(1).max(500).default(150),
  sourceOffset: z.coerce.number().int().min(0).default(0),
  targetOffset: z.coerce.number().int().min(0).default(0),
  /** "1": read the vendor catalogues again instead of the cache */
  refresh: z.enum(["0", "1"]).optional(),
});
export type MappingBoardQuery = z.infer<typeof mappingBoardQuerySchema>;
