// NetSuite SuiteTalk REST web services. Auth: OAuth 2.0 client credentials with a JWT client assertion
// signed by the certificate of the admin's M2M mapping (jose), 60-minute tokens cached in Postgres and
// shared. Listing: SuiteQL by `lastmodifieddate` in the account's time zone; records read whole through
// the record service. Limits: a per-account concurrency limit (429 CONCURRENCY_LIMIT_EXCEEDED without
// Retry-After), so the connection takes a share of it through the shared slots. Writes: custom records
// upserted by external id (no idempotency key in NetSuite). Events: our User Event script's webhook
// with the shared secret in the URL.
import { z } from "zod";
import { PlainHttpClient } from "../../http";
import { describeFailure } from "../describe-failure";
import type { ConnectionContext, Connector, TestConnectionContext, TestStep } from "../types";
import { createNetsuiteTokenCache, fetchNetsuiteToken } from "./auth";
import { NetsuiteClient } from "./client";
import { netsuiteConfig } from "./config";
import { netsuiteForm } from "./form";
import { netsuitePageSchema, netsuiteSecretsSchema, netsuiteSettingsSchema } from "./schemas";
import { verifyNetsuiteWebhook } from "./webhooks";
import { parseTestInput } from "../common/parse-test-input";

export { NetsuiteClient } from "./client";
export { netsuiteConfig } from "./config";
export { listNetsuiteItems } from "./catalog";
export * from "./schemas";
export { netsuiteForm } from "./form";
export { parseIpAllowlist, secretMatches, verifyNetsuiteWebhook } from "./webhooks";

/** A NetSuite client for one connection (settings and secrets are parsed here). */
export const createNetsuiteClient = (ctx: ConnectionContext): NetsuiteClient => {
  const settings = netsuiteSettingsSchema.parse(ctx.settings ?? {});
  const secrets = netsuiteSecretsSchema.parse(ctx.secrets);
  return new NetsuiteClient(ctx, settings, createNetsuiteTokenCache(ctx, settings, secrets));
};

/** Signs an assertion and gets a token (a refusal explains what to check), then runs one SuiteQL query. */
export const testNetsuiteConnection = async (ctx: TestConnectionContext): Promise<TestStep[]> => {
  const input = parseTestInput(ctx, { settings: netsuiteSettingsSchema, secrets: netsuiteSecretsSchema });
  if (!input.ok) return input.steps;
  const { settings, secrets } = input;
  const steps: TestStep[] = [];
  let token: string;
  try {
    const t = await fetchNetsuiteToken({ baseUrl: ctx.baseUrl, settings, secrets, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
    token = t.accessToken;
    steps.push({ step: "auth", ok: true, message: `Signed in with certificate ${settings.certificateId.slice(0, 8)}… (${settings.algorithm}); the token lasts ${Math.round(t.expiresInSeconds / 60)} min.` });
  } catch (err) {
    steps.push({ step: "auth", ok: false, message: describeFailure(err, "The NetSuite token endpoint (/services/rest/auth/oauth2/v1/token)", ctx.baseUrl) });
    return steps;
  }
  try {
    const http = new PlainHttpClient({ vendor: netsuiteConfig.id, baseUrl: ctx.baseUrl, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
    const page = await http.request({
      method: "POST",
      path: netsuiteConfig.suiteqlPath,
      query: { limit: 1 },
      headers: { authorization: `Bearer ${token}`, prefer: "transient" },
      body: { json: { q: "SELECT id, companyname FROM customer ORDER BY id" } },
      outputSchema: netsuitePageSchema(z.looseObject({ id: z.string(), companyname: z.string().optional() })),
    });
    const first = page.items[0];
    steps.push({ step: "read", ok: true, message: first ? `Read customer ${first.id}${first.companyname ? ` (${first.companyname})` : ""} through SuiteQL.` : "SuiteQL works; the account has no customers yet." });
  } catch (err) {
    steps.push({ step: "read", ok: false, message: describeFailure(err, "SuiteQL (/services/rest/query/v1/suiteql)", ctx.baseUrl) });
  }
  return steps;
};

export const netsuite = {
  id: "netsuite",
  label: netsuiteConfig.label,
  config: netsuiteConfig,
  settingsSchema: netsuiteSettingsSchema,
  secretsSchema: netsuiteSecretsSchema,
  form: netsuiteForm,
  createClient: createNetsuiteClient,
  testConnection: testNetsuiteConnection,
  webhooks: { verify: verifyNetsuiteWebhook },
} satisfies Connector<NetsuiteClient>;
