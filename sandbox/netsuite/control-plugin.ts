import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { z } from "zod";
import { netsuiteSettingsSchema, type NetsuiteAccount } from "./account";
import { NsError } from "./errors";
import { presentRecord } from "./present";
import type { NetsuiteSandboxControl } from "./index";

/* Control routes of the NetSuite sandbox, mounted at /_sandbox/netsuite. Inputs are parsed with zod; a bad input answers 400. */

const fieldKind = z.enum(["string", "number", "boolean", "date", "datetime", "ref"]);
const refTarget = z.enum(["customer", "item", "currency", "subsidiary", "account"]);
const customFieldSchema = z.strictObject({ id: z.string().min(1), kind: fieldKind, ref: refTarget.optional(), required: z.boolean().optional() });

export const customRecordTypeSchema = z.strictObject({
  scriptId: z.string().regex(/^customrecord_[a-z0-9_]+$/),
  fields: z.array(customFieldSchema),
  /** Field naming one business event; records sharing its value are listed as duplicates. */
  naturalKey: z.string().optional(),
});

export const certificateSchema = z.strictObject({
  clientId: z.string().min(1),
  /** X.509 certificate or SPKI public key, PEM. */
  publicKeyPem: z.string().min(1),
  /** Certificate ID (the JWT kid); the key's thumbprint when absent. */
  certificateId: z.string().min(1).optional(),
  entity: z.string().optional(),
  role: z.string().optional(),
  validUntil: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
});

const recordBody = z.record(z.string(), z.unknown());
export const seedSchema = z.strictObject({
  customers: z.array(recordBody).optional(),
  /** Items; `recordType` picks serviceSaleItem (default), nonInventorySaleItem or inventoryItem. */
  items: z.array(recordBody).optional(),
  invoices: z.array(recordBody).optional(),
  customRecords: z.array(z.strictObject({ recordType: z.string().startsWith("customrecord_"), body: recordBody })).optional(),
});
export type NetsuiteSeedInput = z.input<typeof seedSchema>;

export const deploymentSchema = z.strictObject({
  url: z.string().url(),
  secret: z.string().min(1).optional(),
  secretParam: z.string().min(1).optional(),
  recordTypes: z.array(z.string()).min(1),
  events: z.array(z.enum(["create", "edit", "delete"])).optional(),
  retries: z.number().int().min(0).max(5).optional(),
});

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw Object.assign(new Error(z.prettifyError(result.error)), { statusCode: 400 });
  return result.data;
};

export const createNetsuiteControlPlugin = (account: NetsuiteAccount, control: NetsuiteSandboxControl): FastifyPluginAsync => async (app) => {
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof NsError) return reply.code(error.status).send({ error: error.detail, code: error.code, path: error.extra["o:errorPath"] });
    return reply.code(error.statusCode ?? 400).send({ error: error.message });
  });
  const base = (request: FastifyRequest) => `${request.protocol}://${request.host}${account.prefix}/services/rest`;
  const show = (request: FastifyRequest, type: string, id: string) => {
    const t = account.store.table(type);
    return presentRecord(account.store, base(request), t.def, account.store.get(t.def.name, id), { expandSubResources: true });
  };

  app.get("/settings", async () => account.settings);
  app.patch("/settings", async (request) => account.applySettings(parse(netsuiteSettingsSchema, request.body)));
  app.get("/clock", async () => account.clock.state());
  // PUT /clock { now: ISO | null } fixes the account's clock (token expiry, lastModifiedDate) or frees it.
  app.put("/clock", async (request) => {
    account.clock.set(parse(z.strictObject({ now: z.string().nullable() }), request.body).now);
    return account.clock.state();
  });
  app.post("/clock/advance", async (request) => {
    account.clock.advance(parse(z.strictObject({ seconds: z.number() }), request.body).seconds);
    return account.clock.state();
  });
  app.get("/stats", async () => control.stats());
  app.post("/expire-tokens", async () => {
    control.expireTokens();
    return { ok: true };
  });

  app.get("/certificates", async () => account.auth.certificates());
  app.post("/certificates", async (request) => control.registerCertificate(parse(certificateSchema, request.body)));
  app.post<{ Params: { id: string } }>("/certificates/:id/revoke", async (request, reply) =>
    account.auth.revokeCertificate(request.params.id) ? { ok: true } : reply.code(404).send({ error: "no such certificate" }),
  );
  // GET /login-audit – why each token request or call was refused (Setup > Users/Roles > View Login Audit Trail)
  app.get("/login-audit", async () => account.auth.loginAudit());

  app.post("/custom-record-types", async (request) => account.store.defineCustomRecordType(parse(customRecordTypeSchema, request.body)));
  app.post("/custom-fields", async (request) => {
    const input = parse(z.strictObject({ recordType: z.string(), fields: z.array(customFieldSchema.omit({ required: true })).min(1) }), request.body);
    account.store.defineCustomFields(input.recordType, input.fields);
    return { ok: true };
  });

  app.post("/seed", async (request) => control.seed(parse(seedSchema, request.body)));
  app.get<{ Params: { type: string } }>("/records/:type", async (request) => {
    const t = account.store.table(request.params.type);
    return t.order.map((record) => presentRecord(account.store, base(request), t.def, record, { expandSubResources: true }));
  });
  app.get<{ Params: { type: string; id: string } }>("/records/:type/:id", async (request) => show(request, request.params.type, request.params.id));
  // POST /records/:type/:id/change – edit a record as a user in the UI would: lastModifiedDate moves, the script fires.
  app.post<{ Params: { type: string; id: string } }>("/records/:type/:id/change", async (request) => {
    const record = account.store.get(request.params.type, request.params.id);
    account.store.update(request.params.type, record, parse(recordBody, request.body));
    return show(request, request.params.type, record.id);
  });
  app.get("/duplicates", async () => account.store.duplicates());

  app.get("/script-deployments", async () => account.script.deployments());
  app.post("/script-deployments", async (request) => account.script.deploy(parse(deploymentSchema, request.body)));
  app.delete<{ Params: { id: string } }>("/script-deployments/:id", async (request, reply) =>
    account.script.undeploy(request.params.id) ? { ok: true } : reply.code(404).send({ error: "no such deployment" }),
  );
  app.get<{ Querystring: { recordType?: string; id?: string } }>("/script-deliveries", async (request) => account.script.deliveries(request.query));
  app.post("/script-deliveries/drain", async (request) => {
    const { timeoutMs } = parse(z.strictObject({ timeoutMs: z.number().int().min(0).max(600_000).default(30_000) }), request.body);
    return { idle: await account.script.drain(timeoutMs) };
  });

  app.post("/reset", async () => {
    control.reset();
    return { ok: true };
  });
  app.get("/snapshot", async () => control.snapshot());
  app.post("/restore", async (request) => {
    control.restore(request.body);
    return { ok: true };
  });
};
