import { z } from "zod";
import { createRandom } from "../core/random";
import { isoDate, round2, type ZuoraStore } from "./store";
import type { Account } from "./types";

/*
 * A bill run as the demo and benchmarks need it: post N invoices over the tenant's active accounts, then
 * settle some of them with credit memos (only with Invoice Settlement), electronic payments (accounts with
 * a payment method) and external payments (cheque / wire). Each step raises its own Zuora event.
 */

export const billRunInputSchema = z.strictObject({
  /** Invoices to post. */
  invoices: z.number().int().min(1).max(100_000),
  /** Restrict to these accounts (id or number); default all active accounts. */
  accounts: z.array(z.string()).optional(),
  currency: z.string().length(3).optional(),
  /** Invoice date (YYYY-MM-DD); default today. */
  invoiceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  /** Share of invoices paid by an electronic payment (gateway), 0..1. */
  electronicPaymentRate: z.number().min(0).max(1).default(0.4),
  /** Share of invoices paid by an external payment (cheque, wire), 0..1. */
  externalPaymentRate: z.number().min(0).max(1).default(0.3),
  /** Share of invoices that get a credit memo for part of their amount, 0..1 (needs Invoice Settlement). */
  creditMemoRate: z.number().min(0).max(1).default(0.1),
  /**
   * Share of payments that pay more than the invoice owes (10 % to 30 % more), 0..1: the rest stays
   * unapplied on the payment (a credit balance the customer may have refunded).
   */
  overpaymentRate: z.number().min(0).max(1).default(0),
  /** Share of invoices followed by a debit memo (a late fee on one of their charges), 0..1 (needs Invoice Settlement). */
  debitMemoRate: z.number().min(0).max(1).default(0),
  /** Share of invoices with an invoice item adjustment (credit or charge on their first item), 0..1. */
  adjustmentRate: z.number().min(0).max(1).default(0),
  /** Seed of the choices (accounts, lines, which invoices are paid). */
  seed: z.number().int().optional(),
});
export type BillRunInput = z.input<typeof billRunInputSchema>;

export type BillRunResult = {
  billRunId: string;
  invoices: { id: string; number: string }[];
  payments: { id: string; number: string; type: "Electronic" | "External" }[];
  creditMemos: { id: string; number: string }[];
  debitMemos: { id: string; number: string }[];
  adjustments: { id: string; number: string; type: "Credit" | "Charge" }[];
};

const CREDIT_REASONS = ["Correcting invoice error", "Goodwill", "Service outage credit"];
const DEBIT_REASONS = ["Late fee", "Correcting invoice error"];
const ADJUSTMENT_REASONS = ["Write-off", "Correcting invoice error"];

export const runBillRun = (options: {
  store: ZuoraStore;
  input: BillRunInput;
  isInvoiceSettlement: boolean;
  now: () => Date;
}): BillRunResult => {
  const input = billRunInputSchema.parse(options.input);
  const { store } = options;
  const random = createRandom(input.seed ?? store.invoices.size + 1);
  let accounts: Account[] = input.accounts
    ? input.accounts.map((key) => {
        const a = store.findAccount(key);
        if (!a) throw new Error(`Unknown account ${key}`);
        return a;
      })
    : [...store.accounts.values()].filter((a) => a.status === "Active");
  if (input.currency) accounts = accounts.filter((a) => a.currency === input.currency);
  if (accounts.length === 0) throw new Error("No active account to bill (seed accounts first)");
  const charges = [...store.charges.values()];
  if (charges.length === 0) throw new Error("No product charges to bill (seed the catalog first)");
  const recurring = charges.filter((c) => c.chargeType === "Recurring");
  const others = charges.filter((c) => c.chargeType !== "Recurring");

  const billRunId = store.nextBillRunId();
  const invoiceDate = input.invoiceDate ?? isoDate(options.now().getTime());
  const result: BillRunResult = { billRunId, invoices: [], payments: [], creditMemos: [], debitMemos: [], adjustments: [] };

  for (let n = 0; n < input.invoices; n += 1) {
    const account = accounts[n % accounts.length] as Account;
    const lines = [{ chargeId: random.pick(recurring.length > 0 ? recurring : charges).id, quantity: random.int(1, 25) }];
    const extra = random.int(0, 2);
    for (let i = 0; i < extra && others.length > 0; i += 1) {
      const charge = random.pick(others);
      lines.push({ chargeId: charge.id, quantity: charge.chargeType === "Usage" ? random.int(100, 5_000) : 1 });
    }
    const invoice = store.postInvoice({ accountId: account.id, lines, invoiceDate, billRunId });
    result.invoices.push({ id: invoice.id, number: invoice.invoiceNumber });

    if (options.isInvoiceSettlement && random.next() < input.creditMemoRate) {
      const share = random.int(5, 30) / 100;
      const memo = store.postCreditMemoFromInvoice({
        invoiceId: invoice.id,
        amount: round2(invoice.amount * share),
        reasonCode: random.pick(CREDIT_REASONS),
        billRun: true,
      });
      result.creditMemos.push({ id: memo.id, number: memo.number });
    }

    // drawn only when asked for, so the choices of existing seeds stay as they were
    if (options.isInvoiceSettlement && input.debitMemoRate > 0 && random.next() < input.debitMemoRate) {
      const charge = charges.find((c) => invoice.items[0]?.productRatePlanChargeId === c.id) ?? random.pick(charges);
      const memo = store.postDebitMemo({ accountId: account.id, invoiceId: invoice.id, lines: [{ chargeId: charge.id, amount: round2(Math.max(1, invoice.amountWithoutTax * (random.int(2, 10) / 100))) }], reasonCode: random.pick(DEBIT_REASONS), memoDate: invoiceDate });
      result.debitMemos.push({ id: memo.id, number: memo.number });
    }
    if (input.adjustmentRate > 0 && random.next() < input.adjustmentRate) {
      const item = store.invoices.get(invoice.id)!.items[0]!;
      const type = random.next() < 0.6 ? "Credit" : "Charge";
      const amount = round2(Math.max(0.5, Math.min(item.balance, item.chargeAmount) * (random.int(5, 20) / 100)));
      if (item.balance > 0 || type === "Charge") {
        const adjustment = store.adjustInvoiceItem({ invoiceId: invoice.id, itemId: item.id, type, amount, reasonCode: random.pick(ADJUSTMENT_REASONS), adjustmentDate: invoiceDate });
        result.adjustments.push({ id: adjustment.id, number: adjustment.number, type });
      }
    }
    const draw = random.next();
    const current = store.invoices.get(invoice.id);
    if (!current || current.balance <= 0) continue;
    const electronic = draw < input.electronicPaymentRate && account.defaultPaymentMethodId !== null;
    const external = !electronic && draw < input.electronicPaymentRate + input.externalPaymentRate;
    if (!electronic && !external) continue;
    // drawn only when asked for, so the choices of existing seeds stay as they were
    const over = input.overpaymentRate > 0 && random.next() < input.overpaymentRate ? round2((current.balance * random.int(10, 30)) / 100) : 0;
    const payment = store.processPayment({
      accountId: account.id,
      type: electronic ? "Electronic" : "External",
      amount: round2(current.balance + over),
      currency: current.currency,
      referenceId: electronic ? null : `${random.pick(["CHK", "WIRE"])}-${random.int(100_000, 999_999)}`,
      comment: electronic ? null : "Received outside Zuora",
      invoices: [{ invoiceId: current.id, amount: current.balance }],
    });
    result.payments.push({ id: payment.id, number: payment.number, type: payment.type });
  }
  return result;
};
