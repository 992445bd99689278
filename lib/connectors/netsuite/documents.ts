import { z } from "zod";

// The NetSuite documents the source adapter (source.ts) yields. Persisted JSON: SyncRecord.sourcePayload
// of NetSuite records is parsed with these schemas; changing them needs a data migration.

/** A customer as stored in sourcePayload. */
export const netsuiteCustomerDocumentSchema = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  entityId: z.string().nullable(),
  companyName: z.string(),
  email: z.string().nullable(),
  /** the currency's name as NetSuite shows it (an ISO code on most accounts), null when the customer has none */
  currency: z.string().nullable(),
  subsidiary: z.string().nullable(),
  isInactive: z.boolean(),
});
export type NetsuiteCustomerDocument = z.infer<typeof netsuiteCustomerDocumentSchema>;

export const netsuiteInvoiceLineSchema = z.object({
  line: z.number().nullable(),
  /** internal id and item name (`itemId`, the SKU) of the line's item */
  itemId: z.string(),
  itemName: z.string(),
  description: z.string().nullable(),
  quantity: z.number().nullable(),
  rate: z.number().nullable(),
  amount: z.number(),
});
export type NetsuiteInvoiceLine = z.infer<typeof netsuiteInvoiceLineSchema>;

/** An invoice as stored in sourcePayload. */
export const netsuiteInvoiceDocumentSchema = z.object({
  id: z.string(),
  tranId: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  currency: z.string().nullable(),
  subsidiary: z.string().nullable(),
  tranDate: z.string(),
  dueDate: z.string().nullable(),
  memo: z.string().nullable(),
  total: z.number(),
  lines: z.array(netsuiteInvoiceLineSchema),
});
export type NetsuiteInvoiceDocument = z.infer<typeof netsuiteInvoiceDocumentSchema>;
