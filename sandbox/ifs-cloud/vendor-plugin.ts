/**
 * The IFS Cloud host as the connector sees it, mounted under the sandbox's prefix:
 * - IAM: `/auth/realms/<realm>/protocol/openid-connect/token` and `/.well-known/openid-configuration`;
 * - projections: `/main|/int/ifsapplications/projection/v1/<Projection>.svc/…` (both endpoints behave the same:
 *   IFS Cloud authorises by token, not by endpoint, [IFS-INB]): service document, `$metadata`, entity sets,
 *   entities by key, navigations, `$count`, bound actions, POST/PATCH/DELETE with If-Match.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { hashToUnit } from "../core/random";
import { parseJsonBody, readEntityBody } from "./deserialize";
import { databaseError, deserialization, IfsHttpError, keycloakError, notFound, odataError, unauthorized } from "./errors";
import type { IfsState } from "./state";
import { buildMetadataXml, buildServiceDocument, namespaceOf } from "./metadata";
import { KINDS, type KindName, type NavigationDef, navigationName, propertyOf, type ProjectionInfo } from "./model";
import { encodeSkiptoken, parseQueryOptions, type QueryOptions } from "./query-options";
import { etagOf, type StoredRecord, type Values } from "./tables";

const PROJECTION_PATH = "/ifsapplications/projection/v1/";
const JSON_TYPE = "application/json;odata.metadata=minimal";

type Target =
  | { type: "service" }
  | { type: "metadata" }
  | { type: "collection"; kind: KindName; set: string; count: boolean; parent?: { record: StoredRecord; nav: NavigationDef; navName: string } }
  | { type: "entity"; kind: KindName; set: string; record: StoredRecord }
  | { type: "action"; kind: KindName; set: string; record: StoredRecord; action: string };

/** Splits `Name(a,b)` and its key predicate into named values of the entity type's keys. */
const parseKeySegment = (segment: string, kind: KindName): Values | undefined => {
  const open = segment.indexOf("(");
  if (open === -1) return undefined;
  if (!segment.endsWith(")")) throw odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: invalid key predicate in '${segment}'.`);
  const inner = segment.slice(open + 1, -1);
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < inner.length; i += 1) {
    const ch = inner[i]!;
    if (ch === "'") {
      if (quoted && inner[i + 1] === "'") {
        current += "''";
        i += 1;
        continue;
      }
      quoted = !quoted;
    }
    if (ch === "," && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  const def = KINDS[kind];
  const values: Values = {};
  const bad = () => odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: invalid key predicate in '${segment}'.`);
  for (const part of parts) {
    const eq = part.indexOf("=");
    const name = eq === -1 ? (def.keys.length === 1 ? def.keys[0]! : undefined) : part.slice(0, eq).trim();
    const raw = (eq === -1 ? part : part.slice(eq + 1)).trim();
    if (!name || !def.keys.includes(name) || name in values) throw bad();
    const property = propertyOf(kind, name)!;
    if (property.type === "Edm.String") {
      if (!/^'.*'$/.test(raw)) throw bad();
      values[name] = raw.slice(1, -1).replace(/''/g, "'");
    } else {
      if (!/^-?\d+$/.test(raw)) throw bad();
      values[name] = Number(raw);
    }
  }
  if (def.keys.some((k) => !(k in values))) throw bad();
  return values;
};

export const createIfsVendorPlugin = (state: IfsState): FastifyPluginAsync => async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof IfsHttpError) return reply.code(error.status).headers(error.headers).send(error.body);
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) return reply.code(413).send({ error: { code: "ODP_DESERIALIZATION_ERROR", message: "Request entity too large." } });
    return reply.code(500).send({ error: { message: error instanceof Error ? error.message : String(error) } });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: "ODP_RESOURCE_NOTFOUND", message: "The requested resource does not exist." } }));

  const count = (route: string) => {
    state.stats.requests += 1;
    state.stats.byRoute[route] = (state.stats.byRoute[route] ?? 0) + 1;
  };

  // ---- IAM ------------------------------------------------------------------------------------------------
  const realmOf = (request: FastifyRequest<{ Params: { realm: string } }>) => {
    if (request.params.realm !== state.iam.realm) throw keycloakError(404, "Realm does not exist");
  };
  const issuerOf = (request: FastifyRequest<{ Params: { realm: string } }>) =>
    `${request.protocol}://${request.host}${request.url.slice(0, request.url.indexOf("/auth/realms/"))}/auth/realms/${request.params.realm}`;

  app.post<{ Params: { realm: string } }>("/auth/realms/:realm/protocol/openid-connect/token", async (request, reply) => {
    count("POST token");
    realmOf(request);
    const contentType = request.headers["content-type"];
    const form = typeof request.body === "string" ? new URLSearchParams(request.body) : undefined;
    const basicMatch = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    let basic: [string, string] | undefined;
    if (basicMatch) {
      const decoded = Buffer.from(basicMatch[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) basic = [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
    }
    const token = state.iam.token({ contentType, form, basic, issuer: issuerOf(request) });
    state.stats.tokensIssued += 1;
    return reply.header("cache-control", "no-store").header("pragma", "no-cache").send(token);
  });
  app.get<{ Params: { realm: string } }>("/auth/realms/:realm/protocol/openid-connect/token", async (_request, reply) =>
    reply.code(405).send({ error: "RESTEASY003650: No resource method found for GET, return 405 with Allow header" }),
  );
  app.get<{ Params: { realm: string } }>("/auth/realms/:realm/.well-known/openid-configuration", async (request) => {
    count("GET openid-configuration");
    realmOf(request);
    const issuer = issuerOf(request);
    return {
      issuer,
      token_endpoint: `${issuer}/protocol/openid-connect/token`,
      authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
      jwks_uri: `${issuer}/protocol/openid-connect/certs`,
      grant_types_supported: ["authorization_code", "client_credentials", "password", "refresh_token"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "microprofile-jwt"],
    };
  });

  // ---- projections ----------------------------------------------------------------------------------------
  const serialize = (record: StoredRecord, options: Pick<QueryOptions, "select" | "expand"> = { expand: [] }): Record<string, unknown> => {
    const def = KINDS[record.kind];
    const out: Record<string, unknown> = { "@odata.etag": etagOf(record) };
    const names = options.select ? ["luname", "keyref", ...options.select] : def.properties.map((p) => p.name);
    for (const name of names) out[name] = record.values[name] ?? null;
    for (const { name, nav } of options.expand) {
      const keys = Object.fromEntries(nav.on.map(([from, to]) => [to, record.values[from]]));
      const target = state.ledger.tables.find(nav.target, keys);
      out[name] = target ? serialize(target) : null;
    }
    return out;
  };

  const resolve = (projection: ProjectionInfo, segments: string[]): Target => {
    if (segments.length === 0 || (segments.length === 1 && segments[0] === "")) return { type: "service" };
    if (segments.length === 1 && segments[0] === "$metadata") return { type: "metadata" };
    if (segments[0] === "$batch") throw odataError(501, "ODP_NOT_IMPLEMENTED", "The sandbox does not implement $batch.");
    const first = segments[0]!;
    const setName = first.includes("(") ? first.slice(0, first.indexOf("(")) : first;
    const set = projection.entitySets.find((s) => s.name === setName);
    if (!set) throw notFound();
    const keys = parseKeySegment(first, set.kind);
    const rest = segments.slice(1);
    if (!keys) {
      if (rest.length === 0) return { type: "collection", kind: set.kind, set: set.name, count: false };
      if (rest.length === 1 && rest[0] === "$count") return { type: "collection", kind: set.kind, set: set.name, count: true };
      throw notFound();
    }
    const record = state.ledger.tables.find(set.kind, keys);
    if (!record) throw notFound();
    if (rest.length === 0) return { type: "entity", kind: set.kind, set: set.name, record };
    const def = KINDS[set.kind];
    const actionPrefix = `${namespaceOf(projection.name)}.${def.typeName}_`;
    if (rest.length === 1 && rest[0]!.startsWith(actionPrefix)) {
      const action = rest[0]!.slice(actionPrefix.length);
      if (!def.actions.includes(action)) throw notFound();
      return { type: "action", kind: set.kind, set: set.name, record, action };
    }
    const nav = def.navigations.find((n) => navigationName(state.names, set.kind, n) === rest[0]);
    if (!nav || rest.length > 2 || (rest.length === 2 && rest[1] !== "$count")) throw notFound();
    const targetSet = projection.entitySets.find((s) => s.kind === nav.target)!;
    if (!nav.collection) {
      const keysOfTarget = Object.fromEntries(nav.on.map(([from, to]) => [to, record.values[from]]));
      const target = state.ledger.tables.find(nav.target, keysOfTarget);
      if (!target || rest.length === 2) throw notFound();
      return { type: "entity", kind: nav.target, set: targetSet.name, record: target };
    }
    return { type: "collection", kind: nav.target, set: targetSet.name, count: rest.length === 2, parent: { record, nav, navName: rest[0]! } };
  };

  const candidates = (target: Extract<Target, { type: "collection" }>, options: QueryOptions): Iterable<StoredRecord> => {
    if (target.parent) return state.ledger.rowsOf(target.parent.record);
    // The smallest index bucket of the filter's eq conjuncts; the filter still runs on each record.
    const { tables } = state.ledger;
    let best: { property: string; value: unknown; size: number } | undefined;
    for (const hint of options.filter?.indexHints ?? []) {
      const size = tables.indexSize(target.kind, hint.property, hint.value);
      if (size !== undefined && (!best || size < best.size)) best = { ...hint, size };
    }
    return (best && tables.lookup(target.kind, best.property, best.value)) ?? tables.all(target.kind);
  };

  const list = (request: FastifyRequest, reply: FastifyReply, target: Extract<Target, { type: "collection" }>, params: URLSearchParams, serviceRoot: string) => {
    const options = parseQueryOptions(params, target.kind, state.names);
    let records: StoredRecord[] = [];
    for (const record of candidates(target, options)) if (!options.filter || options.filter.test(record.values)) records.push(record);
    if (target.count) return reply.header("content-type", "text/plain").send(String(records.length));
    if (options.orderby.length > 0) {
      const { orderby } = options;
      records = [...records].sort((a, b) => {
        for (const { property, descending } of orderby) {
          const x = a.values[property] ?? null;
          const y = b.values[property] ?? null;
          if (x === y) continue;
          const diff = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
          return descending ? -diff : diff;
        }
        return 0;
      });
    }
    const total = records.length;
    const start = options.skip + options.skiptoken;
    const wanted = options.top === undefined ? Number.POSITIVE_INFINITY : Math.max(0, options.top - options.skiptoken);
    const pageSize = state.settings.pageSize;
    const page = records.slice(start, start + Math.min(wanted, pageSize));
    const more = page.length === pageSize && wanted > pageSize && start + pageSize < total;
    const context = target.parent
      ? `${serviceRoot}/$metadata#${target.set}`
      : `${serviceRoot}/$metadata#${target.set}${options.select ? `(${options.select.join(",")})` : ""}`;
    const body: Record<string, unknown> = { "@odata.context": context };
    if (options.count) body["@odata.count"] = total;
    body.value = page.map((r) => serialize(r, options));
    if (more) {
      const next = new URLSearchParams(params);
      next.set("$skiptoken", encodeSkiptoken(options.skiptoken + page.length));
      body["@odata.nextLink"] = `${request.protocol}://${request.host}${request.url.split("?")[0]}?${next.toString().replace(/\+/g, "%20")}`;
    }
    return reply.header("content-type", JSON_TYPE).send(body);
  };

  const checkPrecondition = (request: FastifyRequest, record: StoredRecord) => {
    const ifMatch = request.headers["if-match"];
    // Olingo, on which IFS's OData Provider is built, answers a missing precondition 428 and a failed one 412.
    if (ifMatch === undefined || ifMatch === "") throw odataError(428, "ODP_MISSING_PRECONDITION", "The If-Match header is missing: the request needs a precondition.");
    if (ifMatch.trim() === "*") return;
    const tags = ifMatch.split(",").map((t) => t.trim());
    let current = record;
    const rate = state.settings.staleEtagRate;
    if (rate > 0 && tags.includes(etagOf(record)) && hashToUnit(state.seed, "stale-etag", state.writesWithPrecondition++) < rate) {
      current = state.ledger.tables.update(record, {});
    }
    if (!tags.includes(etagOf(current))) {
      throw odataError(412, "ODP_PRECONDITION_FAILED", "The ETag in If-Match does not match the current version: the object has been modified by another user.");
    }
  };

  const checkLock = (record: StoredRecord) => {
    if (state.ledger.locks.has(`${record.kind}:${record.keyref}`)) {
      throw odataError(423, "ODP_RESOURCE_LOCKED", `The ${KINDS[record.kind].luname} object ${record.keyref} is locked by another user.`);
    }
  };

  const sendEntity = (reply: FastifyReply, record: StoredRecord, set: string, serviceRoot: string, status = 200) =>
    reply
      .code(status)
      .header("content-type", JSON_TYPE)
      .header("etag", etagOf(record))
      .send({ "@odata.context": `${serviceRoot}/$metadata#${set}/$entity`, ...serialize(record) });

  const entityUrl = (serviceRoot: string, set: string, record: StoredRecord) =>
    `${serviceRoot}/${set}(${KINDS[record.kind].keys
      .map((k) => `${k}=${typeof record.values[k] === "string" ? `'${String(record.values[k]).replace(/'/g, "''")}'` : String(record.values[k])}`)
      .join(",")})`;

  const prefersMinimal = (request: FastifyRequest) => /return=minimal/i.test(String(request.headers.prefer ?? ""));

  const readRows = (raw: unknown): Values[] => {
    if (!Array.isArray(raw)) throw deserialization(`The navigation property '${state.names.voucherRowsNavigation}' must be an array.`);
    return raw.map((row) => {
      if (typeof row !== "object" || row === null || Array.isArray(row)) throw deserialization("A voucher row must be a JSON object.");
      return readEntityBody("voucherRow", row as Record<string, unknown>, "insert").values;
    });
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const queryAt = request.url.indexOf("?");
    const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? "" : request.url.slice(queryAt + 1);
    const at = rawPath.indexOf(PROJECTION_PATH);
    const endpoint = rawPath.slice(0, at).split("/").pop();
    if (at === -1 || (endpoint !== "main" && endpoint !== "int")) throw notFound();
    const [svcSegment = "", ...segments] = rawPath.slice(at + PROJECTION_PATH.length).split("/").map((s) => decodeURIComponent(s));
    count(`${request.method} ${segments[0]?.replace(/\(.*$/, "(…)") || svcSegment}`);

    const limit = state.settings.rateLimit;
    if (limit) {
      const now = state.now();
      const window = Math.floor(now / (limit.windowSeconds * 1000));
      if (state.rate.window !== window) state.rate = { window, used: 0 };
      state.rate.used += 1;
      if (state.rate.used > limit.requests) {
        state.stats.rejected429 += 1;
        const retryAfter = Math.max(1, Math.ceil(((window + 1) * limit.windowSeconds * 1000 - now) / 1000));
        throw odataError(429, "TOO_MANY_REQUESTS", "Too many requests: the request rate limit is exceeded.", { "Retry-After": String(retryAfter) });
      }
    }
    const clientId = state.iam.verify(request.headers.authorization);
    if (!clientId) throw unauthorized();

    if (!svcSegment.endsWith(".svc")) throw notFound();
    const projectionName = svcSegment.slice(0, -4);
    const projection = state.projections().get(projectionName);
    if (!projection) throw odataError(404, "MI_METADATA_NOTFOUND", `Metadata for projection ${projectionName} not found.`);
    // A projection the service user's permission sets do not grant: plain text, no JSON ([IFS-RAW]).
    if (!state.iam.grants(clientId, projectionName)) throw new IfsHttpError(403, "Insufficient privileges.", { "content-type": "text/plain" });
    // After a projection is redeployed IFS answers the first call 500 MI_MODIFIED_ERROR and expects one retry ([NOVA]).
    if (state.modifiedProjections.delete(projectionName)) {
      throw odataError(500, "MI_MODIFIED_ERROR", `The metadata of projection ${projectionName} has been modified. Please retry the request.`);
    }
    const serviceRoot = `${request.protocol}://${request.host}${rawPath.slice(0, at + PROJECTION_PATH.length)}${svcSegment}`;
    const params = new URLSearchParams(rawQuery);
    const target = resolve(projection, segments);
    const method = request.method;
    const notAllowed = () => odataError(405, "ODP_METHOD_NOT_ALLOWED", `The method ${method} is not allowed on this resource.`);

    if (target.type === "service") {
      if (method !== "GET") throw notAllowed();
      return reply.header("content-type", JSON_TYPE).send(buildServiceDocument(projection, serviceRoot));
    }
    if (target.type === "metadata") {
      if (method !== "GET") throw notAllowed();
      return reply.header("content-type", "application/xml").send(buildMetadataXml(projection, state.names));
    }
    reply.header("OData-Version", "4.0");
    if (target.type === "collection") {
      if (method === "GET") return list(request, reply, target, params, serviceRoot);
      if (method !== "POST" || target.count) throw notAllowed();
      const body = parseJsonBody(request.headers["content-type"], request.body);
      if (target.parent) {
        if (target.kind !== "voucherRow") throw notAllowed();
        checkLock(target.parent.record);
        const row = state.ledger.addRow(target.parent.record, readEntityBody("voucherRow", body, "insert").values);
        return sendEntity(reply, row, target.set, serviceRoot, 201);
      }
      if (target.kind !== "voucher") throw notAllowed();
      const { values, nested } = readEntityBody("voucher", body, "insert", [state.names.voucherRowsNavigation]);
      const rowsRaw = nested[state.names.voucherRowsNavigation];
      const voucher = state.ledger.createVoucher(values, rowsRaw === undefined ? undefined : readRows(rowsRaw));
      const location = entityUrl(serviceRoot, target.set, voucher);
      reply.header("location", location);
      if (prefersMinimal(request)) return reply.code(204).header("odata-entityid", location).header("etag", etagOf(voucher)).send();
      return sendEntity(reply, voucher, target.set, serviceRoot, 201);
    }
    if (target.type === "action") {
      if (method !== "POST") throw notAllowed();
      checkPrecondition(request, target.record);
      checkLock(target.record);
      state.ledger.act(target.record, target.action);
      return reply.code(204).send();
    }
    // A single entity.
    if (method === "GET") {
      const options = parseQueryOptions(params, target.kind, state.names);
      return reply
        .header("content-type", JSON_TYPE)
        .header("etag", etagOf(target.record))
        .send({ "@odata.context": `${serviceRoot}/$metadata#${target.set}/$entity`, ...serialize(target.record, options) });
    }
    if (method !== "PATCH" && method !== "DELETE") throw notAllowed();
    if (target.kind !== "voucher") throw notAllowed();
    if (method === "PATCH") {
      const body = parseJsonBody(request.headers["content-type"], request.body);
      checkPrecondition(request, target.record);
      checkLock(target.record);
      const { values } = readEntityBody("voucher", body, "update");
      const changes: Values = {};
      for (const [name, value] of Object.entries(values)) {
        const property = propertyOf("voucher", name)!;
        if (property.updatable === false) {
          if (target.record.values[name] !== value) throw databaseError("Voucher", "UPDATE", `Field [${name}] is not allowed to be modified.`);
          continue;
        }
        changes[name] = value;
      }
      const updated = state.ledger.updateVoucher(target.record, changes);
      if (prefersMinimal(request)) return reply.code(204).header("etag", etagOf(updated)).send();
      return sendEntity(reply, updated, target.set, serviceRoot);
    }
    checkPrecondition(request, target.record);
    checkLock(target.record);
    state.ledger.deleteVoucher(target.record);
    return reply.code(204).send();
  };

  for (const endpoint of ["main", "int"]) {
    app.route({ method: ["GET", "POST", "PATCH", "PUT", "DELETE"], url: `/${endpoint}${PROJECTION_PATH}*`, handler: handle });
  }
};
