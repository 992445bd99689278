// Zuora Billing REST v1. Auth: OAuth client credentials on the tenant host (token ~1 h, the token
// endpoint is limited per IP, so tokens are cached in Postgres and shared). Paging: Object Query
// cursors (`nextPage` -> `cursor`, pageSize <= 99), v1 lists by page/pageSize <= 40. Limits:
// `ratelimit-*` headers and `Retry-After` on 429; 200 answers may still carry `success: false`.
// Writes take an Idempotency-Key. Callouts carry ids only, optionally HMAC-signed (no timestamp).
import { z } from "zod";
import { PlainHttpClient } from "../../http";
import { describeFailure } from "../describe-failure";
import type { ConnectionContext, Connector, TestConnectionContext, TestStep } from "../types";
import { createZuoraTokenCache, fetchZuoraToken } from "./auth";
import { ZuoraClient } from "./client";
import { zuoraConfig } from "./config";
import { buildZuoraDocumentLink } from "./document-link";
import { zuoraQueryAccountSchema, zuoraQueryPageSchema, zuoraSecretsSchema, zuoraSettingsSchema } from "./schemas";
import { zuoraForm } from "./form";
import { parseCallout, prepareZuoraWebhook, verifyCallout, verifyZuoraWebhook } from "./webhooks";
import { parseTestInput } from "../common/parse-test-input";

export { ZuoraClient, type ZuoraChangesPage } from "./client";
export { zuoraConfig, ZUORA_POLL_OBJECTS, type ZuoraPollObject } from "./config";
export * from "./schemas";
export { listZuoraBillingAccounts } from "./catalog";
export { zuoraForm } from "./form";
export { parseCallout, signCallout, verifyCallout, verifyZuoraWebhook, type VerifyCalloutResult, type ZuoraCalloutEvent, type ZuoraObjectType } from "./webhooks";

/** A Zuora client for one connection (settings and secrets are parsed here). */
export const createZuoraClient = (ctx: ConnectionContext): ZuoraClient => {
  const settings = zuoraSettingsSchema.parse(ctx.settings ?? {});
  const secrets = zuoraSecretsSchema.parse(ctx.secrets);
  return new ZuoraClient(ctx, settings, createZuoraTokenCache(ctx, secrets));
};

/** Authenticates and reads one account; a fresh token, nothing cached or stored. */
export const testZuoraConnection = async (ctx: TestConnectionContext): Promise<TestStep[]> => {
  const steps: TestStep[] = [];
  const input = parseTestInput(ctx, { settings: zuoraSettingsSchema, secrets: zuoraSecretsSchema });
  if (!input.ok) return input.steps;
  const { settings, secrets } = input;
  let token: string;
  try {
    const t = await fetchZuoraToken({ baseUrl: ctx.baseUrl, secrets, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
    token = t.accessToken;
    steps.push({ step: "auth", ok: true, message: `Signed in with client ID ${secrets.clientId.slice(0, 8)}…; the token lasts ${Math.round(t.expiresInSeconds / 60)} min.` });
  } catch (err) {
    steps.push({ step: "auth", ok: false, message: describeFailure(err, "The Zuora token endpoint (/oauth/token)", ctx.baseUrl) });
    return steps;
  }
  try {
    const client = new PlainHttpClient({ vendor: zuoraConfig.id, baseUrl: ctx.baseUrl, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
    const page = await client.request({
      method: "GET",
      path: "object-query/accounts",
      query: { pageSize: 1 },
      headers: {
        authorization: `Bearer ${token}`,
        ...(settings.entityId ? { "zuora-entity-ids": settings.entityId } : {}),
      },
      outputSchema: zuoraQueryPageSchema(zuoraQueryAccountSchema),
    });
    const first = page.data[0];
    steps.push({
      step: "read",
      ok: true,
      message: first ? `Read account ${first.accountNumber}${first.name ? ` (${first.name})` : ""}.` : "Read accounts: the tenant has none yet.",
    });
  } catch (err) {
    steps.push({ step: "read", ok: false, message: describeFailure(err, "Reading accounts (/object-query/accounts)", ctx.baseUrl) });
  }
  return steps;
};

export const zuora = {
  id: "zuora",
  label: zuoraConfig.label,
  config: zuoraConfig,
  settingsSchema: zuoraSettingsSchema,
  secretsSchema: zuoraSecretsSchema,
  form: zuoraForm,
  createClient: createZuoraClient,
  testConnection: testZuoraConnection,
  webhooks: { verify: verifyZuoraWebhook, prepare: prepareZuoraWebhook },
  receivesCallouts: true,
  /** verify + parse a callout with the connection's settings and secrets */
  verifyWebhook: ({ rawBody, headers, settings, secrets }: { rawBody: Buffer | string; headers: Record<string, string | string[] | undefined>; settings: unknown; secrets: unknown }) => {
    const s = zuoraSettingsSchema.safeParse(settings ?? {});
    const sec = z.object({ calloutHmacSecret: z.string().optional() }).safeParse(secrets ?? {});
    if (!s.success || !sec.success) return { ok: false as const, reason: "connection settings are invalid" };
    return verifyCallout({ rawBody, headers, settings: s.data.callout, secret: sec.data.calloutHmacSecret });
  },
  parseWebhook: parseCallout,
  documentLink: buildZuoraDocumentLink,
} satisfies Connector<ZuoraClient> & Record<string, unknown>;
