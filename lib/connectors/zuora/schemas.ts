import { z } from "zod";
import { schemaPerInput } from "../common/schema-per-input";

// Connection settings and secrets are persisted JSON: changing these schemas needs a data migration.

export const ZUORA_HMAC_ALGORITHMS = ["MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"] as const;

/** How the tenant's callout template signs requests (Zuora callout template "HMAC" options). */
export const zuoraCalloutSettingsSchema = z.object({
  /** header carrying the signature (template field `hmacKey`) */
  headerName: z.string().min(1).default("X-Zuora-Signature"),
  algorithm: z.enum(ZUORA_HMAC_ALGORITHMS).default("SHA-256"),
  encoding: z.enum(["BASE64", "HEX"]).default("BASE64"),
  /** signed data template (`hmacData`): `{{Request.Body}}` and `{{Request.Headers.<Name>}}` are filled in */
  signedData: z.string().min(1).default("{{Request.Body}}"),
  /** header value template (`hmacValue`) around the signature, e.g. `sha256={{Request.HMAC.Signed}}` */
  headerValue: z.string().includes("{{Request.HMAC.Signed}}").default("{{Request.HMAC.Signed}}"),
  /**
   * With a header in `signedData` (e.g. Date), reject callouts whose timestamp in that header is
   * further than this from now: Zuora has no replay protection of its own. Off when absent.
   */
  timestampToleranceSeconds: z.number().int().positive().optional(),
  /** the header holding that timestamp; default: the first header named in `signedData` */
  timestampHeader: z.string().min(1).optional(),
});
export type ZuoraCalloutSettings = z.infer<typeof zuoraCalloutSettingsSchema>;

export const zuoraSettingsSchema = z.object({
  /** `Zuora-Version` minor version sent with every call; default: the tenant's default (186.0) */
  minorVersion: z.string().regex(/^\d+\.\d+$/).optional(),
  /** multi-entity tenants: `Zuora-Entity-Ids` */
  entityId: z.string().min(1).optional(),
  callout: zuoraCalloutSettingsSchema.default(zuoraCalloutSettingsSchema.parse({})),
  /** shared limits of this connection (all worker processes together) */
  requestsPerSecond: z.number().positive().optional(),
  maxConcurrent: z.number().int().positive().optional(),
});
export type ZuoraSettings = z.infer<typeof zuoraSettingsSchema>;

export const zuoraSecretsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** HMAC secret of the callout template; without it callouts are accepted unsigned (ids only) */
  calloutHmacSecret: z.string().min(1).optional(),
});
export type ZuoraSecrets = z.infer<typeof zuoraSecretsSchema>;

export const zuoraTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string().optional(),
});

/** v1 failure body, also used by 4xx answers; `Success`/`Errors` is the Actions/CRUD spelling. */
export const zuoraErrorBodySchema = z.object({
  success: z.boolean().optional(),
  Success: z.boolean().optional(),
  processId: z.string().optional(),
  reasons: z.array(z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string() })).optional(),
  Errors: z.array(z.object({ Code: z.string().optional(), Message: z.string() })).optional(),
  message: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

const money = z.number();
const text = z.string();

// Records keep unknown keys (custom fields `*__c` are mapping sources and belong in the audit payload).

export const zuoraAccountSchema = z.looseObject({
  basicInfo: z.looseObject({
    id: text,
    accountNumber: text,
    name: text,
    status: text.optional(),
    crmId: text.nullish(),
  }),
  billingAndPayment: z.looseObject({ currency: text, paymentTerm: text.nullish() }).optional(),
  billToContact: z
    .looseObject({ firstName: text.nullish(), lastName: text.nullish(), workEmail: text.nullish(), country: text.nullish() })
    .nullish(),
  metrics: z.looseObject({ balance: money.nullish() }).optional(),
});
export type ZuoraAccount = z.infer<typeof zuoraAccountSchema>;

export const zuoraInvoiceSchema = z.looseObject({
  id: text,
  invoiceNumber: text,
  accountId: text,
  status: text,
  amount: money,
  amountWithoutTax: money.optional(),
  taxAmount: money.optional(),
  balance: money.optional(),
  currency: text.optional(),
  invoiceDate: text,
  dueDate: text.nullish(),
  postedDate: text.nullish(),
  updatedDate: text.optional(),
});
export type ZuoraInvoice = z.infer<typeof zuoraInvoiceSchema>;

export const zuoraInvoiceItemSchema = z.looseObject({
  id: text,
  chargeAmount: money,
  chargeName: text.nullish(),
  chargeDescription: text.nullish(),
  description: text.nullish(),
  productName: text.nullish(),
  quantity: z.number().nullish(),
  unitPrice: z.number().nullish(),
  taxAmount: money.nullish(),
  serviceStartDate: text.nullish(),
  serviceEndDate: text.nullish(),
  accountingCode: text.nullish(),
});
export type ZuoraInvoiceItem = z.infer<typeof zuoraInvoiceItemSchema>;

export const zuoraInvoiceItemsPageSchema = z.object({
  invoiceItems: z.array(zuoraInvoiceItemSchema),
  nextPage: z.string().nullish(),
});

export const zuoraPaymentSchema = z.looseObject({
  id: text,
  number: text,
  accountId: text,
  accountNumber: text.nullish(),
  amount: money,
  appliedAmount: money.nullish(),
  unappliedAmount: money.nullish(),
  currency: text,
  effectiveDate: text,
  status: text,
  type: text,
  updatedDate: text.optional(),
});
export type ZuoraPayment = z.infer<typeof zuoraPaymentSchema>;

export const zuoraCreditMemoSchema = z.looseObject({
  id: text,
  number: text,
  accountId: text,
  accountNumber: text.nullish(),
  amount: money,
  taxAmount: money.nullish(),
  currency: text.optional(),
  creditMemoDate: text,
  status: text,
  appliedAmount: money.nullish(),
  referredInvoiceId: text.nullish(),
  reasonCode: text.nullish(),
  updatedDate: text.optional(),
});
export type ZuoraCreditMemo = z.infer<typeof zuoraCreditMemoSchema>;

/**
 * One part of a payment (`GET /v1/payments/{key}/parts`, Invoice Settlement): applied to an invoice
 * (`invoiceId`) or a debit memo (`debitMemoId`), or the unapplied rest (neither).
 */
export const zuoraPaymentPartSchema = z.looseObject({
  id: text,
  invoiceId: text.nullish(),
  debitMemoId: text.nullish(),
  amount: money,
});
export type ZuoraPaymentPart = z.infer<typeof zuoraPaymentPartSchema>;

export const zuoraPaymentPartsPageSchema = z.object({ parts: z.array(zuoraPaymentPartSchema), nextPage: z.string().nullish() });

/** A credit memo item (`GET /v1/creditmemos/{key}/items`): names only the SKU; `sourceItemId` is the credited invoice item. */
export const zuoraCreditMemoItemSchema = z.looseObject({
  id: text,
  amount: money,
  amountWithoutTax: money.nullish(),
  skuName: text.nullish(),
  sourceItemId: text.nullish(),
  sourceItemType: text.nullish(),
  financeInformation: z.looseObject({ revenueAccountingCode: text.nullish() }).nullish(),
});
export type ZuoraCreditMemoItem = z.infer<typeof zuoraCreditMemoItemSchema>;

export const zuoraCreditMemoItemsPageSchema = z.object({ items: z.array(zuoraCreditMemoItemSchema), nextPage: z.string().nullish() });

// Object Query spells fields differently from v1 GETs (paymentNumber, memoNumber, totalAmount ...).

const objectQueryBase = { id: text, updatedDate: text };

/** An invoice item as Object Query lists or expands it (`expand[]=invoiceitems`): no product name, only `productId`. */
export const zuoraQueryInvoiceItemSchema = z.looseObject({
  id: text,
  invoiceId: text.nullish(),
  chargeAmount: money,
  chargeName: text.nullish(),
  description: text.nullish(),
  quantity: z.number().nullish(),
  taxAmount: money.nullish(),
  accountingCode: text.nullish(),
  productId: text.nullish(),
});
export type ZuoraQueryInvoiceItem = z.infer<typeof zuoraQueryInvoiceItemSchema>;

/** The bill-to contact as Object Query's `expand[]=billto` embeds it in an account (`billTo`, Object Query spelling: `postalCode`). */
export const zuoraQueryContactSchema = z.looseObject({
  id: text,
  firstName: text.nullish(),
  lastName: text.nullish(),
  workEmail: text.nullish(),
  workPhone: text.nullish(),
  address1: text.nullish(),
  address2: text.nullish(),
  city: text.nullish(),
  state: text.nullish(),
  postalCode: text.nullish(),
  country: text.nullish(),
});
export type ZuoraQueryContact = z.infer<typeof zuoraQueryContactSchema>;

export const zuoraQueryAccountSchema = z.looseObject({
  ...objectQueryBase,
  accountNumber: text,
  name: text.optional(),
  currency: text.optional(),
  status: text.optional(),
  billTo: zuoraQueryContactSchema.nullish(),
});

/** The billing account as `expand[]=account` embeds it (null when the record has none). */
const expandedAccount = { account: zuoraQueryAccountSchema.nullish() };

export const zuoraQueryInvoiceSchema = z.looseObject({
  ...objectQueryBase,
  invoiceNumber: text,
  accountId: text,
  status: text,
  amount: money.optional(),
  balance: money.optional(),
  currency: text.optional(),
  invoiceDate: text.optional(),
  taxAmount: money.optional(),
  dueDate: text.nullish(),
  /** present with `expand[]=invoiceitems` (truncated at pageSize) */
  invoiceItems: z.array(zuoraQueryInvoiceItemSchema).optional(),
  ...expandedAccount,
});
export const zuoraQueryPaymentSchema = z.looseObject({
  ...objectQueryBase,
  paymentNumber: text,
  accountId: text.nullish(),
  status: text.optional(),
  type: text.optional(),
  amount: money.optional(),
  unappliedAmount: money.nullish(),
  currency: text.optional(),
  effectiveDate: text.optional(),
  ...expandedAccount,
});
export const zuoraQueryCreditMemoSchema = z.looseObject({
  ...objectQueryBase,
  memoNumber: text,
  accountId: text,
  status: text.optional(),
  totalAmount: money.optional(),
  currency: text.optional(),
  memoDate: text.optional(),
  taxAmount: money.nullish(),
  /** the invoice the memo credits (v1: `referredInvoiceId`) */
  invoiceId: text.nullish(),
  appliedAmount: money.nullish(),
  unappliedAmount: money.nullish(),
  reasonCode: text.nullish(),
  ...expandedAccount,
});

/**
 * A refund (`GET /object-query/refunds`, Zuora's ExpandedRefund) with `expand[]=refundapplications`:
 * each application names the payment or credit memo the money came from and how much.
 */
export const zuoraQueryRefundSchema = z.looseObject({
  ...objectQueryBase,
  refundNumber: text,
  accountId: text.nullish(),
  amount: money.optional(),
  currency: text.nullish(),
  type: text.optional(),
  methodType: text.nullish(),
  status: text.optional(),
  refundDate: text.optional(),
  reasonCode: text.nullish(),
  sourceType: text.nullish(),
  refundApplications: z.array(z.looseObject({ paymentId: text.nullish(), creditMemoId: text.nullish(), applyAmount: money })).optional(),
  ...expandedAccount,
});

/** A debit memo (`GET /object-query/debit-memos`, ExpandedDebitMemo) with `expand[]=debitmemoitems`. */
export const zuoraQueryDebitMemoSchema = z.looseObject({
  ...objectQueryBase,
  memoNumber: text,
  accountId: text,
  status: text.optional(),
  currency: text.nullish(),
  totalAmount: money.optional(),
  taxAmount: money.nullish(),
  balance: money.nullish(),
  memoDate: text.optional(),
  dueDate: text.nullish(),
  reasonCode: text.nullish(),
  invoiceId: text.nullish(),
  debitMemoItems: z
    .array(
      z.looseObject({
        id: text,
        amount: money,
        amountWithoutTax: money.nullish(),
        taxAmount: money.nullish(),
        chargeName: text.nullish(),
        productName: text.nullish(),
        sku: text.nullish(),
        description: text.nullish(),
        accountingCode: text.nullish(),
      }),
    )
    .optional(),
  ...expandedAccount,
});

/** An invoice item adjustment (`GET /object-query/invoice-item-adjustments`): a credit or charge on one invoice item. */
export const zuoraQueryAdjustmentSchema = z.looseObject({
  ...objectQueryBase,
  adjustmentNumber: text,
  accountId: text,
  invoiceId: text.nullish(),
  sourceId: text.nullish(),
  type: text.optional(),
  amount: money.optional(),
  adjustmentDate: text.optional(),
  reasonCode: text.nullish(),
  accountingCode: text.nullish(),
  status: text.optional(),
  ...expandedAccount,
});

export type ZuoraQueryRecord = {
  invoices: z.infer<typeof zuoraQueryInvoiceSchema>;
  payments: z.infer<typeof zuoraQueryPaymentSchema>;
  "credit-memos": z.infer<typeof zuoraQueryCreditMemoSchema>;
  accounts: z.infer<typeof zuoraQueryAccountSchema>;
  refunds: z.infer<typeof zuoraQueryRefundSchema>;
  "debit-memos": z.infer<typeof zuoraQueryDebitMemoSchema>;
  "invoice-item-adjustments": z.infer<typeof zuoraQueryAdjustmentSchema>;
};

export const zuoraQueryRecordSchemas: { [K in keyof ZuoraQueryRecord]: z.ZodType<ZuoraQueryRecord[K]> } = {
  invoices: zuoraQueryInvoiceSchema,
  payments: zuoraQueryPaymentSchema,
  "credit-memos": zuoraQueryCreditMemoSchema,
  accounts: zuoraQueryAccountSchema,
  refunds: zuoraQueryRefundSchema,
  "debit-memos": zuoraQueryDebitMemoSchema,
  "invoice-item-adjustments": zuoraQueryAdjustmentSchema,
};

/**
 * A payment application (`GET /object-query/payment-applications`, Invoice Settlement): the part of a
 * payment applied to one invoice (`invoiceId`) or debit memo (`debitMemoId`), `applyAmount` applied.
 */
export const zuoraQueryPaymentApplicationSchema = z.looseObject({
  id: text,
  paymentId: text,
  invoiceId: text.nullish(),
  debitMemoId: text.nullish(),
  applyAmount: money,
});
export type ZuoraQueryPaymentApplication = z.infer<typeof zuoraQueryPaymentApplicationSchema>;

/** A catalogue product (`GET /object-query/products`). */
export const zuoraQueryProductSchema = z.looseObject({ id: text, name: text });
export type ZuoraQueryProduct = z.infer<typeof zuoraQueryProductSchema>;

/** A page of Object Query records checked with `record` (one schema per record schema). */
export const zuoraQueryPageSchema = schemaPerInput(<T extends z.ZodType>(record: T) => z.object({ data: z.array(record), nextPage: z.string().nullish() }));
