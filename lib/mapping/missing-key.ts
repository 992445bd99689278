import { z } from "zod";

// Persisted JSON (SyncRecord.missing, RecordEvent "held" detail): changing it needs a data migration.

/** One thing a record waits on: a value map (kind + sourceKey) or another record (kind = its object type). */
export const missingKeySchema = z.object({
  kind: z.string().min(1),
  sourceKey: z.string().min(1),
  /** human hint: which setting chose the key ("charge"), or the document number waited on */
  label: z.string().optional(),
  /** true when this is another record to be posted first (not a mapping an admin adds) */
  dependency: z.boolean().optional(),
  /**
   * A value map pointing at this target does not satisfy the key (e.g. a customer map an admin must
   * change because the customer it names was refused): only a map to another target does.
   */
  refusedTarget: z.string().optional(),
});
export type MissingKey = z.infer<typeof missingKeySchema>;
