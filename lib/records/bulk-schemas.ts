import { z } from "zod";
import { recordFilterSchema } from "./schemas";

/** Replay one record. */
export const replayRecordInputSchema = z.strictObject({ recordId: z.uuid() });

/** Bulk replay or release: a selection of record ids (1..5,000), or everything a list filter matches. */
export const bulkRecordsInputSchema = z.union([
  z.strictObject({ ids: z.array(z.uuid()).min(1, "Select at least one record").max(5000, "Select at most 5,000 records") }),
  z.strictObject({ filter: recordFilterSchema }),
]);
export type BulkRecordsInput = z.infer<typeof bulkRecordsInputSchema>;

/** Release the held records waiting on one mapping (the canvas' "release N records"). */
export const releaseForMappingInputSchema = z.strictObject({ flowId: z.uuid(), kind: z.string().min(1).max(50), sourceKey: z.string().min(1).max(255) });
