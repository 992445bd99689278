// The Zuora side of Zuora -> Acumatica: change listings and full documents, normalised to the
// payloads zuora-acumatica-mapping.ts parses.
import type { ZuoraClient, ZuoraPollObject } from "../connectors/zuora";
import type { SourceDocument } from "../sync/ports";
import { zaAccountSchema, zaCreditMemoSchema, zaInvoiceSchema, zaPaymentSchema, type ZaLine, type ZuoraAcumaticaSettings } from "./zuora-acumatica-mapping";

/** Object types of this flow in dependency order, and their Object Query names. */
export const OBJECTS = { account: "accounts", invoice: "invoices", payment: "payments", "credit-memo": "credit-memos" } as const satisfies Record<string, ZuoraPollObject>;
export type ObjectType = keyof typeof OBJECTS;
export const isObjectType = (t: string): t is ObjectType => Object.hasOwn(OBJECTS, t);

/**
 * Zuora stamps are whole seconds: v1 GETs write "2026-11-20 10:00:00" (tenant time; UTC assumed, the
 * tenant default of the sandbox; real tenants in another zone need the offset here), Object Query
 * ISO with an offset. Both become ISO UTC with milliseconds, so versions compare as strings.
 */
export const toVersion = (stamp: string | null | undefined): string | null => {
  if (!stamp) return null;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(stamp) ? `${stamp.replace(" ", "T")}Z` : stamp;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

/** The Zuora side: normalised documents (see zuora-acumatica-mapping.ts) fetched by id. */
export const createSource = (client: ZuoraClient, settings: ZuoraAcumaticaSettings) => {
  const accounts = new Map<string, ReturnType<ZuoraClient["getAccountRecord"]>>();
  const accountOf = (id: string) => {
    let hit = accounts.get(id);
    if (!hit) {
      hit = client.getAccountRecord(id);
      hit.catch(() => accounts.delete(id));
      accounts.set(id, hit);
    }
    return hit;
  };
  const accountRef = async (id: string) => {
    const a = await accountOf(id);
    return { id: a.id, accountNumber: a.accountNumber, name: a.name ?? null };
  };
  const document = (objectType: ObjectType, sourceId: string, version: string | null, payload: { currency?: string | null; amount?: number | null }, naturalKey: string | null, documentDate: string | null): SourceDocument => ({
    objectType,
    sourceId,
    sourceVersion: version,
    naturalKey,
    amount: payload.amount ?? null,
    currency: payload.currency ?? null,
    documentDate,
    payload,
  });

  const fetchDocument = async ({ objectType, sourceId }: { objectType: string; sourceId: string }): Promise<SourceDocument | null> => {
    if (!isObjectType(objectType)) throw new Error(`zuora-acumatica has no object type "${objectType}"`);
    if (objectType === "account") {
      const a = await accountOf(sourceId);
      accounts.delete(sourceId);
      const payload = zaAccountSchema.parse({ id: a.id, accountNumber: a.accountNumber, name: a.name ?? "", currency: a.currency ?? "", status: a.status });
      return document("account", a.id, toVersion(a.updatedDate), { ...payload, amount: null }, a.accountNumber, null);
    }
    if (objectType === "invoice") {
      const { invoice, items } = await client.getInvoiceWithItems(sourceId);
      const payload = zaInvoiceSchema.parse({
        id: invoice.id,
        invoiceNumber: invoice.invoiceNumber,
        account: await accountRef(invoice.accountId),
        status: invoice.status,
        currency: invoice.currency ?? "",
        amount: invoice.amount,
        taxAmount: invoice.taxAmount,
        balance: invoice.balance,
        invoiceDate: invoice.invoiceDate,
        dueDate: invoice.dueDate,
        lines: items.map((x) => ({
          id: x.id,
          chargeName: x.chargeName,
          productName: x.productName,
          accountingCode: x.accountingCode,
          description: x.chargeDescription || x.description,
          quantity: x.quantity,
          amount: x.chargeAmount,
          taxAmount: x.taxAmount,
        })),
      });
      return document("invoice", invoice.id, toVersion(invoice.updatedDate), payload, invoice.invoiceNumber, invoice.invoiceDate);
    }
    if (!settings.invoiceSettlement) {
      // Without Invoice Settlement /v1/payments and /v1/creditmemos answer "not enabled": read the
      // record through Object Query for the ledger (the planner records it as skipped).
      if (objectType === "payment") {
        const p = await client.getRecord("payments", sourceId);
        const payload = { id: p.id, number: p.paymentNumber, accountId: p.accountId ?? null, type: p.type ?? null, status: p.status ?? null, currency: p.currency ?? null, amount: p.amount ?? null, effectiveDate: p.effectiveDate ?? null };
        return document("payment", p.id, toVersion(p.updatedDate), payload, p.paymentNumber, p.effectiveDate ?? null);
      }
      const m = await client.getRecord("credit-memos", sourceId);
      const payload = { id: m.id, number: m.memoNumber, accountId: m.accountId, status: m.status ?? null, currency: m.currency ?? null, amount: m.totalAmount ?? null, memoDate: m.memoDate ?? null };
      return document("credit-memo", m.id, toVersion(m.updatedDate), payload, m.memoNumber, m.memoDate ?? null);
    }
    if (objectType === "payment") {
      const p = await client.getPayment(sourceId);
      const parts = await client.getPaymentParts(p.id);
      const payload = zaPaymentSchema.parse({
        id: p.id,
        number: p.number,
        account: p.accountNumber ? { id: p.accountId, accountNumber: p.accountNumber, name: null } : await accountRef(p.accountId),
        type: p.type,
        status: p.status,
        currency: p.currency,
        amount: p.amount,
        effectiveDate: p.effectiveDate,
        // Parts without an invoice are debit memos (not synced by this flow) or the unapplied rest.
        applications: parts.flatMap((x) => (x.invoiceId ? [{ invoiceId: x.invoiceId, amount: x.amount }] : [])),
      });
      return document("payment", p.id, toVersion(p.updatedDate), payload, p.number, p.effectiveDate);
    }
    const memo = await client.getCreditMemo(sourceId);
    const items = await client.getCreditMemoItems(memo.id);
    // Credit memo items name only the SKU; charge and product names come from the invoice items they credit.
    const invoiceItems = memo.referredInvoiceId ? new Map((await client.getInvoiceItems(memo.referredInvoiceId)).map((x) => [x.id, x])) : new Map();
    const lines: ZaLine[] = items.map((x) => {
      const source = x.sourceItemId ? invoiceItems.get(x.sourceItemId) : undefined;
      return {
        id: x.id,
        chargeName: source?.chargeName ?? x.skuName,
        productName: source?.productName ?? x.skuName,
        accountingCode: x.financeInformation?.revenueAccountingCode ?? source?.accountingCode,
        description: source?.chargeName ?? x.skuName,
        amount: x.amount,
        taxAmount: 0,
      };
    });
    const taxAmount = memo.taxAmount ?? 0;
    if (taxAmount !== 0 && lines[0]) lines[0] = { ...lines[0], taxAmount };
    const payload = zaCreditMemoSchema.parse({
      id: memo.id,
      number: memo.number,
      account: memo.accountNumber ? { id: memo.accountId, accountNumber: memo.accountNumber, name: null } : await accountRef(memo.accountId),
      status: memo.status,
      currency: memo.currency ?? "",
      amount: memo.amount,
      memoDate: memo.creditMemoDate,
      referredInvoiceId: memo.referredInvoiceId,
      reasonCode: memo.reasonCode,
      lines,
    });
    return document("credit-memo", memo.id, toVersion(memo.updatedDate), payload, memo.number, memo.creditMemoDate);
  };

  return {
    fetchDocument,
    listChanged: async ({ objectType, since, cursor, pageSize }: { objectType: string; since: Date; cursor: string | null; pageSize: number }) => {
      if (!isObjectType(objectType)) throw new Error(`zuora-acumatica has no object type "${objectType}"`);
      const page = await client.listChanged(OBJECTS[objectType], { since, cursor, pageSize });
      return {
        items: page.records.flatMap((r) => {
          const version = toVersion(r.updatedDate);
          return version ? [{ sourceId: r.id, sourceVersion: version }] : [];
        }),
        nextCursor: page.nextCursor,
        maxVersion: toVersion(page.maxUpdatedDate),
      };
    },
  };
};

