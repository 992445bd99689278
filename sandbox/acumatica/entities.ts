/**
 * Business rules of the seven modelled entities of the Default endpoint: defaults, computed fields
 * (amounts, Balance, Status, PostPeriod) and the validations Acumatica reports as field-level errors
 * (422). Messages follow Acumatica's wording where it is known ("{0} '{1}' cannot be found in the
 * system."); the rest are plausible and listed in README.md.
 */
import {
  ACCOUNT_SHAPE,
  CUSTOMER_SHAPE,
  type EntityShape,
  INVOICE_SHAPE,
  JOURNAL_TRANSACTION_SHAPE,
  NON_STOCK_ITEM_SHAPE,
  PAYMENT_SHAPE,
  STOCK_ITEM_SHAPE,
} from "./entity-shapes";
import type { FieldError, ParsedRow, Scalar, StoredRecord, StoredRow } from "./records";
import type { EntityTable } from "./table";

export type EntityName = "Customer" | "Invoice" | "Payment" | "JournalTransaction" | "Account" | "StockItem" | "NonStockItem";
export const ENTITY_NAMES: readonly EntityName[] = ["Customer", "Invoice", "Payment", "JournalTransaction", "Account", "StockItem", "NonStockItem"];

/** What a rule may read besides the record itself. */
export type RuleContext = {
  nowMs: number;
  tables: Record<EntityName, EntityTable>;
  isPeriodClosed: (period: string) => boolean;
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
const PAYMENT_TYPES = aliasMap({ Payment: ["PMT"], Prepayment: ["PPM"], Refund: ["REF"] });
const CUSTOMER_STATUSES = aliasMap({ Active: ["A"], "On Hold": ["H"], "Credit Hold": ["C"], Inactive: ["I"], "One-Time": ["T"] });
const ACCOUNT_TYPES = aliasMap({ Asset: ["A"], Liability: ["L"], Income: ["I"], Expense: ["E"] });

/** Statuses in which a document may still be edited through the API. */
const EDITABLE = new Set(["On Hold", "Balanced"]);

const notFound = (label: string, value: string) => `${label} '${value}' cannot be found in the system.`;
const emptyError = (label: string) => `'${label}' cannot be empty.`;
const closedPeriod = (period: string, module: string) => `The ${displayPeriod(period)} financial period is closed in ${module}.`;

/** Accounts referenced by document lines must exist and be active. */
const checkAccount = (ctx: RuleContext, code: Scalar | undefined): string | undefined => {
  const value = str(code);
  if (!value) return emptyError("Account");
  const account = ctx.tables.Account.getByKey([value]);
  if (!account) return notFound("Account", value);
  if (account.fields.Active === false) return `Account '${value}' is inactive.`;
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
  module: string,
  errors: FieldError[],
) => {
  const date = str(record.fields[dateField]) ?? dateOnly(ctx.nowMs);
  record.fields[dateField] = date;
  const datePeriod = periodOfDate(date);
  if (!periodField) {
    if (ctx.isPeriodClosed(datePeriod)) errors.push({ path: [dateField], message: closedPeriod(datePeriod, module) });
    return;
  }
  const given = str(record.fields[periodField]);
  const period = given === undefined ? datePeriod : normalizePeriod(given);
  if (!period) {
    errors.push({ path: [periodField], message: `'${given}' is not a valid financial period.` });
    return;
  }
  record.fields[periodField] = period;
  if (ctx.isPeriodClosed(period)) errors.push({ path: [periodField], message: closedPeriod(period, module) });
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
  const f = record.fields;
  normalizeChoice(record, "Type", INVOICE_TYPES, "Invoice", errors);
  customerFor(ctx, "Customer", f.Customer, errors);
  applyPeriod(ctx, record, "Date", "PostPeriod", "Accounts Receivable", errors);
  f.DueDate ??= f.Date ?? null;
  f.Hold ??= true;
  const lines = record.details.Details ?? [];
  let total = 0;
  lines.forEach((line, i) => {
    const lf = line.fields;
    const accountError = checkAccount(ctx, lf.Account);
    if (accountError) errors.push({ path: ["Details", i, "Account"], message: accountError });
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
  if (total < 0) errors.push({ path: ["Amount"], message: "The document total cannot be negative." });
  f.Amount = round2(total);
  f.TaxTotal = 0;
  const released = existing && !EDITABLE.has(str(existing.fields.Status) ?? "");
  if (!released) {
    f.Balance = f.Amount;
    f.Status = f.Hold ? "On Hold" : "Balanced";
  }
  return errors;
};

const preparePayment: EntityDefinition["prepare"] = (ctx, record, existing, input) => {
  const errors = releasedChangeError(existing, input, PAYMENT.keys);
  if (errors.length) return errors;
  const f = record.fields;
  normalizeChoice(record, "Type", PAYMENT_TYPES, "Payment", errors);
  const customer = customerFor(ctx, "CustomerID", f.CustomerID, errors);
  applyPeriod(ctx, record, "ApplicationDate", undefined, "Accounts Receivable", errors);
  f.Hold ??= false;
  const customerCurrency = str(customer?.fields.CurrencyID);
  f.CurrencyID ??= customerCurrency ?? "USD";
  if (customerCurrency && customer?.fields.EnableCurrencyOverride !== true && str(f.CurrencyID)?.toLowerCase() !== customerCurrency.toLowerCase()) {
    errors.push({ path: ["CurrencyID"], message: `The currency ${String(f.CurrencyID)} differs from the customer currency ${customerCurrency}.` });
  }
  const cash = str(f.CashAccount);
  if (cash) {
    const account = ctx.tables.Account.getByKey([cash]);
    if (!account) errors.push({ path: ["CashAccount"], message: notFound("Cash Account", cash) });
    else if (account.fields.Active === false) errors.push({ path: ["CashAccount"], message: `Account '${cash}' is inactive.` });
  }
  const amount = num(f.PaymentAmount);
  if (amount < 0) errors.push({ path: ["PaymentAmount"], message: "'Payment Amount' cannot be negative." });
  f.PaymentAmount = round2(amount);
  let applied = 0;
  const rows = record.details.DocumentsToApply ?? [];
  rows.forEach((row, i) => {
    const rf = row.fields;
    const docType = INVOICE_TYPES.get((str(rf.DocType) ?? "Invoice").toLowerCase());
    const refNbr = str(rf.ReferenceNbr);
    if (!docType || docType === "Credit Memo") {
      errors.push({ path: ["DocumentsToApply", i, "DocType"], message: `'${String(rf.DocType)}' is not a valid document type to apply.` });
      return;
    }
    rf.DocType = docType;
    if (!refNbr) {
      errors.push({ path: ["DocumentsToApply", i, "ReferenceNbr"], message: emptyError("Reference Nbr.") });
      return;
    }
    const invoice = ctx.tables.Invoice.getByKey([docType, refNbr]);
    const sameCustomer = invoice && customer && str(invoice.fields.Customer)?.toLowerCase() === str(customer.fields.CustomerID)?.toLowerCase();
    const open = invoice && invoice.fields.Status === "Open";
    if (!invoice || !sameCustomer || !open) {
      errors.push({ path: ["DocumentsToApply", i, "ReferenceNbr"], message: notFound("Reference Nbr.", refNbr) });
      return;
    }
    const available = round2(num(invoice.fields.Balance) - ctx.pendingApplied(invoice.id, existing?.id));
    const paid = typeof rf.AmountPaid === "number" ? round2(rf.AmountPaid) : Math.max(0, Math.min(available, round2(amount - applied)));
    rf.AmountPaid = paid;
    rf.CustomerOrder = invoice.fields.CustomerOrder ?? null;
    rf.Description ??= invoice.fields.Description ?? null;
    if (paid < 0) errors.push({ path: ["DocumentsToApply", i, "AmountPaid"], message: "'Amount Paid' cannot be negative." });
    else if (paid > available) {
      errors.push({
        path: ["DocumentsToApply", i, "AmountPaid"],
        message: `The amount paid (${paid}) exceeds the balance of the document (${available}).`,
      });
    }
    applied += paid;
  });
  applied = round2(applied);
  if (applied > f.PaymentAmount) {
    errors.push({ path: ["PaymentAmount"], message: `The applied amount (${applied}) exceeds the payment amount (${f.PaymentAmount}).` });
  }
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
  applyPeriod(ctx, record, "TransactionDate", "PostPeriod", "General Ledger", errors);
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
  actions: ["ReleaseInvoice", "PutOnHold", "RemoveHold"],
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
  StockItem: STOCK_ITEM,
  NonStockItem: NON_STOCK_ITEM,
};

/** Case-insensitive entity lookup for URL segments. */
export const entityByName = (segment: string): EntityDefinition | undefined =>
  ENTITIES[ENTITY_NAMES.find((n) => n.toLowerCase() === segment.toLowerCase()) ?? ("" as EntityName)];

export const isEditableStatus = (status: Scalar | undefined) => typeof status === "string" && EDITABLE.has(status);

export type { StoredRow };
