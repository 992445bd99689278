import { z } from "zod";
import { FORBIDDEN_HOST_MESSAGE, isForbiddenTenantUrl } from "../http/is-forbidden-tenant-url";

// The connection form (browser and server parse the same schema). Fields come from the vendor
// connector's form declaration; the server checks them against it (resolve-connection-draft.ts).
// Secrets are write-only: a blank secret field means "keep the stored one"; stored values never
// travel back to the browser.

export const tenantUrlSchema = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: "Enter the full URL, starting with https://" }))
  .refine((url) => !isForbiddenTenantUrl(url), FORBIDDEN_HOST_MESSAGE)
  .transform((url) => url.replace(/\/+$/, ""));

/** A write-only secret: blank = keep what is stored (or: not set). */
const secretValue = z
  .string()
  .max(10_000)
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

/** A declared field's value as the form sends it (text of text/url/select/number fields, on/off of booleans). */
export const fieldValueSchema = z.union([z.string().max(4000), z.boolean()]).nullable().optional();

export const connectionFormSchema = z.strictObject({
  /** set when editing a saved connection */
  id: z.uuid().optional(),
  /** the connector's vendor id */
  vendor: z.string().trim().min(1, "Choose the system to connect").max(50),
  name: z.string().trim().min(1, "Give the connection a name").max(100),
  baseUrl: tenantUrlSchema,
  /** by declared field name ("callout.headerName" is a nested setting) */
  settings: z.record(z.string().max(100), fieldValueSchema).default({}),
  secrets: z.record(z.string().max(100), secretValue).default({}),
});
export type ConnectionForm = z.input<typeof connectionFormSchema>;
export type ParsedConnectionForm = z.output<typeof connectionFormSchema>;

export const idInputSchema = z.strictObject({ id: z.uuid() });
