import { z } from "zod";

// Persisted JSON: ConfigChange.changes is written and read through these schemas. Changing them
// needs a data migration of the existing rows.

export const configEntitySchema = z.enum(["mapping", "connection", "flow", "user"]);
export type ConfigEntity = z.infer<typeof configEntitySchema>;

export const configActionSchema = z.enum(["created", "updated", "deleted"]);
export type ConfigAction = z.infer<typeof configActionSchema>;

/** One field of a change: old -> new, or only that a secret changed (its values are never kept). */
export const configFieldChangeSchema = z.union([
  z.object({ field: z.string(), from: z.unknown(), to: z.unknown() }),
  z.object({ field: z.string(), changed: z.literal(true) }),
]);
export type ConfigFieldChange = z.infer<typeof configFieldChangeSchema>;

/** Who made a change (the signed-in user), or null for the system (start-up, a script). */
export type ConfigActor = { id: string; email: string } | null;

/** The log's filters (query string of the page, its API and its CSV export). */
export const configChangeFilterSchema = z.strictObject({
  entity: configEntitySchema.optional(),
  action: configActionSchema.optional(),
  /** any case, contains: the thing's name or the actor's e-mail */
  q: z.string().trim().max(200).optional(),
  /** UTC days, "YYYY-MM-DD", inclusive (the log shows UTC times) */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});
export type ConfigChangeFilter = z.infer<typeof configChangeFilterSchema>;
