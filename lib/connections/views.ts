import { z } from "zod";

// Persisted JSON: Connection.lastTestResult is written and read with this schema; changing it needs a data migration.

export const testStepSchema = z.object({ step: z.enum(["auth", "version", "read"]), ok: z.boolean(), message: z.string() });

/** What "Test connection" found (Connection.lastTestResult). */
export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  steps: z.array(testStepSchema),
  /** choices of the form's vendor-read selects (e.g. the endpoint versions an instance offers), by field name */
  fieldOptions: z.record(z.string(), z.array(z.object({ value: z.string(), label: z.string() }))).optional(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

/**
 * A connection as the browser may see it: the settings its form declares, its identifiers, and
 * WHICH secrets are set, never their values.
 */
export type ConnectionView = {
  id: string;
  /** the connector's vendor id and its label */
  vendor: string;
  vendorLabel: string;
  name: string;
  baseUrl: string;
  /** the declared settings only, by field name ("callout.headerName") */
  settings: Record<string, string | number | boolean>;
  /** names of the credentials that are stored, e.g. ["clientId", "clientSecret"] */
  secretsSet: string[];
  /** the stored credentials the form declares as identifiers (`text`: client ID, user name), in clear; never a `secret` one */
  identifiers: Record<string, string>;
  lastTestAt: string | null;
  lastTestResult: ConnectionTestResult | null;
  /** flows that read from or post to this connection */
  usedBy: { id: string; name: string }[];
  /** for vendors whose event subscriptions expire: when the current one does, and whether it is renewed */
  subscription: { expiresAt: string | null; renewedAt: string | null; error: string | null } | null;
  updatedAt: string;
};
