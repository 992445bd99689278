import { z } from "zod";
import type { TokenCache, VendorErrorDescription } from "../../http";
import { BearerTokenClient } from "../common/bearer-client";
import type { ConnectionContext } from "../types";
import { zuoraConfig, type ZuoraPollObject } from "./config";
import {
  zuoraAccountSchema,
  zuoraCreditMemoItemsPageSchema,
  zuoraCreditMemoSchema,
  zuoraErrorBodySchema,
  zuoraInvoiceItemsPageSchema,
  zuoraInvoiceSchema,
  zuoraPaymentPartsPageSchema,
  zuoraPaymentSchema,
  zuoraQueryAccountSchema,
  zuoraQueryInvoiceItemSchema,
  zuoraQueryPageSchema,
  zuoraQueryPaymentApplicationSchema,
  zuoraQueryProductSchema,
  zuoraQueryRecordSchemas,
  type ZuoraCreditMemoItem,
  type ZuoraInvoice,
  type ZuoraInvoiceItem,
  type ZuoraPaymentPart,
  type ZuoraQueryInvoiceItem,
  type ZuoraQueryPaymentApplication,
  type ZuoraQueryProduct,
  type ZuoraQueryRecord,
  type ZuoraSettings,
} from "./schemas";

/** One page of changed records, in ascending `updatedDate` order. */
export type ZuoraChangesPage<O extends ZuoraPollObject> = {
  records: ZuoraQueryRecord[O][];
  /** pass back as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
  /** largest `updatedDate` on this page (ISO with offset, as Zuora wrote it), null when empty */
  maxUpdatedDate: string | null;
};

const encodeKey = (key: string) => encodeURIComponent(key);

/** Zuora's Object Query wants ISO-8601 datetimes; a Date is sent in UTC. */
const toZuoraDateTime = (since: Date | string) => (typeof since === "string" ? since : since.toISOString().replace(/\.\d{3}Z$/, "Z"));

/**
 * Zuora Billing REST client. Every call carries a cached bearer token (one refresh on 401);
 * 200 answers with `success: false` are errors; writes require an Idempotency-Key.
 */
export class ZuoraClient extends BearerTokenClient {

  constructor(ctx: ConnectionContext, settings: ZuoraSettings, tokens: TokenCache) {
    super({
      tokens,
      vendor: zuoraConfig.id,
      baseUrl: ctx.baseUrl,
      requestIdHeaders: zuoraConfig.requestIdHeaders,
      rateLimitHeaders: zuoraConfig.rateLimitHeaders,
      onExchange: ctx.onExchange,
      defaultHeaders: {
        ...(settings.minorVersion ? { "zuora-version": settings.minorVersion } : {}),
        ...(settings.entityId ? { "zuora-entity-ids": settings.entityId } : {}),
      },
      limits: {
        db: ctx.db,
        key: ctx.connectionId,
        requestsPerSecond: settings.requestsPerSecond ?? zuoraConfig.limits.requestsPerSecond,
        burst: zuoraConfig.limits.burst,
        maxConcurrent: settings.maxConcurrent ?? zuoraConfig.limits.maxConcurrent,
      },
    });
  }

  protected override describeError({ status, body }: { status: number; body: unknown }): VendorErrorDescription | undefined {
    const parsed = zuoraErrorBodySchema.safeParse(body);
    if (!parsed.success) return undefined;
    const b = parsed.data;
    const failed = b.success === false || b.Success === false;
    if (status >= 200 && status < 300 && !failed) return undefined;
    const reasons = b.reasons ?? [];
    const categories = reasons.map((r) => Number(String(r.code ?? "").slice(-2))).filter((n) => Number.isFinite(n));
    const retryableCategory = categories.some((c) => zuoraConfig.retryableCategories.some((r) => r === c));
    const message =
      reasons.map((r) => (r.code ? `${r.message} (${r.code})` : r.message)).join("; ") ||
      b.Errors?.map((e) => e.Message).join("; ") ||
      b.message ||
      b.error_description ||
      b.error;
    if (!message && !failed) return undefined;
    return {
      message: message || "Zuora reported a failure without a reason",
      retryable: status === 429 || status >= 500 || retryableCategory,
      details: reasons.length ? { reasons } : undefined,
    };
  }

  /** GET /v1/accounts/{key} (id or account number) */
  getAccount(key: string) {
    return this.request({ method: "GET", path: `v1/accounts/${encodeKey(key)}`, outputSchema: zuoraAccountSchema });
  }

  /** GET /v1/invoices/{key} (id or invoice number) */
  getInvoice(key: string) {
    return this.request({ method: "GET", path: `v1/invoices/${encodeKey(key)}`, outputSchema: zuoraInvoiceSchema });
  }

  /** All items of an invoice: GET /v1/invoices/{key}/items, pages of 40 until a short page. */
  async getInvoiceItems(key: string): Promise<ZuoraInvoiceItem[]> {
    const items: ZuoraInvoiceItem[] = [];
    const pageSize = zuoraConfig.itemsPageSize;
    for (let page = 1; ; page++) {
      const res = await this.request({
        method: "GET",
        path: `v1/invoices/${encodeKey(key)}/items`,
        query: { page, pageSize },
        outputSchema: zuoraInvoiceItemsPageSchema,
      });
      items.push(...res.invoiceItems);
      if (res.invoiceItems.length < pageSize || !res.nextPage) return items;
    }
  }

  /** An invoice and all its items (2+ calls; prefer `listChanged("invoices")`, which expands items). */
  async getInvoiceWithItems(key: string): Promise<{ invoice: ZuoraInvoice; items: ZuoraInvoiceItem[] }> {
    const invoice = await this.getInvoice(key);
    return { invoice, items: await this.getInvoiceItems(invoice.id) };
  }

  /** GET /v1/payments/{key} (id or number; needs Invoice Settlement) */
  getPayment(key: string) {
    return this.request({ method: "GET", path: `v1/payments/${encodeKey(key)}`, outputSchema: zuoraPaymentSchema });
  }

  /**
   * Every part of a payment: `GET /v1/payments/{key}/parts`, pages of 40 until a short page (needs
   * Invoice Settlement). Parts with an `invoiceId` say which invoices it paid and how much.
   */
  getPaymentParts(key: string): Promise<ZuoraPaymentPart[]> {
    return this.allPages(`v1/payments/${encodeKey(key)}/parts`, zuoraPaymentPartsPageSchema, (page) => page.parts);
  }

  /** GET /v1/creditmemos/{key} (the spec's spelling; id or number; needs Invoice Settlement) */
  getCreditMemo(key: string) {
    return this.request({ method: "GET", path: `v1/creditmemos/${encodeKey(key)}`, outputSchema: zuoraCreditMemoSchema });
  }

  /** Every item of a credit memo: `GET /v1/creditmemos/{key}/items`, pages of 40 until a short page. */
  getCreditMemoItems(key: string): Promise<ZuoraCreditMemoItem[]> {
    return this.allPages(`v1/creditmemos/${encodeKey(key)}/items`, zuoraCreditMemoItemsPageSchema, (page) => page.items);
  }

  /**
   * One account by id or number as Object Query spells it (`GET /object-query/accounts/{key}`), with
   * the `updatedDate` a change listing compares (v1 `GET /v1/accounts/{key}` has no such stamp), and
   * its bill-to contact (`expand[]=billto`, answered as `billTo`).
   */
  getAccountRecord(key: string) {
    return this.request({ method: "GET", path: `object-query/accounts/${encodeKey(key)}`, query: { "expand[]": ["billto"] }, outputSchema: zuoraQueryAccountSchema });
  }

  /**
   * One record by id or number through Object Query (`GET /object-query/{object}/{key}`), Object
   * Query spelling, with `expand` as listChanged takes it. Needs no Invoice Settlement, unlike
   * `/v1/payments` and `/v1/creditmemos`.
   */
  getRecord<O extends ZuoraPollObject>(object: O, key: string, { expand = [] }: { expand?: readonly string[] } = {}): Promise<ZuoraQueryRecord[O]> {
    const schema: z.ZodType<ZuoraQueryRecord[O]> = zuoraQueryRecordSchemas[object];
    return this.request({
      method: "GET",
      path: `object-query/${object}/${encodeKey(key)}`,
      query: expand.length > 0 ? { "expand[]": [...expand] } : undefined,
      outputSchema: schema,
    });
  }

  /** A v1 list paged by `page`/`pageSize` (max 40), read until a short page or no `nextPage`. */
  private async allPages<S extends z.ZodType<{ nextPage?: string | null }>, T>(path: string, schema: S, rows: (page: z.output<S>) => T[]): Promise<T[]> {
    const all: T[] = [];
    const pageSize = zuoraConfig.itemsPageSize;
    for (let page = 1; ; page++) {
      const res = await this.request({ method: "GET", path, query: { page, pageSize }, outputSchema: schema });
      const got = rows(res);
      all.push(...got);
      if (got.length < pageSize || !res.nextPage) return all;
    }
  }

  /**
   * One page of records changed at or after `since`, oldest first (Object Query:
   * `filter[]=updateddate.GE:<since>`, `sort[]=updateddate.ASC`, `pageSize=99`, `cursor`).
   * GE (not GT) plus the caller's dedupe on (id, updatedDate) avoids losing records that share
   * the boundary timestamp. Invoices come with their items (`expand[]=invoiceitems`), so an
   * invoice costs no extra call unless it has more items than the page size (`itemsTruncated`).
   * `expand` replaces that default (e.g. `["invoiceitems", "account"]`; `account` on invoices,
   * payments and credit memos embeds the billing account).
   */
  async listChanged<O extends ZuoraPollObject>(
    object: O,
    {
      since,
      cursor,
      pageSize = zuoraConfig.objectQueryPageSize,
      expand = object === "invoices" ? ["invoiceitems"] : [],
    }: { since: Date | string; cursor?: string | null; pageSize?: number; expand?: readonly string[] },
  ): Promise<ZuoraChangesPage<O>> {
    const recordSchema: z.ZodType<ZuoraQueryRecord[O]> = zuoraQueryRecordSchemas[object];
    const page = await this.request({
      method: "GET",
      path: `object-query/${object}`,
      query: {
        "filter[]": [`updateddate.GE:${toZuoraDateTime(since)}`],
        "sort[]": ["updateddate.ASC"],
        pageSize,
        ...(expand.length > 0 ? { "expand[]": [...expand] } : {}),
        ...(cursor ? { cursor } : {}),
      },
      outputSchema: zuoraQueryPageSchema(recordSchema),
    });
    const dates = page.data.map((r) => r.updatedDate);
    const latest = dates.reduce<string | null>((max, d) => (max === null || Date.parse(d) > Date.parse(max) ? d : max), null);
    return { records: page.data, nextCursor: page.nextPage ?? null, maxUpdatedDate: latest };
  }

  /**
   * Every Object Query record of `object` whose `field` is one of `values` (`filter[]=<field>.IN:[a,b]`),
   * 99 values per filter and pages of 99 followed through `nextPage`: usually one call for a page of ids.
   */
  private async queryIn<T>(object: string, field: string, values: readonly string[], schema: z.ZodType<T>): Promise<T[]> {
    const all: T[] = [];
    const unique = [...new Set(values)];
    const size = zuoraConfig.objectQueryPageSize;
    for (let i = 0; i < unique.length; i += size) {
      const filter = `${field}.IN:[${unique.slice(i, i + size).join(",")}]`;
      let cursor: string | null = null;
      do {
        const page: { data: T[]; nextPage?: string | null } = await this.request({
          method: "GET",
          path: `object-query/${object}`,
          query: { "filter[]": [filter], pageSize: size, ...(cursor ? { cursor } : {}) },
          outputSchema: zuoraQueryPageSchema(schema),
        });
        all.push(...page.data);
        cursor = page.nextPage ?? null;
      } while (cursor);
    }
    return all;
  }

  /**
   * The payment applications of these payments (`GET /object-query/payment-applications` with
   * `filter[]=paymentid.IN:[...]`; needs Invoice Settlement): one call for a page of up to 99
   * payments with up to 99 applications between them, more pages only beyond that.
   */
  listPaymentApplications(paymentIds: readonly string[]): Promise<ZuoraQueryPaymentApplication[]> {
    return this.queryIn("payment-applications", "paymentid", paymentIds, zuoraQueryPaymentApplicationSchema);
  }

  /** The items of these invoices (`GET /object-query/invoice-items` with `filter[]=invoiceid.IN:[...]`). */
  listInvoiceItems(invoiceIds: readonly string[]): Promise<ZuoraQueryInvoiceItem[]> {
    return this.queryIn("invoice-items", "invoiceid", invoiceIds, zuoraQueryInvoiceItemSchema);
  }

  /** Catalogue products by id (`GET /object-query/products` with `filter[]=id.IN:[...]`). */
  listProducts(productIds: readonly string[]): Promise<ZuoraQueryProduct[]> {
    return this.queryIn("products", "id", productIds, zuoraQueryProductSchema);
  }

  /** True when an Object Query invoice's expanded items may be cut off at the page size. */
  static itemsTruncated(invoice: { invoiceItems?: unknown[] }, pageSize: number = zuoraConfig.objectQueryPageSize) {
    return (invoice.invoiceItems?.length ?? 0) >= pageSize;
  }

  /**
   * A write (POST/PATCH) with Zuora's Idempotency-Key: a retried or replayed write returns the
   * first result instead of a second document. Pass a key stable per record and action (e.g. the
   * audit event id).
   */
  write<S extends z.ZodType>({
    method,
    path,
    body,
    idempotencyKey,
    outputSchema,
  }: {
    method: "POST" | "PATCH";
    path: string;
    body: unknown;
    idempotencyKey: string;
    outputSchema: S;
  }) {
    if (!idempotencyKey || idempotencyKey.length > zuoraConfig.idempotencyKeyMaxLength) {
      throw new Error(`Zuora Idempotency-Key must be 1..${zuoraConfig.idempotencyKeyMaxLength} characters`);
    }
    return this.request({ method, path, body: { json: body }, headers: { "Idempotency-Key": idempotencyKey }, outputSchema });
  }
}
