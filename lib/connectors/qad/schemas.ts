import { z } from "zod";

// Shapes of QAD's answers (sandbox/qad/README.md: observed envelope, ASSUMED finance members) and of
// this connector's settings and secrets. Every vendor answer is parsed with one of these.

/** Connection.settings of a QAD connection: the workspace (domain and entity) and optional limits. */
export const qadSettingsSchema = z.object({
  /** QAD domain, e.g. "10USA" (the first half of x-qad-workspace-id) */
  domainCode: z.string().trim().min(1).max(8).regex(/^[^_\s]+$/, "a domain code has no underscore or space"),
  /** QAD entity, e.g. "10USACO" */
  entityCode: z.string().trim().min(1).max(8).regex(/^[^_\s]+$/, "an entity code has no underscore or space"),
  requestsPerMinute: z.number().int().min(1).max(100_000).optional(),
  maxConcurrent: z.number().int().min(1).max(64).optional(),
});
export type QadSettings = z.infer<typeof qadSettingsSchema>;

/** Connection secrets: the OAuth client id and the integration user. */
export const qadSecretsSchema = z.object({
  clientId: z.string().min(1),
  username: z.string().min(1),
  password: z.string().min(1),
});
export type QadSecrets = z.infer<typeof qadSecretsSchema>;

/** `POST {base}/oauth/token` (Spring OAuth2 shape; only access_token is observed). */
export const qadTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().default(3600),
  scope: z.string().optional(),
});

/** `{"error":"invalid_grant","error_description":"Bad credentials"}` (token endpoint, 401 on the API). */
export const qadOAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** One field error of a `submitResult` or of the bare `errors` envelope (observed). */
export const qadFieldErrorSchema = z.object({
  fieldName: z.string().nullish(),
  message: z.string(),
  fieldValue: z.unknown().optional(),
  code: z.union([z.string(), z.number()]).nullish(),
  severity: z.number().nullish(),
});
export type QadFieldError = z.infer<typeof qadFieldErrorSchema>;

/** A write's answer wrapper: `submitResult.success` and its errors (HTTP 200 either way). */
export const qadSubmitResultSchema = z.object({ success: z.boolean(), errors: z.array(qadFieldErrorSchema).default([]) });

/** `{"errors":[…]}`: 403 Access is denied, 400/404/429/5xx. */
export const qadBareErrorsSchema = z.object({ errors: z.array(qadFieldErrorSchema).min(1) });

/** A browse page: `{"data":[row…]}` with rows keyed `<prefix>.<field>`; no paging metadata (a short page ends). */
export const qadBrowsePageSchema = z.object({ data: z.array(z.record(z.string(), z.unknown())) });

/** Strips the `<prefix>.` of browse columns, then parses the row. */
export const browseRow = <S extends z.ZodType>(prefix: string, schema: S) =>
  z
    .record(z.string(), z.unknown())
    .transform((row): unknown => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.startsWith(`${prefix}.`) ? k.slice(prefix.length + 1) : k, v])))
    .pipe(schema);

export const qadCustomerSchema = z.object({
  customerCode: z.string(),
  businessRelationName: z.string().nullish(),
  currencyCode: z.string().nullish(),
  isActive: z.boolean().nullish(),
});
export type QadCustomer = z.infer<typeof qadCustomerSchema>;

export const qadGlAccountSchema = z.object({
  glCode: z.string(),
  glDescription: z.string().nullish(),
  glType: z.string().nullish(),
  currencyCode: z.string().nullish(),
  isActive: z.boolean().nullish(),
});
export type QadGlAccount = z.infer<typeof qadGlAccountSchema>;

export const qadGlPeriodSchema = z.object({
  periodYear: z.number().int(),
  periodPeriod: z.number().int(),
  periodStartDate: z.string(),
  periodEndDate: z.string(),
  periodStatus: z.string(),
});
export type QadGlPeriod = z.infer<typeof qadGlPeriodSchema>;

/** An invoice or adjustment (credit note) as a browse or a write returns it. */
export const qadInvoiceSchema = z.object({
  dInvoiceVoucher: z.string(),
  dInvoiceReference: z.string().nullish(),
  customerCode: z.string().nullish(),
  currencyCode: z.string().nullish(),
  dInvoiceBalanceTC: z.number().nullish(),
  dInvoiceIsOpen: z.boolean().nullish(),
  lastModifiedDateTime: z.string().nullish(),
});
export type QadInvoice = z.infer<typeof qadInvoiceSchema>;

/** A receipt (customer payment) as a browse or a write returns it. */
export const qadReceiptSchema = z.object({
  dDocumentVoucher: z.string(),
  dDocumentReference: z.string().nullish(),
  customerCode: z.string().nullish(),
  currencyCode: z.string().nullish(),
  dDocumentAmountTC: z.number().nullish(),
  dDocumentUnallocatedTC: z.number().nullish(),
});
export type QadReceipt = z.infer<typeof qadReceiptSchema>;
