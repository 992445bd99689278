import { z } from "zod";
import type { VendorId } from "./schemas";

// Persisted JSON: Connection.lastTestResult is written and read with this schema; changing it needs a data migration.

export const testStepSchema = z.object({ step: z.enum(["auth", "version", "read"]), ok: z.boolean(), message: z.string() });

/** What "Test connection" found (Connection.lastTestResult). */
export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  steps: z.array(testStepSchema),
  /** Acumatica: endpoint versions the instance offers (Default endpoint), when it could be read */
  offeredVersions: z.array(z.string()).optional(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

/**
 * A connection as the browser may see it: settings the form edits and WHICH secrets are set,
 * never their values.
 */
export type ConnectionView = {
  id: string;
  vendor: VendorId;
  name: string;
  baseUrl: string;
  /** the form-managed settings only (see form-schemas.ts) */
  settings: Record<string, unknown>;
  /** keys of the secrets that are stored, e.g. ["clientId", "clientSecret"] */
  secretsSet: string[];
  lastTestAt: string | null;
  lastTestResult: ConnectionTestResult | null;
  /** flows that read from or post to this connection */
  usedBy: { id: string; name: string }[];
  updatedAt: string;
};
