import { z } from "zod";
import { PlainHttpClient, TokenCache, VendorHttpError, type TokenSet } from "../../http";
import type { ConnectionContext } from "../types";
import { zohoCrmConfig } from "./config";
import { zohoTokenAnswerSchema, type ZohoCrmSecrets } from "./schemas";

/** The extras stored with a Zoho token: the API host every call goes to. */
export const zohoTokenExtrasSchema = z.object({ apiDomain: z.url() });

const refused = (reason: string, init: { url: string; status: number | null }) =>
  new VendorHttpError({
    vendor: zohoCrmConfig.id,
    method: "POST",
    url: init.url,
    status: init.status,
    bodySnippet: "",
    retryable: false,
    code: "unauthorized",
    reason,
    message: `[zoho-crm] POST /oauth/v2/token: ${reason}`,
  });

const REFUSALS: Record<string, string> = {
  invalid_client: "Zoho refused the client ID or secret (invalid_client): check them, and that the data center is the one the client was registered in",
  invalid_code: "Zoho refused the refresh token (invalid_code): it was revoked or belongs to another client; generate a new one",
  invalid_request: "Zoho refused the token request (invalid_request)",
  unsupported_grant_type: "Zoho refused the grant type (unsupported_grant_type)",
};

/**
 * One refresh-token grant at the data center's accounts server (`POST {accounts}/oauth/v2/token`,
 * form-encoded). Zoho answers refusals with HTTP 200 and `{"error": ...}`: they become a non-retryable
 * "unauthorized" error. The answer's `api_domain` is kept as the token's extra.
 */
export const fetchZohoToken = async ({
  accountsUrl,
  secrets,
  onExchange,
  retry,
}: {
  accountsUrl: string;
  secrets: ZohoCrmSecrets;
  onExchange?: ConnectionContext["onExchange"];
  retry?: { maxAttempts: number };
}): Promise<TokenSet> => {
  const client = new PlainHttpClient({ vendor: zohoCrmConfig.id, baseUrl: accountsUrl, onExchange, retry });
  let answer: z.infer<typeof zohoTokenAnswerSchema>;
  try {
    answer = await client.request({
      method: "POST",
      path: zohoCrmConfig.tokenPath,
      auth: false,
      idempotent: true,
      body: { form: { grant_type: "refresh_token", client_id: secrets.clientId, client_secret: secrets.clientSecret, refresh_token: secrets.refreshToken } },
      outputSchema: zohoTokenAnswerSchema,
    });
  } catch (err) {
    // 400 "Access Denied": more than 10 tokens per refresh token in 10 minutes; retried later, not a refusal of the credentials
    if (err instanceof VendorHttpError && err.status === 400 && /too many requests/i.test(err.bodySnippet)) {
      throw new VendorHttpError({ ...err, summaries: err.summaries, retryable: true, code: "rate-limited", retryAfterMs: 60_000 });
    }
    if (err instanceof VendorHttpError && (err.status === 401 || err.status === 403)) throw refused(`Zoho refused the credentials (${err.reason})`, { url: err.url, status: err.status });
    throw err;
  }
  if (typeof answer.error === "string") {
    throw refused(REFUSALS[answer.error] ?? `Zoho refused the token request (${answer.error})`, { url: `${accountsUrl}/${zohoCrmConfig.tokenPath}`, status: 200 });
  }
  if (typeof answer.access_token !== "string" || typeof answer.api_domain !== "string" || typeof answer.expires_in !== "number") {
    throw refused("Zoho's token answer carried neither a token nor an error", { url: `${accountsUrl}/${zohoCrmConfig.tokenPath}`, status: 200 });
  }
  return { accessToken: answer.access_token, expiresInSeconds: answer.expires_in, extras: { apiDomain: answer.api_domain } };
};

/** The shared, encrypted token cache of one Zoho CRM connection; the api_domain travels with the token. */
export const createZohoTokenCache = (ctx: ConnectionContext, secrets: ZohoCrmSecrets) =>
  new TokenCache({
    db: ctx.db,
    key: ctx.connectionId,
    keyring: ctx.keyring,
    credentials: [ctx.baseUrl, secrets.clientId, secrets.clientSecret, secrets.refreshToken],
    fetchToken: () => fetchZohoToken({ accountsUrl: ctx.baseUrl, secrets, onExchange: ctx.onExchange }),
  });
