import { CURRENCIES, ERROR_CODES, readRecord, type RecordReader } from "./fields";
import { round2, type QadStore, type WorkspaceData } from "./store";
import type { Allocation, Customer, CustomerAdjustment, CustomerInvoice, CustomerPayment, FieldError, GlAccount, PostingLine } from "./types";

/*
 * Business-entity writes: customers (upsert by code), customer invoices, receipts (customer payments with
 * allocations to invoices) and adjustments (credit notes with allocations). A record is checked completely
 * first; any field error leaves everything unchanged. Posted documents are create-only.
 */

export type WriteContext = {
  store: QadStore;
  data: WorkspaceData;
  user: string;
  /** "reject": a second document with the same reference is refused (field error); "accept": stored, listed by duplicates(). */
  duplicateReferences: "accept" | "reject";
};

export type WriteResult<T> = { ok: true; record: T } | { ok: false; errors: FieldError[] };

const MAX = { customerCode: 8, name: 36, searchName: 28, reference: 20, description: 40, code: 20 } as const;

const checkCustomer = (ctx: WriteContext, r: RecordReader): Customer | undefined => {
  const code = r.str("customerCode", { required: true, max: MAX.customerCode });
  if (!code) return undefined;
  const customer = ctx.store.findCustomer(ctx.data.workspace.sharedSetCode, code);
  if (!customer) {
    r.fail("customerCode", `Customer '${code}' does not exist in shared set ${ctx.data.workspace.sharedSetCode}.`, code, ERROR_CODES.notFound);
    return undefined;
  }
  if (!customer.isActive) {
    r.fail("customerCode", `Customer '${code}' is not active.`, code, ERROR_CODES.inactive);
    return undefined;
  }
  return customer;
};

const checkCurrency = (r: RecordReader) => {
  const currency = r.str("currencyCode", { required: true, max: 3 }).toUpperCase();
  if (currency && !CURRENCIES.has(currency)) r.fail("currencyCode", `Currency '${currency}' does not exist.`, currency, ERROR_CODES.notFound);
  return currency;
};

/** The posting date's period must exist in the entity's GL calendar and be open. */
const checkPeriod = (ctx: WriteContext, r: RecordReader, key: string, date: string) => {
  if (!date) return undefined;
  const period = ctx.store.periodOf(ctx.data, date);
  if (!period) {
    r.fail(key, `No GL period is defined for ${date} in entity ${ctx.data.workspace.entityCode}.`, date, ERROR_CODES.periodClosed);
    return undefined;
  }
  if (period.periodStatus !== "OPEN") {
    r.fail(key, `GL period ${period.periodYear}/${String(period.periodPeriod).padStart(2, "0")} is closed for posting.`, date, ERROR_CODES.periodClosed);
    return undefined;
  }
  return period;
};

const checkGl = (ctx: WriteContext, r: RecordReader, key: string, code: string, allowed: GlAccount["glType"][]): GlAccount | undefined => {
  if (!code) return undefined;
  const account = ctx.store.findGlAccount(ctx.data.workspace.sharedSetCode, code);
  if (!account) {
    r.fail(key, `GL account '${code}' does not exist.`, code, ERROR_CODES.notFound);
    return undefined;
  }
  if (!account.isActive) {
    r.fail(key, `GL account '${code}' is not active.`, code, ERROR_CODES.inactive);
    return undefined;
  }
  if (!allowed.includes(account.glType)) {
    r.fail(key, `GL account '${code}' of type ${account.glType} cannot be used here.`, code, ERROR_CODES.invalid);
    return undefined;
  }
  return account;
};

const checkDaybook = (r: RecordReader, expected: string) => {
  const daybook = r.str("daybookCode", { max: MAX.code });
  if (daybook && daybook.toUpperCase() !== expected) r.fail("daybookCode", `Daybook '${daybook}' does not exist or is of another type.`, daybook, ERROR_CODES.notFound);
  return expected;
};

const checkReference = (ctx: WriteContext, r: RecordReader, key: string, table: { keysWhere(c: string, v: string): string[] }) => {
  const reference = r.str(key, { required: true, max: MAX.reference });
  if (reference && ctx.duplicateReferences === "reject" && table.keysWhere("reference", reference).length > 0) {
    r.fail(key, `A document with reference '${reference}' already exists.`, reference, ERROR_CODES.duplicate);
  }
  return reference;
};

const readLines = (ctx: WriteContext, record: Record<string, unknown>, errors: FieldError[], key: string): PostingLine[] => {
  const r = readRecord(record, errors);
  const raw = r.array(key);
  if (!raw || raw.length === 0) {
    r.fail(key, "At least one posting line is required.", "", ERROR_CODES.mandatory);
    return [];
  }
  return raw.map((line, i) => {
    const l = readRecord(line, errors, `Line ${i + 1}: `);
    const glCode = l.str("glCode", { required: true, max: MAX.code });
    checkGl(ctx, l, "glCode", glCode, ["Standard", "Tax"]);
    const amountTC = l.num("amountTC", { required: true }) ?? 0;
    if (amountTC === 0 && l.has("amountTC")) l.fail("amountTC", "The amount cannot be zero.", amountTC, ERROR_CODES.invalid);
    return {
      glCode,
      costCentreCode: l.str("costCentreCode", { max: MAX.code }),
      lineDescription: l.str("lineDescription", { max: MAX.description }),
      amountTC,
    };
  });
};

type ResolvedAllocation = Allocation & { invoice: CustomerInvoice };

/** Allocations to invoices of the same customer and currency, by voucher or (unique) reference, within their open balances. */
const readAllocations = (
  ctx: WriteContext,
  record: Record<string, unknown>,
  errors: FieldError[],
  options: { key: string; amountKey: string; customer: Customer | undefined; currency: string },
): ResolvedAllocation[] => {
  const raw = readRecord(record, errors).array(options.key) ?? [];
  const pending = new Map<string, number>();
  const out: ResolvedAllocation[] = [];
  raw.forEach((item, i) => {
    const a = readRecord(item, errors, `Allocation ${i + 1}: `);
    const voucher = a.str("dInvoiceVoucher", { max: 30 });
    const reference = a.str("dInvoiceReference", { max: MAX.reference });
    const amount = a.num(options.amountKey, { required: true });
    if (amount !== undefined && amount <= 0) a.fail(options.amountKey, "The allocated amount must be positive.", amount, ERROR_CODES.invalid);
    let invoice: CustomerInvoice | undefined;
    if (voucher) {
      invoice = ctx.data.invoices.get(voucher);
      if (!invoice) a.fail("dInvoiceVoucher", `Customer invoice ${voucher} does not exist.`, voucher, ERROR_CODES.notFound);
    } else if (reference) {
      const matches = ctx.data.invoices
        .keysWhere("reference", reference)
        .map((k) => ctx.data.invoices.get(k)!)
        .filter((inv) => !options.customer || inv.customerCode.toLowerCase() === options.customer.customerCode.toLowerCase());
      if (matches.length === 0) a.fail("dInvoiceReference", `No customer invoice with reference '${reference}' exists for this customer.`, reference, ERROR_CODES.notFound);
      else if (matches.length > 1) a.fail("dInvoiceReference", `Reference '${reference}' matches ${matches.length} invoices; give the voucher.`, reference, ERROR_CODES.invalid);
      else invoice = matches[0];
    } else {
      a.fail("dInvoiceVoucher", "Field is mandatory.", "", ERROR_CODES.mandatory);
    }
    if (!invoice || amount === undefined || amount <= 0) return;
    if (options.customer && invoice.customerCode.toLowerCase() !== options.customer.customerCode.toLowerCase()) {
      a.fail("dInvoiceVoucher", `Customer invoice ${invoice.dInvoiceVoucher} belongs to customer ${invoice.customerCode}.`, invoice.dInvoiceVoucher, ERROR_CODES.invalid);
      return;
    }
    if (options.currency && invoice.currencyCode !== options.currency) {
      a.fail("dInvoiceVoucher", `Customer invoice ${invoice.dInvoiceVoucher} is in ${invoice.currencyCode}, not ${options.currency}.`, invoice.dInvoiceVoucher, ERROR_CODES.invalid);
      return;
    }
    const already = pending.get(invoice.dInvoiceVoucher) ?? 0;
    if (round2(already + amount) > invoice.dInvoiceBalanceTC + 0.000001) {
      a.fail(options.amountKey, `The allocated amount exceeds the open balance of customer invoice ${invoice.dInvoiceVoucher} (${invoice.dInvoiceBalanceTC.toFixed(2)}).`, amount, ERROR_CODES.overAllocated);
      return;
    }
    pending.set(invoice.dInvoiceVoucher, round2(already + amount));
    out.push({ dInvoiceVoucher: invoice.dInvoiceVoucher, dInvoiceReference: invoice.dInvoiceReference, amountTC: amount, invoice });
  });
  return out;
};

const applyAllocations = (ctx: WriteContext, allocations: ResolvedAllocation[]) => {
  for (const a of allocations) {
    const current = ctx.data.invoices.get(a.dInvoiceVoucher)!;
    const balance = round2(current.dInvoiceBalanceTC - a.amountTC);
    ctx.store.putInvoice(ctx.data, { ...current, dInvoiceBalanceTC: balance, dInvoiceIsOpen: balance !== 0, lastModifiedUser: ctx.user });
  }
};

const stampNow = (ctx: WriteContext) => ctx.store.nowIso(ctx.store.tick().stamp);

export const createCustomerInvoice = (ctx: WriteContext, record: Record<string, unknown>): WriteResult<CustomerInvoice> => {
  const r = readRecord(record);
  const customer = checkCustomer(ctx, r);
  const reference = checkReference(ctx, r, "dInvoiceReference", ctx.data.invoices);
  const date = r.date("dInvoiceDate", { required: true });
  const dueDate = r.date("dInvoiceDueDate") || date;
  if (date && dueDate && dueDate < date) r.fail("dInvoiceDueDate", "The due date cannot be before the invoice date.", dueDate, ERROR_CODES.invalid);
  const postingDate = r.date("dInvoicePostingDate") || date;
  const period = checkPeriod(ctx, r, r.has("dInvoicePostingDate") ? "dInvoicePostingDate" : "dInvoiceDate", postingDate);
  const currency = checkCurrency(r);
  const daybook = checkDaybook(r, ctx.data.daybooks.invoice);
  const description = r.str("dInvoiceDescription", { max: MAX.description });
  const lines = readLines(ctx, record, r.errors, "customerInvoiceLines");
  const total = round2(lines.reduce((sum, l) => sum + l.amountTC, 0));
  if (lines.length > 0 && r.errors.length === 0 && total <= 0) r.fail("customerInvoiceLines", "The invoice total must be positive; post a credit note as an adjustment.", total, ERROR_CODES.invalid);
  if (r.errors.length > 0 || !customer || !period) return { ok: false, errors: r.errors };
  const now = stampNow(ctx);
  const invoice: CustomerInvoice = {
    domainCode: ctx.data.workspace.domainCode,
    entityCode: ctx.data.workspace.entityCode,
    customerCode: customer.customerCode,
    currencyCode: currency,
    daybookCode: daybook,
    periodYear: period.periodYear,
    periodPeriod: period.periodPeriod,
    createdDateTime: now,
    lastModifiedDateTime: now,
    lastModifiedUser: ctx.user,
    dInvoiceVoucher: ctx.store.nextVoucher(ctx.data, period.periodYear, daybook),
    dInvoiceReference: reference,
    dInvoiceDescription: description,
    dInvoiceDate: date,
    dInvoiceDueDate: dueDate,
    dInvoicePostingDate: postingDate,
    dInvoiceType: "INVOICE",
    dInvoiceOriginalDebitTC: total,
    dInvoiceBalanceTC: total,
    dInvoiceIsOpen: true,
    lines,
  };
  ctx.store.putInvoice(ctx.data, invoice);
  return { ok: true, record: ctx.data.invoices.get(invoice.dInvoiceVoucher)! };
};

export const createCustomerPayment = (ctx: WriteContext, record: Record<string, unknown>): WriteResult<CustomerPayment> => {
  const r = readRecord(record);
  const customer = checkCustomer(ctx, r);
  const reference = checkReference(ctx, r, "dDocumentReference", ctx.data.payments);
  const date = r.date("dDocumentDate", { required: true });
  const postingDate = r.date("dDocumentPostingDate") || date;
  const period = checkPeriod(ctx, r, r.has("dDocumentPostingDate") ? "dDocumentPostingDate" : "dDocumentDate", postingDate);
  const currency = checkCurrency(r);
  const daybook = checkDaybook(r, ctx.data.daybooks.payment);
  const bankCode = r.str("bankGLCode", { required: true, max: MAX.code });
  const bank = checkGl(ctx, r, "bankGLCode", bankCode, ["Bank"]);
  if (bank && currency && bank.currencyCode && bank.currencyCode !== currency) {
    r.fail("bankGLCode", `Bank account '${bank.glCode}' is in ${bank.currencyCode}; the receipt is in ${currency}.`, bankCode, ERROR_CODES.invalid);
  }
  const amount = r.num("dDocumentAmountTC", { required: true });
  if (amount !== undefined && amount <= 0) r.fail("dDocumentAmountTC", "The receipt amount must be positive.", amount, ERROR_CODES.invalid);
  const allocations = readAllocations(ctx, record, r.errors, { key: "customerPaymentAllocations", amountKey: "dDocumentInvoiceXrefAlloTC", customer, currency });
  const allocated = round2(allocations.reduce((sum, a) => sum + a.amountTC, 0));
  if (amount !== undefined && allocated > amount + 0.000001) r.fail("dDocumentAmountTC", `The allocations (${allocated.toFixed(2)}) exceed the receipt amount.`, amount, ERROR_CODES.overAllocated);
  if (r.errors.length > 0 || !customer || !period || amount === undefined) return { ok: false, errors: r.errors };
  applyAllocations(ctx, allocations);
  const now = stampNow(ctx);
  const payment: CustomerPayment = {
    domainCode: ctx.data.workspace.domainCode,
    entityCode: ctx.data.workspace.entityCode,
    customerCode: customer.customerCode,
    currencyCode: currency,
    daybookCode: daybook,
    periodYear: period.periodYear,
    periodPeriod: period.periodPeriod,
    createdDateTime: now,
    lastModifiedDateTime: now,
    lastModifiedUser: ctx.user,
    dDocumentVoucher: ctx.store.nextVoucher(ctx.data, period.periodYear, daybook),
    dDocumentReference: reference,
    dDocumentDescription: r.str("dDocumentDescription", { max: MAX.description }),
    dDocumentDate: date,
    dDocumentPostingDate: postingDate,
    bankGLCode: bank!.glCode,
    dDocumentAmountTC: amount,
    dDocumentUnallocatedTC: round2(amount - allocated),
    allocations: allocations.map(({ invoice: _invoice, ...a }) => a),
  };
  ctx.store.putPayment(ctx.data, payment);
  return { ok: true, record: ctx.data.payments.get(payment.dDocumentVoucher)! };
};

export const createCustomerAdjustment = (ctx: WriteContext, record: Record<string, unknown>): WriteResult<CustomerAdjustment> => {
  const r = readRecord(record);
  const customer = checkCustomer(ctx, r);
  const reference = checkReference(ctx, r, "dInvoiceReference", ctx.data.adjustments);
  const date = r.date("dInvoiceDate", { required: true });
  const postingDate = r.date("dInvoicePostingDate") || date;
  const period = checkPeriod(ctx, r, r.has("dInvoicePostingDate") ? "dInvoicePostingDate" : "dInvoiceDate", postingDate);
  const currency = checkCurrency(r);
  const daybook = checkDaybook(r, ctx.data.daybooks.adjustment);
  const description = r.str("dInvoiceDescription", { max: MAX.description });
  const lines = readLines(ctx, record, r.errors, "customerAdjustmentLines");
  const total = round2(lines.reduce((sum, l) => sum + l.amountTC, 0));
  if (lines.length > 0 && r.errors.length === 0 && total <= 0) r.fail("customerAdjustmentLines", "The credit note total must be positive.", total, ERROR_CODES.invalid);
  const allocations = readAllocations(ctx, record, r.errors, { key: "customerAdjustmentAllocations", amountKey: "allocatedAmountTC", customer, currency });
  const allocated = round2(allocations.reduce((sum, a) => sum + a.amountTC, 0));
  if (total > 0 && allocated > total + 0.000001) r.fail("customerAdjustmentAllocations", `The allocations (${allocated.toFixed(2)}) exceed the credit note total (${total.toFixed(2)}).`, allocated, ERROR_CODES.overAllocated);
  if (r.errors.length > 0 || !customer || !period) return { ok: false, errors: r.errors };
  applyAllocations(ctx, allocations);
  const now = stampNow(ctx);
  const adjustment: CustomerAdjustment = {
    domainCode: ctx.data.workspace.domainCode,
    entityCode: ctx.data.workspace.entityCode,
    customerCode: customer.customerCode,
    currencyCode: currency,
    daybookCode: daybook,
    periodYear: period.periodYear,
    periodPeriod: period.periodPeriod,
    createdDateTime: now,
    lastModifiedDateTime: now,
    lastModifiedUser: ctx.user,
    dInvoiceVoucher: ctx.store.nextVoucher(ctx.data, period.periodYear, daybook),
    dInvoiceReference: reference,
    dInvoiceDescription: description,
    dInvoiceDate: date,
    dInvoicePostingDate: postingDate,
    dInvoiceType: "CREDITNOTE",
    dInvoiceOriginalCreditTC: total,
    dInvoiceUnallocatedTC: round2(total - allocated),
    lines,
    allocations: allocations.map(({ invoice: _invoice, ...a }) => a),
  };
  ctx.store.putAdjustment(ctx.data, adjustment);
  return { ok: true, record: ctx.data.adjustments.get(adjustment.dInvoiceVoucher)! };
};

/** customerV2s: creates or updates the customer of the workspace's shared set named by customerCode. */
export const upsertCustomer = (ctx: WriteContext, record: Record<string, unknown>): WriteResult<Customer> => {
  const r = readRecord(record);
  const sharedSetCode = ctx.data.workspace.sharedSetCode;
  const givenSet = r.str("sharedSetCode", { max: MAX.code });
  if (givenSet && givenSet.toLowerCase() !== sharedSetCode.toLowerCase()) r.fail("sharedSetCode", `Shared set '${givenSet}' is not the customer shared set of this entity.`, givenSet, ERROR_CODES.notFound);
  const code = r.str("customerCode", { required: true, max: MAX.customerCode });
  const existing = code ? ctx.store.findCustomer(sharedSetCode, code) : undefined;
  const creating = !existing;
  const name = r.str("businessRelationName", { required: creating, max: MAX.name });
  const currency = r.has("currencyCode") || creating ? checkCurrency(r) : existing.currencyCode;
  const isActive = r.bool("isActive");
  const customer: Customer = {
    sharedSetCode,
    customerCode: existing?.customerCode ?? code,
    businessRelationCode: r.str("businessRelationCode", { max: MAX.code }) || existing?.businessRelationCode || code,
    businessRelationName: name || existing?.businessRelationName || "",
    addressSearchName: r.str("addressSearchName", { max: MAX.searchName }) || existing?.addressSearchName || name.slice(0, MAX.searchName),
    currencyCode: currency,
    creditTermsCode: r.str("creditTermsCode", { max: MAX.code }) || existing?.creditTermsCode || "30D",
    EMail: r.str("EMail", { max: 80 }) || existing?.EMail || "",
    countryCode: r.str("countryCode", { max: 3 }) || existing?.countryCode || "",
    isActive: isActive ?? existing?.isActive ?? true,
  };
  if (r.errors.length > 0) return { ok: false, errors: r.errors };
  ctx.store.putCustomer(customer);
  return { ok: true, record: ctx.store.findCustomer(sharedSetCode, customer.customerCode)! };
};
