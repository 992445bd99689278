import { createRandom, type Random } from "../core/random";
import type {
  Account,
  Charge,
  CreditMemo,
  DebitMemo,
  Invoice,
  InvoiceItem,
  InvoiceItemAdjustment,
  Payment,
  PaymentApplication,
  Refund,
  Subscription,
  ZuoraEvent,
} from "./types";

/*
 * The tenant's data. Every lookup is O(1): maps by id plus maps from number to id. Updates replace
 * records (see types.ts) and keep updatedDate non-decreasing, so sorting by (updatedDate, id) is stable.
 */

export const round2 = (n: number) => Math.round(n * 100) / 100;

export type StoreState = {
  accounts: Account[];
  charges: Charge[];
  invoices: Invoice[];
  payments: Payment[];
  creditMemos: CreditMemo[];
  /** absent in state files written before subscriptions existed */
  subscriptions?: Subscription[];
  /** absent in state files written before refunds existed */
  refunds?: Refund[];
  /** absent in state files written before debit memos and adjustments existed */
  debitMemos?: DebitMemo[];
  adjustments?: InvoiceItemAdjustment[];
  counters: { account: number; invoice: number; payment: number; creditMemo: number; billRun: number; subscription?: number; refund?: number; debitMemo?: number; adjustment?: number };
  randomState: number;
};

export class ZuoraStoreError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
/** "2024-05-01" in the tenant's time zone (UTC in the sandbox). */
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) => isoDate(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);

export const createStore = (options: { now: () => Date; seed: number }) => {
  let random: Random = createRandom(options.seed);
  let randomCalls = 0;
  const id = () => {
    randomCalls += 1;
    return random.hex32();
  };
  let lastStamp = 0;
  /** Current time truncated to seconds, never earlier than the previous stamp. */
  const stamp = () => {
    const t = Math.floor(options.now().getTime() / 1000) * 1000;
    lastStamp = Math.max(lastStamp, t);
    return lastStamp;
  };

  const accounts = new Map<string, Account>();
  const accountIdByNumber = new Map<string, string>();
  const charges = new Map<string, Charge>();
  const invoices = new Map<string, Invoice>();
  const invoiceIdByNumber = new Map<string, string>();
  const payments = new Map<string, Payment>();
  const paymentIdByNumber = new Map<string, string>();
  const creditMemos = new Map<string, CreditMemo>();
  const creditMemoIdByNumber = new Map<string, string>();
  const subscriptions = new Map<string, Subscription>();
  const subscriptionIdByNumber = new Map<string, string>();
  const refunds = new Map<string, Refund>();
  const refundIdByNumber = new Map<string, string>();
  const debitMemos = new Map<string, DebitMemo>();
  const debitMemoIdByNumber = new Map<string, string>();
  const adjustments = new Map<string, InvoiceItemAdjustment>();
  const adjustmentIdByNumber = new Map<string, string>();
  /** accountId -> ids of its invoices / payments / credit memos, for balances without a scan. */
  const invoicesByAccount = new Map<string, Set<string>>();
  const paymentsByAccount = new Map<string, Set<string>>();
  const creditMemosByAccount = new Map<string, Set<string>>();
  const index = (map: Map<string, Set<string>>, accountId: string | null, id: string) => {
    if (!accountId) return;
    let set = map.get(accountId);
    if (!set) map.set(accountId, (set = new Set()));
    set.add(id);
  };
  let counters: StoreState["counters"] = { account: 0, invoice: 0, payment: 0, creditMemo: 0, billRun: 0 };
  const listeners: ((event: ZuoraEvent) => void)[] = [];
  /** Bumped on every change; the state file is written only when it moved. */
  let version = 0;

  const emit = (event: ZuoraEvent) => {
    for (const listener of listeners) listener(event);
  };

  const putAccount = (a: Account) => {
    accounts.set(a.id, a);
    accountIdByNumber.set(a.accountNumber, a.id);
    version += 1;
  };
  const putInvoice = (i: Invoice) => {
    invoices.set(i.id, i);
    invoiceIdByNumber.set(i.invoiceNumber, i.id);
    index(invoicesByAccount, i.accountId, i.id);
    version += 1;
  };
  const putPayment = (p: Payment) => {
    payments.set(p.id, p);
    paymentIdByNumber.set(p.number, p.id);
    index(paymentsByAccount, p.accountId, p.id);
    version += 1;
  };
  const putCreditMemo = (c: CreditMemo) => {
    creditMemos.set(c.id, c);
    creditMemoIdByNumber.set(c.number, c.id);
    index(creditMemosByAccount, c.accountId, c.id);
    version += 1;
  };

  const putRefund = (r: Refund) => {
    refunds.set(r.id, r);
    refundIdByNumber.set(r.number, r.id);
    version += 1;
  };

  const putDebitMemo = (d: DebitMemo) => {
    debitMemos.set(d.id, d);
    debitMemoIdByNumber.set(d.number, d.id);
    version += 1;
  };
  const putAdjustment = (a: InvoiceItemAdjustment) => {
    adjustments.set(a.id, a);
    adjustmentIdByNumber.set(a.number, a.id);
    version += 1;
  };

  const putSubscription = (x: Subscription) => {
    subscriptions.set(x.id, x);
    subscriptionIdByNumber.set(x.subscriptionNumber, x.id);
    version += 1;
  };

  const byKey = <T>(map: Map<string, T>, numbers: Map<string, string>, key: string): T | undefined =>
    map.get(key) ?? map.get(numbers.get(key) ?? "");

  const findAccount = (key: string) => byKey(accounts, accountIdByNumber, key);
  const findInvoice = (key: string) => byKey(invoices, invoiceIdByNumber, key);
  const findPayment = (key: string) => byKey(payments, paymentIdByNumber, key);
  const findCreditMemo = (key: string) => byKey(creditMemos, creditMemoIdByNumber, key);
  const findSubscription = (key: string) => byKey(subscriptions, subscriptionIdByNumber, key);
  const findRefund = (key: string) => byKey(refunds, refundIdByNumber, key);
  const findDebitMemo = (key: string) => byKey(debitMemos, debitMemoIdByNumber, key);
  const findAdjustment = (key: string) => byKey(adjustments, adjustmentIdByNumber, key);

  /** Changes an account's writable fields (PUT /v1/accounts/{key}); the update stamps updatedDate. */
  const updateAccount = (accountId: string, patch: Partial<Pick<Account, "name" | "notes" | "crmId" | "batch" | "salesRep" | "paymentTerm" | "billCycleDay" | "autoPay" | "customFields" | "billTo">>) => {
    const a = accounts.get(accountId);
    if (!a) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${accountId}'.`);
    // A sold-to that is the bill-to contact itself (same id) changes with it.
    const soldTo = patch.billTo && a.soldTo.id === a.billTo.id ? patch.billTo : a.soldTo;
    const next: Account = { ...a, ...patch, soldTo, customFields: { ...a.customFields, ...patch.customFields }, updatedDate: stamp() };
    putAccount(next);
    return next;
  };

  /**
   * A standalone invoice (POST /v1/invoices): lines with their own amounts, optionally from a catalogue
   * charge (whose name, SKU and accounting code then win, as Zuora documents). Posted ones raise Invoice Posted.
   */
  const createStandaloneInvoice = (input: {
    accountId: string;
    invoiceDate: string;
    dueDate?: string;
    status: "Draft" | "Posted";
    comments?: string;
    customFields?: Record<string, string | null>;
    lines: { amount: number; quantity: number; unitPrice: number; chargeName?: string; description?: string; productRatePlanChargeId?: string; accountingCode?: string; serviceStartDate: string; serviceEndDate?: string; taxAmount?: number }[];
  }) => {
    const account = accounts.get(input.accountId);
    if (!account) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.accountId}'.`);
    const t = stamp();
    const items: InvoiceItem[] = input.lines.map((line) => {
      const charge = line.productRatePlanChargeId ? charges.get(line.productRatePlanChargeId) : undefined;
      if (line.productRatePlanChargeId && !charge) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${line.productRatePlanChargeId}'.`);
      const chargeName = charge?.chargeName ?? line.chargeName ?? "";
      const taxAmount = round2(line.taxAmount ?? 0);
      return {
        id: id(),
        chargeId: id(),
        productRatePlanChargeId: charge?.id ?? "",
        chargeName,
        chargeType: charge?.chargeType ?? "OneTime",
        productName: charge?.productName ?? "",
        sku: charge?.sku ?? "",
        description: line.description ?? chargeName,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        unitOfMeasure: charge?.unitOfMeasure ?? "Each",
        chargeAmount: round2(line.amount),
        taxAmount,
        taxRate: 0,
        taxCode: "",
        balance: round2(line.amount + taxAmount),
        serviceStartDate: line.serviceStartDate,
        serviceEndDate: line.serviceEndDate ?? line.serviceStartDate,
        chargeDate: t,
        subscriptionId: "",
        subscriptionName: "",
        accountingCode: charge?.accountingCode ?? line.accountingCode ?? "",
        deferredRevenueAccountingCode: charge?.deferredRevenueAccountingCode ?? "",
        taxationItemId: "",
      };
    });
    const amountWithoutTax = round2(items.reduce((sum, i) => sum + i.chargeAmount, 0));
    const taxAmount = round2(items.reduce((sum, i) => sum + i.taxAmount, 0));
    counters = { ...counters, invoice: counters.invoice + 1 };
    const posted = input.status === "Posted";
    const invoice: Invoice = {
      id: id(),
      invoiceNumber: `INV${pad(counters.invoice, 8)}`,
      accountId: account.id,
      status: input.status,
      currency: account.currency,
      amount: round2(amountWithoutTax + taxAmount),
      amountWithoutTax,
      taxAmount,
      balance: round2(amountWithoutTax + taxAmount),
      paymentAmount: 0,
      creditMemoAmount: 0,
      invoiceDate: input.invoiceDate,
      dueDate: input.dueDate ?? addDays(input.invoiceDate, Number(/\d+/.exec(account.paymentTerm)?.[0] ?? 30)),
      targetDate: input.invoiceDate,
      postedDate: posted ? isoDate(t) : null,
      postedBy: posted ? SYSTEM_USER_ID : null,
      paymentTerm: account.paymentTerm,
      billRunId: null,
      source: "API",
      sourceId: null,
      comments: input.comments ?? "",
      items,
      ...(input.customFields ? { customFields: input.customFields } : {}),
      createdDate: t,
      updatedDate: t,
    };
    putInvoice(invoice);
    if (posted) emit({ name: "InvoicePosted", invoice, account });
    return invoice;
  };

  /** A new subscription (version 1, Active): raises Subscription Created. */
  const createSubscription = (input: { accountId: string; mrr: number; contractEffectiveDate: string }) => {
    const account = accounts.get(input.accountId);
    if (!account) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.accountId}'.`);
    counters = { ...counters, subscription: (counters.subscription ?? 0) + 1 };
    const t = stamp();
    const subscription: Subscription = {
      id: id(),
      subscriptionNumber: `A-S${pad(counters.subscription ?? 0, 8)}`,
      accountId: account.id,
      status: "Active",
      version: 1,
      currency: account.currency,
      mrr: round2(input.mrr),
      termStartDate: input.contractEffectiveDate,
      contractEffectiveDate: input.contractEffectiveDate,
      cancelledDate: null,
      createdDate: t,
      updatedDate: t,
    };
    putSubscription(subscription);
    emit({ name: "SubscriptionCreated", subscription, account, amendmentType: null });
    return subscription;
  };

  /** An amendment: a new version with the new MRR (UpdateProduct), or cancelled (Cancellation). */
  const amendSubscription = (key: string, change: { mrr: number; effectiveDate: string } | { cancel: true; effectiveDate: string }) => {
    const current = findSubscription(key);
    if (!current) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${key}'.`);
    if (current.status === "Cancelled") throw new ZuoraStoreError(50000020, `Subscription ${current.subscriptionNumber} is cancelled.`);
    const account = accounts.get(current.accountId)!;
    const cancel = "cancel" in change;
    const next: Subscription = {
      ...current,
      version: current.version + 1,
      status: cancel ? "Cancelled" : "Active",
      mrr: cancel ? current.mrr : round2(change.mrr),
      contractEffectiveDate: change.effectiveDate,
      cancelledDate: cancel ? change.effectiveDate : null,
      updatedDate: stamp(),
    };
    putSubscription(next);
    emit({ name: cancel ? "SubscriptionCancelled" : "SubscriptionAmended", subscription: next, account, amendmentType: cancel ? "Cancellation" : "UpdateProduct" });
    return next;
  };

  /** Open amounts of one account (Zuora's account metrics). */
  const accountBalances = (accountId: string) => {
    let totalInvoiceBalance = 0;
    for (const id of invoicesByAccount.get(accountId) ?? []) totalInvoiceBalance += invoices.get(id)?.balance ?? 0;
    let unappliedPaymentAmount = 0;
    for (const id of paymentsByAccount.get(accountId) ?? []) unappliedPaymentAmount += payments.get(id)?.unappliedAmount ?? 0;
    let unappliedCreditMemoAmount = 0;
    for (const id of creditMemosByAccount.get(accountId) ?? []) unappliedCreditMemoAmount += creditMemos.get(id)?.unappliedAmount ?? 0;
    return {
      balance: round2(totalInvoiceBalance),
      totalInvoiceBalance: round2(totalInvoiceBalance),
      unappliedPaymentAmount: round2(unappliedPaymentAmount),
      unappliedCreditMemoAmount: round2(unappliedCreditMemoAmount),
    };
  };

  const nextBillRunId = () => {
    counters = { ...counters, billRun: counters.billRun + 1 };
    return `BR-${pad(counters.billRun, 8)}`;
  };

  const addAccount = (input: Omit<Account, "id" | "accountNumber" | "createdDate" | "updatedDate"> & { accountNumber?: string }) => {
    counters = { ...counters, account: counters.account + 1 };
    const t = stamp();
    const account: Account = {
      ...input,
      id: id(),
      accountNumber: input.accountNumber ?? `A${pad(counters.account, 8)}`,
      createdDate: t,
      updatedDate: t,
    };
    putAccount(account);
    return account;
  };

  const addCharge = (input: Omit<Charge, "id" | "productId"> & { productId?: string }) => {
    const charge: Charge = { ...input, id: id(), productId: input.productId ?? id() };
    charges.set(charge.id, charge);
    version += 1;
    return charge;
  };

  /** Creates a posted invoice (Invoice Posted is raised) from charge lines. */
  const postInvoice = (input: {
    accountId: string;
    lines: { chargeId: string; quantity: number }[];
    invoiceDate: string;
    billRunId: string | null;
  }) => {
    const account = accounts.get(input.accountId);
    if (!account) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.accountId}'.`);
    const t = stamp();
    const subscriptionNumber = `A-S${account.accountNumber.slice(1)}`;
    const items: InvoiceItem[] = input.lines.map((line) => {
      const charge = charges.get(line.chargeId);
      if (!charge) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${line.chargeId}'.`);
      const unitPrice = charge.prices[account.currency];
      if (unitPrice === undefined) throw new ZuoraStoreError(50000020, `Charge ${charge.chargeName} has no ${account.currency} price.`);
      const chargeAmount = round2(unitPrice * line.quantity);
      const taxAmount = round2((chargeAmount * account.taxRate) / 100);
      const serviceEndDate = charge.chargeType === "Recurring" ? addDays(input.invoiceDate, 29) : input.invoiceDate;
      return {
        id: id(),
        chargeId: id(),
        productRatePlanChargeId: charge.id,
        chargeName: charge.chargeName,
        chargeType: charge.chargeType,
        productName: charge.productName,
        sku: charge.sku,
        description: `${charge.productName}: ${charge.chargeName}`,
        quantity: line.quantity,
        unitPrice,
        unitOfMeasure: charge.unitOfMeasure,
        chargeAmount,
        taxAmount,
        taxRate: account.taxRate,
        taxCode: account.taxCode,
        balance: round2(chargeAmount + taxAmount),
        serviceStartDate: input.invoiceDate,
        serviceEndDate,
        chargeDate: t,
        subscriptionId: id(),
        subscriptionName: subscriptionNumber,
        accountingCode: charge.accountingCode,
        deferredRevenueAccountingCode: charge.deferredRevenueAccountingCode,
        taxationItemId: id(),
      };
    });
    const amountWithoutTax = round2(items.reduce((s, i) => s + i.chargeAmount, 0));
    const taxAmount = round2(items.reduce((s, i) => s + i.taxAmount, 0));
    counters = { ...counters, invoice: counters.invoice + 1 };
    const termDays = Number(/\d+/.exec(account.paymentTerm)?.[0] ?? 30);
    const invoice: Invoice = {
      id: id(),
      invoiceNumber: `INV${pad(counters.invoice, 8)}`,
      accountId: account.id,
      status: "Posted",
      currency: account.currency,
      amount: round2(amountWithoutTax + taxAmount),
      amountWithoutTax,
      taxAmount,
      balance: round2(amountWithoutTax + taxAmount),
      paymentAmount: 0,
      creditMemoAmount: 0,
      invoiceDate: input.invoiceDate,
      dueDate: addDays(input.invoiceDate, termDays),
      targetDate: input.invoiceDate,
      postedDate: isoDate(t),
      postedBy: SYSTEM_USER_ID,
      paymentTerm: account.paymentTerm,
      billRunId: input.billRunId,
      source: input.billRunId ? "BillRun" : "API",
      sourceId: input.billRunId,
      comments: "",
      items,
      createdDate: t,
      updatedDate: t,
    };
    putInvoice(invoice);
    emit({ name: "InvoicePosted", invoice, account });
    return invoice;
  };

  /**
   * Reduces an invoice's balance, spreading the amount over its items in order; a negative amount (an
   * unapplied or canceled payment) gives it back to the items, up to what each item bills.
   */
  const applyToInvoice = (invoice: Invoice, amount: number, kind: "payment" | "credit") => {
    let left = amount;
    const items =
      amount >= 0
        ? invoice.items.map((item) => {
            const take = round2(Math.min(item.balance, left));
            left = round2(left - take);
            return take > 0 ? { ...item, balance: round2(item.balance - take) } : item;
          })
        : invoice.items.map((item) => {
            const back = round2(Math.min(round2(item.chargeAmount + item.taxAmount - item.balance), -left));
            left = round2(left + back);
            return back > 0 ? { ...item, balance: round2(item.balance + back) } : item;
          });
    const updated: Invoice = {
      ...invoice,
      items,
      balance: round2(invoice.balance - amount),
      paymentAmount: kind === "payment" ? round2(invoice.paymentAmount + amount) : invoice.paymentAmount,
      creditMemoAmount: kind === "credit" ? round2(invoice.creditMemoAmount + amount) : invoice.creditMemoAmount,
      updatedDate: stamp(),
    };
    putInvoice(updated);
    return updated;
  };

  /** Creates a processed payment applied to the given invoices; raises (External) Payment Processed. */
  const processPayment = (input: {
    accountId: string | null;
    type: Payment["type"];
    amount: number;
    currency: string;
    effectiveDate?: string;
    paymentMethodId?: string | null;
    gatewayId?: string | null;
    referenceId?: string | null;
    comment?: string | null;
    invoices: PaymentApplication[];
  }) => {
    const account = input.accountId ? accounts.get(input.accountId) : undefined;
    if (input.accountId && !account) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.accountId}'.`);
    if (!(input.amount > 0)) throw new ZuoraStoreError(50000020, "'amount' must be greater than 0.");
    if (account && account.currency !== input.currency) {
      throw new ZuoraStoreError(50000020, `The currency ${input.currency} of the payment must be the same as the currency ${account.currency} of the customer account.`);
    }
    const applied = round2(input.invoices.reduce((s, a) => s + a.amount, 0));
    if (applied > input.amount + 0.000001) {
      throw new ZuoraStoreError(50000030, "The total amount applied to invoices cannot exceed the payment amount.");
    }
    const targets = input.invoices.map((application) => {
      const invoice = invoices.get(application.invoiceId);
      if (!invoice) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${application.invoiceId}'.`);
      if (!account || invoice.accountId !== account.id) {
        throw new ZuoraStoreError(50000030, `Invoice ${invoice.invoiceNumber} does not belong to the payment's account.`);
      }
      if (invoice.status !== "Posted") throw new ZuoraStoreError(50000030, `Invoice ${invoice.invoiceNumber} is not posted.`);
      if (application.amount > invoice.balance + 0.000001) {
        throw new ZuoraStoreError(50000030, `The amount applied exceeds the balance of invoice ${invoice.invoiceNumber}.`);
      }
      return { invoice, amount: round2(application.amount) };
    });
    const paymentMethodId = input.type === "Electronic" ? (input.paymentMethodId ?? account?.defaultPaymentMethodId ?? null) : (input.paymentMethodId ?? null);
    if (input.type === "Electronic" && !paymentMethodId) {
      throw new ZuoraStoreError(50000022, "An electronic payment needs a payment method: 'paymentMethodId' is required.");
    }
    for (const { invoice, amount } of targets) applyToInvoice(invoice, amount, "payment");
    counters = { ...counters, payment: counters.payment + 1 };
    const t = stamp();
    const electronic = input.type === "Electronic";
    const payment: Payment = {
      id: id(),
      number: `P-${pad(counters.payment, 8)}`,
      accountId: account?.id ?? null,
      type: input.type,
      status: "Processed",
      currency: input.currency,
      amount: round2(input.amount),
      appliedAmount: applied,
      unappliedAmount: round2(input.amount - applied),
      effectiveDate: input.effectiveDate ?? isoDate(t),
      paymentMethodId,
      gatewayId: electronic ? (input.gatewayId ?? (account?.paymentGateway ? GATEWAY_ID : null)) : (input.gatewayId ?? null),
      gatewayState: electronic ? "Submitted" : "NotSubmitted",
      gatewayResponse: electronic ? "Approved" : null,
      gatewayResponseCode: electronic ? "approve" : null,
      referenceId: input.referenceId ?? (electronic ? `ch_${id().slice(0, 24)}` : null),
      comment: input.comment ?? null,
      applications: targets.map(({ invoice, amount }) => ({ invoiceId: invoice.id, amount })),
      createdDate: t,
      updatedDate: t,
    };
    putPayment(payment);
    emit({ name: electronic ? "PaymentProcessed" : "ExternalPaymentProcessed", payment, account });
    return payment;
  };

  /** Creates a posted credit memo from an invoice and applies what the invoice still owes; raises Credit Memo Posted. */
  const postCreditMemoFromInvoice = (input: { invoiceId: string; amount: number; reasonCode: string; billRun: boolean }) => {
    const invoice = invoices.get(input.invoiceId);
    if (!invoice) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.invoiceId}'.`);
    const account = accounts.get(invoice.accountId);
    if (!account) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${invoice.accountId}'.`);
    const amount = round2(Math.min(input.amount, invoice.amount));
    const firstItem = invoice.items[0];
    const rate = firstItem?.taxRate ?? 0;
    const taxAmount = round2(amount - amount / (1 + rate / 100));
    counters = { ...counters, creditMemo: counters.creditMemo + 1 };
    const t = stamp();
    const applied = round2(Math.min(amount, invoice.balance));
    const memo: CreditMemo = {
      id: id(),
      number: `CM${pad(counters.creditMemo, 8)}`,
      accountId: account.id,
      status: "Posted",
      currency: invoice.currency,
      amount,
      taxAmount,
      appliedAmount: applied,
      unappliedAmount: round2(amount - applied),
      creditMemoDate: isoDate(t),
      reasonCode: input.reasonCode,
      referredInvoiceId: invoice.id,
      source: input.billRun ? "BillRun" : "API",
      sourceType: "Invoice",
      postedOn: t,
      comment: "",
      items: [
        {
          id: id(),
          sourceItemId: firstItem?.id ?? "",
          amount: round2(amount - taxAmount),
          taxAmount,
          skuName: firstItem?.sku ?? "",
          accountingCode: firstItem?.accountingCode ?? "",
        },
      ],
      createdDate: t,
      updatedDate: t,
    };
    if (applied > 0) applyToInvoice(invoice, applied, "credit");
    putCreditMemo(memo);
    emit({ name: "CreditMemoPosted", creditMemo: memo, account });
    return memo;
  };

  const processedPayment = (key: string) => {
    const payment = findPayment(key);
    if (!payment) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${key}'.`);
    if (payment.status !== "Processed") throw new ZuoraStoreError(50000030, `The payment ${payment.number} is ${payment.status}; only a processed payment can be changed.`);
    return payment;
  };

  /**
   * PUT /v1/payments/{key}/unapply: takes applied amounts back from invoices (each invoice's balance
   * grows again); the payment's unapplied amount grows by as much.
   */
  const unapplyPayment = (key: string, lines: PaymentApplication[]) => {
    const payment = processedPayment(key);
    const left = new Map(payment.applications.map((a) => [a.invoiceId, a.amount]));
    for (const line of lines) {
      const applied = left.get(line.invoiceId);
      if (applied === undefined) throw new ZuoraStoreError(50000030, `The payment ${payment.number} is not applied to invoice '${line.invoiceId}'.`);
      if (!(line.amount > 0) || line.amount > applied + 0.000001) throw new ZuoraStoreError(50000030, `The amount to unapply must be greater than 0 and cannot exceed the amount applied (${applied}).`);
      left.set(line.invoiceId, round2(applied - line.amount));
    }
    for (const line of lines) {
      const invoice = invoices.get(line.invoiceId);
      if (invoice) applyToInvoice(invoice, -round2(line.amount), "payment");
    }
    const total = round2(lines.reduce((sum, l) => sum + l.amount, 0));
    const next: Payment = {
      ...payment,
      applications: [...left.entries()].filter(([, amount]) => amount > 0).map(([invoiceId, amount]) => ({ invoiceId, amount })),
      appliedAmount: round2(payment.appliedAmount - total),
      unappliedAmount: round2(payment.unappliedAmount + total),
      updatedDate: stamp(),
    };
    putPayment(next);
    return next;
  };

  /**
   * PUT /v1/payments/{key}/cancel, with the payment rule "Unapply payment first when canceling it"
   * (Yes for new tenants): the payment is unapplied from its invoices (their balances grow again) and
   * becomes Canceled. Refused once the gateway settled it, when it was refunded, or when its account is
   * canceled.
   */
  const cancelPayment = (key: string) => {
    const payment = processedPayment(key);
    const account = payment.accountId ? accounts.get(payment.accountId) : undefined;
    if (account?.status === "Canceled") throw new ZuoraStoreError(50000030, `The account ${account.accountNumber} is canceled; payment cancellation is not allowed on it.`);
    if (payment.gatewayState === "Settled") throw new ZuoraStoreError(50000030, `The payment ${payment.number} has been settled and can no longer be canceled; refund it instead.`);
    if ((payment.refundAmount ?? 0) > 0) throw new ZuoraStoreError(50000030, `The payment ${payment.number} has refunds and cannot be canceled.`);
    for (const a of payment.applications) {
      const invoice = invoices.get(a.invoiceId);
      if (invoice) applyToInvoice(invoice, -a.amount, "payment");
    }
    const t = stamp();
    const next: Payment = { ...payment, status: "Canceled", applications: [], appliedAmount: 0, unappliedAmount: 0, cancelledOn: t, updatedDate: t };
    putPayment(next);
    return next;
  };

  /**
   * POST /v1/payments/{key}/refunds: refunds part or all of the payment's unapplied amount. An
   * electronic refund goes back through the gateway of an electronic payment; an external one names
   * how the money was returned (`methodType`). The payment's unapplied amount shrinks by the refund.
   */
  const refundPayment = (
    key: string,
    input: { type: Refund["type"]; totalAmount: number; methodType?: string; refundDate?: string; reasonCode?: string; comment?: string; referenceId?: string },
  ) => {
    const payment = processedPayment(key);
    if (!(input.totalAmount > 0)) throw new ZuoraStoreError(50000020, "'totalAmount' must be greater than 0.");
    if (input.totalAmount > payment.unappliedAmount + 0.000001) {
      throw new ZuoraStoreError(50000030, `The refund amount ${input.totalAmount} cannot exceed the unapplied amount ${payment.unappliedAmount} of payment ${payment.number}; unapply the payment from its invoices first.`);
    }
    if (input.type === "External" && !input.methodType) throw new ZuoraStoreError(50000022, "'methodType' is required for an external refund.");
    if (input.type === "Electronic" && input.methodType) throw new ZuoraStoreError(50000020, "'methodType' must be left empty for an electronic refund.");
    if (input.type === "Electronic" && payment.type !== "Electronic") throw new ZuoraStoreError(50000030, `The payment ${payment.number} is an external payment; only an external refund can be made on it.`);
    const t = stamp();
    const refundDate = input.refundDate ?? isoDate(t);
    if (refundDate < payment.effectiveDate) throw new ZuoraStoreError(50000020, "The date of the refund cannot be before the payment date.");
    counters = { ...counters, refund: (counters.refund ?? 0) + 1 };
    const refund: Refund = {
      id: id(),
      number: `R-${pad(counters.refund ?? 1, 8)}`,
      accountId: payment.accountId ?? "",
      paymentId: payment.id,
      type: input.type,
      methodType: input.type === "External" ? (input.methodType ?? null) : null,
      status: "Processed",
      amount: round2(input.totalAmount),
      currency: payment.currency,
      refundDate,
      reasonCode: input.reasonCode ?? "Standard Refund",
      referenceId: input.referenceId ?? (input.type === "Electronic" ? `re_${id().slice(0, 24)}` : null),
      comment: input.comment ?? null,
      gatewayState: input.type === "Electronic" ? "Submitted" : "NotSubmitted",
      createdDate: t,
      updatedDate: t,
    };
    putPayment({ ...payment, unappliedAmount: round2(payment.unappliedAmount - refund.amount), refundAmount: round2((payment.refundAmount ?? 0) + refund.amount), updatedDate: t });
    putRefund(refund);
    return refund;
  };

  /**
   * A posted debit memo charging the account: from an invoice's items (a share of each, as "Create a
   * debit memo from an invoice" does) or standalone from catalogue charges, with the account's tax rate.
   */
  const postDebitMemo = (input: { accountId: string; invoiceId?: string | null; lines: { chargeId: string; amount: number }[]; reasonCode: string; memoDate?: string }) => {
    const account = accounts.get(input.accountId);
    if (!account) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.accountId}'.`);
    const invoice = input.invoiceId ? invoices.get(input.invoiceId) : undefined;
    if (input.invoiceId && !invoice) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.invoiceId}'.`);
    if (invoice && invoice.accountId !== account.id) throw new ZuoraStoreError(50000030, `Invoice ${invoice.invoiceNumber} does not belong to account ${account.accountNumber}.`);
    if (input.lines.length === 0) throw new ZuoraStoreError(50000022, "A debit memo needs at least one item.");
    const items = input.lines.map((line) => {
      const charge = charges.get(line.chargeId);
      if (!charge) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${line.chargeId}'.`);
      if (!(line.amount > 0)) throw new ZuoraStoreError(50000020, "The amount of a debit memo item must be greater than 0.");
      const amount = round2(line.amount);
      return { id: id(), chargeName: charge.chargeName, productName: charge.productName, sku: charge.sku, accountingCode: charge.accountingCode, description: `${charge.productName}: ${charge.chargeName}`, amount, taxAmount: round2((amount * account.taxRate) / 100) };
    });
    const t = stamp();
    counters = { ...counters, debitMemo: (counters.debitMemo ?? 0) + 1 };
    const taxAmount = round2(items.reduce((s, i) => s + i.taxAmount, 0));
    const amount = round2(items.reduce((s, i) => s + i.amount, 0) + taxAmount);
    const memoDate = input.memoDate ?? isoDate(t);
    const memo: DebitMemo = {
      id: id(),
      number: `DM${pad(counters.debitMemo ?? 1, 8)}`,
      accountId: account.id,
      status: "Posted",
      currency: account.currency,
      amount,
      taxAmount,
      balance: amount,
      memoDate,
      dueDate: addDays(memoDate, Number(/\d+/.exec(account.paymentTerm)?.[0] ?? 30)),
      reasonCode: input.reasonCode,
      referredInvoiceId: invoice?.id ?? null,
      items,
      createdDate: t,
      updatedDate: t,
    };
    putDebitMemo(memo);
    return memo;
  };

  /**
   * An invoice item adjustment: a Credit lowers the item's (and invoice's) balance, never below 0; a
   * Charge raises it. Only on a posted invoice, for a positive amount.
   */
  const adjustInvoiceItem = (input: { invoiceId: string; itemId: string; type: InvoiceItemAdjustment["type"]; amount: number; reasonCode: string; adjustmentDate?: string; comment?: string }) => {
    const invoice = findInvoice(input.invoiceId);
    if (!invoice) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.invoiceId}'.`);
    if (invoice.status !== "Posted") throw new ZuoraStoreError(50000030, `Invoice ${invoice.invoiceNumber} is not posted.`);
    const item = invoice.items.find((x) => x.id === input.itemId);
    if (!item) throw new ZuoraStoreError(50000040, `Cannot find entity by key: '${input.itemId}'.`);
    if (!(input.amount > 0)) throw new ZuoraStoreError(50000020, "The amount of an invoice item adjustment must be positive; its type says credit or charge.");
    const amount = round2(input.amount);
    if (input.type === "Credit" && amount > item.balance + 0.000001) throw new ZuoraStoreError(50000030, `The credit amount ${amount} exceeds the balance ${item.balance} of the invoice item.`);
    const t = stamp();
    const adjustmentDate = input.adjustmentDate ?? isoDate(t);
    if (adjustmentDate < invoice.invoiceDate) throw new ZuoraStoreError(50000020, "The adjustment date must be the invoice date or later.");
    const delta = input.type === "Credit" ? -amount : amount;
    putInvoice({
      ...invoice,
      items: invoice.items.map((x) => (x.id === item.id ? { ...x, balance: round2(x.balance + delta) } : x)),
      balance: round2(invoice.balance + delta),
      updatedDate: t,
    });
    counters = { ...counters, adjustment: (counters.adjustment ?? 0) + 1 };
    const adjustment: InvoiceItemAdjustment = {
      id: id(),
      number: `IIA-${pad(counters.adjustment ?? 1, 8)}`,
      accountId: invoice.accountId,
      invoiceId: invoice.id,
      sourceId: item.id,
      sourceType: "InvoiceDetail",
      type: input.type,
      amount,
      adjustmentDate,
      reasonCode: input.reasonCode,
      accountingCode: item.accountingCode,
      status: "Processed",
      comment: input.comment ?? null,
      createdDate: t,
      updatedDate: t,
    };
    putAdjustment(adjustment);
    return adjustment;
  };

  /** Simulates an edit in the Zuora UI: bumps updatedDate (and the comment) so pollers see a change. */
  const touch = (object: "invoices" | "payments" | "credit-memos" | "accounts", key: string, comment = "edited") => {
    const t = stamp();
    if (object === "invoices") {
      const r = findInvoice(key);
      if (!r) return undefined;
      putInvoice({ ...r, comments: comment, updatedDate: t });
      return r.id;
    }
    if (object === "payments") {
      const r = findPayment(key);
      if (!r) return undefined;
      putPayment({ ...r, comment, updatedDate: t });
      return r.id;
    }
    if (object === "credit-memos") {
      const r = findCreditMemo(key);
      if (!r) return undefined;
      putCreditMemo({ ...r, comment, updatedDate: t });
      return r.id;
    }
    const r = findAccount(key);
    if (!r) return undefined;
    putAccount({ ...r, notes: comment, updatedDate: t });
    return r.id;
  };

  const reset = (seed = options.seed) => {
    accounts.clear();
    accountIdByNumber.clear();
    charges.clear();
    invoices.clear();
    invoiceIdByNumber.clear();
    payments.clear();
    paymentIdByNumber.clear();
    creditMemos.clear();
    creditMemoIdByNumber.clear();
    subscriptions.clear();
    subscriptionIdByNumber.clear();
    refunds.clear();
    refundIdByNumber.clear();
    debitMemos.clear();
    debitMemoIdByNumber.clear();
    adjustments.clear();
    adjustmentIdByNumber.clear();
    invoicesByAccount.clear();
    paymentsByAccount.clear();
    creditMemosByAccount.clear();
    counters = { account: 0, invoice: 0, payment: 0, creditMemo: 0, billRun: 0 };
    random = createRandom(seed);
    randomCalls = 0;
    version += 1;
  };

  const snapshot = (): StoreState => ({
    accounts: [...accounts.values()],
    charges: [...charges.values()],
    invoices: [...invoices.values()],
    payments: [...payments.values()],
    creditMemos: [...creditMemos.values()],
    subscriptions: [...subscriptions.values()],
    refunds: [...refunds.values()],
    debitMemos: [...debitMemos.values()],
    adjustments: [...adjustments.values()],
    counters,
    randomState: randomCalls,
  });

  const restore = (state: StoreState) => {
    reset();
    for (const a of state.accounts) putAccount(a);
    for (const c of state.charges) charges.set(c.id, c);
    for (const i of state.invoices) putInvoice(i);
    for (const p of state.payments) putPayment(p);
    for (const c of state.creditMemos) putCreditMemo(c);
    for (const x of state.subscriptions ?? []) putSubscription(x);
    for (const r of state.refunds ?? []) putRefund(r);
    for (const d of state.debitMemos ?? []) putDebitMemo(d);
    for (const a of state.adjustments ?? []) putAdjustment(a);
    counters = state.counters;
    // Replays the id generator so ids minted after a restart do not repeat earlier ones.
    for (let i = 0; i < state.randomState; i += 1) id();
    for (const r of [...invoices.values(), ...payments.values(), ...creditMemos.values(), ...accounts.values(), ...refunds.values(), ...debitMemos.values(), ...adjustments.values()]) {
      lastStamp = Math.max(lastStamp, r.updatedDate);
    }
  };

  return {
    accounts,
    charges,
    invoices,
    payments,
    creditMemos,
    subscriptions,
    refunds,
    debitMemos,
    adjustments,
    findAccount,
    findRefund,
    findDebitMemo,
    findAdjustment,
    postDebitMemo,
    adjustInvoiceItem,
    unapplyPayment,
    cancelPayment,
    refundPayment,
    findSubscription,
    updateAccount,
    createStandaloneInvoice,
    createSubscription,
    amendSubscription,
    findInvoice,
    findPayment,
    findCreditMemo,
    accountBalances,
    addAccount,
    addCharge,
    postInvoice,
    processPayment,
    postCreditMemoFromInvoice,
    touch,
    nextBillRunId,
    newId: id,
    stamp,
    onEvent: (listener: (event: ZuoraEvent) => void) => {
      listeners.push(listener);
    },
    version: () => version,
    reset,
    snapshot,
    restore,
  };
};

export type ZuoraStore = ReturnType<typeof createStore>;

/** The id shown as createdById/updatedById/postedBy for changes the sandbox makes itself. */
export const SYSTEM_USER_ID = "2c93808457d787030157e031bd4d0001";

/** Id of the demo tenant's one payment gateway ("Stripe Gateway"). */
export const GATEWAY_ID = "2c92c0f85a4d1b0e015a4f2c7e9d1234";
