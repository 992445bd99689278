// Zoho CRM REST v8. Auth: OAuth 2.0 refresh-token grant at the data center's accounts server
// (`/oauth/v2/token`; refusals answer HTTP 200 with `{"error"}`), one-hour tokens cached in Postgres
// and shared, with the answer's `api_domain` (every API call goes there). Writes: `{"data":[...]}`,
// 100 records per call, per-record results; upsert by `duplicate_check_fields`. Reads: `fields`
// mandatory, `page_token` paging, `If-Modified-Since`. Limits: credits per rolling day and
// concurrency per edition, 429 without Retry-After. Notification channels expire (at most a week).
import { PlainHttpClient, joinUrl, type TokenSet } from "../../http";
import { describeFailure } from "../describe-failure";
import type { ConnectionContext, Connector, TestConnectionContext, TestStep } from "../types";
import { fetchZohoToken, createZohoTokenCache } from "./auth";
import { ZohoCrmClient } from "./client";
import { zohoCrmConfig } from "./config";
import { zohoCrmForm } from "./form";
import { zohoErrorSchema, zohoListAnswerSchema, zohoModulesAnswerSchema, zohoCrmSecretsSchema, zohoCrmSettingsSchema } from "./schemas";
import { renewZohoChannel, verifyZohoCallback } from "./webhooks";
import { z } from "zod";
import { parseTestInput } from "../common/parse-test-input";

export { ZohoCrmClient, zohoDateTime, type ZohoWritten } from "./client";
export { zohoCrmConfig, type ZohoModule } from "./config";
export { zohoCrmForm } from "./form";
export { listZohoPicklistValues } from "./catalog";
export { zohoChannelId, zohoChannelToken, renewZohoChannel, verifyZohoCallback } from "./webhooks";
export * from "./schemas";

/** A Zoho CRM client for one connection (settings and secrets are parsed here). */
export const createZohoCrmClient = (ctx: ConnectionContext): ZohoCrmClient => {
  const settings = zohoCrmSettingsSchema.parse(ctx.settings ?? {});
  const secrets = zohoCrmSecretsSchema.parse(ctx.secrets);
  return new ZohoCrmClient(ctx, settings, createZohoTokenCache(ctx, secrets));
};

/** The modules the flows write; an edition without one of them refuses its records (403 FEATURE_NOT_SUPPORTED). */
const WRITTEN_MODULES = ["Accounts", "Products", "Invoices"] as const;

/**
 * Signs in (a fresh token, nothing cached), checks that the org's edition has Accounts, Products and
 * Invoices (a lower edition lacks them and Zoho refuses their records), and reads one account.
 */
export const testZohoCrmConnection = async (ctx: TestConnectionContext): Promise<TestStep[]> => {
  const input = parseTestInput(ctx, { settings: zohoCrmSettingsSchema, secrets: zohoCrmSecretsSchema });
  if (!input.ok) return input.steps;
  const { secrets } = input;
  const steps: TestStep[] = [];
  let token: TokenSet;
  try {
    token = await fetchZohoToken({ accountsUrl: ctx.baseUrl, secrets, onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
  } catch (err) {
    return [{ step: "auth", ok: false, message: describeFailure(err, "The Zoho accounts server (/oauth/v2/token)", ctx.baseUrl) }];
  }
  const apiDomain = z.object({ apiDomain: z.string() }).parse(token.extras).apiDomain;
  steps.push({ step: "auth", ok: true, message: `Signed in with client ID ${secrets.clientId.slice(0, 10)}…; API calls go to ${apiDomain}; the token lasts ${Math.round(token.expiresInSeconds / 60)} min.` });

  const http = new PlainHttpClient({ vendor: zohoCrmConfig.id, baseUrl: joinUrl(apiDomain, zohoCrmConfig.apiPath), onExchange: ctx.onExchange, retry: { maxAttempts: 2 } });
  const headers = { authorization: `${zohoCrmConfig.authScheme} ${token.accessToken}` };
  try {
    const { modules } = await http.request({ method: "GET", path: "settings/modules", headers, outputSchema: zohoModulesAnswerSchema });
    const missing = WRITTEN_MODULES.filter((m) => !modules.some((x) => x.api_name === m && x.api_supported !== false));
    steps.push(
      missing.length === 0
        ? { step: "version", ok: true, message: "The org's edition has Accounts, Products and Invoices." }
        : {
            step: "version",
            ok: false,
            message: `This Zoho CRM org's plan does not include ${missing.join(" and ")}: Zoho refuses those records ("This module is not supported in your edition"). Products need the Standard edition or above, Invoices Professional or above; upgrade the plan, or expect those records to fail.`,
          },
    );
  } catch (err) {
    steps.push({ step: "version", ok: false, message: describeFailure(err, "Reading the org's modules (/settings/modules)", apiDomain) });
  }
  try {
    const res = await http.send({ method: "GET", path: "Accounts", query: { fields: "Account_Name", per_page: 1 }, headers, outputSchema: z.union([zohoListAnswerSchema, z.undefined()]) });
    const first = res.data?.data[0];
    const name = first && typeof first.Account_Name === "string" ? first.Account_Name : null;
    steps.push({ step: "read", ok: true, message: first ? `Read account ${name ?? first.id}.` : "Read accounts: the org has none yet." });
  } catch (err) {
    const body = err instanceof Error && "bodySnippet" in err ? zohoErrorSchema.safeParse(safeJson(String(err.bodySnippet))) : null;
    steps.push({ step: "read", ok: false, message: body?.success ? `Zoho CRM refused reading accounts: ${body.data.code} ${body.data.message ?? ""}`.trim() : describeFailure(err, "Reading accounts", apiDomain) });
  }
  return steps;
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

export const zohoCrm = {
  id: "zoho-crm",
  label: zohoCrmConfig.label,
  config: zohoCrmConfig,
  settingsSchema: zohoCrmSettingsSchema,
  secretsSchema: zohoCrmSecretsSchema,
  form: zohoCrmForm,
  createClient: createZohoCrmClient,
  testConnection: testZohoCrmConnection,
  webhooks: {
    verify: verifyZohoCallback,
    renewSubscriptions: async (ctx) =>
      renewZohoChannel({ client: createZohoCrmClient(ctx), connectionId: ctx.connectionId, clientSecret: zohoCrmSecretsSchema.parse(ctx.secrets).clientSecret, callbackUrl: ctx.callbackUrl }),
    renewBeforeMs: zohoCrmConfig.renewBeforeMs,
  },
} satisfies Connector<ZohoCrmClient>;
