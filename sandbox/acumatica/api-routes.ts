/**
 * The vendor-facing HTTP surface, mounted at the instance URL: `/identity/connect/token`, `/entity/auth/*`,
 * `GET /entity` and `/entity/Default/{version}/{Entity}[/...]`. Order per `/entity` request: authenticate (401),
 * take a licence slot (429), then serve. Errors leave as Acumatica's HttpError body.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import type { AcumaticaAuth } from "./auth";
import { basicClient, SESSION_COOKIE, sessionFromCookie } from "./auth";
import { definitionFor } from "./endpoint-versions";
import { type EntityDefinition, entityByName } from "./entities";
import { AcumaticaHttpError, badRequest, notFound, pxError } from "./errors";
import { FilterSyntaxError, parseFilter, type FilterNode, type Operand } from "./odata-filter";
import type { AcumaticaInstance } from "./instance";
import type { LicenceLimiter } from "./licence";
import { attachErrors, type FieldError, type Projection, type StoredRecord, toWireEntity } from "./records";

/**
 * Counters behind `control.stats()`. `byRoute` counts a list read by the fields its `$filter` names
 * (`GET Invoice?$filter=CustomerOrder,Type`; `GET Invoice` without a filter), so reads of the same
 * entity by different keys (a look-up by an external reference, a status read by ReferenceNbr) are told apart.
 */
export type ApiStats = { requests: number; rejected429: number; byRoute: Record<string, number> };

export type ApiDeps = {
  instance: AcumaticaInstance;
  auth: AcumaticaAuth;
  licence: LicenceLimiter;
  stats: ApiStats;
  /** Versions of the Default endpoint this instance offers. */
  versions: () => readonly string[];
  now: () => Date;
  /** Simulated server work per `/entity` request while it holds a licence slot, in ms. */
  processingMs: () => number;
};

/** The build the instance reports in `GET /entity` (a 2024 R2 build number). */
export const ACUMATICA_BUILD_VERSION = "24.200.0154";

/**
 * The longest query string the instance's web server takes, in bytes as sent. Acumatica runs on IIS,
 * whose request filtering refuses a longer one before the application sees it (`requestLimits
 * maxQueryString`, default 2048 bytes, answered 404, substatus 404.15 "Query String Too Long"); ASP.NET's
 * own `maxQueryStringLength` default is 2048 too. ASSUMED: Acumatica's sites keep these defaults (its
 * documents state no limit of their own).
 */
export const MAX_QUERY_STRING_BYTES = 2048;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HELD = Symbol("acumatica-licence-held");

type Held = { [HELD]?: boolean };
type EntityParams = { endpoint: string; version: string; entity: string };
type EntityQuery = { $filter?: string; $top?: string; $skip?: string; $expand?: string; $select?: string; $custom?: string };

const count = (stats: ApiStats, route: string) => {
  stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
};

const operandFields = (operand: Operand): string[] =>
  operand.kind === "field" ? [operand.name] : operand.kind === "call" ? operand.args.flatMap(operandFields) : [];

const filterFields = (node: FilterNode): string[] => {
  switch (node.kind) {
    case "and":
    case "or":
      return [...filterFields(node.left), ...filterFields(node.right)];
    case "not":
      return filterFields(node.operand);
    case "compare":
      return [...operandFields(node.left), ...operandFields(node.right)];
    case "predicate":
      return node.args.flatMap(operandFields);
    default:
      return [];
  }
};

/** The counter of a list read: the entity and the distinct fields its `$filter` names, sorted (an unreadable filter counts as `?`). */
const listRoute = (entity: string, filter: string | undefined) => {
  if (filter === undefined || filter.trim() === "") return `GET ${entity}`;
  try {
    return `GET ${entity}?$filter=${[...new Set(filterFields(parseFilter(filter)))].sort().join(",")}`;
  } catch (err) {
    if (err instanceof FilterSyntaxError) return `GET ${entity}?$filter=?`;
    throw err;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const notFoundUri = (request: FastifyRequest) =>
  new AcumaticaHttpError(404, {
    message: `No HTTP resource was found that matches the request URI '${request.protocol}://${request.host}${request.url}'.`,
  });

/** Everything before `/entity/` or `/identity/`: the instance URL path prefix, used to build links. */
const instanceBase = (request: FastifyRequest) => {
  const url = request.url;
  const at = url.search(/\/(entity|identity)(\/|\?|$)/);
  return at >= 0 ? url.slice(0, at) : "";
};

const parseCount = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`The value '${raw}' of ${name} is not a non-negative integer.`);
  return Number(raw);
};

const projectionOf = (def: EntityDefinition, query: EntityQuery): Projection => {
  const expand = new Set<string>();
  for (const name of (query.$expand ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const top = name.split("/")[0] ?? name;
    const match = [...Object.keys(def.shape.details), ...Object.keys(def.shape.links)].find((k) => k.toLowerCase() === top.toLowerCase());
    if (!match) throw badRequest(`The ${def.name} entity has no detail or linked entity named '${name}' to expand.`);
    expand.add(match);
  }
  let select: Set<string> | undefined;
  if (query.$select !== undefined && query.$select.trim() !== "") {
    select = new Set(query.$select.split(",").map((s) => s.trim()).filter(Boolean));
    for (const path of select) {
      const head = path.split("/")[0] ?? path;
      if (path.includes("/") && def.shape.details[head]) expand.add(head);
    }
  }
  return { expand, select };
};

const everything = (def: EntityDefinition): Projection => ({
  expand: new Set([...Object.keys(def.shape.details), ...Object.keys(def.shape.links)]),
});

export const createApiPlugin = (deps: ApiDeps): FastifyPluginAsync => {
  const { instance, auth, licence, stats } = deps;

  const selfHref = (request: FastifyRequest, version: string, def: EntityDefinition, record: StoredRecord) =>
    `${instanceBase(request)}/entity/Default/${version}/${def.name}/${record.id}`;

  const render = (request: FastifyRequest, version: string, def: EntityDefinition, record: StoredRecord, projection: Projection, rowNumber = 1) =>
    toWireEntity(record, def.shape, projection, rowNumber, selfHref(request, version, def, record));

  const renderErrors = (request: FastifyRequest, version: string, def: EntityDefinition, record: StoredRecord, errors: FieldError[]) =>
    attachErrors(render(request, version, def, record, everything(def)), errors);

  /** Authentication, licence slot and simulated processing time, in that order. */
  const enter = async (request: FastifyRequest, route: string) => {
    count(stats, route);
    auth.authenticate(request.headers.authorization, request.headers.cookie);
    await takeSlot(request);
  };

  const takeSlot = async (request: FastifyRequest) => {
    const decision = licence.acquire(deps.now().getTime());
    if (!decision.ok) {
      stats.rejected429++;
      const text =
        decision.reason === "rate"
          ? "The number of API requests per minute allowed by the license has been exceeded."
          : "The number of concurrent API requests allowed by the license has been exceeded.";
      throw new AcumaticaHttpError(
        429,
        { message: text, exceptionMessage: text, exceptionType: "PX.Api.ApiLicenseLimitException", stackTrace: null },
        licence.limits.sendRetryAfter ? { "retry-after": String(decision.retryAfterSeconds) } : {},
      );
    }
    (request as unknown as Held)[HELD] = true;
    const delay = deps.processingMs();
    if (delay > 0) await sleep(delay);
  };

  const resolveEntity = (request: FastifyRequest<{ Params: EntityParams }>): { def: EntityDefinition; version: string } => {
    const { endpoint, version, entity } = request.params;
    if (endpoint.toLowerCase() !== "default" || !deps.versions().includes(version)) throw notFoundUri(request);
    const def = entityByName(entity);
    if (!def) throw notFoundUri(request);
    return { def: definitionFor(def, version), version };
  };

  const release = (request: FastifyRequest) => {
    const held = request as unknown as Held;
    if (held[HELD]) {
      held[HELD] = false;
      licence.release();
    }
  };

  return async (app: FastifyInstance) => {
    // A parser the host server already registered at its root is inherited; adding it again would throw.
    if (!app.hasContentTypeParser("application/x-www-form-urlencoded")) {
      app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      });
    }
    if (!app.hasContentTypeParser("text/json")) {
      app.addContentTypeParser("text/json", { parseAs: "string" }, (_req, body, done) => {
        try {
          done(null, JSON.parse(String(body)));
        } catch {
          done(badRequest("The request body is not valid JSON."), undefined);
        }
      });
    }

    app.addHook("onRequest", async (request, reply) => {
      stats.requests++;
      const at = request.url.indexOf("?");
      if (at >= 0 && Buffer.byteLength(request.url.slice(at + 1)) > MAX_QUERY_STRING_BYTES) {
        // IIS answers before Acumatica runs: its own HTML page, no licence slot, no HttpError body.
        return reply
          .code(404)
          .type("text/html")
          .send("<h3>HTTP Error 404.15 - Not Found</h3><p>The request filtering module is configured to deny a request where the query string is too long.</p>");
      }
    });
    app.addHook("onResponse", async (request) => release(request));
    app.addHook("onRequestAbort", async (request) => release(request));

    app.setErrorHandler((error: unknown, _request, reply) => {
      if (error instanceof AcumaticaHttpError) return reply.code(error.status).headers(error.headers).send(error.body);
      const err = error as { statusCode?: number; message?: string; name?: string };
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      return reply.code(status).send({
        message: status === 500 ? "An error has occurred." : "The request is invalid.",
        exceptionMessage: err.message ?? "Unknown error",
        exceptionType: err.name ?? "System.Exception",
        stackTrace: null,
      });
    });
    app.setNotFoundHandler((request, reply) => {
      const error = notFoundUri(request);
      return reply.code(404).send(error.body);
    });

    // POST /identity/connect/token: OAuth 2.0 token endpoint. Only a form body is read (RFC 6749 4.3.2);
    // the identity server answers anything else, JSON included, with 400 invalid_request.
    app.post("/identity/connect/token", async (request, reply) => {
      count(stats, "POST identity/connect/token");
      const contentType = String(request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
      if (contentType !== "application/x-www-form-urlencoded") {
        return reply.code(400).header("cache-control", "no-store").header("pragma", "no-cache").send({ error: "invalid_request" });
      }
      const form = (typeof request.body === "object" && request.body !== null ? request.body : {}) as Record<string, string>;
      const result = auth.token(form, basicClient(request.headers.authorization));
      return reply.code(result.status).header("cache-control", "no-store").header("pragma", "no-cache").send(result.body);
    });

    // GET /identity/.well-known/openid-configuration: discovery, so clients can find the token endpoint.
    app.get("/identity/.well-known/openid-configuration", async (request) => {
      count(stats, "GET identity/.well-known/openid-configuration");
      const issuer = `${request.protocol}://${request.host}${instanceBase(request)}/identity`;
      return {
        issuer,
        authorization_endpoint: `${issuer}/connect/authorize`,
        token_endpoint: `${issuer}/connect/token`,
        grant_types_supported: ["authorization_code", "password", "refresh_token", "implicit"],
        scopes_supported: ["openid", "profile", "email", "api", "offline_access", "api:concurrent_access"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      };
    });

    // POST /entity/auth/login: cookie session; 204 + Set-Cookie.
    app.post("/entity/auth/login", async (request, reply) => {
      count(stats, "POST auth/login");
      const body = (typeof request.body === "object" && request.body !== null ? request.body : {}) as Record<string, unknown>;
      await takeSlot(request);
      const session = auth.login(body);
      return reply
        .code(204)
        .header("set-cookie", [
          `${SESSION_COOKIE}=${session}; path=/; HttpOnly`,
          `ASP.NET_SessionId=${session.slice(0, 24).toLowerCase()}; path=/; HttpOnly; SameSite=Lax`,
          `CompanyID=${encodeURIComponent(auth.tenant)}; path=/`,
          `Locale=Culture=en-US&TimeZone=GMTM0000A; path=/`,
        ])
        .send();
    });

    // POST /entity/auth/logout: ends the cookie session (frees the API-user slot); always 204.
    app.post("/entity/auth/logout", async (request, reply) => {
      count(stats, "POST auth/logout");
      auth.logout(sessionFromCookie(request.headers.cookie));
      return reply.code(204).header("set-cookie", `${SESSION_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; HttpOnly`).send();
    });

    // GET /entity: the instance's build and its endpoints (anonymous).
    app.get("/entity", async (request) => {
      count(stats, "GET entity");
      const base = instanceBase(request);
      return {
        version: { acumaticaBuildVersion: ACUMATICA_BUILD_VERSION, oemBuildVersion: ACUMATICA_BUILD_VERSION, databaseVersion: ACUMATICA_BUILD_VERSION },
        endpoints: deps.versions().map((version) => ({ name: "Default", version, href: `${base}/entity/Default/${version}/` })),
      };
    });

    // GET /entity/Default/{version}/{Entity}: list with $filter, $top, $skip, $expand, $select.
    app.get<{ Params: EntityParams; Querystring: EntityQuery }>("/entity/:endpoint/:version/:entity", async (request) => {
      const { def, version } = resolveEntity(request);
      const query = request.query;
      await enter(request, listRoute(def.name, query.$filter));
      const projection = projectionOf(def, query);
      const records = instance.list(def, { filter: query.$filter, top: parseCount(query.$top, "$top"), skip: parseCount(query.$skip, "$skip") });
      return records.map((record, i) => render(request, version, def, record, projection, i + 1));
    });

    // PUT /entity/Default/{version}/{Entity}: create or update by keys/id; If-None-Match: * / If-Match: *.
    app.put<{ Params: EntityParams; Querystring: EntityQuery }>("/entity/:endpoint/:version/:entity", async (request, reply) => {
      const { def, version } = resolveEntity(request);
      await enter(request, `PUT ${def.name}`);
      if (request.body === undefined || request.body === null) throw badRequest("The request body is empty.");
      const mode = request.headers["if-none-match"] === "*" ? "insert" : request.headers["if-match"] === "*" ? "update" : "upsert";
      const projection = projectionOf(def, request.query);
      const result = instance.put(def, request.body, mode);
      if (!result.ok) return reply.code(422).send(renderErrors(request, version, def, result.record, result.errors));
      return reply.code(200).send(render(request, version, def, result.record, projection));
    });

    // POST /entity/Default/{version}/{Entity}/{Action}: 202 + Location (poll it) or 204.
    app.post<{ Params: EntityParams & { action: string } }>("/entity/:endpoint/:version/:entity/:action", async (request, reply) => {
      const { def, version } = resolveEntity(request);
      await enter(request, `POST ${def.name}/${request.params.action}`);
      const result = instance.invoke(def, request.params.action, request.body);
      if (!result.ok) return reply.code(422).send(renderErrors(request, version, def, result.record, result.errors));
      const base = `${instanceBase(request)}/entity/Default/${version}/${def.name}`;
      if (!result.operationId) return reply.code(204).header("location", `${base}/${result.record.id}`).send();
      return reply.code(202).header("location", `${base}/${request.params.action}/status/${result.operationId}`).send();
    });

    const byPath = (def: EntityDefinition, segments: string[]) => {
      if (segments.length === 1 && UUID.test(segments[0] ?? "")) {
        const byId = instance.findById(def, segments[0] ?? "");
        if (byId) return byId;
      }
      return instance.findByKeys(def, segments);
    };

    const segmentsOf = (request: FastifyRequest<{ Params: EntityParams & { "*": string } }>) =>
      request.params["*"].split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s));

    // GET /entity/Default/{version}/{Entity}/{id} | /{key1}/{key2} | /{Action}/status/{operationId} | /$adHocSchema
    app.get<{ Params: EntityParams & { "*": string }; Querystring: EntityQuery }>("/entity/:endpoint/:version/:entity/*", async (request, reply) => {
      const { def, version } = resolveEntity(request);
      const segments = segmentsOf(request);
      const [first, second, third] = segments;
      if (segments.length === 3 && second?.toLowerCase() === "status" && def.actions.some((a) => a.toLowerCase() === first?.toLowerCase())) {
        await enter(request, `GET ${def.name}/${first}/status`);
        const op = instance.pollOperation(third ?? "");
        if (!op) throw notFound("The operation is not found.");
        const base = `${instanceBase(request)}/entity/Default/${version}/${def.name}`;
        if (op.state === "running") return reply.code(202).header("location", `${base}/${first}/status/${third}`).send();
        // A failed operation answers as the failed action would have: 500 with the PXException's message.
        if (op.state === "failed") throw pxError(500, op.message);
        return reply.code(204).header("location", `${base}/${op.recordId}`).send();
      }
      if (segments.length === 1 && first === "$adHocSchema") {
        await enter(request, `GET ${def.name}/$adHocSchema`);
        return Object.fromEntries(Object.keys(def.shape.fields).map((f) => [f, {}]));
      }
      await enter(request, `GET ${def.name}/{keys}`);
      const record = byPath(def, segments);
      if (!record) throw notFound("No entity satisfies the condition.");
      return render(request, version, def, record, projectionOf(def, request.query));
    });

    // DELETE /entity/Default/{version}/{Entity}/{id} | /{key1}/{key2}: 204.
    app.delete<{ Params: EntityParams & { "*": string } }>("/entity/:endpoint/:version/:entity/*", async (request, reply) => {
      const { def } = resolveEntity(request);
      await enter(request, `DELETE ${def.name}`);
      const record = byPath(def, segmentsOf(request));
      if (!record) throw notFound("No entity satisfies the condition.");
      instance.delete(def, record);
      return reply.code(204).send();
    });
  };
};
