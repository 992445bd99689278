/**
 * Business rules of the five modelled entities of the Default endpoint: defaults, computed fields
 * (amounts, Balance, Status, PostPeriod) and the validations Acumatica reports as field-level errors
 * (422). Messages follow Acumatica's wording where it is known ("{0} '{1}' cannot be found in the
 * system."); the rest are plausible and listed in README.md.
 */
import {
  ACCOUNT_SHAPE,
  CUSTOMER_SHAPE,
  type EntityShape,
  FINANCIAL_PERIOD_SHAPE,
  INVOICE_SHAPE,
  JOURNAL_TRANSACTION_SHAPE,
  PAYMENT_SHAPE,
  NON_STOCK_ITEM_SHAPE,
  STOCK_ITEM_SHAPE,
  TAX_CATEGORY_SHAPE,
  TAX_SHAPE,
  TAX_ZONE_SHAPE,
} from "./entity-shapes";
import { randomUUID } from "node:crypto";
import { newFinancialYear } from "./financial-calendar";
import type { FieldError, ParsedRow, Scalar, StoredRecord, StoredRow } from "./records";
import { checkRefundApplications } from "./refunds";
import type { EntityTable } from "./table";
import { computeTaxDetails, zoneHasTax } from "./taxes";

export type EntityName = "Customer" | "Invoice" | "Payment" | "JournalTransaction" | "Account" | "Tax" | "TaxZone" | "TaxCategory" | "FinancialPeriod" | "StockItem" | "NonStockItem";
export const ENTITY_NAMES: readonly EntityName[] = ["Customer", "Invoice", "Payment", "JournalTransaction", "Account", "Tax", "TaxZone", "TaxCategory", "FinancialPeriod", "StockItem", "NonStockItem"];

/**
 * Refusals a sandbox instance can relax so an older flow still runs end to end (all on by default, as
 * Acumatica behaves): `cashAccountCurrency` refuses a payment whose currency is not its cash account's;
 * `controlAccounts` refuses a document or journal line posted directly to a control account (AR, AP, tax
 * payable ...) that does not allow manual entry.
 */
export type SandboxRules = { cashAccountCurrency: boolean; controlAccounts: boolean };
export const STRICT_RULES: SandboxRules = { cashAccountCurrency: true, controlAccounts: true };

/** Subledgers a GL account can be the control account of (GL202500 Control Account Module). */
export const CONTROL_ACCOUNT_MODULES = ["AP", "AR", "TX", "FA", "DR", "IN", "PO", "SO"] as const;

/** What a rule may read besides the record itself. */
export type RuleContext = {
  nowMs: number;
  tables: Record<EntityName, EntityTable>;
  /** The company (branch's organization) named in closed-period messages. */
  company: string;
  rules: SandboxRules;
  /** Closed for documents of `module` ("AR" or "GL"). */
  isPeriodClosed: (period: string, module: "AR" | "GL") => boolean;
  /** Sum of AmountPaid by unreleased payments other than `exceptPaymentId` on the invoice with this id. */
  pendingApplied: (invoiceId: string, exceptPaymentId: string | undefined) => number;
};

export type EntityDefinition = {
  name: EntityName;
  shape: EntityShape;
  /** Key fields in URL order (`GET /Invoice/{Type}/{ReferenceNbr}`). */
  keys: readonly string[];
  /** Fields with a hash index, so `$filter=<field> eq '...'` is a lookup. */
  indexed: readonly string[];
  /** Fields whose shared non-empty value (within the same Type, where the entity has one) counts as a duplicate. */
  duplicateFields: readonly string[];
  /** Key value normalisation (document type codes such as `INV` -> `Invoice`). */
  normalizeKey?: (field: string, value: string) => string;
  /** Auto-numbered key: sequence name and format; `manual` keeps a caller's value on insert. */
  numbering?: { field: string; sequence: string; prefix: string; width: number; manual: boolean };
  /** Detail collections the server fills; request rows for them are ignored. */
  readOnlyDetails?: readonly string[];
  /** Defaults, computed fields and validation of a candidate record before it is saved. */
  prepare: (ctx: RuleContext, record: StoredRecord, existing: StoredRecord | undefined, input: ParsedRow) => FieldError[];
  actions: readonly string[];
};

const round2 = (n: number) => Math.round((n + Math.sign(n) * Number.EPSILON) * 100) / 100;
const num = (v: Scalar | undefined) => (typeof v === "number" ? v : 0);
const str = (v: Scalar | undefined) => (typeof v === "string" ? v : undefined);
const dateOnly = (ms: number) => new Date(ms).toISOString().slice(0, 10) + "T00:00:00+00:00";

/** Financial period `MMYYYY` (the API spelling of the UI's `MM-YYYY`) of an ISO date text. */
export const periodOfDate = (dateText: string) => `${dateText.slice(5, 7)}${dateText.slice(0, 4)}`;

/** Accepts `MMYYYY`, `MM-YYYY` and `YYYY-MM`; returns `MMYYYY` or undefined. */
export const normalizePeriod = (text: string): string | undefined => {
  const t = text.trim();
  let m = /^(\d{2})-?(\d{4})$/.exec(t);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 13) return `${m[1]}${m[2]}`;
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 13) return `${m[2]}${m[1]}`;
  return undefined;
};

export const displayPeriod = (period: string) => `${period.slice(0, 2)}-${period.slice(2)}`;

const aliasMap = (pairs: Record<string, string[]>) => {
  const map = new Map<string, string>();
  for (const [display, aliases] of Object.entries(pairs)) {
    map.set(display.toLowerCase(), display);
    for (const a of aliases) map.set(a.toLowerCase(), display);
  }
  return map;
};

const INVOICE_TYPES = aliasMap({ Invoice: ["INV"], "Debit Memo": ["DRM"], "Credit Memo": ["CRM"] });
/** AR302000 document types; "Credit Memo" opens a released AR credit memo to apply it (the same document as on AR301000). */
const PAYMENT_TYPES = aliasMap({ Payment: ["PMT"], Prepayment: ["PPM"], Refund: ["REF"], "Credit Memo": ["CRM"], "Voided Payment": ["RPM"] });
const TAX_TYPES = aliasMap({ Sales: ["S"], Use: ["P"], VAT: ["V"], Withholding: ["W"] });
const CUSTOMER_STATUSES = aliasMap({ Active: ["A"], "On Hold": ["H"], "Credit Hold": ["C"], Inactive: ["I"], "One-Time": ["T"] });
const ACCOUNT_TYPES = aliasMap({ Asset: ["A"], Liability: ["L"], Income: ["I"], Expense: ["E"] });

/** Statuses in which a document may still be edited through the API. */
const EDITABLE = new Set(["On Hold", "Balanced"]);

const notFound = (label: string, value: string) => `${label} '${value}' cannot be found in the system.`;
const emptyError = (label: string) => `'${label}' cannot be empty.`;
/** AR: `FinancialPeriodClosedInAR` of PX.Objects.AR.Messages; GL follows the same pattern. */
export const closedPeriod = (period: string, company: string, module: "AR" | "GL") =>
  `The ${displayPeriod(period)} financial period of the ${company} company is closed in ${module === "AR" ? "Accounts Receivable" : "General Ledger"}.`;
/** PX.Objects.AR.Messages.Only_Invoices_MayBe_Payed. */
const ONLY_INVOICES = "Only a document of the Invoice, Debit Memo, Overdue Charge or Credit Write-Off type can be selected for the payment.";
/** PX.Objects.AR.Messages.Application_Amount_Cannot_Exceed_Document_Amount. */
const APPLICATION_EXCEEDS = "Total application amount cannot exceed document amount.";

/**
 * Accounts referenced by document and journal lines must exist, be active, and not be a control account
 * (kept with the account as `ControlAccountModule`, outside the contract) unless it allows manual entry.
 */
const checkAccount = (ctx: RuleContext, code: Scalar | undefined): string | undefined => {
  const value = str(code);
  if (!value) return emptyError("Account");
  const account = ctx.tables.Account.getByKey([value]);
  if (!account) return notFound("Account", value);
  if (account.fields.Active === false) return `Account '${value}' is inactive.`;
  const module = str(account.fields.ControlAccountModule);
  if (module && account.fields.AllowManualEntry !== true && ctx.rules.controlAccounts) {
    return `The ${value} account is a control account for the ${module} subledger and cannot be used for direct posting.`;
  }
  return undefined;
};

/** A released document only accepts a re-send of the same values (idempotent PUT); any change is rejected. */
const releasedChangeError = (existing: StoredRecord | undefined, input: ParsedRow, keys: readonly string[]): FieldError[] => {
  if (!existing) return [];
  const status = str(existing.fields.Status);
  if (!status || EDITABLE.has(status)) return [];
  const changed =
    Object.keys(input.details).length > 0 ||
    Object.entries(input.fields).some(([field, value]) => {
      if (keys.includes(field) || field === "Hold") return false;
      const current = existing.fields[field];
      return typeof current === "string" && typeof value === "string" ? current.toLowerCase() !== value.toLowerCase() : current !== value;
    });
  return changed ? [{ path: [], message: `The document has the ${status} status and cannot be modified.` }] : [];
};

const customerFor = (ctx: RuleContext, field: string, value: Scalar | undefined, errors: FieldError[]) => {
  const id = str(value);
  if (!id) {
    errors.push({ path: [field], message: emptyError("Customer") });
    return undefined;
  }
  const customer = ctx.tables.Customer.getByKey([id]);
  if (!customer) {
    errors.push({ path: [field], message: notFound("Customer", id) });
    return undefined;
  }
  if (customer.fields.Status === "Inactive") {
    errors.push({ path: [field], message: `The customer status is 'Inactive'.` });
  }
  return customer;
};

const normalizeChoice = (
  record: StoredRecord,
  field: string,
  choices: Map<string, string>,
  fallback: string,
  errors: FieldError[],
) => {
  const value = str(record.fields[field]);
  if (value === undefined) {
    record.fields[field] = fallback;
    return;
  }
  const display = choices.get(value.toLowerCase());
  if (display) record.fields[field] = display;
  else errors.push({ path: [field], message: `'${value}' is not a valid value for '${field}'.` });
};

/** Date field defaulting to the business date; its period (or an explicit PostPeriod) must be open. */
const applyPeriod = (
  ctx: RuleContext,
  record: StoredRecord,
  dateField: string,
  periodField: string | undefined,
  module: "AR" | "GL",
  errors: FieldError[],
) => {
  const date = str(record.fields[dateField]) ?? dateOnly(ctx.nowMs);
  record.fields[dateField] = date;
  const datePeriod = periodOfDate(date);
  if (!periodField) {
    if (ctx.isPeriodClosed(datePeriod, module)) errors.push({ path: [dateField], message: closedPeriod(datePeriod, ctx.company, module) });
    return;
  }
  const given = str(record.fields[periodField]);
  const period = given === undefined ? datePeriod : normalizePeriod(given);
  if (!period) {
    errors.push({ path: [periodField], message: `'${given}' is not a valid financial period.` });
    return;
  }
  record.fields[periodField] = period;
  if (ctx.isPeriodClosed(period, module)) errors.push({ path: [periodField], message: closedPeriod(period, ctx.company, module) });
};

const prepareCustomer: EntityDefinition["prepare"] = (_ctx, record, existing) => {
  const errors: FieldError[] = [];
  const f = record.fields;
  if (!str(f.CustomerName)) errors.push({ path: ["CustomerName"], message: emptyError("Customer Name") });
  const id = str(f.CustomerID);
  if (id && id.length > 30) errors.push({ path: ["CustomerID"], message: `'Customer ID' cannot exceed 30 characters.` });
  normalizeChoice(record, "Status", CUSTOMER_STATUSES, "Active", errors);
  f.CurrencyID ??= "USD";
  f.CustomerClass ??= "DEFAULT";
  f.Terms ??= "30D";
  if (!existing) f.NoteID = record.id;
  return errors;
};

const prepareAccount: EntityDefinition["prepare"] = (_ctx, record) => {
  const errors: FieldError[] = [];
  const f = record.fields;
  if (!str(f.AccountCD)) errors.push({ path: ["AccountCD"], message: emptyError("Account") });
  if (f.Type === undefined || f.Type === null) errors.push({ path: ["Type"], message: emptyError("Type") });
  else normalizeChoice(record, "Type", ACCOUNT_TYPES, "Asset", errors);
  f.Active ??= true;
  f.CashAccount ??= false;
  f.PostOption ??= "Summary";
  return errors;
};

/** An AR document another document is applied to: an Open (released) invoice or debit memo of `customer`. */
const applicableDocument = (ctx: RuleContext, customer: StoredRecord | undefined, docType: string, refNbr: string) => {
  const invoice = ctx.tables.Invoice.getByKey([docType, refNbr]);
  const sameCustomer = invoice && customer && str(invoice.fields.Customer)?.toLowerCase() === str(customer.fields.CustomerID)?.toLowerCase();
  return invoice && sameCustomer && invoice.fields.Status === "Open" ? invoice : undefined;
};

/**
 * Validates the application rows of a payment (`DocumentsToApply`) or credit memo (`ApplicationsCreditMemo`):
 * only Open invoices and debit memos of the same customer (Acumatica's selector offers nothing else, so
 * anything else "cannot be found"), an amount no larger than what is left of the document's balance after
 * other unreleased applications, and, in all, no more than `available`. Returns the sum applied.
 */
const checkApplications = (
  ctx: RuleContext,
  detail: "DocumentsToApply" | "ApplicationsCreditMemo",
  rows: StoredRow[],
  customer: StoredRecord | undefined,
  selfId: string | undefined,
  available: number,
  errors: FieldError[],
): number => {
  let applied = 0;
  rows.forEach((row, i) => {
    const rf = row.fields;
    if (rf.Released === true) return;
    const docType = INVOICE_TYPES.get((str(rf.DocType) ?? "Invoice").toLowerCase());
    const refNbr = str(rf.ReferenceNbr);
    if (!docType || docType === "Credit Memo") {
      errors.push({ path: [detail, i, "DocType"], message: ONLY_INVOICES });
      return;
    }
    rf.DocType = docType;
    if (!refNbr) {
      errors.push({ path: [detail, i, "ReferenceNbr"], message: emptyError("Reference Nbr.") });
      return;
    }
    const invoice = applicableDocument(ctx, customer, docType, refNbr);
    if (!invoice) {
      errors.push({ path: [detail, i, "ReferenceNbr"], message: notFound("Reference Nbr.", refNbr) });
      return;
    }
    const left = round2(num(invoice.fields.Balance) - ctx.pendingApplied(invoice.id, selfId));
    const paid = typeof rf.AmountPaid === "number" ? round2(rf.AmountPaid) : Math.max(0, Math.min(left, round2(available - applied)));
    rf.AmountPaid = paid;
    rf.CustomerOrder = invoice.fields.CustomerOrder ?? null;
    rf.Description ??= invoice.fields.Description ?? null;
    if (detail === "ApplicationsCreditMemo") {
      rf.Customer = invoice.fields.Customer ?? null;
      rf.PostPeriod = invoice.fields.PostPeriod ?? null;
      rf.Status = invoice.fields.Status ?? null;
      rf.Balance = invoice.fields.Balance ?? null;
    }
    if (paid < 0) errors.push({ path: [detail, i, "AmountPaid"], message: "'Amount Paid' cannot be negative." });
    else if (paid > left) errors.push({ path: [detail, i, "AmountPaid"], message: `The amount paid (${paid}) exceeds the balance of the document (${left}).` });
    applied += paid;
  });
  applied = round2(applied);
  if (applied > round2(available)) errors.push({ path: [], message: APPLICATION_EXCEEDS });
  return applied;
};

/**
 * Lines, taxes and totals of an unreleased AR document. A line's tax category defaults to its account's;
 * the taxes are the customer's tax zone's (see taxes.ts); a tax detail sent with a TaxAmount overrides the
 * calculated amount of that tax (as editing Tax Amount on the Taxes tab does), and must be a tax of the zone.
 */
const computeInvoiceTotals = (ctx: RuleContext, record: StoredRecord, customer: StoredRecord | undefined, input: ParsedRow, errors: FieldError[]) => {
  const f = record.fields;
  const lines = record.details.Details ?? [];
  let total = 0;
  lines.forEach((line, i) => {
    const lf = line.fields;
    const accountError = checkAccount(ctx, lf.Account);
    if (accountError) errors.push({ path: ["Details", i, "Account"], message: accountError });
    const account = str(lf.Account) ? ctx.tables.Account.getByKey([str(lf.Account)]) : undefined;
    if (lf.TaxCategory === undefined && str(account?.fields.TaxCategory)) lf.TaxCategory = account?.fields.TaxCategory ?? null;
    const category = str(lf.TaxCategory);
    if (category && !ctx.tables.TaxCategory.getByKey([category])) errors.push({ path: ["Details", i, "TaxCategory"], message: notFound("Tax Category", category) });
    const qty = typeof lf.Qty === "number" ? lf.Qty : 1;
    lf.Qty = qty;
    if (typeof lf.UnitPrice !== "number") {
      const given = typeof lf.ExtendedPrice === "number" ? lf.ExtendedPrice : typeof lf.Amount === "number" ? lf.Amount : 0;
      lf.UnitPrice = qty === 0 ? 0 : round2(given / qty);
    }
    lf.ExtendedPrice = round2(qty * num(lf.UnitPrice));
    lf.DiscountAmount = round2(num(lf.DiscountAmount));
    lf.Amount = round2(num(lf.ExtendedPrice) - num(lf.DiscountAmount));
    lf.LineNbr = i + 1;
    total += num(lf.Amount);
  });
  const zone = str(customer?.fields.TaxZone);
  const computed = computeTaxDetails(ctx.tables, zone, str(f.Date) ?? "", lines.map((l) => ({ amount: num(l.fields.Amount), taxCategory: str(l.fields.TaxCategory) })));
  const previous = record.details.TaxDetails ?? [];
  const overrides = new Map<string, { amount: number; taxable?: number }>();
  for (const row of previous) {
    if (row.fields.ManualAmount === true && str(row.fields.TaxID)) overrides.set(str(row.fields.TaxID)!.toLowerCase(), { amount: num(row.fields.TaxAmount) });
  }
  (input.details.TaxDetails ?? []).forEach((row, i) => {
    const taxId = str(row.fields.TaxID);
    if (row.delete || !taxId) return;
    if (!zoneHasTax(ctx.tables, zone, taxId)) {
      errors.push({ path: ["TaxDetails", i, "TaxID"], message: notFound("Tax ID", taxId) });
      return;
    }
    if (typeof row.fields.TaxAmount === "number") {
      overrides.set(taxId.toLowerCase(), { amount: round2(row.fields.TaxAmount), taxable: typeof row.fields.TaxableAmount === "number" ? row.fields.TaxableAmount : undefined });
    }
  });
  const rows = computed.map((c) => ({ ...c }));
  for (const [taxId, o] of overrides) {
    let row = rows.find((r) => r.TaxID.toLowerCase() === taxId);
    if (!row) {
      const tax = ctx.tables.Tax.getByKey([taxId]);
      row = { TaxID: str(tax?.fields.TaxID) ?? taxId, TaxRate: 0, TaxableAmount: round2(o.taxable ?? 0), TaxAmount: 0 };
      rows.push(row);
    }
    row.TaxAmount = o.amount;
    (row as { ManualAmount?: boolean }).ManualAmount = true;
  }
  record.details.TaxDetails = rows.map((r) => {
    const kept = previous.find((p) => str(p.fields.TaxID)?.toLowerCase() === r.TaxID.toLowerCase());
    return { id: kept?.id ?? randomUUID(), fields: { ...r } };
  });
  const taxTotal = round2(rows.reduce((sum, r) => sum + r.TaxAmount, 0));
  if (total < 0) errors.push({ path: ["Amount"], message: "The document total cannot be negative." });
  f.TaxTotal = taxTotal;
  f.IsTaxValid = true;
  f.Amount = round2(total + taxTotal);
};

/**
 * Stock and non-stock items (IN202500, IN202000): InventoryID is the key and mandatory; ItemStatus
 * defaults to "Active" and Description to the id, as the forms default them.
 */
const prepareItem: EntityDefinition["prepare"] = (_ctx, record) => {
  const errors: FieldError[] = [];
  const f = record.fields;
  if (!str(f.InventoryID)) errors.push({ path: ["InventoryID"], message: emptyError("Inventory ID") });
  f.ItemStatus ??= "Active";
  f.Description ??= f.InventoryID ?? null;
  return errors;
};

const prepareInvoice: EntityDefinition["prepare"] = (ctx, record, existing, input) => {
  const errors = releasedChangeError(existing, input, INVOICE.keys);
  if (errors.length) return errors;
  if (existing && !EDITABLE.has(str(existing.fields.Status) ?? "")) return errors;
  const f = record.fields;
  normalizeChoice(record, "Type", INVOICE_TYPES, "Invoice", errors);
  const customer = customerFor(ctx, "Customer", f.Customer, errors);
  // The Invoice entity has no currency field: the document is in its customer's currency (kept, not served).
  f.CurrencyID = customer?.fields.CurrencyID ?? "USD";
  applyPeriod(ctx, record, "Date", "PostPeriod", "AR", errors);
  f.DueDate ??= f.Date ?? null;
  f.Hold ??= true;
  computeInvoiceTotals(ctx, record, customer, input, errors);
  if (f.Type === "Credit Memo") {
    checkApplications(ctx, "ApplicationsCreditMemo", record.details.ApplicationsCreditMemo ?? [], customer, existing?.id, num(f.Amount), errors);
  } else {
    delete record.details.ApplicationsCreditMemo;
  }
  f.Balance = f.Amount ?? 0;
  f.Status = f.Hold ? "On Hold" : "Balanced";
  return errors;
};

/** The cash account of a payment: an active account flagged Cash Account; its currency (base USD when unset). */
const checkCashAccount = (ctx: RuleContext, record: StoredRecord, errors: FieldError[]) => {
  const f = record.fields;
  const currency = str(f.CurrencyID) ?? "USD";
  let cash = str(f.CashAccount);
  if (!cash) {
    // The payment method's default cash account: here, the first cash account (in chart order) in the payment's currency.
    let first: StoredRecord | undefined;
    for (const a of ctx.tables.Account.values()) {
      if (a.fields.CashAccount === true && a.fields.Active !== false && (str(a.fields.CurrencyID) ?? "USD").toLowerCase() === currency.toLowerCase()) {
        first = a;
        break;
      }
    }
    if (!first) {
      errors.push({ path: ["CashAccount"], message: emptyError("Cash Account") });
      return;
    }
    cash = str(first.fields.AccountCD) ?? "";
    f.CashAccount = cash;
  }
  const account = ctx.tables.Account.getByKey([cash]);
  if (!account || account.fields.CashAccount !== true) errors.push({ path: ["CashAccount"], message: notFound("Cash Account", cash) });
  else if (account.fields.Active === false) errors.push({ path: ["CashAccount"], message: `Account '${cash}' is inactive.` });
  else {
    const cashCurrency = str(account.fields.CurrencyID) ?? "USD";
    if (ctx.rules.cashAccountCurrency && cashCurrency.toLowerCase() !== currency.toLowerCase()) {
      errors.push({ path: ["CashAccount"], message: `The currency of the cash account ${cash} (${cashCurrency}) differs from the currency of the document (${currency}).` });
    }
  }
};

/** AR302000 with Type "Credit Memo": a released credit memo, applied to the customer's open invoices. */
const prepareCreditMemoApplication = (ctx: RuleContext, record: StoredRecord, existing: StoredRecord | undefined, errors: FieldError[]) => {
  const f = record.fields;
  const refNbr = str(f.ReferenceNbr) ?? "";
  const memo = ctx.tables.Invoice.getByKey(["Credit Memo", refNbr]);
  const memoOpen = memo && (memo.fields.Status === "Open" || memo.fields.Status === "Closed");
  if (!memo || !memoOpen || (str(f.CustomerID) && str(f.CustomerID)?.toLowerCase() !== str(memo.fields.Customer)?.toLowerCase())) {
    errors.push({ path: ["ReferenceNbr"], message: notFound("Reference Nbr.", refNbr) });
    return errors;
  }
  const customer = ctx.tables.Customer.getByKey([str(memo.fields.Customer)]);
  f.CustomerID = memo.fields.Customer ?? null;
  f.CurrencyID = memo.fields.CurrencyID ?? "USD";
  f.PaymentAmount = memo.fields.Amount ?? 0;
  f.Description ??= memo.fields.Description ?? null;
  f.Hold = false;
  delete f.CashAccount;
  applyPeriod(ctx, record, "ApplicationDate", undefined, "AR", errors);
  const rows = record.details.DocumentsToApply ?? [];
  const pending = checkApplications(ctx, "DocumentsToApply", rows, customer, record.id, num(memo.fields.Balance), errors);
  const released = round2(rows.filter((r) => r.fields.Released === true).reduce((s, r) => s + num(r.fields.AmountPaid), 0));
  f.AppliedToDocuments = round2(released + pending);
  f.AvailableBalance = round2(num(memo.fields.Balance) - pending);
  f.Status = memo.fields.Status ?? "Open";
  if (!existing) f.NoteID = record.id;
  return errors;
};

const preparePayment: EntityDefinition["prepare"] = (ctx, record, existing, input) => {
  // A credit memo on the payments screen stays open to new applications; its other fields come from the memo.
  const errors = existing?.fields.Type === "Credit Memo" ? [] : releasedChangeError(existing, input, PAYMENT.keys);
  if (errors.length) return errors;
  const f = record.fields;
  normalizeChoice(record, "Type", PAYMENT_TYPES, "Payment", errors);
  if (f.Type === "Credit Memo") return prepareCreditMemoApplication(ctx, record, existing, errors);
  // A voided payment is made by the Void action of a payment (refunds.ts), never entered.
  if (f.Type === "Voided Payment") return existing ? errors : [...errors, { path: ["Type"], message: "A Voided Payment is created by the Void action of a payment." }];
  const customer = customerFor(ctx, "CustomerID", f.CustomerID, errors);
  applyPeriod(ctx, record, "ApplicationDate", undefined, "AR", errors);
  f.Hold ??= false;
  const customerCurrency = str(customer?.fields.CurrencyID);
  f.CurrencyID ??= customerCurrency ?? "USD";
  if (customerCurrency && customer?.fields.EnableCurrencyOverride !== true && str(f.CurrencyID)?.toLowerCase() !== customerCurrency.toLowerCase()) {
    errors.push({ path: ["CurrencyID"], message: `The currency ${String(f.CurrencyID)} differs from the customer currency ${customerCurrency}.` });
  }
  checkCashAccount(ctx, record, errors);
  const amount = num(f.PaymentAmount);
  if (amount < 0) errors.push({ path: ["PaymentAmount"], message: "'Payment Amount' cannot be negative." });
  f.PaymentAmount = round2(amount);
  const applied =
    f.Type === "Refund"
      ? checkRefundApplications(ctx, record, errors)
      : checkApplications(ctx, "DocumentsToApply", record.details.DocumentsToApply ?? [], customer, existing?.id, f.PaymentAmount, errors);
  f.AppliedToDocuments = applied;
  f.AvailableBalance = round2(num(f.PaymentAmount) - applied);
  const released = existing && !EDITABLE.has(str(existing.fields.Status) ?? "");
  if (!released) f.Status = f.Hold ? "On Hold" : "Balanced";
  if (!existing) f.NoteID = record.id;
  return errors;
};

const prepareJournalTransaction: EntityDefinition["prepare"] = (ctx, record, existing, input) => {
  const errors = releasedChangeError(existing, input, JOURNAL_TRANSACTION.keys);
  if (errors.length) return errors;
  const f = record.fields;
  f.Module ??= "GL";
  applyPeriod(ctx, record, "TransactionDate", "PostPeriod", "GL", errors);
  f.Hold ??= true;
  f.CurrencyID ??= "USD";
  f.LedgerID ??= "ACTUAL";
  let debit = 0;
  let credit = 0;
  (record.details.Details ?? []).forEach((line, i) => {
    const lf = line.fields;
    const accountError = checkAccount(ctx, lf.Account);
    if (accountError) errors.push({ path: ["Details", i, "Account"], message: accountError });
    lf.DebitAmount = round2(num(lf.DebitAmount));
    lf.CreditAmount = round2(num(lf.CreditAmount));
    lf.LineNbr = i + 1;
    debit += lf.DebitAmount;
    credit += lf.CreditAmount;
  });
  if (!f.Hold && round2(debit) !== round2(credit)) {
    errors.push({ path: [], message: "Batch is out of balance, please review." });
  }
  const released = existing && !EDITABLE.has(str(existing.fields.Status) ?? "");
  if (!released) f.Status = f.Hold ? "On Hold" : "Balanced";
  return errors;
};

export const CUSTOMER: EntityDefinition = {
  name: "Customer",
  shape: CUSTOMER_SHAPE,
  keys: ["CustomerID"],
  indexed: ["AccountRef", "Email", "CustomerName"],
  duplicateFields: ["AccountRef"],
  numbering: { field: "CustomerID", sequence: "CUSTOMER", prefix: "C", width: 6, manual: true },
  prepare: prepareCustomer,
  actions: [],
};

export const INVOICE: EntityDefinition = {
  name: "Invoice",
  shape: INVOICE_SHAPE,
  keys: ["Type", "ReferenceNbr"],
  indexed: ["ReferenceNbr", "CustomerOrder", "Description", "Customer"],
  duplicateFields: ["CustomerOrder"],
  normalizeKey: (field, value) => (field === "Type" ? (INVOICE_TYPES.get(value.toLowerCase()) ?? value) : value),
  numbering: { field: "ReferenceNbr", sequence: "ARINVOICE", prefix: "AR", width: 6, manual: false },
  readOnlyDetails: ["ApplicationsDefault"],
  prepare: prepareInvoice,
  // ReleaseInvoice is in the Default contract; the others are AR301000 actions outside it, which contract
  // version 4 runs as custom actions by their graph names.
  actions: ["ReleaseInvoice", "PutOnHold", "RemoveHold", "ReverseInvoice", "ReverseInvoiceAndApplyToMemo"],
};

export const PAYMENT: EntityDefinition = {
  name: "Payment",
  shape: PAYMENT_SHAPE,
  keys: ["Type", "ReferenceNbr"],
  indexed: ["ReferenceNbr", "ExternalRef", "PaymentRef", "CustomerID"],
  duplicateFields: ["ExternalRef"],
  normalizeKey: (field, value) => (field === "Type" ? (PAYMENT_TYPES.get(value.toLowerCase()) ?? value) : value),
  numbering: { field: "ReferenceNbr", sequence: "ARPAYMENT", prefix: "", width: 6, manual: false },
  readOnlyDetails: ["ApplicationHistory"],
  prepare: preparePayment,
  actions: ["ReleasePayment", "VoidPayment"],
};

export const JOURNAL_TRANSACTION: EntityDefinition = {
  name: "JournalTransaction",
  shape: JOURNAL_TRANSACTION_SHAPE,
  keys: ["Module", "BatchNbr"],
  indexed: ["BatchNbr", "Description"],
  duplicateFields: ["Description"],
  numbering: { field: "BatchNbr", sequence: "BATCH", prefix: "", width: 6, manual: false },
  prepare: prepareJournalTransaction,
  actions: ["ReleaseJournalTransaction"],
};

export const ACCOUNT: EntityDefinition = {
  name: "Account",
  shape: ACCOUNT_SHAPE,
  keys: ["AccountCD"],
  indexed: [],
  duplicateFields: [],
  prepare: prepareAccount,
  actions: [],
};

const prepareTax: EntityDefinition["prepare"] = (_ctx, record) => {
  const errors: FieldError[] = [];
  const f = record.fields;
  if (!str(f.TaxID)) errors.push({ path: ["TaxID"], message: emptyError("Tax ID") });
  normalizeChoice(record, "TaxType", TAX_TYPES, "Sales", errors);
  f.CalculateOn ??= "Extended Price";
  (record.details.TaxSchedule ?? []).forEach((row, i) => {
    row.fields.StartDate ??= "1900-01-01T00:00:00+00:00";
    if (typeof row.fields.TaxRate !== "number") errors.push({ path: ["TaxSchedule", i, "TaxRate"], message: emptyError("Tax Rate") });
  });
  return errors;
};

/** Tax zones and categories name taxes that exist. */
const checkTaxIds = (ctx: RuleContext, detail: string, rows: StoredRow[], errors: FieldError[]) =>
  rows.forEach((row, i) => {
    const taxId = str(row.fields.TaxID);
    if (!taxId) errors.push({ path: [detail, i, "TaxID"], message: emptyError("Tax ID") });
    else if (!ctx.tables.Tax.getByKey([taxId])) errors.push({ path: [detail, i, "TaxID"], message: notFound("Tax ID", taxId) });
  });

const prepareTaxZone: EntityDefinition["prepare"] = (ctx, record) => {
  const errors: FieldError[] = [];
  if (!str(record.fields.TaxZoneID)) errors.push({ path: ["TaxZoneID"], message: emptyError("Tax Zone ID") });
  checkTaxIds(ctx, "ApplicableTaxes", record.details.ApplicableTaxes ?? [], errors);
  return errors;
};

const prepareTaxCategory: EntityDefinition["prepare"] = (ctx, record) => {
  const errors: FieldError[] = [];
  const f = record.fields;
  if (!str(f.TaxCategoryID)) errors.push({ path: ["TaxCategoryID"], message: emptyError("Tax Category ID") });
  f.Active ??= true;
  f.ExcludeListedTaxes ??= false;
  checkTaxIds(ctx, "Details", record.details.Details ?? [], errors);
  for (const row of record.details.Details ?? []) row.fields.TaxCategory = f.TaxCategoryID ?? null;
  return errors;
};

/**
 * A year of the master calendar. A new year gets twelve Open periods; the statuses and the Closed in
 * flags are read-only here, as on GL201000 (periods are closed and reopened by the Close Financial Periods
 * processes, which the control API stands in for).
 */
const prepareFinancialPeriod: EntityDefinition["prepare"] = (_ctx, record, existing) => {
  const errors: FieldError[] = [];
  const year = str(record.fields.FinancialYear);
  if (!year || !/^\d{4}$/.test(year)) {
    errors.push({ path: ["FinancialYear"], message: emptyError("Financial Year") });
    return errors;
  }
  const base = existing ?? newFinancialYear(year);
  record.fields = { ...record.fields, ...base.fields };
  record.details = { Details: base.details.Details ?? [] };
  return errors;
};

export const TAX: EntityDefinition = {
  name: "Tax",
  shape: TAX_SHAPE,
  keys: ["TaxID"],
  indexed: [],
  duplicateFields: [],
  prepare: prepareTax,
  actions: [],
};

export const TAX_ZONE: EntityDefinition = {
  name: "TaxZone",
  shape: TAX_ZONE_SHAPE,
  keys: ["TaxZoneID"],
  indexed: [],
  duplicateFields: [],
  prepare: prepareTaxZone,
  actions: [],
};

export const TAX_CATEGORY: EntityDefinition = {
  name: "TaxCategory",
  shape: TAX_CATEGORY_SHAPE,
  keys: ["TaxCategoryID"],
  indexed: [],
  duplicateFields: [],
  prepare: prepareTaxCategory,
  actions: [],
};

export const FINANCIAL_PERIOD: EntityDefinition = {
  name: "FinancialPeriod",
  shape: FINANCIAL_PERIOD_SHAPE,
  keys: ["FinancialYear"],
  indexed: [],
  duplicateFields: [],
  prepare: prepareFinancialPeriod,
  actions: [],
};

export const STOCK_ITEM: EntityDefinition = {
  name: "StockItem",
  shape: STOCK_ITEM_SHAPE,
  keys: ["InventoryID"],
  indexed: [],
  duplicateFields: [],
  prepare: prepareItem,
  actions: [],
};

export const NON_STOCK_ITEM: EntityDefinition = {
  name: "NonStockItem",
  shape: NON_STOCK_ITEM_SHAPE,
  keys: ["InventoryID"],
  indexed: [],
  duplicateFields: [],
  prepare: prepareItem,
  actions: [],
};

export const ENTITIES: Record<EntityName, EntityDefinition> = {
  Customer: CUSTOMER,
  Invoice: INVOICE,
  Payment: PAYMENT,
  JournalTransaction: JOURNAL_TRANSACTION,
  Account: ACCOUNT,
  Tax: TAX,
  TaxZone: TAX_ZONE,
  TaxCategory: TAX_CATEGORY,
  FinancialPeriod: FINANCIAL_PERIOD,
  StockItem: STOCK_ITEM,
  NonStockItem: NON_STOCK_ITEM,
};

/** Case-insensitive entity lookup for URL segments. */
export const entityByName = (segment: string): EntityDefinition | undefined =>
  ENTITIES[ENTITY_NAMES.find((n) => n.toLowerCase() === segment.toLowerCase()) ?? ("" as EntityName)];

export const isEditableStatus = (status: Scalar | undefined) => typeof status === "string" && EDITABLE.has(status);

export type { StoredRow };
