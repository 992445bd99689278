// The Zuora source adapter: change listings and full documents of billing accounts, invoices,
// payments and credit memos, normalised to the Zuora documents of documents.ts. Used by every flow
// reading from Zuora.
import type { ChangedItem, SourceDocument } from "../ports";
import { ZuoraClient } from "./client";
import type { ZuoraPollObject } from "./config";
import {
  zuoraAccountDocumentSchema,
  zuoraCreditMemoDocumentSchema,
  zuoraInvoiceDocumentSchema,
  zuoraPaymentDocumentSchema,
  zuoraRefundDocumentSchema,
  zuoraDebitMemoDocumentSchema,
  zuoraInvoiceAdjustmentDocumentSchema,
  type ZuoraDocumentLine,
} from "./documents";
import type { ZuoraCreditMemoItem, ZuoraQueryRecord } from "./schemas";

/** Options of the Zuora source. */
export type ZuoraSourceOptions = {
  /** the tenant has Invoice Settlement (payments' invoice applications, credit memos); without it both are read as Object Query records only */
  invoiceSettlement: boolean;
};

/** Object types of this flow in dependency order, and their Object Query names. */
export const OBJECTS = { account: "accounts", invoice: "invoices", payment: "payments", "credit-memo": "credit-memos", refund: "refunds", "debit-memo": "debit-memos", "invoice-adjustment": "invoice-item-adjustments" } as const satisfies Record<string, ZuoraPollObject>;
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

type AccountRef = { id: string; accountNumber: string; name: string | null };
/** What a credit memo line takes from the invoice item it credits. */
type CreditedItem = { chargeName?: string | null; productName?: string | null; accountingCode?: string | null };
type LineInput = {
  id: string;
  chargeName?: string | null;
  productName?: string | null;
  accountingCode?: string | null;
  description?: string | null;
  quantity?: number | null;
  amount: number;
  taxAmount?: number | null;
};

/** One invoice line; absent optional fields become null, so a v1 GET and an Object Query listing give equal payloads. */
const line = (x: LineInput): ZuoraDocumentLine => ({
  id: x.id,
  chargeName: x.chargeName ?? null,
  productName: x.productName ?? null,
  accountingCode: x.accountingCode ?? null,
  description: x.description || null,
  quantity: x.quantity ?? null,
  amount: x.amount,
  taxAmount: x.taxAmount ?? null,
});

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A payment's invoice applications in one canonical form whatever the read (v1 parts or Object Query
 * payment applications): one entry per invoice (amounts summed), ordered by invoice id. Entries
 * without an invoice are debit memos (not synced by this flow) or the unapplied rest.
 */
const invoiceApplications = (rows: { invoiceId?: string | null; amount: number }[]) => {
  const byInvoice = new Map<string, number>();
  for (const r of rows) if (r.invoiceId) byInvoice.set(r.invoiceId, (byInvoice.get(r.invoiceId) ?? 0) + r.amount);
  return [...byInvoice.entries()]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([invoiceId, amount]) => ({ invoiceId, amount: round2(amount) }));
};

/** What listChanged asks Object Query to embed, per object. */
const EXPAND: Record<ObjectType, string[]> = { account: ["billto"], invoice: ["invoiceitems", "account"], payment: ["account"], "credit-memo": ["account"], refund: ["account", "refundapplications"], "debit-memo": ["account", "debitmemoitems"], "invoice-adjustment": ["account"] };

/**
 * The Zuora source: normalised documents (documents.ts), built from the Object Query
 * page itself where it carries everything (accounts; invoices with their expanded items and
 * account; payments with their account and one payment-applications read per page), else fetched
 * by id (credit memos: their own items, the credited invoices' items read per page; invoices whose
 * items may be cut off at the page size). A fetch builds the same payload as a listing for the same
 * record (invoices are read the same way, through Object Query by id). Caches live as long as the
 * runtime (one job).
 */
/** How long a product's name read from Zuora answers the jobs of this process (a rename is seen after at most this). */
const PRODUCT_NAMES_TTL_MS = 60_000;
/** Product names by id, per client (one per connection and process), so that each callout's job does not read them again. */
const productNamesByClient = new WeakMap<ZuoraClient, Map<string, { name: string; at: number }>>();

export const createZuoraSource = (client: ZuoraClient, settings: ZuoraSourceOptions) => {
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
  const accountRef = async (id: string): Promise<AccountRef> => {
    const a = await accountOf(id);
    return { id: a.id, accountNumber: a.accountNumber, name: a.name ?? null };
  };
  /**
   * Product names by id: the catalogue changes rarely and a page shares few products. Names read by
   * any job of this process are reused for PRODUCT_NAMES_TTL_MS; this runtime (one job) keeps what it
   * read for its whole run, so one document's lines never mix two readings.
   */
  const shared = productNamesByClient.get(client) ?? new Map<string, { name: string; at: number }>();
  productNamesByClient.set(client, shared);
  const productNames = new Map<string, string>();
  const loadProductNames = async (ids: Iterable<string>) => {
    const now = Date.now();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      if (productNames.has(id)) continue;
      const known = shared.get(id);
      if (known && now - known.at < PRODUCT_NAMES_TTL_MS) productNames.set(id, known.name);
      else missing.push(id);
    }
    if (missing.length === 0) return;
    for (const p of await client.listProducts(missing)) {
      productNames.set(p.id, p.name);
      shared.set(p.id, { name: p.name, at: now });
    }
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

  const accountDocument = (a: ZuoraQueryRecord["accounts"]) => {
    const c = a.billTo;
    const billTo = c
      ? {
          firstName: c.firstName ?? null,
          lastName: c.lastName ?? null,
          workEmail: c.workEmail ?? null,
          workPhone: c.workPhone ?? null,
          address1: c.address1 ?? null,
          address2: c.address2 ?? null,
          city: c.city ?? null,
          state: c.state ?? null,
          postalCode: c.postalCode ?? null,
          country: c.country ?? null,
        }
      : null;
    const payload = zuoraAccountDocumentSchema.parse({ id: a.id, accountNumber: a.accountNumber, name: a.name ?? "", currency: a.currency ?? "", status: a.status, billTo });
    return document("account", a.id, toVersion(a.updatedDate), { ...payload, amount: null }, a.accountNumber, null);
  };
  const invoiceDocument = (
    invoice: { id: string; invoiceNumber: string; status: string; currency?: string | null; amount?: number; taxAmount?: number | null; balance?: number | null; invoiceDate?: string; dueDate?: string | null; updatedDate?: string },
    account: AccountRef,
    lines: ZuoraDocumentLine[],
  ) => {
    const payload = zuoraInvoiceDocumentSchema.parse({
      id: invoice.id,
      invoiceNumber: invoice.invoiceNumber,
      account,
      status: invoice.status,
      currency: invoice.currency ?? "",
      amount: invoice.amount,
      taxAmount: invoice.taxAmount ?? null,
      balance: invoice.balance ?? null,
      invoiceDate: invoice.invoiceDate,
      dueDate: invoice.dueDate ?? null,
      lines,
    });
    return document("invoice", invoice.id, toVersion(invoice.updatedDate), payload, invoice.invoiceNumber, payload.invoiceDate);
  };
  const paymentDocument = (
    p: { id: string; number: string; type: string; status: string; currency: string; amount: number; effectiveDate: string; updatedDate?: string },
    account: AccountRef,
    applications: { invoiceId: string; amount: number }[],
  ) => {
    const payload = zuoraPaymentDocumentSchema.parse({ id: p.id, number: p.number, account, type: p.type, status: p.status, currency: p.currency, amount: p.amount, effectiveDate: p.effectiveDate, applications });
    return document("payment", p.id, toVersion(p.updatedDate), payload, p.number, p.effectiveDate);
  };
  /**
   * A refund from its Object Query record (the account and the refund applications expanded): what it
   * took from which payment or credit memo. Undefined when the record lacks what the document needs.
   */
  const refundDocument = (r: ZuoraQueryRecord["refunds"]): SourceDocument | undefined => {
    if (!r.account || !r.type || !r.status || r.amount === undefined || !r.refundDate || !r.refundApplications) return undefined;
    const payload = zuoraRefundDocumentSchema.parse({
      id: r.id,
      number: r.refundNumber,
      account: { id: r.account.id, accountNumber: r.account.accountNumber, name: r.account.name ?? null },
      type: r.type,
      methodType: r.methodType ?? null,
      status: r.status,
      currency: r.currency ?? r.account.currency ?? "",
      amount: r.amount,
      refundDate: r.refundDate,
      reasonCode: r.reasonCode ?? null,
      sources: r.refundApplications.map((a) => ({ paymentId: a.paymentId ?? null, creditMemoId: a.creditMemoId ?? null, amount: a.applyAmount })),
    });
    return document("refund", r.id, toVersion(r.updatedDate), payload, r.refundNumber, r.refundDate);
  };
  /**
   * A debit memo from its Object Query record (account and items expanded). Undefined when the record
   * lacks what the document needs, or its items may be cut off at the page size (then fetched alone).
   */
  const debitMemoDocument = (r: ZuoraQueryRecord["debit-memos"], pageSize = 99): SourceDocument | undefined => {
    if (!r.account || !r.status || r.totalAmount === undefined || !r.memoDate || !r.debitMemoItems || r.debitMemoItems.length >= pageSize) return undefined;
    const payload = zuoraDebitMemoDocumentSchema.parse({
      id: r.id,
      number: r.memoNumber,
      account: { id: r.account.id, accountNumber: r.account.accountNumber, name: r.account.name ?? null },
      status: r.status,
      currency: r.currency ?? r.account.currency ?? "",
      amount: r.totalAmount,
      memoDate: r.memoDate,
      referredInvoiceId: r.invoiceId ?? null,
      reasonCode: r.reasonCode ?? null,
      lines: r.debitMemoItems.map((x) =>
        line({ id: x.id, chargeName: x.chargeName, productName: x.productName, accountingCode: x.accountingCode, description: x.description, amount: x.amountWithoutTax ?? x.amount - (x.taxAmount ?? 0), taxAmount: x.taxAmount }),
      ),
    });
    return document("debit-memo", r.id, toVersion(r.updatedDate), payload, r.memoNumber, r.memoDate);
  };
  /** An invoice item adjustment from its Object Query record (account expanded). */
  const adjustmentDocument = (r: ZuoraQueryRecord["invoice-item-adjustments"]): SourceDocument | undefined => {
    if (!r.account || !r.type || !r.status || r.amount === undefined || !r.adjustmentDate) return undefined;
    const payload = zuoraInvoiceAdjustmentDocumentSchema.parse({
      id: r.id,
      number: r.adjustmentNumber,
      account: { id: r.account.id, accountNumber: r.account.accountNumber, name: r.account.name ?? null },
      invoiceId: r.invoiceId ?? null,
      type: r.type,
      status: r.status,
      currency: r.account.currency ?? "",
      amount: r.amount,
      adjustmentDate: r.adjustmentDate,
      reasonCode: r.reasonCode ?? null,
      accountingCode: r.accountingCode ?? null,
    });
    return document("invoice-adjustment", r.id, toVersion(r.updatedDate), payload, r.adjustmentNumber, r.adjustmentDate);
  };
  /** Without Invoice Settlement: the Object Query record as the ledger keeps it (the planner records it as skipped). */
  const plainPaymentDocument = (p: ZuoraQueryRecord["payments"]) => {
    const payload = { id: p.id, number: p.paymentNumber, accountId: p.accountId ?? null, type: p.type ?? null, status: p.status ?? null, currency: p.currency ?? null, amount: p.amount ?? null, effectiveDate: p.effectiveDate ?? null };
    return document("payment", p.id, toVersion(p.updatedDate), payload, p.paymentNumber, p.effectiveDate ?? null);
  };
  const plainCreditMemoDocument = (m: ZuoraQueryRecord["credit-memos"]) => {
    const payload = { id: m.id, number: m.memoNumber, accountId: m.accountId, status: m.status ?? null, currency: m.currency ?? null, amount: m.totalAmount ?? null, memoDate: m.memoDate ?? null };
    return document("credit-memo", m.id, toVersion(m.updatedDate), payload, m.memoNumber, m.memoDate ?? null);
  };

  /**
   * A credit memo with its lines. Credit memo items name only the SKU; charge and product names (and
   * the accounting code when the item has none) come from the invoice items they credit.
   */
  const creditMemoDocument = (
    memo: { id: string; number: string; status: string; currency?: string | null; amount: number; appliedAmount?: number | null; creditMemoDate: string; referredInvoiceId?: string | null; reasonCode?: string | null; taxAmount?: number | null; updatedDate?: string },
    account: AccountRef,
    items: ZuoraCreditMemoItem[],
    credited: Map<string, CreditedItem>,
  ) => {
    const lines: ZuoraDocumentLine[] = items.map((x) => {
      const source = x.sourceItemId ? credited.get(x.sourceItemId) : undefined;
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
    const payload = zuoraCreditMemoDocumentSchema.parse({
      id: memo.id,
      number: memo.number,
      account,
      status: memo.status,
      currency: memo.currency ?? "",
      amount: memo.amount,
      memoDate: memo.creditMemoDate,
      referredInvoiceId: memo.referredInvoiceId ?? null,
      appliedAmount: memo.appliedAmount ?? null,
      reasonCode: memo.reasonCode ?? null,
      lines,
    });
    return document("credit-memo", memo.id, toVersion(memo.updatedDate), payload, memo.number, memo.creditMemoDate);
  };
  /** Credit memos of the last listing page, until fetched (one job's runtime). */
  const listedMemos = new Map<string, ZuoraQueryRecord["credit-memos"]>();
  /** The items of the invoices the last listed credit memos credit, by invoice id; absent: not read in full. */
  let creditedItems = new Map<string, Map<string, CreditedItem>>();
  const rememberListedMemos = async (memos: ZuoraQueryRecord["credit-memos"][]) => {
    listedMemos.clear();
    creditedItems = new Map();
    if (memos.length === 0) return;
    const invoiceIds = [...new Set(memos.flatMap((m) => (m.invoiceId ? [m.invoiceId] : [])))];
    const items = invoiceIds.length > 0 ? await client.listInvoiceItems(invoiceIds) : [];
    await loadProductNames(items.flatMap((x) => (x.productId ? [x.productId] : [])));
    const byInvoice = new Map<string, Map<string, CreditedItem>>(invoiceIds.map((id) => [id, new Map()]));
    const incomplete = new Set<string>();
    for (const x of items) {
      const productName = x.productId ? productNames.get(x.productId) : undefined;
      if (!x.invoiceId) continue;
      if (productName === undefined) incomplete.add(x.invoiceId);
      byInvoice.get(x.invoiceId)?.set(x.id, { chargeName: x.chargeName, productName, accountingCode: x.accountingCode });
    }
    for (const id of incomplete) byInvoice.delete(id);
    creditedItems = byInvoice;
    for (const m of memos) listedMemos.set(m.id, m);
  };

  /** An Object Query invoice (expanded items and account) as a document, or undefined when it must be read otherwise (items may be cut off, data missing). */
  const invoiceFromListing = (r: ZuoraQueryRecord["invoices"], pageSize?: number): SourceDocument | undefined => {
    if (!r.account || !r.invoiceItems || ZuoraClient.itemsTruncated(r, pageSize)) return undefined;
    const lines: ZuoraDocumentLine[] = [];
    for (const x of r.invoiceItems) {
      const productName = x.productId ? productNames.get(x.productId) : undefined;
      if (productName === undefined) return undefined;
      lines.push(line({ id: x.id, chargeName: x.chargeName, productName, accountingCode: x.accountingCode, description: x.description, quantity: x.quantity, amount: x.chargeAmount, taxAmount: x.taxAmount }));
    }
    return invoiceDocument(r, { id: r.account.id, accountNumber: r.account.accountNumber, name: r.account.name ?? null }, lines);
  };

  const fetchDocument = async ({ objectType, sourceId }: { objectType: string; sourceId: string }): Promise<SourceDocument | null> => {
    if (!isObjectType(objectType)) throw new Error(`the Zuora source has no object type "${objectType}"`);
    if (objectType === "account") {
      const a = await accountOf(sourceId);
      accounts.delete(sourceId);
      return accountDocument(a);
    }
    if (objectType === "invoice") {
      // As a listing carries it (one call, product names once per runtime); its items through v1 only
      // when they may be cut off at Object Query's limit.
      const record = await client.getRecord("invoices", sourceId, { expand: EXPAND.invoice });
      if (!ZuoraClient.itemsTruncated(record)) {
        await loadProductNames((record.invoiceItems ?? []).flatMap((x) => (x.productId ? [x.productId] : [])));
        const d = invoiceFromListing(record);
        if (d) return d;
      }
      // Every item through v1 (pages of 40); the header and account as Object Query gave them.
      const items = await client.getInvoiceItems(record.id);
      const lines = items.map((x) =>
        line({
          id: x.id,
          chargeName: x.chargeName,
          productName: x.productName,
          accountingCode: x.accountingCode,
          description: x.chargeDescription || x.description,
          quantity: x.quantity,
          amount: x.chargeAmount,
          taxAmount: x.taxAmount,
        }),
      );
      const account = record.account ? { id: record.account.id, accountNumber: record.account.accountNumber, name: record.account.name ?? null } : await accountRef(record.accountId);
      return invoiceDocument(record, account, lines);
    }
    if (objectType === "debit-memo" || objectType === "invoice-adjustment") {
      const d =
        objectType === "debit-memo"
          ? debitMemoDocument(await client.getRecord("debit-memos", sourceId, { expand: EXPAND["debit-memo"] }))
          : adjustmentDocument(await client.getRecord("invoice-item-adjustments", sourceId, { expand: EXPAND["invoice-adjustment"] }));
      if (!d) throw new Error(`Zuora ${objectType} ${sourceId} lacks its account, status, amount, date or items`);
      return d;
    }
    if (objectType === "refund") {
      const record = await client.getRecord("refunds", sourceId, { expand: EXPAND.refund });
      const d = refundDocument(record);
      if (!d) throw new Error(`Zuora refund ${record.refundNumber} lacks its account, type, status, amount, date or applications`);
      return d;
    }
    if (!settings.invoiceSettlement) {
      // Without Invoice Settlement /v1/payments and /v1/creditmemos answer "not enabled": read the
      // record through Object Query for the ledger (the planner records it as skipped).
      if (objectType === "payment") return plainPaymentDocument(await client.getRecord("payments", sourceId));
      return plainCreditMemoDocument(await client.getRecord("credit-memos", sourceId));
    }
    if (objectType === "payment") {
      const p = await client.getPayment(sourceId);
      const parts = await client.getPaymentParts(p.id);
      const account = p.accountNumber ? { id: p.accountId, accountNumber: p.accountNumber, name: null } : await accountRef(p.accountId);
      return paymentDocument(p, account, invoiceApplications(parts));
    }
    // A credit memo this runtime has just listed (a poll fetches the unseen ones): header and account from
    // the listing, the credited invoice items read for the whole page, so only its own items cost a call.
    const listed = listedMemos.get(sourceId);
    listedMemos.delete(sourceId);
    if (listed) {
      const items = await client.getCreditMemoItems(listed.id);
      const credited = listed.invoiceId ? creditedItems.get(listed.invoiceId) : new Map<string, CreditedItem>();
      if (credited && listed.account && listed.totalAmount !== undefined && listed.status && listed.memoDate) {
        const memo = { ...listed, number: listed.memoNumber, amount: listed.totalAmount, status: listed.status, creditMemoDate: listed.memoDate, referredInvoiceId: listed.invoiceId };
        return creditMemoDocument(memo, { id: listed.accountId, accountNumber: listed.account.accountNumber, name: null }, items, credited);
      }
    }
    const memo = await client.getCreditMemo(sourceId);
    const items = await client.getCreditMemoItems(memo.id);
    const credited = memo.referredInvoiceId ? new Map<string, CreditedItem>((await client.getInvoiceItems(memo.referredInvoiceId)).map((x) => [x.id, x])) : new Map<string, CreditedItem>();
    const account = memo.accountNumber ? { id: memo.accountId, accountNumber: memo.accountNumber, name: null } : await accountRef(memo.accountId);
    return creditMemoDocument(memo, account, items, credited);
  };

  /** The documents a listing page carries, by id (absent: fetch it). A record the schemas refuse is fetched, so its error names it. */
  const documentsOf = async (objectType: ObjectType, records: ZuoraQueryRecord[ZuoraPollObject][], pageSize: number): Promise<Map<string, SourceDocument>> => {
    const out = new Map<string, SourceDocument>();
    const add = (id: string, build: () => SourceDocument | undefined) => {
      try {
        const d = build();
        if (d) out.set(id, d);
      } catch {
        // left to fetchDocument
      }
    };
    if (objectType === "account") {
      for (const r of records as ZuoraQueryRecord["accounts"][]) add(r.id, () => accountDocument(r));
    } else if (objectType === "invoice") {
      const invoices = records as ZuoraQueryRecord["invoices"][];
      await loadProductNames(invoices.flatMap((r) => (r.invoiceItems ?? []).flatMap((x) => (x.productId ? [x.productId] : []))));
      for (const r of invoices) add(r.id, () => invoiceFromListing(r, pageSize));
    } else if (objectType === "payment") {
      const payments = records as ZuoraQueryRecord["payments"][];
      if (!settings.invoiceSettlement) {
        for (const r of payments) add(r.id, () => plainPaymentDocument(r));
      } else if (payments.length > 0) {
        const applications = new Map<string, { invoiceId?: string | null; amount: number }[]>();
        for (const a of await client.listPaymentApplications(payments.map((p) => p.id))) {
          applications.set(a.paymentId, [...(applications.get(a.paymentId) ?? []), { invoiceId: a.invoiceId, amount: a.applyAmount }]);
        }
        for (const r of payments) {
          add(r.id, () => {
            if (!r.account || !r.accountId || !r.type || !r.status || !r.currency || r.amount === undefined || !r.effectiveDate) return undefined;
            const account = { id: r.accountId, accountNumber: r.account.accountNumber, name: null };
            return paymentDocument({ ...r, number: r.paymentNumber, type: r.type, status: r.status, currency: r.currency, amount: r.amount, effectiveDate: r.effectiveDate }, account, invoiceApplications(applications.get(r.id) ?? []));
          });
        }
      }
    } else if (objectType === "refund") {
      for (const r of records as ZuoraQueryRecord["refunds"][]) add(r.id, () => refundDocument(r));
    } else if (objectType === "debit-memo") {
      for (const r of records as ZuoraQueryRecord["debit-memos"][]) add(r.id, () => debitMemoDocument(r, pageSize));
    } else if (objectType === "invoice-adjustment") {
      for (const r of records as ZuoraQueryRecord["invoice-item-adjustments"][]) add(r.id, () => adjustmentDocument(r));
    } else if (!settings.invoiceSettlement) {
      for (const r of records as ZuoraQueryRecord["credit-memos"][]) add(r.id, () => plainCreditMemoDocument(r));
    } else {
      // Credit memos with Invoice Settlement are fetched, one call each (their own items): the
      // credited invoices' items are read here for the whole page.
      await rememberListedMemos(records as ZuoraQueryRecord["credit-memos"][]);
    }
    return out;
  };

  return {
    fetchDocument,
    listChanged: async ({ objectType, since, cursor, pageSize }: { objectType: string; since: Date; cursor: string | null; pageSize: number }) => {
      if (!isObjectType(objectType)) throw new Error(`the Zuora source has no object type "${objectType}"`);
      const page = await client.listChanged(OBJECTS[objectType], { since, cursor, pageSize, expand: EXPAND[objectType] });
      const documents = await documentsOf(objectType, page.records, pageSize);
      return {
        items: page.records.flatMap((r): ChangedItem[] => {
          const version = toVersion(r.updatedDate);
          if (!version) return [];
          const d = documents.get(r.id);
          // The document's own version is the listing's (same record), so the ledger compares the same stamp.
          return [d && d.sourceVersion === version ? { sourceId: r.id, sourceVersion: version, document: d } : { sourceId: r.id, sourceVersion: version }];
        }),
        nextCursor: page.nextCursor,
        maxVersion: toVersion(page.maxUpdatedDate),
      };
    },
  };
};
