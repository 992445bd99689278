import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { BROWSES, BrowseError, browseRecords, parseFilter, toRow, type Filter } from "./browses";
import { bareErrors, submitFailure } from "./errors";
import { ERROR_CODES, fieldError } from "./fields";
import type { WorkspaceData } from "./store";
import type { QadTenant } from "./tenant";
import { entityUri, toWire } from "./wire";
import { createCustomerAdjustment, createCustomerInvoice, createCustomerPayment, upsertCustomer, type WriteContext, type WriteResult } from "./writes";

/*
 * The vendor routes under the tenant base URL (`https://<tenant>.qad.com/clouderp` on QAD's cloud):
 *   POST /oauth/token                          password / refresh_token grants (form fields or query parameters)
 *   GET  /api/qracore/browses                  browse rows, paged, filtered
 *   GET  /api/qracore/browses/totalCount       number of rows a browse would return
 *   GET  /api/erp/<collection>?<key>=...       one business entity: {"data":{"<collection>":[...]}}
 *   POST /api/erp/<collection>?viewUri=...     business-entity write: {"supplementaryMessages":[],"<collection>":[...]}
 * Every /api call needs a bearer token (or Basic) and runs in the workspace of `x-qad-workspace-id`.
 */

type Collection = {
  viewUri: string;
  write: (ctx: WriteContext, record: Record<string, unknown>) => WriteResult<unknown>;
  /** Query parameters that select one record on GET, and how to find it. */
  read: (data: WorkspaceData, tenant: QadTenant, query: Record<string, string>) => unknown[] | undefined;
};

const byVoucherOrReference = <T>(table: { get(k: string): T | undefined; keysWhere(c: string, v: string): string[] }, voucher?: string, reference?: string) => {
  if (voucher) return [table.get(voucher)].filter((r): r is T => r !== undefined);
  if (reference) return table.keysWhere("reference", reference).map((k) => table.get(k)!);
  return undefined;
};

export const COLLECTIONS: Record<string, Collection> = {
  customerV2s: {
    viewUri: "urn:be:com.qad.base.customer.ICustomerV2",
    write: upsertCustomer,
    read: (data, tenant, q) =>
      q.customerCode ? [tenant.store.findCustomer(data.workspace.sharedSetCode, q.customerCode)].filter((c) => c !== undefined) : undefined,
  },
  customerInvoices: {
    viewUri: "urn:be:com.qad.financials.ICustomerInvoice",
    write: createCustomerInvoice,
    read: (data, _tenant, q) => byVoucherOrReference(data.invoices, q.dInvoiceVoucher, q.dInvoiceReference),
  },
  customerPayments: {
    viewUri: "urn:be:com.qad.financials.ICustomerPayment",
    write: createCustomerPayment,
    read: (data, _tenant, q) => byVoucherOrReference(data.payments, q.dDocumentVoucher, q.dDocumentReference),
  },
  customerAdjustments: {
    viewUri: "urn:be:com.qad.financials.ICustomerAdjustment",
    write: createCustomerAdjustment,
    read: (data, _tenant, q) => byVoucherOrReference(data.adjustments, q.dInvoiceVoucher, q.dInvoiceReference),
  },
};

type Authed = { data: WorkspaceData; user: string };
const AUTHED = Symbol("qad-authed");
type WithAuthed = FastifyRequest & { [AUTHED]?: Authed };

const count = (tenant: QadTenant, route: string) => {
  tenant.stats.byRoute[route] = (tenant.stats.byRoute[route] ?? 0) + 1;
};

const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, string | string[]>;
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export const createQadVendorPlugin = (tenant: QadTenant): FastifyPluginAsync => async (app) => {
  if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) {
    app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
  }

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send(bareErrors(status, status === 500 ? "Internal server error" : error.message));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(bareErrors(404, `No resource found for ${request.method} ${request.url.split("?")[0]}`)));

  // Authentication, rate limit and workspace for every /api call.
  app.addHook("preHandler", async (request: WithAuthed, reply: FastifyReply) => {
    const route = request.routeOptions.url ?? "";
    if (!route.includes("/api/")) return;
    tenant.stats.requests += 1;
    const wait = tenant.hitRateLimit();
    if (wait !== undefined) {
      tenant.stats.rejected429 += 1;
      return reply.code(429).header("Retry-After", String(wait)).send(bareErrors(429, "Too many requests"));
    }
    const caller = tenant.auth.authenticate(request.headers.authorization);
    if (!caller.ok) {
      tenant.stats.rejected401 += 1;
      return reply.code(401).header("WWW-Authenticate", caller.header).send(caller.body);
    }
    const header = request.headers["x-qad-workspace-id"];
    const workspace = tenant.resolveWorkspace(caller.user, typeof header === "string" ? header : undefined);
    if (!workspace.ok) {
      tenant.stats.rejected403 += 1;
      return reply.code(403).send(bareErrors(403, workspace.message));
    }
    request[AUTHED] = { data: workspace.data, user: caller.user.username };
  });

  // POST /oauth/token – form fields or query parameters
  app.post("/oauth/token", async (request, reply) => {
    tenant.stats.tokenRequests += 1;
    count(tenant, "POST /oauth/token");
    // Spring's token endpoint reads request parameters (form fields or query), never a JSON body.
    const isForm = (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
    const body = isForm && typeof request.body === "object" && request.body !== null ? (request.body as Record<string, string>) : {};
    const query = Object.fromEntries(Object.entries(queryOf(request)).map(([k, v]) => [k, single(v)]));
    const result = tenant.auth.token({ ...query, ...body });
    return reply.code(result.ok ? 200 : result.status).header("cache-control", "no-store").send(result.body);
  });

  const browseRequest = (request: FastifyRequest) => {
    const q = queryOf(request);
    const browseId = single(q.browseId) ?? "";
    const definition = BROWSES[browseId];
    if (!definition) throw new BrowseError(404, `Browse '${browseId}' does not exist.`);
    const rawFilters = q.filter === undefined ? [] : Array.isArray(q.filter) ? q.filter : [q.filter];
    const filters: Filter[] = rawFilters.filter((f) => f !== "").map((f) => parseFilter(f, definition));
    return { q, definition, filters };
  };

  const sendBrowseError = (reply: FastifyReply, error: unknown) => {
    if (!(error instanceof BrowseError)) throw error;
    return reply.code(error.status).send(bareErrors(error.status, error.message, error.fieldName));
  };

  // GET /api/qracore/browses?browseId=&page=&pageSize=&pageAction=first&filter=
  app.get("/api/qracore/browses", async (request: WithAuthed, reply) => {
    count(tenant, "GET /api/qracore/browses");
    const { data } = request[AUTHED]!;
    try {
      const { q, definition, filters } = browseRequest(request);
      const page = single(q.page);
      const pageAction = single(q.pageAction);
      // Observed: without page and pageAction the browse answers 200 with no rows.
      if (page === undefined || pageAction === undefined) return { data: [] };
      const pageNumber = Number(page);
      const pageSize = Number(single(q.pageSize) ?? 50);
      if (!Number.isInteger(pageNumber) || pageNumber < 1) throw new BrowseError(400, `Invalid page '${page}'.`);
      if (!Number.isInteger(pageSize) || pageSize < 1) throw new BrowseError(400, `Invalid pageSize '${single(q.pageSize)}'.`);
      if (!["first", "next", "prev", "previous", "last", "current"].includes(pageAction.toLowerCase())) throw new BrowseError(400, `Invalid pageAction '${pageAction}'.`);
      const size = Math.min(pageSize, tenant.settings.maxPageSize);
      const skip = (pageNumber - 1) * size;
      const rows: Record<string, unknown>[] = [];
      let index = 0;
      for (const record of browseRecords(definition, tenant.store, data, filters)) {
        if (index++ < skip) continue;
        rows.push(toRow(definition, record));
        if (rows.length >= size) break;
      }
      return { data: rows };
    } catch (error) {
      return sendBrowseError(reply, error);
    }
  });

  // GET /api/qracore/browses/totalCount?browseId=&filter=
  const totalCount = async (request: WithAuthed, reply: FastifyReply) => {
    count(tenant, "GET /api/qracore/browses/totalCount");
    try {
      const { definition, filters } = browseRequest(request);
      let total = 0;
      for (const _record of browseRecords(definition, tenant.store, request[AUTHED]!.data, filters)) total += 1;
      return { totalCount: total };
    } catch (error) {
      return sendBrowseError(reply, error);
    }
  };
  app.get("/api/qracore/browses/totalCount", totalCount);
  app.get("/api/qracore/browses/totalCount/", totalCount);

  // GET /api/erp/:collection?viewUri=&<key>=<value> – one business entity, wrapped in data
  app.get<{ Params: { collection: string } }>("/api/erp/:collection", async (request: WithAuthed & { params: { collection: string } }, reply) => {
    const collection = COLLECTIONS[request.params.collection];
    count(tenant, `GET /api/erp/${request.params.collection}`);
    if (!collection) return reply.code(404).send(bareErrors(404, `Business entity collection '${request.params.collection}' does not exist.`));
    const q = Object.fromEntries(Object.entries(queryOf(request)).map(([k, v]) => [k, single(v) ?? ""]));
    if (q.viewUri !== collection.viewUri) return reply.code(400).send(bareErrors(400, `viewUri must be ${collection.viewUri}.`, "viewUri"));
    const { data } = request[AUTHED]!;
    const records = collection.read(data, tenant, q);
    if (records === undefined) return reply.code(400).send(bareErrors(400, "The key of the business entity is missing."));
    return { data: { [request.params.collection]: records.map((r) => toWire(request.params.collection, r)) } };
  });

  // POST /api/erp/:collection?viewUri= – business-entity write with submitResult
  app.post<{ Params: { collection: string } }>("/api/erp/:collection", async (request: WithAuthed & { params: { collection: string } }, reply) => {
    const name = request.params.collection;
    const collection = COLLECTIONS[name];
    count(tenant, `POST /api/erp/${name}`);
    if (!collection) return reply.code(404).send(bareErrors(404, `Business entity collection '${name}' does not exist.`));
    const viewUri = single(queryOf(request).viewUri);
    if (viewUri !== collection.viewUri) return reply.code(400).send(bareErrors(400, `viewUri must be ${collection.viewUri}.`, "viewUri"));
    const body = request.body;
    const records = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined;
    tenant.stats.writes += 1;
    if (!Array.isArray(records) || records.length === 0 || records.some((r) => typeof r !== "object" || r === null || Array.isArray(r))) {
      tenant.stats.writeFailures += 1;
      return submitFailure([fieldError(name, `The request must hold a non-empty '${name}' array.`, "", ERROR_CODES.mandatory)]);
    }
    const { data, user } = request[AUTHED]!;
    const ctx: WriteContext = { store: tenant.store, data, user, duplicateReferences: tenant.settings.duplicateReferences };
    // Records are saved one by one; the first refused record ends the request (earlier ones stay saved).
    const saved: Record<string, unknown>[] = [];
    for (const record of records as Record<string, unknown>[]) {
      const result = collection.write(ctx, record);
      if (!result.ok) {
        tenant.stats.writeFailures += 1;
        return { [name]: saved, ...submitFailure(result.errors) };
      }
      saved.push({ ...toWire(name, result.record), uri: entityUri(name, data, result.record), changeStatus: "0" });
    }
    return { supplementaryMessages: [], [name]: saved, submitResult: { success: true, errors: [] } };
  });
};
