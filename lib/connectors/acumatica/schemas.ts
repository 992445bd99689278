import { z } from "zod";
import { acumaticaConfig } from "./config";

// Connection settings and secrets are persisted JSON: changing these schemas needs a data migration.

export const acumaticaSettingsSchema = z.object({
  /** pinned contract version of the Default endpoint, e.g. "24.200.001" */
  endpointVersion: z
    .string()
    .regex(/^\d{2}\.\d{3}\.\d{3}$/, "endpoint version looks like 24.200.001")
    .default(acumaticaConfig.defaultEndpointVersion),
  endpointName: z.string().min(1).default(acumaticaConfig.endpointName),
  /** tenant (company) name; appended to the client id as `GUID@Tenant` when the id has no `@` */
  tenant: z.string().min(1).optional(),
  /** branch to act in (`PX-CbApiBranch` header on writes) */
  branch: z.string().min(1).optional(),
  /** shared limits of this connection (all worker processes together) */
  requestsPerMinute: z.number().positive().optional(),
  maxConcurrent: z.number().int().positive().optional(),
  /** header carrying the push notifications' shared secret (webhooks.ts; default X-Acumatica-Push-Secret) */
  pushHeaderName: z.string().min(1).optional(),
});
export type AcumaticaSettings = z.infer<typeof acumaticaSettingsSchema>;

export const acumaticaSecretsSchema = z.object({
  /** Connected Application client id, `GUID@Tenant` (or the GUID with `tenant` in settings) */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  username: z.string().min(1),
  password: z.string().min(1),
  /** shared secret Acumatica's push notifications send in `pushHeaderName`; without it notifications are refused */
  pushSecret: z.string().min(1).optional(),
});
export type AcumaticaSecrets = z.infer<typeof acumaticaSecretsSchema>;

export const acumaticaTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

export const acumaticaTokenErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** ASP.NET error body of 4xx/5xx answers. */
export const acumaticaErrorBodySchema = z.object({
  message: z.string().optional(),
  exceptionMessage: z.string().nullish(),
  exceptionType: z.string().nullish(),
  messageDetail: z.string().optional(),
  modelState: z.record(z.string(), z.array(z.string())).optional(),
});

/** `GET {instance}/entity`: the instance's build and contract endpoints. */
export const acumaticaEndpointsSchema = z.object({
  version: z.looseObject({ acumaticaBuildVersion: z.string().optional() }).optional(),
  endpoints: z.array(z.object({ name: z.string(), version: z.string(), href: z.string().optional() })),
});

// Entity shapes AFTER unwrapping (values.ts); unknown keys are kept for the audit payload.

const str = z.string();
const num = z.number();

export const acumaticaCustomerSchema = z.looseObject({
  id: str,
  CustomerID: str,
  CustomerName: str.nullish(),
  Status: str.nullish(),
  CurrencyID: str.nullish(),
  CustomerClass: str.nullish(),
  /** "Account Ref #": the connector keeps the Zuora account id there and checks it */
  AccountRef: str.nullish(),
  TaxZone: str.nullish(),
  LastModifiedDateTime: str.nullish(),
});
export type AcumaticaCustomer = z.infer<typeof acumaticaCustomerSchema>;

export const acumaticaInvoiceSchema = z.looseObject({
  id: str,
  Type: str,
  ReferenceNbr: str.nullish(),
  Customer: str.nullish(),
  CustomerOrder: str.nullish(),
  Status: str.nullish(),
  Amount: num.nullish(),
  Balance: num.nullish(),
  Date: str.nullish(),
  LastModifiedDateTime: str.nullish(),
});
export type AcumaticaInvoice = z.infer<typeof acumaticaInvoiceSchema>;

export const acumaticaPaymentSchema = z.looseObject({
  id: str,
  Type: str,
  ReferenceNbr: str.nullish(),
  CustomerID: str.nullish(),
  ExternalRef: str.nullish(),
  Status: str.nullish(),
  PaymentAmount: num.nullish(),
  AvailableBalance: num.nullish(),
  CurrencyID: str.nullish(),
  LastModifiedDateTime: str.nullish(),
});
export type AcumaticaPayment = z.infer<typeof acumaticaPaymentSchema>;

export const acumaticaJournalTransactionSchema = z.looseObject({
  id: str,
  Module: str.nullish(),
  BatchNbr: str.nullish(),
  Description: str.nullish(),
  Status: str.nullish(),
  LastModifiedDateTime: str.nullish(),
});
export type AcumaticaJournalTransaction = z.infer<typeof acumaticaJournalTransactionSchema>;

/** A financial year (GL201000) with its periods (`$expand=Details`). */
export const acumaticaFinancialYearSchema = z.looseObject({
  id: str,
  FinancialYear: str,
  Details: z
    .array(
      z.looseObject({
        FinancialPeriodID: str,
        StartDate: str.nullish(),
        EndDate: str.nullish(),
        Status: str.nullish(),
        ClosedInAR: z.boolean().nullish(),
      }),
    )
    .nullish(),
});
export type AcumaticaFinancialYear = z.infer<typeof acumaticaFinancialYearSchema>;

/** Any entity with an id (generic reads). */
export const acumaticaRecordSchema = z.looseObject({ id: str });
