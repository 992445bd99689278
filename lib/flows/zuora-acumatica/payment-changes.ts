// A Zuora payment that changed after it posted to Acumatica (payments are master records for this).
// Canceled in Zuora (Zuora's cancel unapplies it from its invoices first) -> the Acumatica payment is
// voided, which reverses its applications so the invoices are open again, or the record is held for
// an admin (flow setting `reversedPayments`). Applied differently in Zuora than when it posted (an
// unapply, or an application added later) -> held for an admin: the Default endpoint has no action to
// reverse one application of a released payment. Anything else (a refund of its unapplied amount,
// which is a refund record of its own; an edited comment) keeps what was posted.
import { z } from "zod";
import type { ZuoraPaymentDocument } from "../../connectors/zuora/documents";
import type { ValueMapIndex } from "../../mapping/value-map-index";
import type { ProcessPlan } from "../types";
import type { ZuoraAcumaticaSettings } from "./mapping";

/** What the Acumatica payment was posted with (AcumaticaPaymentDoc), as far as this check reads it. */
const postedPaymentSchema = z.object({ applyTo: z.array(z.object({ amountPaid: z.number() })) }).loose();

/** What the planner sends for a PaymentVoid: the Acumatica payment to void. */
export type PaymentVoidInput = { paymentRef: string };

const cents = (n: number) => Math.round(n * 100);

export const planPostedPayment = ({
  payment,
  posted,
  maps,
  settings,
}: {
  payment: ZuoraPaymentDocument;
  posted: { targetRef: string | null; targetId: string | null; mappedPayload: unknown };
  maps: ValueMapIndex;
  settings: ZuoraAcumaticaSettings;
}): ProcessPlan => {
  const keep: ProcessPlan = { action: "post", documents: [{ entity: "Payment", naturalKey: payment.number, document: posted.mappedPayload }], mapped: posted.mappedPayload };
  const postedAs = posted.targetRef ?? posted.targetId;
  if (payment.status === "Canceled" || payment.status === "Cancelled" || payment.status === "Voided") {
    const decision = maps.get("reversed-payment")?.get(payment.number);
    if (decision === "keep") return keep;
    if (settings.reversedPayments === "hold" && decision !== "void") {
      return {
        action: "hold",
        reason: "canceled-after-posting",
        missing: [{ kind: "reversed-payment", sourceKey: payment.number, label: `canceled in Zuora after it posted as payment ${postedAs}: map to "void" or "keep"` }],
      };
    }
    if (!posted.targetRef) return { action: "fail", reason: `Payment ${payment.number} was canceled in Zuora but its Acumatica payment is not known; void it in Acumatica by hand` };
    const reversal: PaymentVoidInput = { paymentRef: posted.targetRef };
    return {
      action: "post",
      documents: [
        { entity: "Payment", naturalKey: payment.number, document: posted.mappedPayload },
        { entity: "PaymentVoid", naturalKey: payment.number, document: reversal },
      ],
      mapped: { ...(posted.mappedPayload as object), reversal },
    };
  }
  const before = postedPaymentSchema.safeParse(posted.mappedPayload);
  const appliedBefore = before.success ? before.data.applyTo.reduce((s, a) => s + cents(a.amountPaid), 0) : null;
  const appliedNow = payment.applications.reduce((s, a) => s + cents(a.amount), 0);
  if (appliedBefore !== null && appliedBefore !== appliedNow && maps.get("changed-payment")?.get(payment.number) !== "keep") {
    const money = (c: number) => (c / 100).toFixed(2);
    return {
      action: "hold",
      reason: "applied-after-posting",
      missing: [
        {
          kind: "changed-payment",
          sourceKey: payment.number,
          label: `applied ${money(appliedNow)} in Zuora, ${money(appliedBefore)} when it posted as payment ${postedAs}: change its applications in Acumatica, then map to "keep"`,
        },
      ],
    };
  }
  return keep;
};
