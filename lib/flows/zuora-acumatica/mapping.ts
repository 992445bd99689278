import { z } from "zod";
import type { ArDocumentInput, ArDocumentLine, CustomerInput, PaymentInput } from "../../connectors/acumatica/client";
import {
  glKeyOf,
  type ZuoraAccountDocument,
  type ZuoraContactDocument,
  type ZuoraAccountRef,
  type ZuoraCreditMemoDocument,
  type ZuoraDocumentLine,
  type ZuoraInvoiceDocument,
  type ZuoraPaymentDocument,
  type ZuoraRefundDocument,
} from "../../connectors/zuora/documents";
import { createMappingContext, type MappingResult } from "../../mapping/create-mapping-context";
import { deriveCustomerId } from "../../mapping/derive-customer-id";
import type { MissingKey } from "../../mapping/missing-key";
import { toCountryCode } from "../../mapping/to-country-code";
import type { ValueMapIndex } from "../../mapping/value-map-index";

// Persisted JSON: Flow.settings of "zuora-acumatica" flows is parsed with this schema. Changing it
// needs a data migration. The source payloads are Zuora documents (lib/connectors/zuora/documents.ts).

/** An IANA time zone name this runtime knows ("Europe/Berlin", "UTC"). */
/** Time zones this process has checked: the settings are parsed for every record, and building an Intl.DateTimeFormat costs ~1 % of a worker's CPU (bench/README.md). */
const knownTimeZones = new Map<string, boolean>();

const timeZoneName = z.string().refine((tz) => {
  const known = knownTimeZones.get(tz);
  if (known !== undefined) return known;
  let valid = true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    valid = false;
  }
  if (knownTimeZones.size < 1000) knownTimeZones.set(tz, valid);
  return valid;
}, "not a time zone this server knows (an IANA name such as Europe/Berlin)");

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
  /**
   * How tax reaches Acumatica: "zuora" = Zuora's tax amount goes into the document's tax details
   * (TaxID from the "tax" value map by currency, kept as sent); "acumatica" = Acumatica computes it
   * from the customer's tax zone ("tax-zone" value map) and each line's tax category ("tax-category"
   * value map by GL key). Tax is never posted as a document line.
   */
  taxMode: z.enum(["zuora", "acumatica"]).default("zuora"),
  /**
   * The Zuora tenant's time zone (Zuora: Settings > Tenant Profile). Zuora dates are in it; a
   * date-time from Zuora is turned into the date it is in this zone before it reaches Acumatica.
   */
  tenantTimeZone: timeZoneName.default("UTC"),
  /** a document dated in a period closed in Acumatica: held until it opens, or posted into the next open period */
  closedPeriods: z.enum(["hold", "next-open-period"]).default("hold"),
  /** an invoice canceled in Zuora after it posted: reversed in Acumatica, or held for an admin */
  canceledInvoices: z.enum(["reverse", "hold"]).default("reverse"),
  /** a payment canceled in Zuora after it posted: voided in Acumatica (its invoices open again), or held for an admin */
  reversedPayments: z.enum(["void", "hold"]).default("void"),
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

const round2 = (n: number) => Math.round(n * 100) / 100;

const zoneDates = new Map<string, Intl.DateTimeFormat>();
/**
 * The calendar date of a Zuora date or date-time in the tenant's time zone: a plain date
 * ("2026-11-30") is already one; a date-time with an offset or Z is the instant's date in `timeZone`;
 * one without an offset is the tenant's local time, so its date part.
 */
export const tenantDate = (value: string, timeZone: string): string => {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return value.slice(0, 10);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value.slice(0, 10);
  let format = zoneDates.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    zoneDates.set(timeZone, format);
  }
  return format.format(new Date(ms));
};

/** Acumatica's financial period of a date, "MMYYYY" (monthly calendar). */
export const periodOf = (date: string) => `${date.slice(5, 7)}${date.slice(0, 4)}`;

/** Acumatica documents as the connector's create functions take them (it wraps values, sets natural-key fields). */
export type AcumaticaCustomerDoc = CustomerInput & { currencyId: string };
export type AcumaticaArDoc = ArDocumentInput;
export type AcumaticaPaymentDoc = PaymentInput;
type AcumaticaLine = ArDocumentLine;

/**
 * Billing account -> Acumatica customer, used when `createCustomers` is on: the CustomerID is the
 * "customer" value map of the account number when one exists, else derived deterministically. The
 * Zuora account id goes to Account Ref, where the planner checks it on every customer it uses; the
 * tax zone is the "tax-zone" value map of the account's currency, when there is one.
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
  const taxZone = maps.get("tax-zone")?.get(account.currency);
  const contact = account.billTo ? mainContactOf({ contact: account.billTo, accountNumber: account.accountNumber, maps, ctx }) : {};
  return ctx.finish(() => ({
    customerId,
    name: account.name.trim().slice(0, 255),
    currencyId: account.currency,
    accountRef: account.id,
    ...(taxZone ? { taxZone } : {}),
    ...(settings.customerClass ? { customerClass: settings.customerClass } : {}),
    ...(account.email ? { email: account.email } : {}),
    ...contact,
  }));
};

/**
 * The bill-to contact as the customer's MainContact fields: the person's name as Attention, work
 * e-mail and phone, and the address. Absent values are "" so that a value removed in Zuora is cleared
 * in Acumatica. The country is Acumatica's country ID: a "country" value map of Zuora's country name,
 * else its ISO code; a country that is neither is invalid.
 */
const mainContactOf = ({ contact, accountNumber, maps, ctx }: { contact: ZuoraContactDocument; accountNumber: string; maps: ValueMapIndex; ctx: Ctx }) => {
  const text = (v: string | null, max: number) => (v ?? "").trim().slice(0, max);
  const countryName = text(contact.country, 100);
  const country = countryName ? (maps.get("country")?.get(countryName) ?? toCountryCode(countryName)) : "";
  if (country === undefined) ctx.invalid("country", `Billing account ${accountNumber} has a bill-to country Acumatica has no code for ("${countryName}"): add a "country" value map`);
  return {
    attention: [contact.firstName, contact.lastName].map((x) => (x ?? "").trim()).filter(Boolean).join(" ").slice(0, 255),
    email: text(contact.workEmail, 255),
    phone: text(contact.workPhone, 50),
    addressLine1: text(contact.address1, 50),
    addressLine2: text(contact.address2, 50),
    city: text(contact.city, 50),
    state: text(contact.state, 50),
    postalCode: text(contact.postalCode, 20),
    country: country ?? "",
  };
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

type Ctx = ReturnType<typeof createMappingContext>;

/**
 * Document lines on their GL accounts (quantity 1 at the line amount: Zuora's amount already
 * carries proration and discounts), and the tax as the flow's tax mode says: Zuora's total in the
 * tax details (TaxID by currency), or a tax category on each taxed line for Acumatica to compute.
 */
const mapLines = (ctx: Ctx, doc: { lines: ZuoraDocumentLine[]; currency: string }, settings: ZuoraAcumaticaSettings, what: string) => {
  const accounts = doc.lines.map((line) => {
    const key = glKeyOf(line, settings.glAccountKey);
    if (key === null) {
      ctx.invalid(`lines.${line.id}`, `${what} line ${line.id} has no ${settings.glAccountKey} name to choose its GL account`);
      return { key, account: undefined };
    }
    return { key, account: ctx.lookup("gl-account", key, settings.glAccountKey) };
  });
  const taxTotal = round2(doc.lines.reduce((sum, l) => sum + (l.taxAmount ?? 0), 0));
  const taxed = doc.lines.filter((l) => (l.taxAmount ?? 0) !== 0);
  const taxId = settings.taxMode === "zuora" && taxTotal !== 0 ? ctx.lookup("tax", doc.currency, `tax of ${doc.currency} documents`) : undefined;
  const categories = doc.lines.map((line, i) =>
    settings.taxMode === "acumatica" && (line.taxAmount ?? 0) !== 0 && accounts[i]!.key !== null ? ctx.lookup("tax-category", accounts[i]!.key!, "tax category") : undefined,
  );
  const net = round2(doc.lines.reduce((sum, l) => sum + l.amount, 0));
  return {
    net,
    taxTotal,
    build: (): { lines: AcumaticaLine[]; taxDetails?: ArDocumentInput["taxDetails"] } => ({
      lines: doc.lines.map((line, i) => ({
        description: (line.description || line.chargeName || line.productName || `Line ${i + 1}`).slice(0, 255),
        quantity: 1,
        unitPrice: round2(line.amount),
        account: accounts[i]!.account!,
        ...(categories[i] ? { taxCategory: categories[i] } : {}),
      })),
      ...(taxId ? { taxDetails: [{ taxId, taxableAmount: round2(taxed.reduce((s, l) => s + l.amount, 0)), taxAmount: taxTotal }] } : {}),
    }),
  };
};

/** Where a document lands in Acumatica's calendar: its own period, or (closed period, flow setting) the next open one. */
export type PostingPeriod = { postPeriod?: string; note?: string };

const withPeriod = (description: string, date: string, period: PostingPeriod | undefined) =>
  period?.postPeriod ? `${description} (dated ${date}, posted in ${period.postPeriod.slice(0, 2)}-${period.postPeriod.slice(2)}: ${period.note ?? "its period is closed"})` : description;

/** Posted invoice -> Acumatica AR invoice; every line on a mapped GL account, tax as the tax mode says. */
export const mapInvoice = ({
  invoice,
  customer,
  maps,
  settings,
  period,
}: {
  invoice: ZuoraInvoiceDocument;
  /** null when the customer is not resolved yet (its key is then reported missing) */
  customer: ResolvedCustomer | null;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
  period?: PostingPeriod;
}): MappingResult<AcumaticaArDoc> => {
  const ctx = createMappingContext(maps);
  if (!customer) ctx.require(customerKeyOf(invoice.account, settings));
  if (invoice.lines.length === 0) ctx.invalid("lines", `Invoice ${invoice.invoiceNumber} has no lines`);
  const lines = mapLines(ctx, invoice, settings, `Invoice ${invoice.invoiceNumber}`);
  const total = round2(lines.net + lines.taxTotal);
  if (Math.abs(total - invoice.amount) > 0.005) {
    ctx.invalid("amount", `Invoice ${invoice.invoiceNumber} lines add up to ${total} but the invoice amount is ${invoice.amount}`);
  }
  const date = tenantDate(invoice.invoiceDate, settings.tenantTimeZone);
  return ctx.finish(() => ({
    customerId: customer!.customerId,
    externalRef: invoice.invoiceNumber,
    date,
    ...(invoice.dueDate ? { dueDate: tenantDate(invoice.dueDate, settings.tenantTimeZone) } : {}),
    ...(period?.postPeriod ? { postPeriod: period.postPeriod } : {}),
    description: withPeriod(`Zuora invoice ${invoice.invoiceNumber}`, date, period),
    hold: false,
    ...lines.build(),
  }));
};

/**
 * Credit memo -> Acumatica credit memo (AR Invoice entity, Type "Credit Memo"), applied to the
 * invoice it credits for the amount Zuora applied (`invoiceRef`: that invoice's ReferenceNbr); the
 * rest stays open on the memo, as in Zuora.
 */
export const mapCreditMemo = ({
  memo,
  customer,
  invoiceRef,
  maps,
  settings,
  period,
}: {
  memo: ZuoraCreditMemoDocument;
  customer: ResolvedCustomer | null;
  invoiceRef?: string | null;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
  period?: PostingPeriod;
}): MappingResult<AcumaticaArDoc> => {
  const ctx = createMappingContext(maps);
  if (!customer) ctx.require(customerKeyOf(memo.account, settings));
  if (memo.lines.length === 0) ctx.invalid("lines", `Credit memo ${memo.number} has no lines`);
  const lines = mapLines(ctx, memo, settings, `Credit memo ${memo.number}`);
  const applied = round2(memo.appliedAmount ?? 0);
  if (applied > 0 && !invoiceRef) ctx.invalid("appliedAmount", `Credit memo ${memo.number} is applied (${applied}) but names no invoice`);
  if (applied - memo.amount > 0.005) ctx.invalid("appliedAmount", `Credit memo ${memo.number} applies ${applied}, more than its amount ${memo.amount}`);
  const date = tenantDate(memo.memoDate, settings.tenantTimeZone);
  return ctx.finish(() => ({
    customerId: customer!.customerId,
    externalRef: memo.number,
    date,
    ...(period?.postPeriod ? { postPeriod: period.postPeriod } : {}),
    description: withPeriod(`Zuora credit memo ${memo.number}${memo.reasonCode ? ` (${memo.reasonCode})` : ""}`, date, period),
    hold: false,
    ...lines.build(),
    ...(applied > 0 ? { applyTo: [{ docType: "Invoice" as const, referenceNbr: invoiceRef!, amountPaid: applied }] } : {}),
  }));
};

/**
 * Payment -> Acumatica payment applied to the AR invoices its Zuora applications name. An invoice
 * not posted yet is a dependency: the payment waits for it. The cash account is the "cash-account"
 * value map of the payment's currency (a cash account carries its currency in Acumatica), the
 * payment method the "payment-method" value map of the Zuora payment type; either missing holds it.
 */
export const mapPayment = ({
  payment,
  customer,
  invoiceRefs,
  maps,
  settings,
  period,
}: {
  payment: ZuoraPaymentDocument;
  customer: ResolvedCustomer | null;
  /** Acumatica ReferenceNbr of each posted invoice, by Zuora invoice id */
  invoiceRefs: ReadonlyMap<string, string>;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
  period?: PostingPeriod;
}): MappingResult<AcumaticaPaymentDoc> => {
  const ctx = createMappingContext(maps);
  if (!customer) ctx.require(customerKeyOf(payment.account, settings));
  for (const app of payment.applications) {
    if (!invoiceRefs.has(app.invoiceId)) ctx.require({ kind: "invoice", sourceKey: app.invoiceId, label: app.invoiceNumber ?? app.invoiceId, dependency: true });
  }
  const cashAccount = ctx.lookup("cash-account", payment.currency, `cash account for ${payment.currency} payments`);
  const method = ctx.lookup("payment-method", payment.type, `payment method for ${payment.type} payments`);
  const applied = round2(payment.applications.reduce((s, a) => s + a.amount, 0));
  if (applied - payment.amount > 0.005) ctx.invalid("applications", `Payment ${payment.number} applies ${applied}, more than its amount ${payment.amount}`);
  const date = tenantDate(payment.effectiveDate, settings.tenantTimeZone);
  return ctx.finish(() => ({
    customerId: customer!.customerId,
    externalRef: payment.number,
    applicationDate: date,
    amount: round2(payment.amount),
    paymentMethod: method!,
    cashAccount: cashAccount!,
    currencyId: payment.currency,
    paymentRef: payment.number,
    description: withPeriod(`Zuora ${payment.type.toLowerCase()} payment ${payment.number}`, date, period),
    hold: false,
    applyTo: payment.applications.map((a) => ({ docType: "Invoice" as const, referenceNbr: invoiceRefs.get(a.invoiceId)!, amountPaid: round2(a.amount) })),
  }));
};

/**
 * A customer refund (Acumatica Payment entity, Type "Refund"): applied to the Acumatica payments (or
 * credit memos) whose credit it pays back; `externalRef` (the Zuora refund number) goes to ExternalRef.
 */
export type AcumaticaRefundDoc = Omit<PaymentInput, "applyTo"> & { applyTo: { docType: "Payment" | "Credit Memo"; referenceNbr: string; amountPaid: number }[] };

/**
 * Refund -> Acumatica customer refund applied to what Zuora took the money from: the Acumatica payment
 * of each refunded Zuora payment (its unapplied balance, which is what Zuora refunds), or the credit
 * memo. A source not posted yet is a dependency. Cash account by currency and payment method by the
 * refund's type (Electronic / External), as for payments.
 */
export const mapRefund = ({
  refund,
  customer,
  sourceRefs,
  maps,
  settings,
  period,
}: {
  refund: ZuoraRefundDocument;
  customer: ResolvedCustomer | null;
  /** Acumatica document of each refunded Zuora payment or credit memo, by Zuora id */
  sourceRefs: ReadonlyMap<string, { docType: "Payment" | "Credit Memo"; referenceNbr: string }>;
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
  period?: PostingPeriod;
}): MappingResult<AcumaticaRefundDoc> => {
  const ctx = createMappingContext(maps);
  if (!customer) ctx.require(customerKeyOf(refund.account, settings));
  if (refund.sources.length === 0) ctx.invalid("sources", `Refund ${refund.number} names no payment or credit memo it refunds`);
  for (const source of refund.sources) {
    const id = source.paymentId ?? source.creditMemoId;
    if (!id) ctx.invalid("sources", `Refund ${refund.number} has an application without a payment or credit memo`);
    else if (!sourceRefs.has(id)) ctx.require({ kind: source.paymentId ? "payment" : "credit-memo", sourceKey: id, label: id, dependency: true });
  }
  const total = round2(refund.sources.reduce((s, a) => s + a.amount, 0));
  if (Math.abs(total - refund.amount) > 0.005) ctx.invalid("sources", `Refund ${refund.number} applies ${total} but its amount is ${refund.amount}`);
  const cashAccount = ctx.lookup("cash-account", refund.currency, `cash account for ${refund.currency} payments`);
  const method = ctx.lookup("payment-method", refund.type, `payment method for ${refund.type} payments`);
  const date = tenantDate(refund.refundDate, settings.tenantTimeZone);
  return ctx.finish(() => ({
    customerId: customer!.customerId,
    externalRef: refund.number,
    applicationDate: date,
    amount: round2(refund.amount),
    paymentMethod: method!,
    cashAccount: cashAccount!,
    currencyId: refund.currency,
    paymentRef: refund.number,
    description: withPeriod(`Zuora ${refund.type.toLowerCase()} refund ${refund.number}${refund.reasonCode ? ` (${refund.reasonCode})` : ""}`, date, period),
    hold: false,
    applyTo: refund.sources.map((a) => {
      const ref = sourceRefs.get((a.paymentId ?? a.creditMemoId)!)!;
      return { docType: ref.docType, referenceNbr: ref.referenceNbr, amountPaid: round2(a.amount) };
    }),
  }));
};
