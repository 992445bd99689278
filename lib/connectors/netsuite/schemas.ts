import { z } from "zod";
import { netsuiteConfig } from "./config";

/** Connection settings of a NetSuite connection (Connection.settings). */
export const netsuiteSettingsSchema = z.object({
  /** account id as NetSuite shows it, e.g. "1234567" or "1234567_SB1" */
  accountId: z.string().regex(/^[0-9A-Za-z_-]+$/, "an account id like 1234567 or 1234567_SB1"),
  /** Certificate ID of the OAuth 2.0 client credentials (M2M) mapping: the assertion's `kid` */
  certificateId: z.string().min(1),
  algorithm: z.enum(netsuiteConfig.auth.algorithms).default("ES256"),
  /** the account's time zone (Set Preferences), in which SuiteQL shows datetimes */
  timeZone: z.string().min(1).default(netsuiteConfig.defaultTimeZone).refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone, e.g. America/Los_Angeles"),
  /** this connection's share of the account's concurrency limit */
  maxConcurrent: z.number().int().min(1).max(100).default(netsuiteConfig.limits.maxConcurrent),
  requestsPerSecond: z.number().positive().max(1000).optional(),
  /** addresses (IPv4/IPv6, or IPv4 CIDR) webhooks may come from, comma or newline separated; empty: any */
  webhookIpAllowlist: z.string().default(""),
});
export type NetsuiteSettings = z.infer<typeof netsuiteSettingsSchema>;

/** Secrets of a NetSuite connection (Connection.credentials, encrypted). */
export const netsuiteSecretsSchema = z.object({
  /** Client ID of the integration record */
  clientId: z.string().min(1),
  /** PKCS#8 PEM private key of the certificate uploaded to the M2M mapping */
  privateKey: z.string().includes("PRIVATE KEY", { message: "a PEM private key (-----BEGIN PRIVATE KEY-----)" }),
  /** shared secret the outbound script puts in the webhook URL */
  webhookSecret: z.string().min(16).optional(),
});
export type NetsuiteSecrets = z.infer<typeof netsuiteSecretsSchema>;

export const netsuiteTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  /** Oracle's sample shows a string; accept both */
  expires_in: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().positive()),
  token_type: z.string().optional(),
});

/** RFC 6749 error of the token endpoint. */
export const netsuiteOAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** The error body of the REST services (§4.6). */
export const netsuiteErrorBodySchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  "o:errorDetails": z
    .array(z.object({ detail: z.string(), "o:errorCode": z.string().optional(), "o:errorPath": z.string().optional() }))
    .optional(),
});

const link = z.object({ rel: z.string(), href: z.string() });

/** A page of a SuiteQL query or a record collection (§4.3): rows are typed by the caller. */
export const netsuitePageSchema = <T extends z.ZodType>(row: T) =>
  z.object({
    links: z.array(link).optional(),
    count: z.number().int(),
    hasMore: z.boolean(),
    items: z.array(row),
    offset: z.number().int(),
    totalResults: z.number().int(),
  });

/** A reference field: `{ id, refName }` (plus links). */
export const netsuiteRefSchema = z.object({ id: z.string(), refName: z.string().optional() });

/** A customer as `GET /record/v1/customer/{id}` shows it (the fields the flows read). */
export const netsuiteCustomerSchema = z.looseObject({
  id: z.string(),
  externalId: z.string().optional(),
  entityId: z.string().optional(),
  companyName: z.string().optional(),
  email: z.string().optional(),
  isInactive: z.boolean().optional(),
  subsidiary: netsuiteRefSchema.optional(),
  currency: netsuiteRefSchema.optional(),
  lastModifiedDate: z.string(),
});
export type NetsuiteCustomer = z.infer<typeof netsuiteCustomerSchema>;

const invoiceLineSchema = z.looseObject({
  line: z.number().optional(),
  item: netsuiteRefSchema,
  description: z.string().optional(),
  quantity: z.number().optional(),
  rate: z.number().optional(),
  amount: z.number(),
});

/** An invoice as `GET /record/v1/invoice/{id}?expandSubResources=true` shows it. */
export const netsuiteInvoiceSchema = z.looseObject({
  id: z.string(),
  externalId: z.string().optional(),
  tranId: z.string().optional(),
  tranDate: z.string(),
  dueDate: z.string().optional(),
  entity: netsuiteRefSchema,
  subsidiary: netsuiteRefSchema.optional(),
  currency: netsuiteRefSchema.optional(),
  memo: z.string().optional(),
  total: z.number(),
  status: z.union([z.string(), netsuiteRefSchema]).optional(),
  lastModifiedDate: z.string(),
  item: z.object({ items: z.array(invoiceLineSchema) }),
});
export type NetsuiteInvoice = z.infer<typeof netsuiteInvoiceSchema>;

/** A SuiteQL row of a change listing: id and the modification time in the account's zone. */
export const netsuiteChangeRowSchema = z.looseObject({ id: z.string(), modified: z.string() });

/** A SuiteQL row of the items catalogue. */
export const netsuiteItemRowSchema = z.looseObject({ id: z.string(), itemid: z.string(), displayname: z.string().optional(), isinactive: z.string().optional() });
