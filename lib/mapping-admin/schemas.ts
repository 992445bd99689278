import { z } from "zod";

/** What a value map maps (ValueMap.kind): one of the value-map kinds the flow's definition declares (checked against it). */
export const valueMapKindSchema = z.string().trim().min(1, "must not be empty").max(100);

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

/** The flow setting "release held records by themselves when their mapping is saved". */
export const setReleaseOnMappingInputSchema = z.strictObject({ flowId: z.uuid(), releaseOnMapping: z.boolean() });
export type SetReleaseOnMappingInput = z.infer<typeof setReleaseOnMappingInputSchema>;

/** A whole CSV file (header: kind,sourceKey,targetValue[,sourceLabel,targetLabel]); at most 1 MB. */
export const importValueMapsInputSchema = z.strictObject({ flowId: z.uuid(), csv: z.string().min(1, "The file is empty").max(1_000_000, "The file is larger than 1 MB") });
export type ImportValueMapsInput = z.infer<typeof importValueMapsInputSchema>;

/** Query of the mapping board (canvas): one kind, a search per side, a window per side. */
export const mappingBoardQuerySchema = z.strictObject({
  /** default: the flow kind's first value-map kind */
  kind: valueMapKindSchema.optional(),
  /** substring, case-insensitive, on key and label */
  sourceQ: z.string().trim().max(100).optional(),
  targetQ: z.string().trim().max(100).optional(),
  /** "unmapped": only sources without a map; "waiting": only those with held records */
  show: z.enum(["all", "unmapped", "waiting"]).default("all"),
  /** window size per side; the canvas asks for whole catalogues up to 20,000 values (its columns are virtualised) */
  limit: z.coerce.number().int().min(1).max(20_000).default(150),
  sourceOffset: z.coerce.number().int().min(0).default(0),
  targetOffset: z.coerce.number().int().min(0).default(0),
  /** "1": read the vendor catalogues again instead of the cache */
  refresh: z.enum(["0", "1"]).optional(),
});
export type MappingBoardQuery = z.infer<typeof mappingBoardQuerySchema>;
