import { z } from "zod";

// The Zuora documents the source adapter (source.ts) yields, normalised so that a listing and a
// fetch of the same record give equal payloads. Persisted JSON: SyncRecord.sourcePayload of Zuora
// records is parsed with these schemas; changing them needs a data migration.

const money = z.number();

/** An account's bill-to contact as stored in sourcePayload (absent values null). */
export const zuoraContactDocumentSchema = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  workEmail: z.string().nullable(),
  workPhone: z.string().nullable(),
  address1: z.string().nullable(),
  address2: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
});
export type ZuoraContactDocument = z.infer<typeof zuoraContactDocumentSchema>;

/** A billing account as stored in sourcePayload (`billTo` absent in payloads stored before it was read). */
export const zuoraAccountDocumentSchema = z.object({
  id: z.string(),
  accountNumber: z.string(),
  name: z.string(),
  currency: z.string(),
  status: z.string().nullish(),
  email: z.string().nullish(),
  paymentTerm: z.string().nullish(),
  billTo: zuoraContactDocumentSchema.nullish(),
});
export type ZuoraAccountDocument = z.infer<typeof zuoraAccountDocumentSchema>;

/** An account as other documents reference it. */
export const zuoraAccountRefSchema = z.object({ id: z.string(), accountNumber: z.string(), name: z.string().nullish() });
export type ZuoraAccountRef = z.infer<typeof zuoraAccountRefSchema>;

export const zuoraDocumentLineSchema = z.object({
  id: z.string(),
  chargeName: z.string().nullish(),
  productName: z.string().nullish(),
  accountingCode: z.string().nullish(),
  description: z.string().nullish(),
  quantity: z.number().nullish(),
  amount: money,
  taxAmount: money.nullish(),
});
export type ZuoraDocumentLine = z.infer<typeof zuoraDocumentLineSchema>;

/** Which field of a document line names its GL mapping: product, charge or Zuora accounting code. */
export type ZuoraLineGlKey = "product" | "charge" | "account";

/** The GL mapping key of a line (trimmed), or null when the chosen field is blank. */
export const glKeyOf = (line: ZuoraDocumentLine, key: ZuoraLineGlKey): string | null => {
  const raw = key === "product" ? line.productName : key === "charge" ? line.chargeName : line.accountingCode;
  const trimmed = raw?.trim();
  return trimmed ? trimmed : null;
};

export const zuoraInvoiceDocumentSchema = z.object({
  id: z.string(),
  invoiceNumber: z.string(),
  account: zuoraAccountRefSchema,
  status: z.string(),
  currency: z.string(),
  amount: money,
  taxAmount: money.nullish(),
  balance: money.nullish(),
  invoiceDate: z.string(),
  dueDate: z.string().nullish(),
  lines: z.array(zuoraDocumentLineSchema),
});
export type ZuoraInvoiceDocument = z.infer<typeof zuoraInvoiceDocumentSchema>;

export const zuoraPaymentDocumentSchema = z.object({
  id: z.string(),
  number: z.string(),
  account: zuoraAccountRefSchema,
  type: z.string(),
  status: z.string(),
  currency: z.string(),
  amount: money,
  effectiveDate: z.string(),
  /** the invoices this payment is applied to */
  applications: z.array(z.object({ invoiceId: z.string(), invoiceNumber: z.string().nullish(), amount: money })),
});
export type ZuoraPaymentDocument = z.infer<typeof zuoraPaymentDocumentSchema>;

export const zuoraCreditMemoDocumentSchema = z.object({
  id: z.string(),
  number: z.string(),
  account: zuoraAccountRefSchema,
  status: z.string(),
  currency: z.string(),
  amount: money,
  memoDate: z.string(),
  referredInvoiceId: z.string().nullish(),
  /** how much of the memo Zuora applied (to `referredInvoiceId`); the rest is open on the memo */
  appliedAmount: money.nullish(),
  reasonCode: z.string().nullish(),
  lines: z.array(zuoraDocumentLineSchema),
});
export type ZuoraCreditMemoDocument = z.infer<typeof zuoraCreditMemoDocumentSchema>;


/**
 * A refund as stored in sourcePayload: money paid back to the customer out of a payment's unapplied
 * amount (`paymentId`) or a credit memo (`creditMemoId`).
 */
export const zuoraRefundDocumentSchema = z.object({
  id: z.string(),
  number: z.string(),
  account: zuoraAccountRefSchema,
  type: z.string(),
  methodType: z.string().nullish(),
  status: z.string(),
  currency: z.string(),
  amount: money,
  refundDate: z.string(),
  reasonCode: z.string().nullish(),
  /** what the refund took from which payment or credit memo */
  sources: z.array(z.object({ paymentId: z.string().nullish(), creditMemoId: z.string().nullish(), amount: money })),
});
export type ZuoraRefundDocument = z.infer<typeof zuoraRefundDocumentSchema>;

/** A posted debit memo as stored in sourcePayload: charged to the account like an invoice, line by line. */
export const zuoraDebitMemoDocumentSchema = z.object({
  id: z.string(),
  number: z.string(),
  account: zuoraAccountRefSchema,
  status: z.string(),
  currency: z.string(),
  amount: money,
  memoDate: z.string(),
  referredInvoiceId: z.string().nullish(),
  reasonCode: z.string().nullish(),
  lines: z.array(zuoraDocumentLineSchema),
});
export type ZuoraDebitMemoDocument = z.infer<typeof zuoraDebitMemoDocumentSchema>;

/**
 * An invoice item adjustment as stored in sourcePayload: `type` Credit lowers what the customer owes,
 * Charge raises it, on the adjusted item's accounting code.
 */
export const zuoraInvoiceAdjustmentDocumentSchema = z.object({
  id: z.string(),
  number: z.string(),
  account: zuoraAccountRefSchema,
  invoiceId: z.string().nullish(),
  type: z.string(),
  status: z.string(),
  currency: z.string(),
  amount: money,
  adjustmentDate: z.string(),
  reasonCode: z.string().nullish(),
  accountingCode: z.string().nullish(),
});
export type ZuoraInvoiceAdjustmentDocument = z.infer<typeof zuoraInvoiceAdjustmentDocumentSchema>;
