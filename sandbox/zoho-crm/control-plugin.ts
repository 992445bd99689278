import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { MODULE_NAMES } from "./metadata";
import { callbackModeSchema } from "./notifications";
import { customFieldSchema, zohoCrmSettingsSchema, type ZohoCrmOrg } from "./org";
import type { ZohoCrmSandboxControl } from "./index";

/* Control routes of the Zoho CRM sandbox, mounted at /_sandbox/zoho-crm. Inputs are parsed with zod; a bad input answers 400. */

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw Object.assign(new Error(z.prettifyError(result.error)), { statusCode: 400 });
  return result.data;
};

const moduleParam = z.strictObject({ module: z.enum(MODULE_NAMES) });
const clockSchema = z.strictObject({ now: z.iso.datetime({ offset: true }).optional(), advanceSeconds: z.number().optional() });
const recordsSchema = z.strictObject({ records: z.array(z.record(z.string(), z.unknown())).min(1).max(10_000) });
const refreshTokenSchema = z.strictObject({ clientId: z.string().optional(), scopes: z.array(z.string()).optional() });

export const createZohoCrmControlPlugin = (org: ZohoCrmOrg, control: ZohoCrmSandboxControl): FastifyPluginAsync => async (app) => {
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) =>
    reply.code(error instanceof z.ZodError ? 400 : (error.statusCode ?? 500)).send({ error: error instanceof z.ZodError ? z.prettifyError(error) : error.message }),
  );

  // GET/PATCH /settings – data center, edition, users, token lifetime, limits, callback batching
  app.get("/settings", async () => org.settings);
  app.patch("/settings", async (request) => org.applySettings(parse(zohoCrmSettingsSchema, request.body)));
  // GET/PUT /clock – the org's clock (token, page-token and channel expiry, rolling credits)
  app.get("/clock", async () => org.setClock({}));
  app.put("/clock", async (request) => org.setClock(parse(clockSchema, request.body)));
  app.get("/stats", async () => control.stats());
  app.post("/expire-tokens", async () => {
    org.expireTokens();
    return { ok: true };
  });
  // POST /refresh-tokens – another refresh token for a client (optionally with narrower scopes)
  app.post("/refresh-tokens", async (request) => org.issueRefreshToken(parse(refreshTokenSchema, request.body)));
  app.delete<{ Params: { token: string } }>("/refresh-tokens/:token", async (request, reply) =>
    org.revokeRefreshToken(request.params.token) ? { ok: true } : reply.code(404).send({ error: "no such refresh token" }),
  );
  // POST /fields – a custom field (unique = "Do not allow duplicate values")
  app.post("/fields", async (request) => org.addCustomField(parse(customFieldSchema, request.body)));

  // Records as a user would enter them in Zoho's UI (validated like API writes; notifications fire)
  app.post<{ Params: { module: string } }>("/records/:module", async (request) => {
    const { module } = parse(moduleParam, request.params);
    return control.addRecords(module, parse(recordsSchema, request.body).records);
  });
  app.get<{ Params: { module: string } }>("/records/:module", async (request) => control.records(parse(moduleParam, request.params).module));
  app.patch<{ Params: { module: string; id: string } }>("/records/:module/:id", async (request) => {
    const { module } = parse(moduleParam, { module: request.params.module });
    return control.editRecord(module, request.params.id, parse(z.record(z.string(), z.unknown()), request.body));
  });
  // POST /deals/:id/win – a rep marks the deal "Closed Won"
  app.post<{ Params: { id: string } }>("/deals/:id/win", async (request) => control.winDeal(request.params.id));
  // GET /duplicates – unique / duplicate-check values held by more than one record (should be empty)
  app.get("/duplicates", async () => org.store.duplicates());

  app.get("/channels", async () => org.notifications.channels());
  app.get<{ Querystring: { channelId?: string; state?: string } }>("/callbacks", async (request) => org.notifications.deliveries(request.query));
  app.get("/callbacks/mode", async () => org.notifications.mode());
  app.put("/callbacks/mode", async (request) => org.notifications.setMode(parse(callbackModeSchema, request.body)));
  app.post("/callbacks/release", async () => ({ released: org.notifications.release() }));
  app.post("/callbacks/drain", async (request) => {
    const { timeoutMs } = parse(z.strictObject({ timeoutMs: z.number().int().min(0).max(600_000).default(30_000) }), request.body);
    return { idle: await org.notifications.drain(timeoutMs) };
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
