import { z } from "zod";
import type { TokenCache, VendorErrorDescription } from "../../http";
import { BearerTokenClient } from "../common/bearer-client";
import type { ConnectionContext } from "../types";
import { netsuiteConfig } from "./config";
import { netsuiteErrorBodySchema, netsuitePageSchema, type NetsuiteSettings } from "./schemas";

/** Error codes NetSuite answers for a request it did not run and that may be sent again. */
const RETRYABLE_CODES = new Set(["CONCURRENCY_LIMIT_EXCEEDED", "UNEXPECTED_ERROR", "SSS_REQUEST_LIMIT_EXCEEDED"]);

/** A record type of the record service (`customer`, `invoice`, `customrecord_*` ...). */
const recordTypeSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/);

const recordPath = (type: string, id?: string) => `${netsuiteConfig.recordPath}/${recordTypeSchema.parse(type)}${id === undefined ? "" : `/${encodeURIComponent(id)}`}`;
const eid = (externalId: string) => `eid:${externalId}`;

/** The internal id at the end of a `Location` header (`…/record/v1/{type}/{id}`). */
const idFromLocation = (location: string | null) => {
  const id = location?.split("?")[0]?.split("/").pop();
  return id && /^\d+$/.test(id) ? id : null;
};

/**
 * SuiteTalk REST client of one account: a bearer token from the shared cache (one refresh on 401, BearerTokenClient),
 * the connection's share of the account's concurrency limit, NetSuite's error bodies read into
 * messages ("CODE: detail at path").
 */
export class NetsuiteClient extends BearerTokenClient {
  readonly settings: NetsuiteSettings;

  constructor(ctx: ConnectionContext, settings: NetsuiteSettings, tokens: TokenCache) {
    super({
      tokens,
      vendor: netsuiteConfig.id,
      baseUrl: ctx.baseUrl,
      onExchange: ctx.onExchange,
      limits: {
        db: ctx.db,
        key: ctx.connectionId,
        requestsPerSecond: settings.requestsPerSecond ?? netsuiteConfig.limits.requestsPerSecond,
        burst: netsuiteConfig.limits.burst,
        maxConcurrent: settings.maxConcurrent,
      },
    });
    this.settings = settings;
  }

  protected override describeError({ status, body }: { status: number; body: unknown }): VendorErrorDescription | undefined {
    if (status >= 200 && status < 300) return undefined;
    const parsed = netsuiteErrorBodySchema.safeParse(body);
    if (!parsed.success) return undefined;
    const details = parsed.data["o:errorDetails"] ?? [];
    const message = details.map((d) => `${d["o:errorCode"] ? `${d["o:errorCode"]}: ` : ""}${d.detail}${d["o:errorPath"] ? ` (at ${d["o:errorPath"]})` : ""}`).join("; ") || parsed.data.title;
    if (!message) return undefined;
    const retryable = status === 429 || status >= 500 || details.some((d) => RETRYABLE_CODES.has(d["o:errorCode"] ?? ""));
    return { message, retryable, details: details.length ? { errorDetails: details } : undefined };
  }

  /** One page of a SuiteQL query (`Prefer: transient`), rows parsed with `row`. */
  suiteql<T extends z.ZodType>(q: string, row: T, { limit = netsuiteConfig.maxPageSize, offset = 0 }: { limit?: number; offset?: number } = {}) {
    return this.request({
      method: "POST",
      path: netsuiteConfig.suiteqlPath,
      query: { limit, offset },
      headers: { prefer: "transient" },
      body: { json: { q } },
      // A query changes nothing: safe to send again.
      idempotent: true,
      outputSchema: netsuitePageSchema(row),
    });
  }

  /** One record by internal id or `eid:<externalId>`, sublists expanded when asked; null when NetSuite has none. */
  async getRecord<T extends z.ZodType>(type: string, id: string, schema: T, { expandSubResources = false, fields }: { expandSubResources?: boolean; fields?: string[] } = {}): Promise<z.output<T> | null> {
    const res = await this.send({
      method: "GET",
      path: recordPath(type, id),
      query: { ...(expandSubResources ? { expandSubResources: "true" } : {}), ...(fields ? { fields: fields.join(",") } : {}) },
      acceptStatuses: [404],
      outputSchema: z.unknown(),
    });
    return res.status === 404 ? null : schema.parse(res.data);
  }

  /** The internal id of the record with this external id, or null (`GET …/eid:<externalId>?fields=id`). */
  async findIdByExternalId(type: string, externalId: string): Promise<string | null> {
    const row = await this.getRecord(type, eid(externalId), z.looseObject({ id: z.string() }), { fields: ["externalId"] });
    return row?.id ?? null;
  }

  /**
   * Creates or updates the record with this external id (`PUT …/eid:<externalId>`): NetSuite matches on
   * the external id, so sending it again never makes a second record. Returns the internal id (from
   * `Location` when it created, else read back).
   */
  async upsertByExternalId(type: string, externalId: string, body: Record<string, unknown>): Promise<{ id: string; created: boolean }> {
    const res = await this.send({ method: "PUT", path: recordPath(type, eid(externalId)), body: { json: body }, outputSchema: z.unknown() });
    const created = idFromLocation(res.headers.get("location"));
    if (created) return { id: created, created: true };
    const id = await this.findIdByExternalId(type, externalId);
    if (!id) throw new Error(`NetSuite accepted ${type} ${externalId} but shows no record with that external id`);
    return { id, created: false };
  }
}
