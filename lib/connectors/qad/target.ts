// The QAD target adapter: look-up by reference (the Zuora number) before every create, since QAD has
// no idempotency key; creates of invoices, receipts and adjustments. Documents are create-only in QAD.
import type { TargetDocumentRef } from "../ports";
import { VendorHttpError } from "../../http";
import { isPeriodClosedRefusal, qadRefusalsOf, type QadAdjustmentInput, type QadClient, type QadDocumentRef, type QadInvoiceInput, type QadReceiptInput } from "./client";
import type { QadDocumentEntity } from "./config";

const ENTITIES = new Set<string>(["invoice", "receipt", "adjustment"]);

const entityOf = (entity: string): QadDocumentEntity => {
  if (!ENTITIES.has(entity)) throw Object.assign(new Error(`QAD has no target entity "${entity}" in this connector`), { retryable: false });
  return entity as QadDocumentEntity;
};

const refOf = (doc: QadDocumentRef): TargetDocumentRef => ({ targetId: doc.voucher, targetRef: doc.voucher });

/** The QAD target: entities "invoice", "receipt", "adjustment"; the target id and ref are QAD's voucher. */
export const createQadTarget = (client: QadClient) => ({
  findDocument: async ({ entity, naturalKey }: { entity: string; naturalKey: string }): Promise<TargetDocumentRef | null> => {
    const rows = await client.findByReference(entityOf(entity), naturalKey);
    if (rows.length > 1) {
      throw Object.assign(new Error(`QAD already holds ${rows.length} ${entity} documents with reference ${naturalKey} (${rows.map((r) => r.voucher).join(", ")}); resolve the duplicate there first`), { retryable: false });
    }
    return rows[0] ? refOf(rows[0]) : null;
  },
  createDocument: async ({ entity, document }: { entity: string; naturalKey: string; document: unknown }): Promise<TargetDocumentRef> => {
    const e = entityOf(entity);
    try {
      if (e === "invoice") return refOf(await client.createInvoice(document as QadInvoiceInput));
      if (e === "receipt") return refOf(await client.createReceipt(document as QadReceiptInput));
      return refOf(await client.createAdjustment(document as QadAdjustmentInput));
    } catch (err) {
      // The period closed after the planner read the calendar: read it again and retry, so the plan holds
      // the document period-closed instead of failing it.
      if (err instanceof VendorHttpError && qadRefusalsOf(err).some(isPeriodClosedRefusal)) {
        client.forgetPeriods();
        throw new VendorHttpError({ ...err, summaries: err.summaries, retryable: true, reason: `${err.reason} (the GL calendar is read again before the retry)` });
      }
      throw err;
    }
  },
});
