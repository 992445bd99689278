import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { invoiceSettlementRequired, notFound, zuoraFailure } from "./errors";
import { paymentV1, refundV1 } from "./format";
import { ZuoraStoreError } from "./store";
import type { ZuoraTenant } from "./tenant";

/*
 * What happens to a payment after it was processed (Zuora API reference, Payments and Refunds; all
 * need Invoice Settlement):
 * - POST /v1/payments/{paymentKey}/refunds "Refund a payment": refunds part or all of the payment's
 *   UNAPPLIED amount (`totalAmount` cannot exceed it; applied amounts must be unapplied first); `type`
 *   Electronic or External; `methodType` required for an external refund, empty for an electronic one;
 *   `refundDate` not before the payment date.
 * - PUT /v1/payments/{paymentKey}/unapply "Unapply a payment": `invoices[]` {invoiceId, amount}.
 * - PUT /v1/payments/{paymentKey}/cancel "Cancel a payment": status Canceled; not once settled; with the
 *   payment rule "Unapply payment first when canceling it" the payment leaves its invoices first.
 * - GET /v1/refunds/{refundKey} "Retrieve a refund".
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be yyyy-mm-dd");
const METHOD_TYPES = ["ACH", "Cash", "Check", "CreditCard", "PayPal", "WireTransfer", "DebitCard", "CreditCardReferenceTransaction", "BankTransfer", "Other"] as const;
const refundSchema = z.looseObject({
  type: z.enum(["External", "Electronic"]),
  totalAmount: z.number(),
  methodType: z.enum(METHOD_TYPES).optional(),
  refundDate: date.optional(),
  reasonCode: z.string().max(255).optional(),
  comment: z.string().max(255).optional(),
  referenceId: z.string().max(100).optional(),
});
const unapplySchema = z.looseObject({
  effectiveDate: date.optional(),
  invoices: z.array(z.looseObject({ invoiceId: z.string().optional(), invoiceNumber: z.string().optional(), amount: z.number() })).min(1).max(1_000),
});

const invalid = (error: z.ZodError) => {
  const issue = error.issues[0];
  const path = issue?.path.join(".") || "body";
  const missing = issue?.code === "invalid_type" && issue.input === undefined;
  return zuoraFailure(missing ? 50000022 : 50000020, missing ? `${path} is required.` : `${path}: ${issue?.message ?? "invalid value"}`);
};

const storeFailure = (error: unknown) => {
  if (error instanceof ZuoraStoreError) return zuoraFailure(error.code, error.message);
  throw error;
};

export const registerZuoraRefundRoutes = (app: FastifyInstance, tenant: ZuoraTenant) => {
  const { store } = tenant;
  const lookup = { account: (id: string) => store.accounts.get(id) };

  app.post<{ Params: { paymentKey: string } }>("/v1/payments/:paymentKey/refunds", async (request) => {
    if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
    if (!store.findPayment(request.params.paymentKey)) return notFound(request.params.paymentKey);
    const parsed = refundSchema.safeParse(request.body);
    if (!parsed.success) return invalid(parsed.error);
    try {
      return refundV1(store.refundPayment(request.params.paymentKey, parsed.data));
    } catch (error) {
      return storeFailure(error);
    }
  });

  app.put<{ Params: { paymentKey: string } }>("/v1/payments/:paymentKey/unapply", async (request) => {
    if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
    if (!store.findPayment(request.params.paymentKey)) return notFound(request.params.paymentKey);
    const parsed = unapplySchema.safeParse(request.body);
    if (!parsed.success) return invalid(parsed.error);
    const lines: { invoiceId: string; amount: number }[] = [];
    for (const line of parsed.data.invoices) {
      const key = line.invoiceId ?? line.invoiceNumber;
      if (!key) return zuoraFailure(50000022, "invoices: invoiceId or invoiceNumber is required.");
      const invoice = store.findInvoice(key);
      if (!invoice) return notFound(key);
      lines.push({ invoiceId: invoice.id, amount: line.amount });
    }
    try {
      return paymentV1(store.unapplyPayment(request.params.paymentKey, lines), lookup);
    } catch (error) {
      return storeFailure(error);
    }
  });

  app.put<{ Params: { paymentKey: string } }>("/v1/payments/:paymentKey/cancel", async (request) => {
    if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
    if (!store.findPayment(request.params.paymentKey)) return notFound(request.params.paymentKey);
    try {
      return paymentV1(store.cancelPayment(request.params.paymentKey), lookup);
    } catch (error) {
      return storeFailure(error);
    }
  });

  app.get<{ Params: { refundKey: string } }>("/v1/refunds/:refundKey", async (request) => {
    const refund = store.findRefund(request.params.refundKey);
    return refund ? refundV1(refund) : notFound(request.params.refundKey);
  });
};
