/*
 * The account's REST web services under its prefix: token endpoint, record service, SuiteQL, governance
 * limits. Every request except the token endpoint counts against the account's concurrency limit (429 with
 * CONCURRENCY_LIMIT_EXCEEDED when it is full) and needs a live bearer token (401 INVALID_LOGIN).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { NetsuiteAccount } from "./account";
import { CONCURRENCY_DETAIL, ERROR_MEDIA_TYPE, INVALID_LOGIN_DETAIL, invalidParameter, NsError, nsErrorBody } from "./errors";
import { openApiDocument, recordSchema } from "./metadata-catalog";
import { pageLinks, presentLines, presentRecord, recordUrl } from "./present";
import { compileFilter } from "./q-filter";
import type { StoredRecord, Validation, WriteOptions } from "./store";
import { runSuiteql } from "./suiteql";

const TOKEN_PATH = "/services/rest/auth/oauth2/v1/token";
const SINGULAR = "application/vnd.oracle.resource+json; type=singular; charset=UTF-8";
const COLLECTION = "application/vnd.oracle.resource+json; type=collection; charset=UTF-8";
const MAX_PAGE = 1000;
/** SuiteQL returns at most 100,000 rows per query without SuiteAnalytics Connect (§4.4). */
const SUITEQL_MAX_ROWS = 100_000;

type TypeParams = { type: string };
type RecordParams = { type: string; id: string };
type PageQuery = { limit?: string; offset?: string; q?: string };

const paging = (query: PageQuery) => {
  const limit = query.limit === undefined ? MAX_PAGE : Number(query.limit);
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalidParameter(`Invalid value for the query parameter limit: ${query.limit}. Use a number from 1 to ${MAX_PAGE}.`, "limit");
  if (!Number.isInteger(offset) || offset < 0) throw invalidParameter(`Invalid value for the query parameter offset: ${query.offset}.`, "offset");
  if (offset % limit !== 0) throw invalidParameter(`The offset ${offset} must be a multiple of the limit ${limit}.`, "offset");
  return { limit, offset };
};

const validationHeader = (request: FastifyRequest): Validation | undefined => {
  const value = request.headers["x-netsuite-propertynamevalidation"];
  if (value === undefined) return undefined;
  const text = String(value);
  if (text !== "Error" && text !== "Warning" && text !== "Ignore") {
    throw new NsError(400, "INVALID_HEADER", `Invalid value ${text} for header X-NetSuite-PropertyNameValidation.`, { "o:errorHeader": "X-NetSuite-PropertyNameValidation" });
  }
  return text;
};

const writeOptions = (request: FastifyRequest): WriteOptions => {
  const replace = (request.query as { replace?: string }).replace;
  return { nameValidation: validationHeader(request), replaceSublists: replace ? replace.split(",") : [] };
};

const jsonBody = (request: FastifyRequest): Record<string, unknown> => {
  const body = request.body;
  const contentType = String(request.headers["content-type"] ?? "");
  if (contentType !== "" && !contentType.includes("json")) {
    throw new NsError(415, "UNSUPPORTED_MEDIA_TYPE", `Content-Type ${String(request.headers["content-type"])} is not supported; send application/json.`, { "o:errorHeader": "Content-Type" });
  }
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new NsError(400, "INVALID_CONTENT", "Error while accessing a resource. The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
};

const rejectAsync = (request: FastifyRequest) => {
  if (/respond-async/i.test(String(request.headers.prefer ?? ""))) {
    throw new NsError(400, "INVALID_HEADER", "Prefer: respond-async is not available on this account.", { "o:errorHeader": "Prefer" });
  }
};

export const createNetsuiteVendorPlugin = (account: NetsuiteAccount): FastifyPluginAsync => async (app: FastifyInstance) => {
  const { store, auth, governance } = account;
  const base = (request: FastifyRequest) => `${request.protocol}://${request.host}${account.prefix}/services/rest`;
  const filterCache = new Map<string, { version: number; records: StoredRecord[] }>();
  const suiteqlCache = new Map<string, { version: number; rows: Record<string, string>[] }>();

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, { __unparsed: String(body) }));

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const typeUri = account.settings.errorTypeUri;
    if (error instanceof NsError) {
      return reply.code(error.status).header("content-type", ERROR_MEDIA_TYPE).send(nsErrorBody({ status: error.status, code: error.code, detail: error.detail, extra: error.extra, typeUri }));
    }
    const status = error.statusCode && error.statusCode < 500 ? 400 : 500;
    const body =
      status === 400
        ? nsErrorBody({ status, code: "INVALID_CONTENT", detail: `Error while accessing a resource. ${error.message}`, typeUri })
        : nsErrorBody({ status, code: "UNEXPECTED_ERROR", detail: "An unexpected error occurred.", typeUri });
    return reply.code(status).header("content-type", ERROR_MEDIA_TYPE).send(body);
  });

  // Governance and authentication for everything but the token endpoint.
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    account.stats.requests += 1;
    const path = request.url.slice(account.prefix.length).split("?")[0] ?? "";
    const routeKey = `${request.method} ${path.replace(/\/\d+(?=\/|$)/g, "/{id}").replace(/\/eid:[^/]+/, "/eid:{externalId}")}`;
    account.stats.byRoute[routeKey] = (account.stats.byRoute[routeKey] ?? 0) + 1;
    if (path === TOKEN_PATH) return;
    if (governance.inFlight >= account.settings.concurrencyLimit) {
      governance.rejected429 += 1;
      return reply
        .code(429)
        .header("content-type", ERROR_MEDIA_TYPE)
        .send(nsErrorBody({ status: 429, code: "CONCURRENCY_LIMIT_EXCEEDED", detail: CONCURRENCY_DETAIL, typeUri: account.settings.errorTypeUri }));
    }
    governance.inFlight += 1;
    governance.maxInFlight = Math.max(governance.maxInFlight, governance.inFlight);
    let released = false;
    reply.raw.once("close", () => {
      if (released) return;
      released = true;
      governance.inFlight -= 1;
    });
    const scope = path.startsWith("/services/rest/") ? "rest_webservices" : "restlets";
    const result = auth.check(request.headers.authorization, scope);
    if (!result.ok) {
      return reply
        .code(401)
        .header("content-type", ERROR_MEDIA_TYPE)
        .header("www-authenticate", 'Bearer error="invalid_token"')
        .send(nsErrorBody({ status: 401, code: "INVALID_LOGIN", detail: INVALID_LOGIN_DETAIL, typeUri: account.settings.errorTypeUri }));
    }
  });

  app.post(TOKEN_PATH, async (request, reply) => {
    const body = request.body as Record<string, string> | { __unparsed: string } | undefined;
    const form = request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") && body && !("__unparsed" in body) ? (body as Record<string, string>) : undefined;
    const result = await auth.token(form, `${request.protocol}://${request.host}${account.prefix}${TOKEN_PATH}`);
    reply.header("cache-control", "no-store");
    return reply.code(result.ok ? 200 : result.status).send(result.body);
  });

  const R = "/services/rest/record/v1";

  app.get(`${R}/metadata-catalog`, async (request, reply) => {
    reply.header("content-type", COLLECTION);
    const catalog = `${base(request)}/record/v1/metadata-catalog`;
    return {
      items: store.tables().map(({ def }) => ({
        name: def.name,
        links: [
          { rel: "canonical", href: `${catalog}/${def.name}`, mediaType: "application/json" },
          { rel: "alternate", href: `${catalog}/${def.name}`, mediaType: "application/swagger+json" },
          { rel: "alternate", href: `${catalog}/${def.name}`, mediaType: "application/schema+json" },
        ],
      })),
      links: [{ rel: "self", href: catalog }],
    };
  });

  app.get<{ Params: TypeParams }>(`${R}/metadata-catalog/:type`, async (request, reply) => {
    const t = store.table(request.params.type);
    if (String(request.headers.accept ?? "").includes("application/schema+json")) {
      return reply.header("content-type", "application/schema+json; charset=UTF-8").send(recordSchema(t.def));
    }
    return reply.header("content-type", "application/swagger+json; charset=UTF-8").send(openApiDocument([t.def]));
  });

  app.get<{ Params: TypeParams; Querystring: PageQuery }>(`${R}/:type`, async (request, reply) => {
    const t = store.table(request.params.type);
    const { limit, offset } = paging(request.query);
    let records = t.order;
    const q = request.query.q?.trim();
    if (q) {
      const key = `${t.def.name}|${q}`;
      const cached = filterCache.get(key);
      if (cached && cached.version === t.version) records = cached.records;
      else {
        const predicate = compileFilter(q, t.def, account.settings.timeZone);
        records = t.order.filter(predicate);
        if (filterCache.size > 50) filterCache.clear();
        filterCache.set(key, { version: t.version, records });
      }
    }
    const page = records.slice(offset, offset + limit);
    const url = new URL(`${base(request)}/record/v1/${t.def.name}`);
    if (q) url.searchParams.set("q", q);
    reply.header("content-type", COLLECTION);
    return {
      links: pageLinks(url, offset, limit, records.length),
      count: page.length,
      hasMore: offset + page.length < records.length,
      items: page.map((r) => ({ links: [{ rel: "self", href: recordUrl(base(request), t.def.name, r.id) }], id: r.id })),
      offset,
      totalResults: records.length,
    };
  });

  app.post<{ Params: TypeParams }>(`${R}/:type`, async (request, reply) => {
    rejectAsync(request);
    const t = store.table(request.params.type);
    const record = store.create(t.def.name, jsonBody(request), writeOptions(request));
    return reply.code(204).header("location", recordUrl(base(request), t.def.name, record.id)).send();
  });

  app.get<{ Params: RecordParams; Querystring: { expandSubResources?: string; fields?: string } }>(`${R}/:type/:id`, async (request, reply) => {
    const t = store.table(request.params.type);
    const record = store.get(t.def.name, request.params.id);
    reply.header("content-type", SINGULAR);
    return presentRecord(store, base(request), t.def, record, {
      expandSubResources: request.query.expandSubResources === "true",
      fields: request.query.fields ? request.query.fields.split(",").map((f) => f.trim()) : undefined,
    });
  });

  app.get<{ Params: RecordParams & { sublist: string } }>(`${R}/:type/:id/:sublist`, async (request, reply) => {
    const t = store.table(request.params.type);
    const record = store.get(t.def.name, request.params.id);
    if (!t.def.sublist || t.def.sublist.name !== request.params.sublist.toLowerCase()) throw new NsError(404, "NONEXISTENT_ID", `The sublist ${request.params.sublist} does not exist on ${t.def.name}.`);
    reply.header("content-type", COLLECTION);
    return presentLines(store, base(request), t.def, record);
  });

  app.patch<{ Params: RecordParams }>(`${R}/:type/:id`, async (request, reply) => {
    rejectAsync(request);
    const t = store.table(request.params.type);
    store.update(t.def.name, store.get(t.def.name, request.params.id), jsonBody(request), writeOptions(request));
    return reply.code(204).send();
  });

  app.put<{ Params: RecordParams }>(`${R}/:type/:id`, async (request, reply) => {
    rejectAsync(request);
    const t = store.table(request.params.type);
    const { record, created } = store.upsert(t.def.name, request.params.id, jsonBody(request), writeOptions(request));
    if (created) reply.header("location", recordUrl(base(request), t.def.name, record.id));
    return reply.code(204).send();
  });

  app.delete<{ Params: RecordParams }>(`${R}/:type/:id`, async (request, reply) => {
    rejectAsync(request);
    const t = store.table(request.params.type);
    store.remove(t.def.name, store.get(t.def.name, request.params.id));
    return reply.code(204).send();
  });

  app.post<{ Querystring: PageQuery }>("/services/rest/query/v1/suiteql", async (request, reply) => {
    if (!/\btransient\b/i.test(String(request.headers.prefer ?? ""))) {
      throw new NsError(400, "INVALID_HEADER", "The SuiteQL query service requires the header Prefer: transient.", { "o:errorHeader": "Prefer" });
    }
    const body = jsonBody(request);
    if (typeof body.q !== "string" || body.q.trim() === "") throw new NsError(400, "INVALID_CONTENT", "Error while accessing a resource. The request body must have a q member with the SuiteQL query.");
    const { limit, offset } = paging(request.query);
    const q = body.q.trim();
    const version = store.version();
    let rows = suiteqlCache.get(q)?.version === version ? suiteqlCache.get(q)?.rows : undefined;
    if (!rows) {
      rows = runSuiteql(q, store, account.settings.timeZone, account.now());
      if (suiteqlCache.size > 50) suiteqlCache.clear();
      suiteqlCache.set(q, { version, rows });
    }
    const total = Math.min(rows.length, SUITEQL_MAX_ROWS);
    if (offset >= SUITEQL_MAX_ROWS) throw invalidParameter(`SuiteQL returns at most ${SUITEQL_MAX_ROWS} rows; use a narrower query.`, "offset");
    const page = rows.slice(offset, Math.min(offset + limit, total));
    const url = new URL(`${base(request)}/query/v1/suiteql`);
    return reply.header("content-type", COLLECTION).send({
      links: pageLinks(url, offset, limit, total),
      count: page.length,
      hasMore: offset + page.length < total,
      items: page.map((row) => ({ links: [], ...row })),
      offset,
      totalResults: total,
    });
  });

  app.get("/services/rest/system/v1/governanceLimits", async (_request, reply) => {
    reply.header("content-type", SINGULAR);
    return { accountConcurrencyLimit: account.settings.concurrencyLimit, unallocatedConcurrencyLimit: account.settings.concurrencyLimit, limitType: "accountLimit" };
  });
};
