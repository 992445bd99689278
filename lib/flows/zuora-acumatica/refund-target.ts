// The Acumatica target of this flow, extended for what follows a posted payment: "Refund" (a customer
// refund, Payment entity Type "Refund", found by the Zuora refund number in ExternalRef) and
// "PaymentVoid" (the Voided Payment that VoidPayment creates for a payment canceled in Zuora, found by
// the payment's reference number, natural key the Zuora payment number). A posted "Payment" is never
// changed: what follows it is a document of its own.
import { acumaticaConfig, type AcumaticaClient } from "../../connectors/acumatica";
import type { TargetDocumentRef, TargetPort } from "../../connectors/ports";
import type { AcumaticaRefundDoc } from "./mapping";
import type { PaymentVoidInput } from "./payment-changes";

const refused = (message: string) => Object.assign(new Error(message), { retryable: false });
const notYet = (message: string) => Object.assign(new Error(message), { retryable: true });

export const withRefundsAndVoids = (base: TargetPort, client: AcumaticaClient): TargetPort => {
  const statusOf = new Map<string, string | null>();
  const finish = async (entity: "Refund" | "PaymentVoid", ref: string, status: string | null | undefined) => {
    if (status === "Balanced" || status === "On Hold") await client.releasePayment(ref, entity === "Refund" ? "Refund" : "Voided Payment");
  };
  /** The Acumatica payment a Zuora payment number posted as (Type Payment; a Voided Payment may carry the same ExternalRef). */
  const paymentOf = async (number: string) => {
    const rows = (await client.lookUpPayment(number)).filter((r) => r.Type === "Payment");
    if (rows.length > 1) throw refused(`Acumatica already holds ${rows.length} payments for ${number}; resolve the duplicate there first`);
    return rows[0];
  };
  const findVoid = async (naturalKey: string, paymentRef?: string): Promise<TargetDocumentRef | null> => {
    const ref = paymentRef ?? (await paymentOf(naturalKey))?.ReferenceNbr;
    if (!ref) return null;
    const row = (await client.findVoidedPayments(ref))[0];
    if (!row) return null;
    statusOf.set(`PaymentVoid:${naturalKey}`, row.Status ?? null);
    return { targetId: row.id, targetRef: row.ReferenceNbr ?? null };
  };
  const findRefund = async (naturalKey: string): Promise<TargetDocumentRef | null> => {
    const rows = (await client.lookUpPayment(naturalKey)).filter((r) => r.Type === "Refund");
    if (rows.length > 1) throw refused(`Acumatica already holds ${rows.length} refunds for ${naturalKey}; resolve the duplicate there first`);
    const row = rows[0];
    if (!row) return null;
    statusOf.set(`Refund:${naturalKey}`, row.Status ?? null);
    return { targetId: row.id, targetRef: row.ReferenceNbr ?? null };
  };
  return {
    ...base,
    // A refund is a Payment of Type Refund under its Zuora number (as findRefund reads it); a void is never looked up in batches.
    lookUpMany: async (o) => {
      if (o.entity === "PaymentVoid") return new Map();
      if (o.entity !== "Refund") return base.lookUpMany ? base.lookUpMany(o) : new Map();
      const found = await client.findPayments(o.naturalKeys, { select: "Type,ReferenceNbr,Status,ExternalRef", batchSize: acumaticaConfig.lookUpManyBatchSize });
      return new Map([...found].map(([key, rows]) => [key, rows.filter((r) => r.Type === "Refund").map((r) => ({ targetId: r.id, targetRef: r.ReferenceNbr ?? null }))]));
    },
    findDocument: async (o) => (o.entity === "Refund" ? findRefund(o.naturalKey) : o.entity === "PaymentVoid" ? findVoid(o.naturalKey) : base.findDocument(o)),
    createDocument: async (o) => {
      if (o.entity === "Refund") {
        const created = await client.createRefund(o.document as AcumaticaRefundDoc);
        if (!created.ReferenceNbr) throw notYet(`Acumatica created refund ${o.naturalKey} without a reference number`);
        await client.releasePayment(created.ReferenceNbr, "Refund");
        return { targetId: created.id, targetRef: created.ReferenceNbr };
      }
      if (o.entity === "PaymentVoid") {
        const { paymentRef } = o.document as PaymentVoidInput;
        await client.voidPayment(paymentRef);
        const voided = await findVoid(o.naturalKey, paymentRef);
        if (!voided?.targetRef) throw notYet(`Acumatica voided payment ${paymentRef} but its Voided Payment cannot be found yet`);
        await finish("PaymentVoid", voided.targetRef, statusOf.get(`PaymentVoid:${o.naturalKey}`));
        return voided;
      }
      return base.createDocument(o);
    },
    updateDocument: async (o) => (o.entity === "Payment" ? o.ref : base.updateDocument ? base.updateDocument(o) : Promise.reject(refused(`Acumatica ${o.entity} documents are never updated`))),
    completeDocument: async (o) => {
      if (o.entity === "Refund" || o.entity === "PaymentVoid") {
        if (o.ref.targetRef) await finish(o.entity, o.ref.targetRef, statusOf.get(`${o.entity}:${o.naturalKey}`));
        return;
      }
      await base.completeDocument?.(o);
    },
  };
};
