import { z } from "zod";
import { odataCollectionSchema, odataEtagSchema } from "../common/odata";
import { ifsCloudConfig } from "./config";

// Settings and secrets of an IFS Cloud connection (Connection.settings / credentials), and the
// shapes of the IFS answers the connector reads. Persisted JSON: changing the settings needs a migration.

const name = (fallback: string) => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and _ only").default(fallback);
const n = ifsCloudConfig.defaultNames;

export const ifsCloudSettingsSchema = z.object({
  /** the IFS IAM realm (the system's namespace), part of the token URL */
  realm: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, "letters, digits, . _ - only"),
  /** `/int` (integration endpoint) or `/main`; authorisation is the same on both */
  apiPath: z.enum(["int", "main"]).default("int"),
  voucherProjection: name(n.voucherProjection),
  voucherSet: name(n.voucherSet),
  voucherRowSet: name(n.voucherRowSet),
  voucherRowsNavigation: name(n.voucherRowsNavigation),
  companyProjection: name(n.companyProjection),
  companySet: name(n.companySet),
  accountProjection: name(n.accountProjection),
  accountSet: name(n.accountSet),
  codePartProjection: name(n.codePartProjection),
  codePartSet: name(n.codePartSet),
  periodProjection: name(n.periodProjection),
  periodSet: name(n.periodSet),
  /** the most entities asked for or read in one page (IFS's result-size limit on this tenant) */
  resultSizeLimit: z.number().int().min(1).max(10_000).default(ifsCloudConfig.defaultResultSizeLimit),
  /** optional shared request-rate limit of this connection (all workers together); none when absent */
  requestsPerMinute: z.number().positive().optional(),
  maxConcurrent: z.number().int().positive().optional(),
});
export type IfsCloudSettings = z.infer<typeof ifsCloudSettingsSchema>;

export const ifsCloudSecretsSchema = z.object({
  /** IAM client (service account) id */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
export type IfsCloudSecrets = z.infer<typeof ifsCloudSecretsSchema>;

/** Keycloak token answer [IFS-IAM]: no refresh token for client credentials. */
export const ifsTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string().optional(),
});

/** Keycloak error bodies: `{error, error_description}`, or `{error: "Realm does not exist"}`. */
export const ifsTokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** IFS OData error body: `{error: {code?, message, details?: [{code, message}]}}` [IFS-RAW]. */
export const ifsErrorBodySchema = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string(),
    details: z.array(z.object({ code: z.string().optional(), message: z.string() })).optional(),
  }),
});

export const ifsCompanySchema = z.object({ Company: z.string(), Name: z.string().nullish(), CurrencyCode: z.string().nullish() });
export type IfsCompany = z.infer<typeof ifsCompanySchema>;
export const ifsAccountSchema = z.object({
  Company: z.string(),
  Account: z.string(),
  Description: z.string().nullish(),
  CodeBDemand: z.string().nullish(),
  ValidUntil: z.string().nullish(),
});
export const ifsCodePartValueSchema = z.object({ Company: z.string(), CodePart: z.string(), CodePartValue: z.string(), Description: z.string().nullish() });
export const ifsPeriodSchema = z.object({ Company: z.string(), AccountingYear: z.number().int(), AccountingPeriod: z.number().int(), PeriodStatus: z.string() });

export const ifsVoucherKeysSchema = z.object({
  Company: z.string(),
  AccountingYear: z.number().int(),
  VoucherType: z.string(),
  VoucherNo: z.number().int(),
});
export type IfsVoucherKeys = z.infer<typeof ifsVoucherKeysSchema>;

export const ifsVoucherSchema = ifsVoucherKeysSchema.extend({
  "@odata.etag": odataEtagSchema,
  Objstate: z.string(),
  VoucherDate: z.string().nullish(),
  VoucherText: z.string().nullish(),
});
export type IfsVoucher = z.infer<typeof ifsVoucherSchema>;

/** A row found by reference, with its voucher (one-to-one `VoucherRef` expanded). */
export const ifsVoucherRowRefSchema = ifsVoucherKeysSchema.extend({ VoucherRef: ifsVoucherSchema.nullish() });

export const ifsVoucherRowSchema = z.object({
  RowNo: z.number().int(),
  Company: z.string(),
  Account: z.string().nullish(),
  CodeB: z.string().nullish(),
  CurrencyCode: z.string().nullish(),
  CurrencyDebetAmount: z.number().nullish(),
  CurrencyCreditAmount: z.number().nullish(),
  ReferenceNumber: z.string().nullish(),
});

export const collectionOf = odataCollectionSchema;

/** A voucher as the flow hands it to the target (our own document; parsed at the adapter boundary). */
export const ifsVoucherInputSchema = z.strictObject({
  Company: z.string().min(1),
  VoucherType: z.string().min(1),
  VoucherDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  VoucherText: z.string().max(200).optional(),
  rows: z
    .array(
      z.strictObject({
        Company: z.string().min(1),
        Account: z.string().min(1),
        CodeB: z.string().min(1).optional(),
        CurrencyCode: z.string().length(3),
        CurrencyRate: z.number().positive().optional(),
        CurrencyDebetAmount: z.number().optional(),
        CurrencyCreditAmount: z.number().optional(),
        Text: z.string().max(200).optional(),
        ReferenceNumber: z.string().min(1).max(50),
      }),
    )
    .min(2),
});
export type IfsVoucherInput = z.infer<typeof ifsVoucherInputSchema>;
export type IfsVoucherRowInput = IfsVoucherInput["rows"][number];
