import { randomHex32 } from "../core/random";
import { accountOq, adjustmentOq, contactOq, creditMemoOq, debitMemoItemOq, debitMemoOq, invoiceItemOq, invoiceOq, paymentApplicationId, paymentApplicationOq, paymentOq, productOq, refundApplicationOq, refundOq } from "./format";
import type { ZuoraStore } from "./store";
import type { Account, CreditMemo, DebitMemo, Invoice, InvoiceItemAdjustment, Payment, Refund } from "./types";

/*
 * GET /object-query/{object}: filter[] (ANDed, `field.OP:value`), sort[] (one `field.ASC|DESC`),
 * pageSize 1..99 (default 10), fields[], expand[], includeNullFields, and an opaque cursor handed back
 * as nextPage. The first page pins a snapshot of the matching records as they were at that moment; later
 * pages read from it, so every record that matched is returned exactly once and with the version it had
 * when paging began, even while records change. If the snapshot is gone (sandbox restarted, expired),
 * the cursor's keyset (last sort value, last id) continues over current data instead.
 */

export type ObjectName = "invoices" | "payments" | "credit-memos" | "accounts" | "payment-applications" | "products" | "invoice-items" | "refunds" | "debit-memos" | "invoice-item-adjustments";
type FieldType = "string" | "number" | "date" | "datetime" | "boolean";
/** The n-th application of a payment (the store keeps applications inside their payment). */
type PaymentApplicationRow = { id: string; payment: Payment; n: number };
/** A product of the catalogue (the store keeps products inside their charges). */
type ProductRow = { id: string; productId: string; productName: string };
/** An item of an invoice (the store keeps items inside their invoice). */
type InvoiceItemRow = { id: string; invoice: Invoice; item: Invoice["items"][number] };
type AnyRecord = Invoice | Payment | CreditMemo | Account | PaymentApplicationRow | ProductRow | InvoiceItemRow | Refund | DebitMemo | InvoiceItemAdjustment;
type Field<R> = { type: FieldType; get: (r: R) => string | number | boolean | null };

export class ObjectQueryError extends Error {}

const f = <R>(type: FieldType, get: Field<R>["get"]): Field<R> => ({ type, get });

const INVOICE_FIELDS: Record<string, Field<Invoice>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.updatedDate),
  createddate: f("datetime", (r) => r.createdDate),
  accountid: f("string", (r) => r.accountId),
  amount: f("number", (r) => r.amount),
  balance: f("number", (r) => r.balance),
  currency: f("string", (r) => r.currency),
  duedate: f("date", (r) => r.dueDate),
  invoicedate: f("date", (r) => r.invoiceDate),
  invoicenumber: f("string", (r) => r.invoiceNumber),
  reversed: f("boolean", () => false),
  sourceid: f("string", (r) => r.sourceId),
  sourcetype: f("string", () => "Subscription"),
  status: f("string", (r) => r.status),
  einvoicestatus: f("string", () => null),
};
const PAYMENT_FIELDS: Record<string, Field<Payment>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.updatedDate),
  createddate: f("datetime", (r) => r.createdDate),
  accountid: f("string", (r) => r.accountId),
  amount: f("number", (r) => r.amount),
  currency: f("string", (r) => r.currency),
  effectivedate: f("date", (r) => r.effectiveDate),
  gatewayorderid: f("string", () => null),
  gatewaystate: f("string", (r) => r.gatewayState),
  paymentmethodid: f("string", (r) => r.paymentMethodId),
  paymentnumber: f("string", (r) => r.number),
  referenceid: f("string", (r) => r.referenceId),
  source: f("string", () => "PaymentRun"),
  sourcename: f("string", () => null),
  status: f("string", (r) => r.status),
  type: f("string", (r) => r.type),
  unappliedamount: f("number", (r) => r.unappliedAmount),
};
const CREDIT_MEMO_FIELDS: Record<string, Field<CreditMemo>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.updatedDate),
  createddate: f("datetime", (r) => r.createdDate),
  balance: f("number", (r) => r.unappliedAmount),
  einvoicestatus: f("string", () => null),
  memodate: f("date", (r) => r.creditMemoDate),
  memonumber: f("string", (r) => r.number),
  sourcetype: f("string", (r) => r.sourceType),
  status: f("string", (r) => r.status),
  totalamount: f("number", (r) => r.amount),
  invoiceid: f("string", (r) => r.referredInvoiceId),
  accountid: f("string", (r) => r.accountId),
  currency: f("string", (r) => r.currency),
};
/** Filterable refund fields as Zuora's "List refunds" (GET /object-query/refunds) lists them. */
const REFUND_FIELDS: Record<string, Field<Refund>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.updatedDate),
  createddate: f("datetime", (r) => r.createdDate),
  accountid: f("string", (r) => r.accountId),
  amount: f("number", (r) => r.amount),
  paymentmethodid: f("string", () => null),
  paymentmethodsnapshotid: f("string", () => null),
  reasoncode: f("string", (r) => r.reasonCode),
  refunddate: f("date", (r) => r.refundDate),
  refundnumber: f("string", (r) => r.number),
  sourcetype: f("string", () => "Payment"),
  status: f("string", (r) => r.status),
  type: f("string", (r) => r.type),
};
const DEBIT_MEMO_FIELDS: Record<string, Field<DebitMemo>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.updatedDate),
  createddate: f("datetime", (r) => r.createdDate),
  accountid: f("string", (r) => r.accountId),
  balance: f("number", (r) => r.balance),
  currency: f("string", (r) => r.currency),
  memodate: f("date", (r) => r.memoDate),
  memonumber: f("string", (r) => r.number),
  status: f("string", (r) => r.status),
  totalamount: f("number", (r) => r.amount),
  invoiceid: f("string", (r) => r.referredInvoiceId),
};
const ADJUSTMENT_FIELDS: Record<string, Field<InvoiceItemAdjustment>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.updatedDate),
  createddate: f("datetime", (r) => r.createdDate),
  accountid: f("string", (r) => r.accountId),
  invoiceid: f("string", (r) => r.invoiceId),
  adjustmentnumber: f("string", (r) => r.number),
  adjustmentdate: f("date", (r) => r.adjustmentDate),
  amount: f("number", (r) => r.amount),
  type: f("string", (r) => r.type),
  reasoncode: f("string", (r) => r.reasonCode),
  status: f("string", (r) => r.status),
};
const ACCOUNT_FIELDS: Record<string, Field<Account>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.updatedDate),
  createddate: f("datetime", (r) => r.createdDate),
  accountnumber: f("string", (r) => r.accountNumber),
  currency: f("string", (r) => r.currency),
  name: f("string", (r) => r.name),
  status: f("string", (r) => r.status),
  crmid: f("string", (r) => r.crmId),
  batch: f("string", (r) => r.batch),
  billcycleday: f("number", (r) => r.billCycleDay),
};

const application = (r: PaymentApplicationRow) => r.payment.applications[r.n]!;
const PAYMENT_APPLICATION_FIELDS: Record<string, Field<PaymentApplicationRow>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.payment.createdDate),
  createddate: f("datetime", (r) => r.payment.createdDate),
  paymentid: f("string", (r) => r.payment.id),
  invoiceid: f("string", (r) => application(r).invoiceId),
  debitmemoid: f("string", () => null),
  accountid: f("string", (r) => r.payment.accountId),
  applyamount: f("number", (r) => application(r).amount),
  effectivedate: f("date", (r) => r.payment.effectiveDate),
  paymentapplicationstatus: f("string", () => "Processed"),
};
const PRODUCT_FIELDS: Record<string, Field<ProductRow>> = {
  id: f("string", (r) => r.productId),
  name: f("string", (r) => r.productName),
  updateddate: f("datetime", () => null),
  createddate: f("datetime", () => null),
};

const INVOICE_ITEM_FIELDS: Record<string, Field<InvoiceItemRow>> = {
  id: f("string", (r) => r.id),
  updateddate: f("datetime", (r) => r.invoice.updatedDate),
  createddate: f("datetime", (r) => r.invoice.createdDate),
  invoiceid: f("string", (r) => r.invoice.id),
  accountid: f("string", (r) => r.invoice.accountId),
  chargeamount: f("number", (r) => r.item.chargeAmount),
  chargename: f("string", (r) => r.item.chargeName),
  servicestartdate: f("date", (r) => r.item.serviceStartDate),
  serviceenddate: f("date", (r) => r.item.serviceEndDate),
  sku: f("string", (r) => r.item.sku),
  subscriptionid: f("string", (r) => r.item.subscriptionId),
  productrateplanchargeid: f("string", (r) => r.item.productRatePlanChargeId),
};

const FIELDS: Record<ObjectName, Record<string, Field<never>>> = {
  invoices: INVOICE_FIELDS,
  payments: PAYMENT_FIELDS,
  "credit-memos": CREDIT_MEMO_FIELDS,
  accounts: ACCOUNT_FIELDS,
  "payment-applications": PAYMENT_APPLICATION_FIELDS,
  products: PRODUCT_FIELDS,
  "invoice-items": INVOICE_ITEM_FIELDS,
  refunds: REFUND_FIELDS,
  "debit-memos": DEBIT_MEMO_FIELDS,
  "invoice-item-adjustments": ADJUSTMENT_FIELDS,
};
const EXPANDABLE: Record<ObjectName, string[]> = {
  invoices: ["invoiceitems", "account"],
  payments: ["account"],
  "credit-memos": ["account"],
  accounts: ["billto"],
  "payment-applications": [],
  products: [],
  "invoice-items": [],
  refunds: ["account", "refundapplications"],
  "debit-memos": ["account", "debitmemoitems"],
  "invoice-item-adjustments": ["account"],
};
/** Singular object name used for `<object>.fields[]`. */
const SINGULAR: Record<ObjectName, string> = {
  invoices: "invoice",
  payments: "payment",
  "credit-memos": "creditmemo",
  accounts: "account",
  "payment-applications": "paymentapplication",
  products: "product",
  "invoice-items": "invoiceitem",
  refunds: "refund",
  "debit-memos": "debitmemo",
  "invoice-item-adjustments": "invoiceitemadjustment",
};

type Comparable = string | number | boolean | null;
type Predicate = (r: AnyRecord) => boolean;

const parseValue = (type: FieldType, raw: string, field: string): Comparable => {
  if (raw === "null") return null;
  const text = raw.replace(/^"(.*)"$/s, "$1").replace(/^'(.*)'$/s, "$1");
  switch (type) {
    case "number": {
      const n = Number(text);
      if (text === "" || Number.isNaN(n)) throw new ObjectQueryError(`Invalid number '${raw}' for field '${field}'.`);
      return n;
    }
    case "boolean":
      if (text !== "true" && text !== "false") throw new ObjectQueryError(`Invalid boolean '${raw}' for field '${field}'.`);
      return text === "true";
    case "date":
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new ObjectQueryError(`Invalid date '${raw}' for field '${field}', expected YYYY-MM-DD.`);
      return text;
    case "datetime": {
      const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) {
        throw new ObjectQueryError(`Invalid datetime '${raw}' for field '${field}', expected ISO-8601 with offset.`);
      }
      return Date.parse(iso);
    }
    default:
      return text;
  }
};

const compare = (a: Comparable, b: Comparable): number => {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
};

/** A custom field (`name__c`, any case) of accounts and invoices, filterable as a string. */
const customField = (rawName: string): Field<AnyRecord> | undefined => {
  if (!/__c$/i.test(rawName)) return undefined;
  const lower = rawName.toLowerCase();
  return f<AnyRecord>("string", (r) => {
    const custom = "customFields" in r ? r.customFields : undefined;
    const hit = Object.entries(custom ?? {}).find(([k]) => k.toLowerCase() === lower);
    return hit?.[1] ?? null;
  });
};

const parseFilter = (fields: Record<string, Field<never>>, expression: string): Predicate => {
  const match = /^([A-Za-z0-9_]+)\.([A-Za-z]+):(.*)$/s.exec(expression);
  if (!match) throw new ObjectQueryError(`Invalid filter '${expression}', expected field.OPERATOR:value.`);
  const [, rawName = "", rawOp = "", rawValue = ""] = match;
  const name = rawName.toLowerCase();
  const field = (fields[name] as Field<AnyRecord> | undefined) ?? customField(rawName);
  if (!field) throw new ObjectQueryError(`Field '${rawName}' is not filterable.`);
  const op = rawOp.toUpperCase();
  if (op === "IN") {
    const list = /^\[(.*)\]$/s.exec(rawValue);
    if (!list) throw new ObjectQueryError(`Invalid IN list '${rawValue}', expected [a,b].`);
    const values = (list[1] ?? "").split(",").map((v) => parseValue(field.type, v.trim(), rawName));
    return (r) => values.some((v) => compare(field.get(r), v) === 0);
  }
  const value = parseValue(field.type, rawValue, rawName);
  switch (op) {
    case "EQ":
      return (r) => compare(field.get(r), value) === 0;
    case "NE":
      return (r) => compare(field.get(r), value) !== 0;
    case "LT":
      return (r) => field.get(r) !== null && value !== null && compare(field.get(r), value) < 0;
    case "LE":
      return (r) => field.get(r) !== null && value !== null && compare(field.get(r), value) <= 0;
    case "GT":
      return (r) => field.get(r) !== null && value !== null && compare(field.get(r), value) > 0;
    case "GE":
      return (r) => field.get(r) !== null && value !== null && compare(field.get(r), value) >= 0;
    case "SW":
      return (r) => {
        const v = field.get(r);
        return typeof v === "string" && typeof value === "string" && v.startsWith(value);
      };
    default:
      throw new ObjectQueryError(`Unknown operator '${rawOp}'. Use EQ, NE, LT, GT, LE, GE, SW or IN.`);
  }
};

type Snapshot = { key: string; records: AnyRecord[]; createdAt: number };
type Cursor = { s: string; o: number; q: string; k: [Comparable, string] | null };

const MAX_SNAPSHOTS = 200;
const SNAPSHOT_TTL_MS = 30 * 60_000;

const asList = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64");
const decodeCursor = (text: string): Cursor => {
  try {
    const c = JSON.parse(Buffer.from(text, "base64").toString("utf8")) as Cursor;
    if (typeof c.s !== "string" || typeof c.o !== "number" || typeof c.q !== "string") throw new Error("shape");
    return c;
  } catch {
    throw new ObjectQueryError("Invalid cursor.");
  }
};

const dropNulls = (o: Record<string, unknown>) => {
  for (const k of Object.keys(o)) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
};

export const createObjectQuery = (options: { store: ZuoraStore; isInvoiceSettlement: () => boolean }) => {
  const { store } = options;
  const snapshots = new Map<string, Snapshot>();

  function* paymentApplications(): Iterable<PaymentApplicationRow> {
    for (const payment of store.payments.values()) {
      for (let n = 0; n < payment.applications.length; n++) yield { id: paymentApplicationId(payment.id, n), payment, n };
    }
  }
  function* invoiceItems(): Iterable<InvoiceItemRow> {
    for (const invoice of store.invoices.values()) for (const item of invoice.items) yield { id: item.id, invoice, item };
  }
  const products = (): ProductRow[] => {
    const byId = new Map<string, ProductRow>();
    for (const c of store.charges.values()) if (!byId.has(c.productId)) byId.set(c.productId, { id: c.productId, productId: c.productId, productName: c.productName });
    return [...byId.values()];
  };
  const productOf = (chargeId: string) => store.charges.get(chargeId)?.productId ?? null;

  const source = (object: ObjectName): Iterable<AnyRecord> => {
    switch (object) {
      case "payment-applications":
        // Payment applications are an Invoice Settlement object.
        return options.isInvoiceSettlement() ? paymentApplications() : [];
      case "products":
        return products();
      case "invoice-items":
        return invoiceItems();
      case "invoices":
        return store.invoices.values();
      case "payments":
        return store.payments.values();
      case "credit-memos":
        // Without Invoice Settlement the tenant has no credit memos at all.
        return options.isInvoiceSettlement() ? store.creditMemos.values() : [];
      case "refunds":
        return store.refunds.values();
      case "debit-memos":
        // Debit memos come with Invoice Settlement.
        return options.isInvoiceSettlement() ? store.debitMemos.values() : [];
      case "invoice-item-adjustments":
        return store.adjustments.values();
      default:
        return store.accounts.values();
    }
  };

  /** `billto.fields[]`: the expanded contact's fields to answer (all when empty), in any case. */
  const billToFieldsOf = (params: Record<string, unknown>) => asList(params["billto.fields[]"]).flatMap((x) => x.split(",")).map((x) => x.trim().toLowerCase());

  const render = (object: ObjectName, r: AnyRecord, expand: string[], pageSize: number, { includeNulls, billToFields }: { includeNulls: boolean; billToFields: string[] }): Record<string, unknown> => {
    let out: Record<string, unknown>;
    if (object === "invoices") {
      const invoice = r as Invoice;
      out = invoiceOq(invoice);
      if (expand.includes("invoiceitems")) out.invoiceItems = invoice.items.slice(0, pageSize).map((x) => invoiceItemOq(invoice, x, productOf(x.productRatePlanChargeId)));
    } else if (object === "payments") out = paymentOq(r as Payment);
    else if (object === "payment-applications") out = paymentApplicationOq((r as PaymentApplicationRow).payment, (r as PaymentApplicationRow).n);
    else if (object === "products") out = productOq(r as ProductRow);
    else if (object === "invoice-items") out = invoiceItemOq((r as InvoiceItemRow).invoice, (r as InvoiceItemRow).item, productOf((r as InvoiceItemRow).item.productRatePlanChargeId));
    else if (object === "credit-memos") out = creditMemoOq(r as CreditMemo);
    else if (object === "refunds") {
      out = refundOq(r as Refund);
      if (expand.includes("refundapplications")) out.refundApplications = [refundApplicationOq(r as Refund)];
    } else if (object === "debit-memos") {
      const memo = r as DebitMemo;
      out = debitMemoOq(memo);
      if (expand.includes("debitmemoitems")) out.debitMemoItems = memo.items.slice(0, pageSize).map((x) => debitMemoItemOq(memo, x));
    } else if (object === "invoice-item-adjustments") out = adjustmentOq(r as InvoiceItemAdjustment);
    else {
      const account = r as Account;
      out = accountOq(account, store.accountBalances(account.id).balance);
      // expand[]=billto: the bill-to contact as `billTo` (Zuora's Object Query guide, "Using expand[]").
      if (expand.includes("billto")) {
        const all: Record<string, unknown> = contactOq(account.billTo, account.id);
        const billTo = billToFields.length > 0 ? Object.fromEntries(Object.entries(all).filter(([k]) => billToFields.includes(k.toLowerCase()))) : all;
        out.billTo = includeNulls ? billTo : dropNulls(billTo);
      }
    }
    if (expand.includes("account") && (object === "invoices" || object === "payments" || object === "credit-memos" || object === "refunds" || object === "debit-memos" || object === "invoice-item-adjustments")) {
      const accountId = (r as Invoice | Payment | CreditMemo | Refund | DebitMemo | InvoiceItemAdjustment).accountId;
      const account = accountId ? store.accounts.get(accountId) : undefined;
      out.account = account ? accountOq(account, store.accountBalances(account.id).balance) : null;
    }
    return out;
  };

  const prune = (now: number) => {
    for (const [id, s] of snapshots) {
      if (snapshots.size <= MAX_SNAPSHOTS && now - s.createdAt < SNAPSHOT_TTL_MS) break;
      snapshots.delete(id);
    }
  };

  const query = (object: ObjectName, params: Record<string, unknown>, now: number) => {
    const fields = FIELDS[object];
    const pageSizeText = params.pageSize === undefined ? "10" : String(params.pageSize);
    const pageSize = Number(pageSizeText);
    if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > 99) {
      throw new ObjectQueryError("pageSize must be an integer between 1 and 99.");
    }
    const filters = asList(params["filter[]"] ?? params.filter);
    const sorts = asList(params["sort[]"] ?? params.sort);
    if (sorts.length > 1) throw new ObjectQueryError("Only one sort[] field is supported.");
    const expand = asList(params["expand[]"] ?? params.expand).map((e) => e.toLowerCase());
    for (const e of expand) {
      if (!EXPANDABLE[object].includes(e)) throw new ObjectQueryError(`Cannot expand '${e}' on ${object}.`);
    }
    const selected = asList(params["fields[]"] ?? params[`${SINGULAR[object]}.fields[]`]).map((x) => x.toLowerCase());
    const includeNulls = String(params.includeNullFields ?? "false") === "true";
    const billToFields = billToFieldsOf(params);

    const sortText = sorts[0] ?? "createddate.ASC";
    const sortMatch = /^([A-Za-z0-9_]+)\.(ASC|DESC)$/i.exec(sortText);
    if (!sortMatch) throw new ObjectQueryError(`Invalid sort '${sortText}', expected field.ASC or field.DESC.`);
    const sortField = fields[(sortMatch[1] ?? "").toLowerCase()] as Field<AnyRecord> | undefined;
    if (!sortField) throw new ObjectQueryError(`Field '${sortMatch[1]}' is not sortable.`);
    const direction = (sortMatch[2] ?? "ASC").toUpperCase() === "DESC" ? -1 : 1;
    const order = (a: AnyRecord, b: AnyRecord) => direction * (compare(sortField.get(a), sortField.get(b)) || compare(a.id, b.id));
    const predicates = filters.map((x) => parseFilter(fields, x));
    const queryKey = JSON.stringify([object, filters, sortText.toLowerCase()]);

    const matching = () => {
      const out: AnyRecord[] = [];
      for (const r of source(object)) if (predicates.every((p) => p(r))) out.push(r);
      return out.sort(order);
    };

    let records: AnyRecord[];
    let offset = 0;
    let snapshotId: string;
    const cursorText = params.cursor === undefined ? undefined : String(params.cursor);
    if (cursorText) {
      const cursor = decodeCursor(cursorText);
      if (cursor.q !== queryKey) throw new ObjectQueryError("The cursor belongs to a different query; send the same filter[] and sort[] again.");
      const snapshot = snapshots.get(cursor.s);
      snapshotId = cursor.s;
      if (snapshot) {
        records = snapshot.records;
        offset = cursor.o;
      } else {
        const [lastValue, lastId] = cursor.k ?? [null, ""];
        records = matching().filter((r) => direction * (compare(sortField.get(r), lastValue) || compare(r.id, lastId)) > 0);
        snapshotId = randomHex32();
        snapshots.set(snapshotId, { key: queryKey, records, createdAt: now });
      }
    } else {
      records = matching();
      snapshotId = randomHex32();
      snapshots.set(snapshotId, { key: queryKey, records, createdAt: now });
      prune(now);
    }

    const page = records.slice(offset, offset + pageSize);
    const data = page.map((r) => {
      let out = render(object, r, expand, pageSize, { includeNulls, billToFields });
      if (selected.length > 0) {
        const picked: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(out)) if (selected.includes(k.toLowerCase()) || k === "invoiceItems" || k === "account" || k === "billTo") picked[k] = v;
        out = picked;
      }
      return includeNulls ? out : dropNulls(out);
    });
    const last = page[page.length - 1];
    const nextOffset = offset + page.length;
    const result: { nextPage?: string; data: Record<string, unknown>[] } = { data };
    if (last && nextOffset < records.length) {
      result.nextPage = encodeCursor({ s: snapshotId, o: nextOffset, q: queryKey, k: [sortField.get(last), last.id] });
    } else {
      snapshots.delete(snapshotId);
    }
    return result;
  };

  const one = (object: ObjectName, key: string, params: Record<string, unknown>) => {
    const r =
      object === "invoices"
        ? store.findInvoice(key)
        : object === "payments"
          ? store.findPayment(key)
          : object === "credit-memos"
            ? options.isInvoiceSettlement()
              ? store.findCreditMemo(key)
              : undefined
            : object === "refunds"
              ? store.findRefund(key)
              : object === "debit-memos"
                ? options.isInvoiceSettlement()
                  ? store.findDebitMemo(key)
                  : undefined
                : object === "invoice-item-adjustments"
                  ? store.findAdjustment(key)
              : object === "payment-applications" || object === "invoice-items"
              ? [...source(object)].find((x) => x.id === key)
              : object === "products"
                ? products().find((x) => x.id === key)
                : store.findAccount(key);
    if (!r) return undefined;
    const expand = asList(params["expand[]"] ?? params.expand).map((e) => e.toLowerCase());
    const includeNulls = String(params.includeNullFields ?? "false") === "true";
    const out = render(object, r, expand, 99, { includeNulls, billToFields: billToFieldsOf(params) });
    return includeNulls ? out : dropNulls(out);
  };

  return { query, one, reset: () => snapshots.clear() };
};
