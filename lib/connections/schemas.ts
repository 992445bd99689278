import { z } from "zod";

// Persisted JSON: Connection.settings is parsed with the vendor connector's settingsSchema on read and
// write; changing those schemas needs a data migration.

export const connectionInputSchema = z.strictObject({
  /** a connector's vendor id (the column holds it as is) */
  vendor: z.string().min(1).max(50),
  name: z.string().trim().min(1, "Give the connection a name").max(100),
  baseUrl: z.url({ protocol: /^https?$/, error: "Enter the full tenant URL, starting with https://" }),
  settings: z.record(z.string(), z.unknown()).default({}),
  /** write-only: encrypted before it is stored, never returned */
  secrets: z.record(z.string(), z.unknown()),
});
export type ConnectionInput = z.input<typeof connectionInputSchema>;
