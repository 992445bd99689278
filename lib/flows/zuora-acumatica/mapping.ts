import { z } from "zod";
import type { ArDocumentInput, ArDocumentLine, CustomerInput, JournalTransactionInput, PaymentInput } from "../../connectors/acumatica/client";
import type { ZuoraAccountDocument, ZuoraAccountRef, ZuoraCreditMemoDocument, ZuoraDocumentLine, ZuoraInvoiceDocument, ZuoraPaymentDocument } from "../../connectors/zuora/documents";
import { createMappingContext, type MappingResult } from "../../mapping/create-mapping-context";
import { deriveCustomerId } from "../../mapping/derive-customer-id";
import type { MissingKey } from "../../mapping/missing-key";
import type { ValueMapIndex } from "../../mapping/value-map-index";

// Persisted JSON: Flow.settings of "zuora-acumatica" flows is parsed with this schema. Changing it
// needs a data migration. The source payloads are Zuora documents (lib/connectors/zuora/documents.ts).

/** Settings of a Zuora -> Acumatica flow (Flow.settings). */
export const zuoraAcumaticaSettingsSchema = z.object({
  /** create an Acumatica customer for a billing account with no "customer" value map */
  createCustomers: z.boolean().default(true),
  /**
   * before creating a customer for an account with no "customer" value map, look for an Acumatica
   * customer whose CustomerID is the Zuora account number and use it (the map is written on post)
   */
  matchExistingCustomers: z.boolean().default(true),
  /** prefix of created CustomerIDs: prefix + Zuora account number */
  customerIdPrefix: z.string().regex(/^[A-Z0-9]{0,4}$/).default("Z"),
  /** customer class of created customers (Acumatica default when absent) */
  customerClass: z.string().min(1).optional(),
  /** which invoice-line field keys the "gl-account" value maps: product name, charge name or Zuora accounting code */
  glAccountKey: z.enum(["product", "charge", "account"]).default("charge"),
  /** the tenant has Invoice Settlement: credit memos are posted (otherwise skipped with that reason) */
  invoiceSettlement: z.boolean().default(true),
  /** also post a GL journal transaction for each invoice (debit `journalArAccount`, credit the revenue lines) */
  postJournal: z.boolean().default(false),
  journalArAccount: z.string().min(1).optional(),
  /** Acumatica payment method and cash account of posted payments, per Zuora payment type */
  paymentMethod: z.string().min(1).default("CHECK"),
  electronicPaymentMethod: z.string().min(1).optional(),
  cashAccount: z.string().min(1).optional(),
  /** post external (manual) payments; off: recorded as skipped */
  postExternalPayments: z.boolean().default(true),
  /**
   * Object Query page size (1..99; 99 as in Zuora's own polling recipe: half the listing calls of 50,
   * and invoice items expanded up to 99 per invoice before one is fetched on its own) and pages per poll job
   */
  pollPageSize: z.number().int().min(1).max(99).default(99),
  pollPagesPerJob: z.number().int().min(1).max(100).default(10),
  /** re-read this far behind the high-water mark (clock skew, equal timestamps) */
  pollOverlapSeconds: z.number().int().min(0).max(86_400).default(300),
});
export type ZuoraAcumaticaSettings = z.infer<typeof zuoraAcumaticaSettingsSchema>;

/** The customer a document posts to, with its Acumatica currency. */
export type ResolvedCustomer = { customerId: string; currency: string | null };

/** The source key of a line's GL account, as chosen by `glAccountKey`. */
export const glKeyOf = (line: ZuoraDocumentLine, key: ZuoraAcumaticaSettings["glAccountKey"]): string | null => {
  const raw = key === "product" ? line.productName : key === "charge" ? line.chargeName : line.accountingCode;
  const trimmed = raw?.trim();
  return trimmed ? trimmed : null;
};

/** Value-map key of the GL account that takes an invoice's tax total. */
export const TAX_GL_KEY = "Tax";

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Acumatica documents as the connector's create functions take them (it wraps values, sets natural-key fields). */
export type AcumaticaCustomerDoc = CustomerInput & { currencyId: string };
export type AcumaticaArDoc = ArDocumentInput;
export type AcumaticaPaymentDoc = PaymentInput;
export type AcumaticaJournalDoc = JournalTransactionInput;
type AcumaticaLine = ArDocumentLine;

/**
 * Billing account -> Acumatica customer, used when `createCustomers` is on: the CustomerID is the
 * "customer" value map of the account number when one exists, else derived deterministically.
 */
export const mapAccountToCustomer = ({
  account,
  maps,
  settings,
}: {
  account: ZuoraAccountDocument;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
}): MappingResult<AcumaticaCustomerDoc> => {
  const ctx = createMappingContext(maps);
  const customerId = maps.get("customer")?.get(account.accountNumber) ?? deriveCustomerId({ prefix: settings.customerIdPrefix, accountNumber: account.accountNumber });
  if (!account.name.trim()) ctx.invalid("name", `Billing account ${account.accountNumber} has no name`);
  if (!/^[A-Z]{3}$/.test(account.currency)) ctx.invalid("currency", `Billing account ${account.accountNumber} has no valid currency ("${account.currency}")`);
  return ctx.finish(() => ({
    customerId,
    name: account.name.trim().slice(0, 255),
    currencyId: account.currency,
    ...(settings.customerClass ? { customerClass: settings.customerClass } : {}),
    ...(account.email ? { email: account.email } : {}),
  }));
};

/**
 * The customer key a document needs: the "customer" value map of its account number. With
 * `createCustomers` on, a missing one is a dependency (the account posts first and writes the map);
 * otherwise a mapping the admin must add.
 */
export const customerKeyOf = (account: ZuoraAccountRef, settings: ZuoraAcumaticaSettings): MissingKey =>
  settings.createCustomers
    ? { kind: "customer", sourceKey: account.accountNumber, label: account.name ?? account.accountNumber, dependency: true }
    : { kind: "customer", sourceKey: account.accountNumber, label: account.name ?? account.accountNumber };

const mapLines = (
  ctx: ReturnType<typeof createMappingContext>,
  lines: ZuoraDocumentLine[],
  taxTotal: number,
  settings: ZuoraAcumaticaSettings,
  what: string,
): (() => AcumaticaLine[]) => {
  const accounts = lines.map((line) => {
    const key = glKeyOf(line, settings.glAccountKey);
    if (key === null) {
      ctx.invalid(`lines.${line.id}`, `${what} line ${line.id} has no ${settings.glAccountKey} name to choose its GL account`);
      return undefined;
    }
    return ctx.lookup("gl-account", key, settings.glAccountKey);
  });
  const taxAccount = taxTotal !== 0 ? ctx.lookup("gl-account", TAX_GL_KEY, "tax") : undefined;
  // Quantity 1 at the line amount: Zuora's amount already carries proration and discounts.
  return () => [
    ...lines.map((line, i) => ({
      description: (line.description || line.chargeName || line.productName || `Line ${i + 1}`).slice(0, 255),
      quantity: 1,
      unitPrice: round2(line.amount),
      account: accounts[i]!,
    })),
    ...(taxTotal !== 0 ? [{ description: "Tax", quantity: 1, unitPrice: round2(taxTotal), account: taxAccount! }] : []),
  ];
};

const checkCurrency = (ctx: ReturnType<typeof createMappingContext>, currency: string, customer: ResolvedCustomer | null, what: string) => {
  if (customer?.currency && customer.currency !== currency) {
    ctx.invalid("currency", `${what} is in ${currency} but Acumatica customer ${customer.customerId} uses ${customer.currency}`);
  }
};

/** Posted invoice -> Acumatica AR invoice; every line on a mapped GL account, tax on the "Tax" account. */
export const mapInvoice = ({
  invoice,
  customer,
  maps,
  settings,
}: {
  invoice: ZuoraInvoiceDocument;
  /** null when the customer is not resolved yet (its key is then reported missing) */
  customer: ResolvedCustomer | null;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
}): MappingResult<AcumaticaArDoc> => {
  const ctx = createMappingContext(maps);
  if (!customer) ctx.require(customerKeyOf(invoice.account, settings));
  if (invoice.lines.length === 0) ctx.invalid("lines", `Invoice ${invoice.invoiceNumber} has no lines`);
  const taxTotal = round2(invoice.lines.reduce((sum, l) => sum + (l.taxAmount ?? 0), 0));
  const lines = mapLines(ctx, invoice.lines, taxTotal, settings, `Invoice ${invoice.invoiceNumber}`);
  checkCurrency(ctx, invoice.currency, customer, `Invoice ${invoice.invoiceNumber}`);
  const total = round2(invoice.lines.reduce((sum, l) => sum + l.amount, 0) + taxTotal);
  if (Math.abs(total - invoice.amount) > 0.005) {
    ctx.invalid("amount", `Invoice ${invoice.invoiceNumber} lines add up to ${total} but the invoice amount is ${invoice.amount}`);
  }
  return ctx.finish(() => ({
    customerId: customer!.customerId,
    externalRef: invoice.invoiceNumber,
    date: invoice.invoiceDate,
    ...(invoice.dueDate ? { dueDate: invoice.dueDate } : {}),
    description: `Zuora invoice ${invoice.invoiceNumber}`,
    hold: false,
    lines: lines(),
  }));
};

/** Credit memo -> Acumatica credit memo (AR Invoice entity, Type "Credit Memo"). */
export const mapCreditMemo = ({
  memo,
  customer,
  maps,
  settings,
}: {
  memo: ZuoraCreditMemoDocument;
  customer: ResolvedCustomer | null;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
}): MappingResult<AcumaticaArDoc> => {
  const ctx = createMappingContext(maps);
  if (!customer) ctx.require(customerKeyOf(memo.account, settings));
  if (memo.lines.length === 0) ctx.invalid("lines", `Credit memo ${memo.number} has no lines`);
  const taxTotal = round2(memo.lines.reduce((sum, l) => sum + (l.taxAmount ?? 0), 0));
  const lines = mapLines(ctx, memo.lines, taxTotal, settings, `Credit memo ${memo.number}`);
  checkCurrency(ctx, memo.currency, customer, `Credit memo ${memo.number}`);
  return ctx.finish(() => ({
    customerId: customer!.customerId,
    externalRef: memo.number,
    date: memo.memoDate,
    description: `Zuora credit memo ${memo.number}${memo.reasonCode ? ` (${memo.reasonCode})` : ""}`,
    hold: false,
    lines: lines(),
  }));
};

/**
 * Payment -> Acumatica payment applied to the AR invoices its Zuora applications name. An invoice
 * not posted yet is a dependency: the payment waits for it.
 */
export const mapPayment = ({
  payment,
  customer,
  invoiceRefs,
  maps,
  settings,
}: {
  payment: ZuoraPaymentDocument;
  customer: ResolvedCustomer | null;
  /** Acumatica ReferenceNbr of each posted invoice, by Zuora invoice id */
  invoiceRefs: ReadonlyMap<string, string>;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
}): MappingResult<AcumaticaPaymentDoc> => {
  const ctx = createMappingContext(maps);
  if (!customer) ctx.require(customerKeyOf(payment.account, settings));
  for (const app of payment.applications) {
    if (!invoiceRefs.has(app.invoiceId)) ctx.require({ kind: "invoice", sourceKey: app.invoiceId, label: app.invoiceNumber ?? app.invoiceId, dependency: true });
  }
  checkCurrency(ctx, payment.currency, customer, `Payment ${payment.number}`);
  const applied = round2(payment.applications.reduce((s, a) => s + a.amount, 0));
  if (applied - payment.amount > 0.005) ctx.invalid("applications", `Payment ${payment.number} applies ${applied}, more than its amount ${payment.amount}`);
  const method = payment.type === "Electronic" ? (settings.electronicPaymentMethod ?? settings.paymentMethod) : settings.paymentMethod;
  return ctx.finish(() => ({
    customerId: customer!.customerId,
    externalRef: payment.number,
    applicationDate: payment.effectiveDate,
    amount: round2(payment.amount),
    paymentMethod: method,
    ...(settings.cashAccount ? { cashAccount: settings.cashAccount } : {}),
    currencyId: payment.currency,
    paymentRef: payment.number,
    description: `Zuora ${payment.type.toLowerCase()} payment ${payment.number}`,
    hold: false,
    applyTo: payment.applications.map((a) => ({ docType: "Invoice" as const, referenceNbr: invoiceRefs.get(a.invoiceId)!, amountPaid: round2(a.amount) })),
  }));
};

/** Natural key (Description) of the journal transaction posted for an invoice. */
export const journalKeyOf = (invoiceNumber: string) => `Zuora ${invoiceNumber} revenue`;

/** The GL journal of a mapped invoice: debit the AR account with the total, credit each line's account. */
export const mapJournal = ({
  invoice,
  mapped,
  settings,
}: {
  invoice: ZuoraInvoiceDocument;
  mapped: AcumaticaArDoc;
  settings: ZuoraAcumaticaSettings;
}): MappingResult<AcumaticaJournalDoc> => {
  const ctx = createMappingContext(new Map());
  if (!settings.journalArAccount) ctx.invalid("settings.journalArAccount", "postJournal is on but the flow has no journalArAccount");
  const amountOf = (l: AcumaticaLine) => round2((l.quantity ?? 1) * l.unitPrice);
  const total = round2(mapped.lines.reduce((s, l) => s + amountOf(l), 0));
  return ctx.finish(() => ({
    externalRef: journalKeyOf(invoice.invoiceNumber),
    transactionDate: invoice.invoiceDate,
    currencyId: invoice.currency,
    hold: false,
    lines: [
      { account: settings.journalArAccount!, debit: total, credit: 0, description: `AR ${invoice.invoiceNumber}` },
      ...mapped.lines.map((l) => ({ account: l.account, debit: 0, credit: amountOf(l), description: l.description })),
    ],
  }));
};
