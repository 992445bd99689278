// Both ledgers' documents for the reconciliation at close: every Zuora invoice, credit memo and
// payment changed since the flow's start (Object Query, pages of 99) beside its Acumatica document
// (found by the Zuora number in CustomerOrder / ExternalRef; pages of 1,000). A credit memo whose
// CustomerOrder is a Zuora invoice number is that invoice's reversal and is netted into it. A payment
// canceled in Zuora pays nothing (amount 0) and its voided Acumatica payment counts 0 too; a refund is
// a negative payment on both sides (money paid back), so "paid" is net of refunds.
import type { AcumaticaClient } from "../../connectors/acumatica";
import { acumaticaInvoiceSchema, acumaticaPaymentSchema } from "../../connectors/acumatica/schemas";
import { readAllPages } from "../../connectors/common/odata";
import type { ZuoraClient } from "../../connectors/zuora";
import type { ZuoraPollObject, ZuoraQueryRecord } from "../../connectors/zuora";
import type { BalanceDocument } from "../types";
import { tenantDate, type ZuoraAcumaticaSettings } from "./mapping";

const PAGE = 1000;

const allZuora = async <O extends ZuoraPollObject>(client: ZuoraClient, object: O, since: Date): Promise<ZuoraQueryRecord[O][]> => {
  const rows: ZuoraQueryRecord[O][] = [];
  let cursor: string | null = null;
  do {
    const page: { records: ZuoraQueryRecord[O][]; nextCursor: string | null } = await client.listChanged(object, { since, cursor, expand: ["account"] });
    rows.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
};

const allAcumatica = <T>(read: (page: { top: number; skip: number }) => Promise<T[]>) => readAllPages(read, { pageSize: PAGE, max: Number.MAX_SAFE_INTEGER });

export const readZuoraAcumaticaBalances = async ({
  source,
  target,
  settings,
  since,
}: {
  source: ZuoraClient;
  target: AcumaticaClient;
  settings: ZuoraAcumaticaSettings;
  since: Date;
}): Promise<BalanceDocument[]> => {
  const [invoices, memos, payments, refunds, arDocs, arPayments] = await Promise.all([
    allZuora(source, "invoices", since),
    settings.invoiceSettlement ? allZuora(source, "credit-memos", since) : Promise.resolve([]),
    allZuora(source, "payments", since),
    settings.invoiceSettlement ? allZuora(source, "refunds", since) : Promise.resolve([]),
    allAcumatica(({ top, skip }) => target.list("Invoice", acumaticaInvoiceSchema, { select: "Type,ReferenceNbr,CustomerOrder,Customer,Amount,Balance,Status", top, skip })),
    allAcumatica(({ top, skip }) => target.list("Payment", acumaticaPaymentSchema, { select: "Type,ReferenceNbr,ExternalRef,CustomerID,PaymentAmount,AvailableBalance,Status", top, skip })),
  ]);
  const released = (status: string | null | undefined) => status === "Open" || status === "Closed";
  const ar = new Map<string, (typeof arDocs)[number]>();
  for (const d of arDocs) if (d.CustomerOrder && released(d.Status)) ar.set(`${d.Type}:${d.CustomerOrder}`, d);
  const pay = new Map<string, (typeof arPayments)[number]>();
  const voided = new Map<string, (typeof arPayments)[number]>();
  const refunded = new Map<string, (typeof arPayments)[number]>();
  for (const p of arPayments) {
    if (!p.ExternalRef) continue;
    if (p.Type === "Payment" && released(p.Status)) pay.set(p.ExternalRef, p);
    if (p.Type === "Payment" && p.Status === "Voided") voided.set(p.ExternalRef, p);
    if (p.Type === "Refund" && released(p.Status)) refunded.set(p.ExternalRef, p);
  }
  const date = (d: string | null | undefined) => tenantDate(d ?? "", settings.tenantTimeZone);
  const party = (r: { account?: { accountNumber: string } | null; accountId?: string | null }) => r.account?.accountNumber ?? r.accountId ?? "?";

  const out: BalanceDocument[] = [];
  for (const i of invoices) {
    if (i.status !== "Posted" && i.status !== "Canceled") continue;
    const doc = ar.get(`Invoice:${i.invoiceNumber}`);
    const reversal = ar.get(`Credit Memo:${i.invoiceNumber}`);
    out.push({
      objectType: "invoice",
      number: i.invoiceNumber,
      currency: i.currency ?? "?",
      party: party(i),
      date: date(i.invoiceDate),
      // a canceled invoice bills nothing in Zuora
      source: i.status === "Canceled" ? { amount: 0, open: 0 } : { amount: i.amount ?? 0, open: i.balance ?? 0 },
      target: doc ? { amount: (doc.Amount ?? 0) - (reversal?.Amount ?? 0), open: doc.Balance ?? 0, ref: doc.ReferenceNbr ?? null } : null,
    });
  }
  for (const m of memos) {
    if (m.status !== "Posted") continue;
    const doc = ar.get(`Credit Memo:${m.memoNumber}`);
    out.push({
      objectType: "credit-memo",
      number: m.memoNumber,
      currency: m.currency ?? "?",
      party: party(m),
      date: date(m.memoDate),
      source: { amount: m.totalAmount ?? 0, open: m.unappliedAmount ?? 0 },
      target: doc ? { amount: doc.Amount ?? 0, open: doc.Balance ?? 0, ref: doc.ReferenceNbr ?? null } : null,
    });
  }
  for (const p of payments) {
    const canceled = p.status === "Canceled" || p.status === "Cancelled";
    if (p.status !== "Processed" && !canceled) continue;
    if (p.type === "External" && !settings.postExternalPayments) continue;
    const doc = pay.get(p.paymentNumber);
    const voidedDoc = canceled ? voided.get(p.paymentNumber) : undefined;
    // a payment canceled before it ever posted has no Acumatica document, and needs none
    if (canceled && !doc && !voidedDoc) continue;
    out.push({
      objectType: "payment",
      number: p.paymentNumber,
      currency: p.currency ?? "?",
      party: party(p),
      date: date(p.effectiveDate),
      source: canceled ? { amount: 0, open: 0 } : { amount: p.amount ?? 0, open: p.unappliedAmount ?? 0 },
      target: voidedDoc ? { amount: 0, open: 0, ref: voidedDoc.ReferenceNbr ?? null } : doc ? { amount: doc.PaymentAmount ?? 0, open: doc.AvailableBalance ?? 0, ref: doc.ReferenceNbr ?? null } : null,
    });
  }
  for (const r of refunds) {
    if (r.status !== "Processed") continue;
    const doc = refunded.get(r.refundNumber);
    out.push({
      objectType: "refund",
      number: r.refundNumber,
      currency: r.currency ?? r.account?.currency ?? "?",
      party: party(r),
      date: date(r.refundDate),
      source: { amount: -(r.amount ?? 0), open: 0 },
      target: doc ? { amount: -(doc.PaymentAmount ?? 0), open: doc.AvailableBalance ?? 0, ref: doc.ReferenceNbr ?? null } : null,
    });
  }
  return out;
};
