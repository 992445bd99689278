import { z } from "zod";
import { randomHex32 } from "../core/random";
import { createCallouts } from "./callouts";
import { createIdempotencyStore } from "./idempotency";
import { createConcurrencyPool, createKeyedMinuteLimiter, createRateLimiter } from "./limits";
import { createObjectQuery } from "./object-query";
import { createStore } from "./store";

export type ZuoraClient = { clientId: string; clientSecret: string };

export type ZuoraSandboxOptions = {
  /** Mount prefix of the vendor API (the tenant's base URL path). Default "/zuora". */
  prefix?: string;
  /** OAuth clients (client_id is 36 characters in Zuora). Default: the demo client. */
  clients?: ZuoraClient[];
  /** Token lifetime in seconds (default 3600; the token answer says expires_in = lifetime - 1). */
  accessTokenSeconds?: number;
  /** Token calls per minute per IP address (Zuora: 100). */
  tokenRequestsPerMinutePerIp?: number;
  /** Tenant request-rate windows (Zuora production API class: 50,000/min, 2,250,000/h, 27,000,000/day). */
  rateLimits?: { perMinute?: number; perHour?: number; perDay?: number };
  /** Concurrency pools: Default (Zuora: 40) and Object Query (80). */
  concurrency?: { default?: number; objectQuery?: number };
  /** Tenant has Invoice Settlement (credit memos, /v1/payments). Default true. */
  invoiceSettlement?: boolean;
  /** Seed of generated ids and data. Default 1. */
  seed?: number;
  now?: () => Date;
};

export const DEMO_ZUORA_CLIENT: ZuoraClient = {
  clientId: "3f9a1c52-7d4e-4b8a-9e21-5c6d7e8f9a0b",
  clientSecret: "mlc-demo-zuora-secret-Vq7pLx2sN9dR4tKw8",
};

export const zuoraSettingsSchema = z.strictObject({
  invoiceSettlement: z.boolean().optional(),
  accessTokenSeconds: z.number().int().min(1).max(86_400).optional(),
  tokenRequestsPerMinutePerIp: z.number().int().min(1).optional(),
  rateLimits: z
    .strictObject({ perMinute: z.number().int().min(1).optional(), perHour: z.number().int().min(1).optional(), perDay: z.number().int().min(1).optional() })
    .optional(),
  concurrency: z.strictObject({ default: z.number().int().min(1).optional(), objectQuery: z.number().int().min(1).optional() }).optional(),
  /** Custom fields defined per object (API names ending in __c), e.g. { Account: ["NetSuiteId__c"] }; a write naming another is refused. */
  customFields: z
    .strictObject({
      Account: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/)).optional(),
      Invoice: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/)).optional(),
    })
    .optional(),
});
export type ZuoraSettingsInput = z.infer<typeof zuoraSettingsSchema>;

export const createZuoraTenant = (options: ZuoraSandboxOptions = {}) => {
  const now = options.now ?? (() => new Date());
  const nowMs = () => now().getTime();
  const seed = options.seed ?? 1;
  const settings = {
    invoiceSettlement: options.invoiceSettlement ?? true,
    accessTokenSeconds: options.accessTokenSeconds ?? 3600,
    tokenRequestsPerMinutePerIp: options.tokenRequestsPerMinutePerIp ?? 100,
    rateLimits: { perMinute: 50_000, perHour: 2_250_000, perDay: 27_000_000, ...options.rateLimits },
    concurrency: { default: 40, objectQuery: 80, ...options.concurrency },
    customFields: { Account: [] as string[], Invoice: [] as string[] },
  };
  const clients = options.clients ?? [DEMO_ZUORA_CLIENT];

  const store = createStore({ now, seed });
  const callouts = createCallouts({ now, seed });
  store.onEvent(callouts.onEvent);
  const rateLimiter = createRateLimiter(settings.rateLimits, nowMs);
  const tokenLimiter = createKeyedMinuteLimiter(settings.tokenRequestsPerMinutePerIp, nowMs);
  const defaultPool = createConcurrencyPool("Default", settings.concurrency.default);
  const objectQueryPool = createConcurrencyPool("ObjectQuery", settings.concurrency.objectQuery);
  const idempotency = createIdempotencyStore(nowMs);
  const objectQuery = createObjectQuery({ store, isInvoiceSettlement: () => settings.invoiceSettlement });
  const tokens = new Map<string, { clientId: string; expiresAt: number }>();
  const stats = { requests: 0, rejected401: 0, rejected429: 0, tokensIssued: 0, tokenRejected429: 0 };

  const auth = {
    hitTokenLimit: (ip: string) => tokenLimiter.hit(ip),
    issue: (clientId: string, clientSecret: string) => {
      const client = clients.find((c) => c.clientId === clientId && c.clientSecret === clientSecret);
      if (!client) return undefined;
      const t = nowMs();
      if (tokens.size > 20_000) for (const [k, v] of tokens) if (v.expiresAt <= t) tokens.delete(k);
      const accessToken = randomHex32();
      tokens.set(accessToken, { clientId, expiresAt: t + settings.accessTokenSeconds * 1000 });
      return {
        access_token: accessToken,
        token_type: "bearer",
        expires_in: Math.max(0, settings.accessTokenSeconds - 1),
        scope: `user.${clientId.replaceAll("-", "")} entity.1a2b7a37-3e7d-4cb3-b0e2-883de9e766cc service.echo.read tenant.19`,
        jti: randomHex32(),
      };
    },
    verify: (token: string) => {
      const entry = tokens.get(token);
      return entry !== undefined && nowMs() < entry.expiresAt;
    },
    expireAll: () => {
      for (const entry of tokens.values()) entry.expiresAt = 0;
    },
  };

  const applySettings = (input: ZuoraSettingsInput) => {
    const parsed = zuoraSettingsSchema.parse(input);
    if (parsed.invoiceSettlement !== undefined) settings.invoiceSettlement = parsed.invoiceSettlement;
    if (parsed.accessTokenSeconds !== undefined) settings.accessTokenSeconds = parsed.accessTokenSeconds;
    if (parsed.tokenRequestsPerMinutePerIp !== undefined) {
      settings.tokenRequestsPerMinutePerIp = parsed.tokenRequestsPerMinutePerIp;
      tokenLimiter.setLimit(parsed.tokenRequestsPerMinutePerIp);
    }
    if (parsed.rateLimits) {
      settings.rateLimits = { ...settings.rateLimits, ...parsed.rateLimits };
      rateLimiter.configure(settings.rateLimits);
    }
    if (parsed.customFields) settings.customFields = { ...settings.customFields, ...parsed.customFields };
    if (parsed.concurrency) {
      settings.concurrency = { ...settings.concurrency, ...parsed.concurrency };
      defaultPool.setLimit(settings.concurrency.default);
      objectQueryPool.setLimit(settings.concurrency.objectQuery);
    }
    return { ...settings };
  };

  return {
    prefix: options.prefix ?? "/zuora",
    now,
    seed,
    settings,
    clients,
    store,
    callouts,
    rateLimiter,
    tokenLimiter,
    defaultPool,
    objectQueryPool,
    idempotency,
    objectQuery,
    auth,
    tokens,
    stats,
    applySettings,
  };
};

export type ZuoraTenant = ReturnType<typeof createZuoraTenant>;
