import { z } from "zod";
import { joinUrl, TokenCache, VendorHttpError, type VendorErrorDescription } from "../../http";
import { BearerTokenClient } from "../common/bearer-client";
import { followNextLinks, odataEqualsAll, odataKeyPredicate, readAllPages } from "../common/odata";
import type { ConnectionContext } from "../types";
import { ifsCloudConfig } from "./config";
import {
  collectionOf,
  ifsErrorBodySchema,
  ifsPeriodSchema,
  ifsVoucherRowRefSchema,
  ifsVoucherSchema,
  type IfsCloudSettings,
  type IfsVoucherInput,
  type IfsVoucher,
  type IfsVoucherKeys,
} from "./schemas";

/** 204 of an action: nothing to read. */
const emptyBody = z.unknown().transform(() => null);

/**
 * IFS Cloud OData client on `<host>/<int|main>/ifsapplications/projection/v1`. Tokens come from the
 * shared cache (one refresh on 401); every answer is parsed with zod; no page asks for more than the
 * connection's result-size limit. IFS has no idempotency key: vouchers are found by their rows'
 * ReferenceNumber before one is created. Writes to an existing entity read its ETag first and send
 * it in If-Match; a stale one (412) is read again and retried.
 */
export class IfsCloudClient extends BearerTokenClient {
  readonly settings: IfsCloudSettings;

  constructor(ctx: ConnectionContext, settings: IfsCloudSettings, tokens: TokenCache) {
    super({
      tokens,
      vendor: ifsCloudConfig.id,
      baseUrl: joinUrl(ctx.baseUrl, ifsCloudConfig.projectionsPath(settings.apiPath)),
      onExchange: ctx.onExchange,
      limits: {
        db: ctx.db,
        key: ctx.connectionId,
        ...(settings.requestsPerMinute ? { requestsPerSecond: settings.requestsPerMinute / 60, burst: ifsCloudConfig.limits.burst } : {}),
        maxConcurrent: settings.maxConcurrent ?? ifsCloudConfig.limits.maxConcurrent,
      },
    });
    this.settings = settings;
  }


  protected override describeError({ status, body, text }: { status: number; body: unknown; text: string }): VendorErrorDescription | undefined {
    if (status >= 200 && status < 300) return undefined;
    const parsed = ifsErrorBodySchema.safeParse(body);
    // 423: another user holds the record; 500 MI_MODIFIED_ERROR: the projection was redeployed, the retry succeeds
    const retryable = status === 423 || status === 429 || status >= 500 ? true : status === 412 ? true : undefined;
    if (!parsed.success) return status === 403 && text ? { message: text.slice(0, 200), retryable: false } : retryable ? { message: "", retryable } : undefined;
    const { code, message, details } = parsed.data.error;
    const detail = details?.[0]?.message;
    return { message: [code, detail ?? message].filter(Boolean).join(": "), retryable: retryable ?? false, details: { code, lu: details?.[0]?.code } };
  }

  /** `<Projection>.svc/<path>` */
  svc(projection: string, path = "") {
    return `${projection}.svc/${path}`;
  }

  /** One page of an entity set; `$top` never above the result-size limit. */
  async page<T extends z.ZodType>(options: { projection: string; set: string; query?: Record<string, string | number | undefined>; item: T; nextLink?: string | null }) {
    const schema = collectionOf(options.item);
    if (options.nextLink) return this.request({ method: "GET", path: "", absoluteUrl: options.nextLink, outputSchema: schema });
    const top = Math.min(Number(options.query?.$top ?? this.settings.resultSizeLimit), this.settings.resultSizeLimit);
    return this.request({ method: "GET", path: this.svc(options.projection, options.set), query: { ...options.query, $top: top }, outputSchema: schema });
  }

  /**
   * Entities of a set, never more than `maxItems`, in windows of `$top` = result-size limit and
   * `$skip` (IFS's `$top` bounds a whole paged sequence, so each window is its own query); within a
   * window the server's own `@odata.nextLink` pages are followed. `query` should carry a `$orderby`.
   */
  async listAll<T extends z.ZodType>(options: { projection: string; set: string; query?: Record<string, string | number | undefined>; item: T; maxItems: number }): Promise<z.output<T>[]> {
    return readAllPages(
      ({ top, skip }) =>
        followNextLinks(
          async (nextLink) => {
            const page = await this.page({ ...options, query: { ...options.query, $top: top, $skip: skip || undefined }, nextLink });
            return { value: page.value, nextLink: page["@odata.nextLink"] ?? null };
          },
          { max: top },
        ).then((rows) => rows.slice(0, top)),
      { pageSize: this.settings.resultSizeLimit, max: options.maxItems },
    );
  }

  private voucherPath(keys: IfsVoucherKeys) {
    const k = { Company: keys.Company, AccountingYear: keys.AccountingYear, VoucherType: keys.VoucherType, VoucherNo: keys.VoucherNo };
    return this.svc(this.settings.voucherProjection, `${this.settings.voucherSet}${odataKeyPredicate(k)}`);
  }

  /**
   * Vouchers (not cancelled) holding a row whose ReferenceNumber is `reference`: the first row of
   * each, with its voucher expanded (one-to-one), so one call gives keys, state and ETag.
   */
  async findVouchersByReference(reference: string): Promise<IfsVoucher[]> {
    const s = this.settings;
    const page = await this.page({
      projection: s.voucherProjection,
      set: s.voucherRowSet,
      query: { $filter: odataEqualsAll({ ReferenceNumber: reference, RowNo: 1 }), $select: "Company,AccountingYear,VoucherType,VoucherNo", $expand: "VoucherRef", $top: 20 },
      item: ifsVoucherRowRefSchema,
    });
    return page.value.flatMap((r) => (r.VoucherRef && r.VoucherRef.Objstate !== "Cancelled" ? [r.VoucherRef] : []));
  }

  async getVoucher(keys: IfsVoucherKeys): Promise<IfsVoucher> {
    return this.request({ method: "GET", path: this.voucherPath(keys), outputSchema: ifsVoucherSchema });
  }

  /** Creates the voucher and its rows in one deep insert: IFS checks it whole and saves it Confirmed, or nothing. */
  async createVoucher(input: IfsVoucherInput): Promise<IfsVoucher> {
    const { rows, ...header } = input;
    return this.request({
      method: "POST",
      path: this.svc(this.settings.voucherProjection, this.settings.voucherSet),
      body: { json: { ...header, [this.settings.voucherRowsNavigation]: rows } },
      outputSchema: ifsVoucherSchema,
    });
  }

  /**
   * A write to an existing voucher with its current ETag: read, write with If-Match, and on 412
   * (another user changed it in between) read again, up to `etagRetries` times.
   */
  async withEtag<T>(keys: IfsVoucherKeys, write: (voucher: IfsVoucher) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const voucher = await this.getVoucher(keys);
      try {
        return await write(voucher);
      } catch (err) {
        if (!(err instanceof VendorHttpError && err.status === 412) || attempt >= ifsCloudConfig.etagRetries) throw err;
      }
    }
  }

  /** Confirms a Waiting voucher (bound action `Voucher_Confirm`, If-Match with the ETag just read). */
  async confirmVoucher(keys: IfsVoucherKeys): Promise<void> {
    await this.withEtag(keys, async (voucher) => {
      if (voucher.Objstate !== "Waiting") return;
      await this.request({
        method: "POST",
        path: `${this.voucherPath(keys)}/IfsApp.${this.settings.voucherProjection}.Voucher_Confirm`,
        headers: { "if-match": voucher["@odata.etag"] },
        body: { json: {} },
        retry: { maxAttempts: 1 },
        outputSchema: emptyBody,
      });
    });
  }

  /** Changes a Waiting voucher's text (PATCH with If-Match). */
  async updateVoucherText(keys: IfsVoucherKeys, text: string): Promise<IfsVoucher> {
    return this.withEtag(keys, (voucher) =>
      this.request({
        method: "PATCH",
        path: this.voucherPath(keys),
        headers: { "if-match": voucher["@odata.etag"] },
        body: { json: { VoucherText: text } },
        retry: { maxAttempts: 1 },
        outputSchema: ifsVoucherSchema,
      }),
    );
  }

  /**
   * Status of the accounting period holding `date` ("YYYY-MM-DD") in the company, found by its dates
   * (a company's periods need not be calendar months); null when IFS defines none for that date.
   */
  async periodStatus(company: string, date: string): Promise<string | null> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a date: ${date}`);
    const s = this.settings;
    const page = await this.page({
      projection: s.periodProjection,
      set: s.periodSet,
      query: { $filter: `${odataEqualsAll({ Company: company })} and DateFrom le ${date} and DateUntil ge ${date}`, $select: "Company,AccountingYear,AccountingPeriod,PeriodStatus", $top: 1 },
      item: ifsPeriodSchema,
    });
    return page.value[0]?.PeriodStatus ?? null;
  }
}
