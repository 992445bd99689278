import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import type { AcumaticaSandbox } from "./acumatica/index";
import { faultConfigSchema, faultRuleSchema, latencySchema, VENDOR_NAMES, type FaultInjector } from "./core/faults";
import { seedDemo, type DemoSeedResult } from "./demo/seed-demo";
import type { ZuoraSandbox } from "./zuora/index";
import type { ZohoCrmSandbox } from "./zoho-crm/index";

/*
 * One Fastify server, one port: Zuora at /zuora, Acumatica at /acumatica (each prefix is that vendor's
 * base URL), control API at /_sandbox. The fault layer's hooks are installed before the vendor plugins so
 * they sit in front of both. No request logging unless asked: benchmarks push 10,000s of calls through.
 */

export type SandboxCredentials = {
  zuora: { baseUrl: string; clientId: string; clientSecret: string };
  acumatica: {
    baseUrl: string;
    tenant: string;
    clientId: string;
    clientSecret: string;
    username: string;
    password: string;
    endpointVersion: string;
  };
  "zoho-crm": { dataCenter: string; accountsUrl: string; apiDomain: string; clientId: string; clientSecret: string; refreshToken: string };
};

export type SandboxServerOptions = {
  zuora: ZuoraSandbox;
  acumatica: AcumaticaSandbox;
  zohoCrm: ZohoCrmSandbox;
  faults: FaultInjector;
  /** Credentials with base URLs relative to the server root ("/zuora"); /_sandbox/info makes them absolute. */
  credentials: SandboxCredentials;
  log?: boolean;
};

const demoSeedSchema = z.strictObject({
  accounts: z.number().int().min(1).max(20_000).optional(),
  existingCustomerRate: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
});

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw Object.assign(new Error(z.prettifyError(result.error)), { statusCode: 400 });
  return result.data;
};

export const withOrigin = (credentials: SandboxCredentials, origin: string): SandboxCredentials => ({
  zuora: { ...credentials.zuora, baseUrl: `${origin}${credentials.zuora.baseUrl}` },
  acumatica: { ...credentials.acumatica, baseUrl: `${origin}${credentials.acumatica.baseUrl}` },
  "zoho-crm": { ...credentials["zoho-crm"], accountsUrl: `${origin}${credentials["zoho-crm"].accountsUrl}`, apiDomain: `${origin}${credentials["zoho-crm"].apiDomain}` },
});

export const buildSandboxServer = async (options: SandboxServerOptions): Promise<FastifyInstance> => {
  const { zuora, acumatica, zohoCrm, faults } = options;
  const app = Fastify({ logger: options.log ?? false, bodyLimit: 256 * 1024 * 1024 });

  faults.registerVendor(zuora.faultVendor);
  faults.registerVendor({
    name: "acumatica",
    prefix: "/acumatica",
    expireTokens: () => acumatica.control.expireTokens(),
    errorResponse: (status, retryAfterSeconds) => ({
      headers: status === 429 ? { "Retry-After": String(retryAfterSeconds ?? 1) } : ({} as Record<string, string>),
      body: {
        message: status === 429 ? "API Login Limit" : "An error has occurred.",
        exceptionMessage: status === 429 ? "The number of API requests exceeds the limit of the licence." : `Injected fault: HTTP ${status}.`,
        exceptionType: "PX.Data.PXException",
      },
    }),
  });
  faults.registerVendor(zohoCrm.faultVendor);
  faults.install(app);

  await app.register(zuora.plugin, { prefix: zuora.prefix });
  await app.register(acumatica.plugin, { prefix: "/acumatica" });
  await app.register(zohoCrm.plugin, { prefix: zohoCrm.prefix });

  await app.register(
    async (control) => {
      control.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) =>
        reply.code(error instanceof z.ZodError ? 400 : (error.statusCode ?? 500)).send({ error: error instanceof z.ZodError ? z.prettifyError(error) : error.message }),
      );
      // GET /_sandbox/health – liveness
      control.get("/health", async () => ({ ok: true, vendors: ["zuora", "acumatica", "zoho-crm"] }));
      // GET /_sandbox/info – base URLs and demo credentials for this server
      control.get("/info", async (request) => withOrigin(options.credentials, `${request.protocol}://${request.host}`));
      // GET/PUT /_sandbox/faults – fault configuration { seed, rules, latencyMs }; PUT replaces what it names
      control.get("/faults", async () => faults.state());
      control.put("/faults", async (request) => {
        faults.configure(parse(faultConfigSchema, request.body));
        return faults.state();
      });
      // DELETE /_sandbox/faults – no rules, no latency, empty log
      control.delete("/faults", async () => {
        faults.clear();
        return faults.state();
      });
      control.post("/faults/rules", async (request) => faults.addRule(parse(faultRuleSchema, request.body)));
      control.delete<{ Params: { id: string } }>("/faults/rules/:id", async (request, reply) =>
        faults.removeRule(request.params.id) ? { ok: true } : reply.code(404).send({ error: "no such rule" }),
      );
      // GET /_sandbox/faults/log – every fault that fired: rule, n-th matching request, route
      control.get("/faults/log", async () => faults.log());
      // PUT /_sandbox/latency – fixed latency per vendor in ms, e.g. { "zuora": 50, "acumatica": 50 }
      control.put("/latency", async (request) => {
        faults.setLatency(parse(latencySchema, request.body));
        return faults.state().latencyMs;
      });
      // POST /_sandbox/expire-tokens – { vendor?: "zuora" | "acumatica" } every access token answers 401 from now on
      control.post("/expire-tokens", async (request) => {
        const { vendor } = parse(z.strictObject({ vendor: z.enum(VENDOR_NAMES).optional() }), request.body);
        faults.expireTokens(vendor);
        return { ok: true };
      });
      // POST /_sandbox/demo/seed – the demo company in both vendors (add to what is there)
      control.post("/demo/seed", async (request): Promise<DemoSeedResult> =>
        seedDemo({ zuora: zuora.control, acumatica: acumatica.control, zohoCrm: zohoCrm.control, input: parse(demoSeedSchema, request.body) }),
      );
      // POST /_sandbox/reset – both vendors empty, faults cleared
      control.post("/reset", async () => {
        zuora.control.reset();
        acumatica.control.reset();
        zohoCrm.control.reset();
        faults.clear();
        return { ok: true };
      });
      await control.register(zuora.controlPlugin, { prefix: "/zuora" });
      await control.register(acumatica.controlPlugin, { prefix: "/acumatica" });
      await control.register(zohoCrm.controlPlugin, { prefix: "/zoho-crm" });
    },
    { prefix: "/_sandbox" },
  );

  return app;
};
