import DataLoader from "dataloader";
import { z } from "zod";
import { joinUrl, VendorHttpError, type TokenCache, type VendorErrorDescription } from "../../http";
import { BearerTokenClient } from "../common/bearer-client";
import type { ConnectionContext } from "../types";
import { zohoTokenExtrasSchema } from "./auth";
import { zohoCrmConfig, type ZohoModule } from "./config";
import {
  zohoErrorSchema,
  zohoFieldsAnswerSchema,
  zohoListAnswerSchema,
  zohoModulesAnswerSchema,
  zohoOrgAnswerSchema,
  zohoWatchAnswerSchema,
  zohoWriteAnswerSchema,
  type ZohoCrmSettings,
  type ZohoRecord,
  type ZohoWriteResult,
} from "./schemas";

/** A record written: its Zoho id and whether Zoho inserted it (else updated). */
export type ZohoWritten = { id: string; created: boolean };

export type ZohoListOptions = {
  fields: readonly string[];
  ids?: readonly string[];
  /** only records modified after this instant (If-Modified-Since, whole seconds) */
  modifiedSince?: Date;
  pageToken?: string | null;
  perPage?: number;
  sortBy?: "id" | "Created_Time" | "Modified_Time";
  sortOrder?: "asc" | "desc";
};

export type ZohoListPage = { records: ZohoRecord[]; nextPageToken: string | null };

/** Zoho's offset date-time without milliseconds ("2026-12-07T10:00:00+00:00"). */
export const zohoDateTime = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, "+00:00");

const listOrEmptySchema = z.union([zohoListAnswerSchema, z.undefined(), z.literal("")]);

/** A per-record refusal as an error the engine understands (never retryable: the data must change). */
const recordError = (module: ZohoModule, result: ZohoWriteResult) => {
  const details = result.details ?? {};
  const field = typeof details.api_name === "string" ? ` (${details.api_name})` : "";
  return Object.assign(new Error(`Zoho CRM refused the ${module} record: ${result.code} ${result.message ?? ""}${field}`.trim()), { retryable: false, details });
};

/**
 * Zoho CRM REST v8 client on `{api_domain}/crm/v8`: the API host comes from the token answer (stored
 * with the shared token), `Authorization: Zoho-oauthtoken`, a 401 INVALID_TOKEN refreshes the token
 * once. Upserts of one module and key field that concurrent jobs ask for while a write is in flight go
 * together in the next call (up to 100 records, one credit per call and per 10 records).
 */
export class ZohoCrmClient extends BearerTokenClient {
  readonly settings: ZohoCrmSettings;

  constructor(ctx: ConnectionContext, settings: ZohoCrmSettings, tokens: TokenCache) {
    super({
      tokens,
      vendor: zohoCrmConfig.id,
      baseUrl: ctx.baseUrl,
      onExchange: ctx.onExchange,
      requestIdHeaders: ["x-request-id"],
      baseUrlFromToken: (extras) => {
        const parsed = zohoTokenExtrasSchema.safeParse(extras);
        return parsed.success ? joinUrl(parsed.data.apiDomain, zohoCrmConfig.apiPath) : undefined;
      },
      limits: {
        db: ctx.db,
        key: ctx.connectionId,
        requestsPerSecond: settings.requestsPerSecond ?? zohoCrmConfig.limits.requestsPerSecond,
        burst: zohoCrmConfig.limits.burst,
        maxConcurrent: settings.maxConcurrent ?? zohoCrmConfig.limits.maxConcurrent,
      },
    });
    this.settings = settings;
  }

  protected override async authHeaders() {
    return { authorization: `${zohoCrmConfig.authScheme} ${await this.tokens.getAccessToken()}` };
  }

  protected override async onUnauthorized(refused: Record<string, string>) {
    const token = refused.authorization?.replace(/^Zoho-oauthtoken /, "");
    if (token) await this.tokens.invalidate(token);
    return true;
  }

  protected override async resolveBaseUrl(): Promise<string> {
    const base = await super.resolveBaseUrl();
    if (base === this.baseUrl) throw new Error("Zoho's token answer carried no api_domain");
    return base;
  }

  protected override describeError({ status, body }: { status: number; body: unknown }): VendorErrorDescription | undefined {
    const parsed = zohoErrorSchema.safeParse(body);
    if (!parsed.success) return undefined;
    const { code, message, details } = parsed.data;
    if (code === "FEATURE_NOT_SUPPORTED") {
      const edition = typeof details?.edition === "string" ? ` (${details.edition} edition)` : "";
      return { message: `${message ?? "This module is not supported in your edition"}${edition}: the Zoho CRM plan does not include this module`, retryable: false, details };
    }
    const retryable = status === 429 || status >= 500 || code === "INTERNAL_ERROR" || code === "TOO_MANY_REQUESTS";
    return { message: `${code}${message ? `: ${message}` : ""}`, retryable, details };
  }

  /** Writes records (insert POST, update PUT, upsert POST …/upsert); one result per record, in order. */
  async write(module: ZohoModule, mode: "upsert" | "update", records: Record<string, unknown>[], duplicateCheckFields?: readonly string[]): Promise<ZohoWriteResult[]> {
    const res = await this.send({
      method: mode === "update" ? "PUT" : "POST",
      path: mode === "upsert" ? `${module}/upsert` : module,
      // an upsert is keyed by duplicate_check_fields: resending after a lost answer updates, never duplicates
      idempotent: true,
      body: { json: { data: records, ...(duplicateCheckFields ? { duplicate_check_fields: duplicateCheckFields } : {}) } },
      acceptStatuses: [207, 400],
      outputSchema: z.unknown(),
    });
    const answer = zohoWriteAnswerSchema.safeParse(res.data);
    if (!answer.success || answer.data.data.length !== records.length) {
      const error = zohoErrorSchema.safeParse(res.data);
      throw Object.assign(new Error(`Zoho CRM refused the ${module} write: ${error.success ? `${error.data.code} ${error.data.message ?? ""}` : `unexpected answer (HTTP ${res.status})`}`), { retryable: false });
    }
    return answer.data.data;
  }

  private readonly upserts = new Map<string, DataLoader<Record<string, unknown>, ZohoWriteResult>>();

  /** Creates or updates one record matched on `keyField` (a unique field), batched with concurrent upserts. */
  async upsert(module: ZohoModule, keyField: string, record: Record<string, unknown>): Promise<ZohoWritten> {
    const batchKey = `${module}:${keyField}`;
    let loader = this.upserts.get(batchKey);
    if (!loader) {
      let inFlight = 0;
      const waiting: (() => void)[] = [];
      loader = new DataLoader(
        async (records) => {
          inFlight += 1;
          try {
            return await this.write(module, "upsert", [...records], [keyField]);
          } finally {
            inFlight -= 1;
            for (const dispatch of waiting.splice(0)) dispatch();
          }
        },
        {
          cache: false,
          maxBatchSize: zohoCrmConfig.maxRecordsPerWrite,
          batchScheduleFn: (dispatch) => {
            if (inFlight > 0) waiting.push(dispatch);
            else process.nextTick(dispatch);
          },
        },
      );
      this.upserts.set(batchKey, loader);
    }
    const result = await loader.load(record);
    const id = result.details?.id;
    if (result.status !== "success" || typeof id !== "string") throw recordError(module, result);
    return { id, created: result.action === "insert" };
  }

  /** Updates one record by its Zoho id (only the given fields change). */
  async updateById(module: ZohoModule, id: string, record: Record<string, unknown>): Promise<ZohoWritten> {
    const [result] = await this.write(module, "update", [{ ...record, id }]);
    if (!result || result.status !== "success") throw recordError(module, result ?? { code: "NO_RESULT", status: "error" });
    return { id, created: false };
  }

  /** One page of records (204 and 304 are empty pages). */
  async list(module: ZohoModule, opts: ZohoListOptions): Promise<ZohoListPage> {
    const res = await this.send({
      method: "GET",
      path: module,
      query: {
        fields: opts.fields.join(","),
        ids: opts.ids?.join(","),
        per_page: opts.perPage ?? zohoCrmConfig.maxPerPage,
        page_token: opts.pageToken ?? undefined,
        sort_by: opts.sortBy,
        sort_order: opts.sortOrder,
      },
      headers: opts.modifiedSince ? { "If-Modified-Since": zohoDateTime(opts.modifiedSince) } : {},
      acceptStatuses: [304],
      outputSchema: listOrEmptySchema,
    });
    if (!res.data) return { records: [], nextPageToken: null };
    const { data, info } = res.data;
    return { records: data, nextPageToken: info.more_records ? (info.next_page_token ?? null) : null };
  }

  /** Records by id (up to 100 per call). */
  async getByIds(module: ZohoModule, ids: readonly string[], fields: readonly string[]): Promise<ZohoRecord[]> {
    const out: ZohoRecord[] = [];
    for (let i = 0; i < ids.length; i += zohoCrmConfig.maxRecordsPerWrite) {
      out.push(...(await this.list(module, { fields, ids: ids.slice(i, i + zohoCrmConfig.maxRecordsPerWrite) })).records);
    }
    return out;
  }

  /** Records whose `field` equals `value` (`GET /{module}/search?criteria=(field:equals:value)`). */
  async search(module: ZohoModule, field: string, value: string): Promise<ZohoRecord[]> {
    const escaped = value.replace(/([(),\\])/g, "\\$1");
    const res = await this.send({ method: "GET", path: `${module}/search`, query: { criteria: `(${field}:equals:${escaped})` }, outputSchema: listOrEmptySchema });
    return res.data ? res.data.data : [];
  }

  /** Modules the org's edition has (`GET /settings/modules`). */
  async modules() {
    return (await this.request({ method: "GET", path: "settings/modules", outputSchema: zohoModulesAnswerSchema })).modules;
  }

  /** Field metadata of a module (`GET /settings/fields?module=`). */
  async fields(module: ZohoModule) {
    return (await this.request({ method: "GET", path: "settings/fields", query: { module }, outputSchema: zohoFieldsAnswerSchema })).fields;
  }

  /** Creates, replaces or deletes notification channels (`/actions/watch`). */
  async watch(method: "POST" | "PUT", watch: Record<string, unknown>[]) {
    return this.request({ method, path: "actions/watch", idempotent: true, body: { json: { watch } }, acceptStatuses: [207], outputSchema: zohoWatchAnswerSchema });
  }

  /** The org (`GET /org`), for Test connection. */
  async org() {
    return (await this.request({ method: "GET", path: "org", outputSchema: zohoOrgAnswerSchema })).org[0] ?? null;
  }
}

export { VendorHttpError };
