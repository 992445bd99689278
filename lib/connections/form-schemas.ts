import { z } from "zod";
import { acumaticaConfig } from "../connectors/acumatica/config";
import { zuoraConfig } from "../connectors/zuora/config";
import { ZUORA_HMAC_ALGORITHMS } from "../connectors/zuora/schemas";
import { FORBIDDEN_HOST_MESSAGE, isForbiddenTenantUrl } from "../http/is-forbidden-tenant-url";

// The connection forms (browser and server parse the same schemas). Secrets are write-only: a blank
// secret field means "keep the stored one"; the stored values never travel back to the browser.

/** Zuora REST base URL per data centre (vendor-apis.md 1.1), for the region preset list. */
export const ZUORA_REGIONS = Object.entries(zuoraConfig.baseUrls).map(([label, url]) => ({ label, url }));

export const tenantUrlSchema = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: "Enter the full tenant URL, starting with https://" }))
  .refine((url) => !isForbiddenTenantUrl(url), FORBIDDEN_HOST_MESSAGE)
  .transform((url) => url.replace(/\/+$/, ""));

const optionalText = z
  .string()
  .trim()
  .max(500)
  .optional()
  .transform((v) => (v ? v : undefined));

/** A write-only secret: blank = keep what is stored (or: not set). */
const secretField = z.string().max(4000).optional().transform((v) => (v && v.trim() ? v.trim() : undefined));

const base = {
  /** set when editing a saved connection */
  id: z.uuid().optional(),
  name: z.string().trim().min(1, "Give the connection a name").max(100),
  baseUrl: tenantUrlSchema,
};

export const zuoraCalloutFormSchema = z.strictObject({
  headerName: z.string().trim().min(1, "Enter the header name").max(100).regex(/^[A-Za-z0-9-]+$/, "A header name has letters, digits and dashes only"),
  algorithm: z.enum(ZUORA_HMAC_ALGORITHMS),
  encoding: z.enum(["BASE64", "HEX"]),
  signedData: z.string().trim().min(1, "Enter the signed data").max(500),
});

export const zuoraConnectionFormSchema = z.strictObject({
  ...base,
  vendor: z.literal("zuora"),
  settings: z.strictObject({
    entityId: optionalText,
    callout: zuoraCalloutFormSchema,
  }),
  secrets: z.strictObject({ clientId: secretField, clientSecret: secretField, calloutHmacSecret: secretField }),
});

export const acumaticaConnectionFormSchema = z.strictObject({
  ...base,
  vendor: z.literal("acumatica"),
  settings: z.strictObject({
    endpointVersion: z.string().trim().regex(/^\d{2}\.\d{3}\.\d{3}$/, "The endpoint version looks like 24.200.001"),
    tenant: optionalText,
    branch: optionalText,
  }),
  secrets: z.strictObject({ clientId: secretField, clientSecret: secretField, username: secretField, password: secretField }),
});

export const connectionFormSchema = z.discriminatedUnion("vendor", [zuoraConnectionFormSchema, acumaticaConnectionFormSchema]);
export type ConnectionForm = z.input<typeof connectionFormSchema>;
export type ParsedConnectionForm = z.output<typeof connectionFormSchema>;

/** Secret fields per vendor in form order, with the label the form shows and whether a connection needs it. */
export const SECRET_FIELDS = {
  zuora: [
    { key: "clientId", label: "Client ID", isRequired: true },
    { key: "clientSecret", label: "Client secret", isRequired: true },
    { key: "calloutHmacSecret", label: "Callout HMAC secret", isRequired: false },
  ],
  acumatica: [
    { key: "clientId", label: "Client ID", isRequired: true },
    { key: "clientSecret", label: "Client secret", isRequired: true },
    { key: "username", label: "Username", isRequired: true },
    { key: "password", label: "Password", isRequired: true },
  ],
} as const satisfies Record<ParsedConnectionForm["vendor"], readonly { key: string; label: string; isRequired: boolean }[]>;

export const ACUMATICA_DEFAULT_VERSION = acumaticaConfig.defaultEndpointVersion;

export const idInputSchema = z.strictObject({ id: z.uuid() });
