import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { ERRORS, ZohoCrmError, refuse, zohoError } from "./errors";
import { parseMultipart, parseUrlEncoded } from "./form-body";
import { coqlCredits, runCoql } from "./coql";
import { createRecordLister, type ListQuery } from "./list-records";
import { EDITION_MODULES, isModuleName, JSON_TYPE, MODULE_LABELS, SYSTEM_DUPLICATE_CHECK_FIELD, type FieldDef, type ModuleName } from "./metadata";
import { ADMIN_USER, DATA_CENTERS, ORG, type AccessToken, type DataCenter, type ZohoCrmOrg } from "./org";
import { moduleId, zohoDateTime, type DeleteResult, type WriteMode, type WriteResult } from "./records";

/*
 * The vendor routes, below the sandbox's /zoho-crm prefix:
 *   POST /accounts/{dc}/oauth/v2/token          the accounts server of data center {dc}
 *   /api/{dc}/crm/v8/...                         the API host of {dc} (what api_domain points at)
 * Every API call needs `Authorization: Zoho-oauthtoken <token>` with a live token of the same data center,
 * takes a concurrency slot and API credits (429 TOO_MANY_REQUESTS when either runs out) and is refused for
 * modules the org's edition does not have.
 */

type Params = { dc: string; module: string; id: string; api_name: string };
type Authed = { token: AccessToken };
const authed = new WeakMap<FastifyRequest, Authed>();

const WRITE_LIMIT = 100;

export const createZohoCrmApiPlugin = (org: ZohoCrmOrg, prefix: string): FastifyPluginAsync => async (app) => {
  const lister = createRecordLister({ store: org.store, now: org.now, fields: org.fields });
  app.addHook("onClose", async () => lister.reset());

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => done(null, parseUrlEncoded(String(body))));
  app.addContentTypeParser("multipart/form-data", { parseAs: "buffer" }, (request, body, done) => done(null, parseMultipart(body as Buffer, request.headers["content-type"] ?? "")));
  // Zoho reads write bodies as JSON whatever the Content-Type: its own SDKs send JSON bodies with none.
  const parseJson = (_request: FastifyRequest, body: string | Buffer, done: (error: Error | null, value?: unknown) => void) => {
    try {
      done(null, body === "" ? undefined : JSON.parse(String(body)));
    } catch {
      done(new ZohoCrmError(400, zohoError("INVALID_DATA", "invalid data", { reason: "body is not valid JSON" })), undefined);
    }
  };
  app.addContentTypeParser("application/json", { parseAs: "string" }, parseJson);
  app.addContentTypeParser("*", { parseAs: "string" }, parseJson);

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof ZohoCrmError) return reply.code(error.status).send(error.body);
    const status = error.statusCode ?? 500;
    if (status >= 500) return reply.code(500).send(zohoError("INTERNAL_ERROR", "Internal server error occurred."));
    return reply.code(status).send(zohoError("INVALID_DATA", "invalid data", { reason: error.message }));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(ERRORS.invalidUrl().body));

  const apiDomain = (request: FastifyRequest, dc: string) => `${request.protocol}://${request.host}${prefix}/api/${dc}`;

  // ---- accounts server -----------------------------------------------------------------------------
  app.post<{ Params: { dc: string }; Querystring: Record<string, string> }>("/accounts/:dc/oauth/v2/token", async (request, reply) => {
    org.stats.requests += 1;
    const { dc } = request.params;
    if (!(DATA_CENTERS as readonly string[]).includes(dc)) return reply.code(404).send({ error: "invalid_request" });
    const params: Record<string, string> = { ...request.query, ...((request.body as Record<string, string> | undefined) ?? {}) };
    // Zoho's accounts server answers refusals with HTTP 200 and {"error": ...} (vendor-apis.md §3.2).
    if (params.grant_type !== "refresh_token") return { error: params.grant_type ? "unsupported_grant_type" : "invalid_request" };
    if (!params.client_id || !params.client_secret || !params.refresh_token) return { error: "invalid_request" };
    const result = org.refresh({ clientId: params.client_id, clientSecret: params.client_secret, refreshToken: params.refresh_token, dataCenter: dc as DataCenter });
    if (!result.ok) {
      if (result.description) return reply.code(400).send({ error_description: result.description, error: result.error, status: "failure" });
      return { error: result.error };
    }
    return {
      access_token: result.token,
      scope: result.entry.scopes.join(" "),
      api_domain: apiDomain(request, dc),
      token_type: "Bearer",
      expires_in: org.settings.accessTokenSeconds,
    };
  });

  // ---- API host: auth, concurrency and credits ---------------------------------------------------
  const creditsOf = (request: FastifyRequest) => {
    if (request.url.includes("/crm/v8/coql")) return coqlCredits((request.body as { select_query?: unknown } | undefined)?.select_query);
    const data = (request.body as { data?: unknown } | undefined)?.data;
    if (request.method !== "GET" && Array.isArray(data)) return Math.max(1, Math.ceil(data.length / 10));
    return 1;
  };

  // The concurrency slot is taken when the request arrives and held until the answer is sent, so time
  // spent inside Zoho (or injected latency) counts; credits need the parsed body (1 per 10 records written).
  const takeSlot = async (request: FastifyRequest, reply: FastifyReply) => {
    const release = org.limits.acquire();
    if (!release) {
      org.stats.requests += 1;
      org.stats.rejected429 += 1;
      throw new ZohoCrmError(429, zohoError("TOO_MANY_REQUESTS", "concurrency limit exceeded"));
    }
    reply.raw.once("close", release);
    slots.set(request, release);
  };
  const slots = new WeakMap<FastifyRequest, () => void>();

  const guard = async (request: FastifyRequest<{ Params: Partial<Params> }>, reply: FastifyReply) => {
    org.stats.requests += 1;
    const route = `${request.method} ${request.routeOptions.url?.replace(`${prefix}/api/:dc`, "") ?? request.url}`;
    org.stats.byRoute[route] = (org.stats.byRoute[route] ?? 0) + 1;
    const header = request.headers.authorization;
    const match = typeof header === "string" ? /^Zoho-oauthtoken (\S+)$/.exec(header) : null;
    if (!match) {
      org.stats.rejected401 += 1;
      throw ERRORS.authenticationFailure();
    }
    const token = org.tokens.get(match[1] as string);
    if (!token || token.expiresAt <= org.now() || token.dataCenter !== request.params.dc) {
      org.stats.rejected401 += 1;
      throw ERRORS.invalidToken();
    }
    const data = (request.body as { data?: unknown } | undefined)?.data;
    if (request.url.includes("/crm/v8/coql") || (request.method !== "GET" && Array.isArray(data) && data.length > 10)) {
      const releaseHeavy = org.limits.acquireHeavy();
      if (!releaseHeavy) {
        org.stats.rejected429 += 1;
        throw new ZohoCrmError(429, zohoError("TOO_MANY_REQUESTS", "concurrency limit exceeded"));
      }
      reply.raw.once("close", releaseHeavy);
    }
    const charged = org.limits.charge(creditsOf(request));
    if (!charged.allowed) {
      slots.get(request)?.();
      org.stats.rejected429 += 1;
      throw new ZohoCrmError(429, zohoError("TOO_MANY_REQUESTS", "API credits exhausted for the rolling 24 hours"));
    }
    // Third-party sources only: the header appears once half the credits are used (optional in Zoho's answers).
    if (org.limits.used() * 2 >= org.limits.limit()) reply.header("X-API-CREDITS-REMAINING", String(charged.remaining));
    authed.set(request, { token });
  };

  /** ZohoCRM.<family>.ALL, .READ for reads, or .<Module>.<operation> for one module. */
  const needScope = (request: FastifyRequest, family: string, module?: ModuleName, read = request.method === "GET") => {
    const scopes = authed.get(request)?.token.scopes ?? [];
    const ok = scopes.some((s) => s === `ZohoCRM.${family}.ALL` || (read && s === `ZohoCRM.${family}.READ`) || (module !== undefined && s.startsWith(`ZohoCRM.${family}.${module}.`)));
    if (!ok) refuse(401, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL");
  };

  const moduleOf = (name: string | undefined): ModuleName => {
    if (!name || !isModuleName(name)) throw ERRORS.invalidModule();
    if (!org.moduleAvailable(name)) throw ERRORS.notInEdition(name, org.settings.edition);
    return name;
  };

  await app.register(
    async (api) => {
      api.addHook("onRequest", takeSlot);
      api.addHook("preHandler", guard);

      // -- metadata the SDKs read first ---------------------------------------------------------------
      const moduleJson = (module: ModuleName) => ({
        id: moduleId(module),
        api_name: module,
        module_name: module,
        singular_label: MODULE_LABELS[module].singular,
        plural_label: MODULE_LABELS[module].plural,
        api_supported: true,
        generated_type: "default",
        creatable: true,
        editable: true,
        deletable: true,
        viewable: true,
        visible: true,
        convertable: false,
        sequence_number: MODULE_LABELS[module].id,
        status: "visible",
        modified_time: "2026-01-05T09:00:00+00:00",
        modified_by: { name: ADMIN_USER.name, id: ADMIN_USER.id },
      });
      api.get("/crm/v8/settings/modules", async (request) => {
        needScope(request, "settings");
        return { modules: EDITION_MODULES[org.settings.edition].map(moduleJson) };
      });
      api.get<{ Params: Params }>("/crm/v8/settings/modules/:api_name", async (request) => {
        needScope(request, "settings");
        const module = moduleOf(request.params.api_name);
        return { modules: [{ ...moduleJson(module), fields: org.fields(module).map((f, n) => fieldJson(module, f, n)) }] };
      });
      api.get<{ Querystring: { module?: string } }>("/crm/v8/settings/fields", async (request) => {
        needScope(request, "settings");
        if (!request.query.module) throw ERRORS.requiredParam("module");
        const module = moduleOf(request.query.module);
        return { fields: org.fields(module).map((f, n) => fieldJson(module, f, n)) };
      });
      api.get<{ Querystring: { type?: string } }>("/crm/v8/users", async (request) => {
        needScope(request, "users");
        return {
          users: [
            {
              id: ADMIN_USER.id,
              full_name: ADMIN_USER.name,
              first_name: ADMIN_USER.name.split(" ")[0],
              last_name: ADMIN_USER.name.split(" ")[1],
              email: ADMIN_USER.email,
              status: "active",
              confirm: true,
              role: { name: "CEO", id: "5725767000000026005" },
              profile: { name: "Administrator", id: "5725767000000026011" },
              time_zone: "Etc/UTC",
            },
          ],
          info: { per_page: 200, count: 1, page: 1, more_records: false },
        };
      });
      api.get("/crm/v8/org", async (request) => {
        needScope(request, "org");
        return {
          org: [
            {
              id: ORG.id,
              zgid: ORG.zgid,
              company_name: ORG.companyName,
              primary_email: ADMIN_USER.email,
              time_zone: "Etc/UTC",
              iso_code: "USD",
              currency: "US Dollar - USD",
              currency_symbol: "$",
              country_code: "US",
              mc_status: false,
              license_details: { paid: org.settings.edition !== "free", paid_type: org.settings.edition, users_license_purchased: org.settings.users, trial_type: null, trial_expiry: null, paid_expiry: "2027-12-31T23:59:59+00:00" },
            },
          ],
        };
      });

      // -- notification channels ----------------------------------------------------------------------
      for (const method of ["POST", "PUT", "PATCH"] as const) {
        api.route<{ Params: Params }>({
          method,
          url: "/crm/v8/actions/watch",
          handler: async (request, reply) => {
            needScope(request, "notifications");
            const result = org.notifications.subscribe({ method, body: request.body, apiDomain: apiDomain(request, request.params.dc) });
            return reply.code(result.status).send(result.body);
          },
        });
      }
      api.get("/crm/v8/actions/watch", async (request, reply) => {
        needScope(request, "notifications");
        const watch = org.notifications.list();
        if (watch.length === 0) return reply.code(204).send();
        return { watch, info: { per_page: 200, count: watch.length, page: 1, more_records: false } };
      });
      api.delete<{ Querystring: { channel_ids?: string } }>("/crm/v8/actions/watch", async (request, reply) => {
        needScope(request, "notifications");
        if (!request.query.channel_ids) throw ERRORS.requiredParam("channel_ids");
        const watch = org.notifications.unsubscribe(request.query.channel_ids.split(",").map((s) => s.trim()));
        const failed = watch.filter((w) => w.status === "error").length;
        return reply.code(failed === 0 ? 200 : failed === watch.length ? 400 : 207).send({ watch });
      });

      // -- COQL -----------------------------------------------------------------------------------------
      api.post("/crm/v8/coql", async (request, reply) => {
        needScope(request, "coql", undefined, true);
        const query = (request.body as { select_query?: unknown } | undefined)?.select_query;
        const answer = runCoql({ query, store: org.store, fields: org.fields, moduleOf: (name) => {
          const module = moduleOf(name);
          needScope(request, "modules", module, true);
          return module;
        } });
        if (answer.data.length === 0) return reply.code(204).send();
        return answer;
      });

      // -- records --------------------------------------------------------------------------------------
      const writeAnswer = (reply: FastifyReply, results: (WriteResult | DeleteResult)[], allOk: number) => {
        const failed = results.filter((r) => r.status === "error").length;
        return reply.code(failed === 0 ? allOk : failed === results.length ? 400 : 207).send({ data: results });
      };
      const writeBody = (body: unknown): { data: unknown[]; duplicate_check_fields?: unknown } => {
        if (typeof body !== "object" || body === null || !("data" in body)) throw ERRORS.requiredParam("data");
        const data = (body as { data: unknown }).data;
        if (!Array.isArray(data)) refuse(400, "INVALID_DATA", "invalid data", { api_name: "data", json_path: "$.data", expected_data_type: "jsonarray" });
        if ((data as unknown[]).length === 0) refuse(400, "INVALID_DATA", "invalid data", { api_name: "data", json_path: "$.data" });
        if ((data as unknown[]).length > WRITE_LIMIT) throw ERRORS.tooManyRecords(WRITE_LIMIT);
        return body as { data: unknown[]; duplicate_check_fields?: unknown };
      };
      const runWrites = (module: ModuleName, mode: WriteMode, data: unknown[], duplicateCheckFields?: string[]) =>
        data.map((record, index) => org.store.write({ module, mode, record, index, duplicateCheckFields }));

      api.get<{ Params: Params; Querystring: ListQuery }>("/crm/v8/:module", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        const ims = request.headers["if-modified-since"];
        const answer = lister.list({ module, query: request.query, ifModifiedSince: typeof ims === "string" ? ims : undefined, userKey: authed.get(request)?.token.refreshToken ?? "" });
        if (answer.status !== 200) return reply.code(answer.status).send();
        return answer.body;
      });
      api.post<{ Params: Params }>("/crm/v8/:module", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        return writeAnswer(reply, runWrites(module, "insert", writeBody(request.body).data), 201);
      });
      api.put<{ Params: Params }>("/crm/v8/:module", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        return writeAnswer(reply, runWrites(module, "update", writeBody(request.body).data), 200);
      });
      api.post<{ Params: Params }>("/crm/v8/:module/upsert", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        const body = writeBody(request.body);
        let checkFields: string[] | undefined;
        if (body.duplicate_check_fields !== undefined) {
          const allowed = new Set([SYSTEM_DUPLICATE_CHECK_FIELD[module], ...org.fields(module).filter((f) => f.unique).map((f) => f.api_name)]);
          if (!Array.isArray(body.duplicate_check_fields) || body.duplicate_check_fields.length === 0) refuse(400, "INVALID_DATA", "invalid data", { api_name: "duplicate_check_fields", json_path: "$.duplicate_check_fields" });
          for (const [n, f] of (body.duplicate_check_fields as unknown[]).entries()) {
            if (typeof f !== "string" || !allowed.has(f)) refuse(400, "INVALID_DATA", "invalid data", { api_name: String(f), json_path: `$.duplicate_check_fields[${n}]` });
          }
          checkFields = body.duplicate_check_fields as string[];
        }
        const results = runWrites(module, "upsert", body.data, checkFields);
        const allInserts = results.every((r) => r.status === "success" && r.action === "insert");
        return writeAnswer(reply, results, allInserts ? 201 : 200);
      });
      api.delete<{ Params: Params; Querystring: { ids?: string } }>("/crm/v8/:module", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        if (!request.query.ids) throw ERRORS.requiredParam("ids");
        const ids = request.query.ids.split(",").map((s) => s.trim()).filter(Boolean);
        if (ids.length > WRITE_LIMIT) throw ERRORS.tooManyRecords(WRITE_LIMIT);
        return writeAnswer(reply, ids.map(deleteOne(module)), 200);
      });
      const deleteOne = (module: ModuleName) => (id: string): DeleteResult =>
        org.store.remove(module, id)
          ? { code: "SUCCESS", details: { id }, message: "record deleted", status: "success" }
          : zohoError("INVALID_DATA", "the id given seems to be invalid", { id });

      api.get<{ Params: Params; Querystring: { type?: string; page?: string; per_page?: string } }>("/crm/v8/:module/deleted", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        const type = request.query.type ?? "all";
        if (!["all", "recycle", "permanent"].includes(type)) refuse(400, "INVALID_DATA", "invalid data", { param_name: "type" });
        const rows = type === "permanent" ? [] : org.store.deleted(module);
        if (rows.length === 0) return reply.code(204).send();
        const perPage = Math.min(200, Number(request.query.per_page ?? 200) || 200);
        const page = Math.max(1, Number(request.query.page ?? 1) || 1);
        const slice = rows.slice((page - 1) * perPage, page * perPage);
        return {
          data: slice.map((d) => ({
            deleted_by: { name: d.deletedBy.name, id: d.deletedBy.id },
            id: d.id,
            display_name: d.name,
            type: "recycle",
            created_by: { name: d.createdBy.name, id: d.createdBy.id },
            deleted_time: zohoDateTime(d.deletedAt),
          })),
          info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < rows.length },
        };
      });
      api.get<{ Params: Params; Querystring: { criteria?: string; page?: string; per_page?: string; fields?: string } }>("/crm/v8/:module/search", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        if (!request.query.criteria) throw ERRORS.requiredParam("criteria");
        const matches = searchRecords(org, module, request.query.criteria);
        if (matches.length === 0) return reply.code(204).send();
        const perPage = Math.min(200, Number(request.query.per_page ?? 200) || 200);
        const page = Math.max(1, Number(request.query.page ?? 1) || 1);
        const slice = matches.slice((page - 1) * perPage, page * perPage);
        const only = request.query.fields ? new Set(request.query.fields.split(",").map((f) => f.trim())) : undefined;
        return { data: slice.map((r) => org.store.present(r, only)), info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < matches.length } };
      });
      api.get<{ Params: Params; Querystring: { fields?: string } }>("/crm/v8/:module/:id", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        const record = org.store.get(module, request.params.id);
        if (!record) return reply.code(204).send();
        const only = request.query.fields ? new Set(request.query.fields.split(",").map((f) => f.trim())) : undefined;
        return { data: [org.store.present(record, only)] };
      });
      api.put<{ Params: Params }>("/crm/v8/:module/:id", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        const body = writeBody(request.body);
        const records = body.data.map((r) => (typeof r === "object" && r !== null ? { ...r, id: request.params.id } : r));
        return writeAnswer(reply, runWrites(module, "update", records), 200);
      });
      api.delete<{ Params: Params }>("/crm/v8/:module/:id", async (request, reply) => {
        const module = moduleOf(request.params.module);
        needScope(request, "modules", module);
        return writeAnswer(reply, [deleteOne(module)(request.params.id)], 200);
      });
    },
    { prefix: "/api/:dc" },
  );
};

/** A field as /settings/fields describes it (the attributes Zoho's SDKs read). */
const fieldJson = (module: ModuleName, f: FieldDef, n: number) => ({
  id: `5725767000000${String(MODULE_LABELS[module].id).padStart(2, "0")}${String(n + 1).padStart(4, "0")}`,
  api_name: f.api_name,
  field_label: f.field_label,
  display_label: f.field_label,
  data_type: f.data_type,
  json_type: JSON_TYPE[f.data_type],
  system_mandatory: f.mandatory ?? false,
  read_only: f.read_only ?? false,
  field_read_only: f.read_only ?? false,
  custom_field: f.custom_field ?? false,
  visible: true,
  length: f.length ?? (f.data_type === "text" ? 255 : 16),
  decimal_place: f.data_type === "currency" ? 2 : f.data_type === "double" ? 9 : null,
  unique: f.unique ? { casesensitive: "0" } : {},
  lookup: f.lookup ? { display_label: f.lookup, api_name: f.api_name, module: { api_name: f.lookup, id: moduleId(f.lookup) }, id: moduleId(f.lookup) } : {},
  pick_list_values: (f.pick_list_values ?? []).map((v, i) => ({ display_value: v, actual_value: v, sequence_number: i + 1, type: "used", id: `5725767000000${String(MODULE_LABELS[module].id).padStart(2, "0")}9${String(n * 100 + i).padStart(5, "0")}` })),
  ...(f.data_type === "subform" ? { associated_module: { module: f.api_name, id: `${moduleId(module)}1` } } : {}),
});

/**
 * /search criteria: "(Field:equals:value)" or "((A:equals:x)and(B:starts_with:y))", operators equals and
 * starts_with, groups joined by one kind of "and"/"or". Unique and duplicate-check fields use the index.
 */
const searchRecords = (org: ZohoCrmOrg, module: ModuleName, criteria: string) => {
  const inner = criteria.trim();
  const parts = [...inner.matchAll(/\(([A-Za-z0-9_.]+):(equals|starts_with):((?:\\\)|[^)])*)\)/g)].map((m) => ({ field: m[1] as string, op: m[2] as string, value: (m[3] as string).replace(/\\([(),])/g, "$1") }));
  if (parts.length === 0) refuse(400, "INVALID_QUERY", "invalid query formed", { api_name: "criteria" });
  const joiner = /\)\s*or\s*\(/i.test(inner) ? "or" : "and";
  const known = new Set(["id", ...org.fields(module).map((f) => f.api_name)]);
  for (const p of parts) if (!known.has(p.field)) refuse(400, "INVALID_QUERY", "invalid query formed", { api_name: p.field, reason: "invalid field" });
  const matches = (value: unknown, op: string, wanted: string) => {
    const text = typeof value === "object" && value !== null && "id" in value ? String((value as { id: unknown }).id) : value === undefined || value === null ? "" : String(value);
    return op === "equals" ? text.toLowerCase() === wanted.toLowerCase() : text.toLowerCase().startsWith(wanted.toLowerCase());
  };
  const first = parts[0] as { field: string; op: string; value: string };
  const indexed = parts.length === 1 && first.op === "equals" ? org.store.lookup(module, first.field, first.value) : undefined;
  const candidates = indexed && indexed.length > 0 ? indexed.map((id) => org.store.get(module, id)).filter((r) => r !== undefined) : [...org.store.all(module)];
  return candidates.filter((r) => {
    const results = parts.map((p) => matches(p.field === "id" ? r.id : r.values[p.field], p.op, p.value));
    return joiner === "and" ? results.every(Boolean) : results.some(Boolean);
  });
};

