/**
 * Customer refunds and voided payments on Payments and Applications (AR302000), as Acumatica's help
 * describes them (see README "Refunds and voided payments"):
 * - A Refund (Type "Refund") pays money back out of a customer's credit: its Documents to Apply are
 *   released payments, prepayments or credit memos of the same customer, each for at most what is
 *   still available on it. Releasing the refund lowers each one's available balance (Closed at 0).
 * - Void on a released payment reverses its applications in full (the invoices it paid are open again
 *   for those amounts), sets the payment's status to Voided and creates a document of type Voided
 *   Payment with the same reference number, which is then released. A payment that has been
 *   refunded cannot be voided (ASSUMED: Acumatica's wording is not in our sources).
 */
import { randomUUID } from "node:crypto";
import type { EntityName, RuleContext } from "./entities";
import type { FieldError, Scalar, StoredRecord, StoredRow } from "./records";
import type { EntityTable } from "./table";

const round2 = (n: number) => Math.round((n + Math.sign(n) * Number.EPSILON) * 100) / 100;
const num = (v: Scalar | undefined) => (typeof v === "number" ? v : 0);
const str = (v: Scalar | undefined) => (typeof v === "string" ? v : undefined);

/** Document types a refund may be applied to, by their codes and display names. */
const REFUNDABLE = new Map([
  ["payment", "Payment"],
  ["pmt", "Payment"],
  ["prepayment", "Prepayment"],
  ["ppm", "Prepayment"],
  ["credit memo", "Credit Memo"],
  ["crm", "Credit Memo"],
]);
const released = (status: Scalar | undefined) => status === "Open" || status === "Closed";

/** What is still available on a refundable document: a payment's AvailableBalance, a credit memo's Balance. */
const availableOn = (doc: StoredRecord) => num(doc.fields.Type === "Credit Memo" ? doc.fields.Balance : doc.fields.AvailableBalance);

/** The released payment, prepayment or credit memo of `customer` a refund row names, or undefined. */
const refundedDocument = (tables: Record<EntityName, EntityTable>, docType: string, refNbr: string, customer: string | undefined) => {
  const doc = docType === "Credit Memo" ? tables.Invoice.getByKey(["Credit Memo", refNbr]) : tables.Payment.getByKey([docType, refNbr]);
  if (!doc || !released(doc.fields.Status)) return undefined;
  const owner = str(docType === "Credit Memo" ? doc.fields.Customer : doc.fields.CustomerID);
  return owner && customer && owner.toLowerCase() === customer.toLowerCase() ? doc : undefined;
};

/**
 * Checks the Documents to Apply of a refund being saved (unreleased rows) and fills what Acumatica
 * fills (AmountPaid defaults to what is available, the document's balance); returns the amount applied.
 */
export const checkRefundApplications = (ctx: RuleContext, record: StoredRecord, errors: FieldError[]): number => {
  const customer = str(record.fields.CustomerID);
  const currency = str(record.fields.CurrencyID) ?? "USD";
  let applied = 0;
  (record.details.DocumentsToApply ?? []).forEach((row, i) => {
    const rf = row.fields;
    if (rf.Released === true) return;
    const docType = REFUNDABLE.get((str(rf.DocType) ?? "Payment").toLowerCase());
    if (!docType) {
      errors.push({ path: ["DocumentsToApply", i, "DocType"], message: "A refund can be applied only to a payment, a prepayment or a credit memo." });
      return;
    }
    rf.DocType = docType;
    const refNbr = str(rf.ReferenceNbr) ?? "";
    const doc = refundedDocument(ctx.tables, docType, refNbr, customer);
    if (!doc) {
      errors.push({ path: ["DocumentsToApply", i, "ReferenceNbr"], message: `Reference Nbr. '${refNbr}' cannot be found in the system.` });
      return;
    }
    if ((str(doc.fields.CurrencyID) ?? "USD").toLowerCase() !== currency.toLowerCase()) {
      errors.push({ path: ["DocumentsToApply", i, "ReferenceNbr"], message: `The currency of ${docType} ${refNbr} (${String(doc.fields.CurrencyID)}) differs from the currency of the refund (${currency}).` });
      return;
    }
    const left = availableOn(doc);
    const paid = typeof rf.AmountPaid === "number" ? round2(rf.AmountPaid) : left;
    rf.AmountPaid = paid;
    rf.Balance = left;
    if (paid <= 0) errors.push({ path: ["DocumentsToApply", i, "AmountPaid"], message: "'Amount Paid' must be greater than 0." });
    else if (paid > left + 0.000001) errors.push({ path: ["DocumentsToApply", i, "AmountPaid"], message: `The amount paid (${paid}) exceeds the balance of the document (${left}).` });
    applied += paid;
  });
  return round2(applied);
};

/** What the release actions of a refund or a voided payment need from the instance. */
export type RefundOps = {
  tables: Record<EntityName, EntityTable>;
  update: (target: StoredRecord, entity: EntityName, change: (r: StoredRecord) => void) => StoredRecord;
  /** saves a document the server creates itself (no request rules) and returns it */
  insert: (entity: EntityName, record: StoredRecord) => StoredRecord;
  isPeriodClosed: (period: string) => boolean;
  closedMessage: (period: string) => string;
  today: () => string;
};

const periodOf = (date: string) => `${date.slice(5, 7)}${date.slice(0, 4)}`;

/** ReleasePayment of a refund: fully applied, then each document it refunds loses that much. */
export const releaseRefund = (ops: RefundOps, refund: StoredRecord): FieldError[] => {
  const status = String(refund.fields.Status ?? "");
  if (status === "On Hold") return [{ path: [], message: "The document is on hold and cannot be released." }];
  if (status !== "Balanced") return [{ path: [], message: "The document has already been released." }];
  const date = str(refund.fields.ApplicationDate) ?? ops.today();
  if (ops.isPeriodClosed(periodOf(date))) return [{ path: ["ApplicationDate"], message: ops.closedMessage(periodOf(date)) }];
  if (Math.abs(num(refund.fields.AvailableBalance)) > 0.000001) {
    return [{ path: [], message: `The refund cannot be released: ${String(refund.fields.AvailableBalance)} of its amount is not applied to a document.` }];
  }
  const rows = (refund.details.DocumentsToApply ?? []).filter((r) => r.fields.Released !== true);
  const customer = str(refund.fields.CustomerID);
  const targets = rows.map((row) => refundedDocument(ops.tables, String(row.fields.DocType), String(row.fields.ReferenceNbr), customer));
  const errors: FieldError[] = [];
  rows.forEach((row, i) => {
    const doc = targets[i];
    if (!doc) errors.push({ path: ["DocumentsToApply", i, "ReferenceNbr"], message: `Reference Nbr. '${String(row.fields.ReferenceNbr)}' cannot be found in the system.` });
    else if (num(row.fields.AmountPaid) > availableOn(doc) + 0.000001) {
      errors.push({ path: ["DocumentsToApply", i, "AmountPaid"], message: `The amount paid (${String(row.fields.AmountPaid)}) exceeds the balance of the document (${availableOn(doc)}).` });
    }
  });
  if (errors.length) return errors;
  const history: StoredRow[] = [];
  rows.forEach((row, i) => {
    const doc = targets[i]!;
    const paid = num(row.fields.AmountPaid);
    const isMemo = doc.fields.Type === "Credit Memo";
    const after = ops.update(doc, isMemo ? "Invoice" : "Payment", (r) => {
      const left = round2(availableOn(r) - paid);
      if (isMemo) r.fields.Balance = left;
      else r.fields.AvailableBalance = left;
      r.fields.Status = left === 0 ? "Closed" : "Open";
      const entry: StoredRow = {
        id: randomUUID(),
        fields: { AdjustingDocType: "Refund", AdjustingRefNbr: refund.fields.ReferenceNbr ?? null, AdjustedDocType: r.fields.Type ?? null, AdjustedRefNbr: r.fields.ReferenceNbr ?? null, AmountPaid: paid, Balance: left, Date: date, CurrencyID: refund.fields.CurrencyID ?? null },
      };
      if (!isMemo) r.details.ApplicationHistory = [...(r.details.ApplicationHistory ?? []), entry];
    });
    history.push({
      id: randomUUID(),
      fields: { AdjustingDocType: "Refund", AdjustingRefNbr: refund.fields.ReferenceNbr ?? null, AdjustedDocType: after.fields.Type ?? null, AdjustedRefNbr: after.fields.ReferenceNbr ?? null, DisplayDocType: after.fields.Type ?? null, DisplayRefNbr: after.fields.ReferenceNbr ?? null, AmountPaid: paid, Balance: availableOn(after), Date: date, CurrencyID: refund.fields.CurrencyID ?? null },
    });
    row.fields.Released = true;
  });
  ops.update(refund, "Payment", (r) => {
    r.details.DocumentsToApply = (r.details.DocumentsToApply ?? []).map((row) => ({ ...row, fields: { ...row.fields, Released: true } }));
    r.details.ApplicationHistory = [...(r.details.ApplicationHistory ?? []), ...history];
    r.fields.Status = "Closed";
  });
  return [];
};

/** Whether a released refund has taken money from this payment. */
const refundedFrom = (payment: StoredRecord) => (payment.details.ApplicationHistory ?? []).some((h) => h.fields.AdjustingDocType === "Refund");

/**
 * VoidPayment: reverses the payment's applications (each invoice gets its amount back and is Open),
 * the payment becomes Voided, and a Voided Payment document with its reference number is created
 * (Balanced, for the amount taken back, negative), to be released.
 */
export const voidPayment = (ops: RefundOps, payment: StoredRecord): FieldError[] | { created: StoredRecord } => {
  const status = String(payment.fields.Status ?? "");
  if (payment.fields.Type !== "Payment" && payment.fields.Type !== "Prepayment") return [{ path: [], message: `A document of type ${String(payment.fields.Type)} cannot be voided.` }];
  if (status !== "Open" && status !== "Closed") return [{ path: [], message: "Only a released payment can be voided." }];
  if (refundedFrom(payment)) return [{ path: [], message: `The payment ${String(payment.fields.ReferenceNbr)} has been refunded and cannot be voided; reverse the refund's application first.` }];
  if (ops.tables.Payment.getByKey(["Voided Payment", payment.fields.ReferenceNbr])) return [{ path: [], message: "The payment has already been voided." }];
  for (const row of payment.details.ApplicationHistory ?? []) {
    const invoice = ops.tables.Invoice.getByKey([row.fields.AdjustedDocType, row.fields.AdjustedRefNbr]);
    if (!invoice || typeof row.fields.AmountPaid !== "number") continue;
    const paid = row.fields.AmountPaid;
    ops.update(invoice, "Invoice", (r) => {
      r.fields.Balance = round2(num(r.fields.Balance) + paid);
      r.fields.Status = "Open";
    });
  }
  ops.update(payment, "Payment", (r) => {
    r.fields.Status = "Voided";
  });
  const original = str(payment.fields.ApplicationDate) ?? ops.today();
  const date = ops.isPeriodClosed(periodOf(original)) ? ops.today() : original;
  const fields: Record<string, Scalar> = { ...payment.fields };
  for (const f of ["NoteID", "CreatedDateTime", "LastModifiedDateTime"]) delete fields[f];
  const voided: StoredRecord = {
    id: randomUUID(),
    seq: 0,
    fields: { ...fields, Type: "Voided Payment", Status: "Balanced", Hold: false, ApplicationDate: date, PaymentAmount: -num(payment.fields.PaymentAmount), AppliedToDocuments: 0, AvailableBalance: 0 },
    details: {},
    links: {},
  };
  return { created: ops.insert("Payment", voided) };
};

/** ReleasePayment of a voided payment: it closes (its GL reversal posts). */
export const releaseVoidedPayment = (ops: RefundOps, voided: StoredRecord): FieldError[] => {
  if (voided.fields.Status !== "Balanced") return [{ path: [], message: "The document has already been released." }];
  const date = str(voided.fields.ApplicationDate) ?? ops.today();
  if (ops.isPeriodClosed(periodOf(date))) return [{ path: ["ApplicationDate"], message: ops.closedMessage(periodOf(date)) }];
  ops.update(voided, "Payment", (r) => {
    r.fields.Status = "Closed";
  });
  return [];
};
