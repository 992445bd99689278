// OAuth 2.0 client credentials (M2M) with a JWT client assertion (vendor-apis.md §4.2; Oracle Help Center
// section_162755359851 and section_162790605110): the assertion's header carries `kid` = the Certificate ID
// of the mapping, its payload iss = client id, scope, aud = the token endpoint URL, iat and exp (at most
// 60 minutes later), signed with the certificate's private key (ES256/384/512 or PS256/384/512). The
// answer is a 60-minute access token without a refresh token; a refused assertion answers only
// `invalid_grant` (the reason is in the account's Login Audit Trail).
import { importPKCS8, SignJWT } from "jose";
import { joinUrl, PlainHttpClient, TokenCache, VendorHttpError, type TokenSet } from "../../http";
import type { ConnectionContext } from "../types";
import { netsuiteConfig } from "./config";
import { netsuiteOAuthErrorSchema, netsuiteTokenResponseSchema, type NetsuiteSecrets, type NetsuiteSettings } from "./schemas";

/** The token endpoint of an account: below the REST root the admin entered. */
export const netsuiteTokenUrl = (baseUrl: string) => joinUrl(baseUrl, netsuiteConfig.auth.tokenPath);

/** A signed client assertion for one token request. */
export const signNetsuiteAssertion = async ({
  baseUrl,
  settings,
  secrets,
  now = Date.now(),
}: {
  baseUrl: string;
  settings: Pick<NetsuiteSettings, "certificateId" | "algorithm">;
  secrets: Pick<NetsuiteSecrets, "clientId" | "privateKey">;
  now?: number;
}): Promise<string> => {
  const key = await importPKCS8(secrets.privateKey.trim(), settings.algorithm);
  const iat = Math.floor(now / 1000);
  return new SignJWT({ scope: [...netsuiteConfig.auth.scope] })
    .setProtectedHeader({ alg: settings.algorithm, typ: "JWT", kid: settings.certificateId })
    .setIssuer(secrets.clientId)
    .setAudience(netsuiteTokenUrl(baseUrl))
    .setIssuedAt(iat)
    .setExpirationTime(iat + netsuiteConfig.auth.assertionSeconds)
    .sign(key);
};

class NetsuiteTokenClient extends PlainHttpClient {
  protected override describeError({ body }: { body: unknown }) {
    const parsed = netsuiteOAuthErrorSchema.safeParse(body);
    return parsed.success ? { message: parsed.data.error_description ?? parsed.data.error } : undefined;
  }
}

/** What an admin reads when NetSuite refuses the assertion: it never says why, so we list what to check. */
export const REJECTED_ASSERTION_HELP =
  "NetSuite refused the signed assertion (invalid_grant). Check that the Certificate ID is the one shown on the OAuth 2.0 Client Credentials (M2M) mapping, that the certificate is not revoked or expired, that the private key belongs to that certificate and fits the algorithm, that the Client ID is the integration record's, and that the account id in the URL is right. NetSuite's Login Audit Trail shows the exact reason.";

/**
 * One client-credentials grant. A key that cannot be read fails before anything is sent; a refused
 * assertion (400/401) becomes a non-retryable "unauthorized" VendorHttpError with REJECTED_ASSERTION_HELP.
 */
export const fetchNetsuiteToken = async ({
  baseUrl,
  settings,
  secrets,
  onExchange,
  retry,
}: {
  baseUrl: string;
  settings: Pick<NetsuiteSettings, "certificateId" | "algorithm">;
  secrets: Pick<NetsuiteSecrets, "clientId" | "privateKey">;
  onExchange?: ConnectionContext["onExchange"];
  retry?: { maxAttempts: number };
}): Promise<TokenSet> => {
  let assertion: string;
  try {
    assertion = await signNetsuiteAssertion({ baseUrl, settings, secrets });
  } catch (err) {
    const reason = `the private key cannot sign ${settings.algorithm} assertions (${err instanceof Error ? err.message : "unreadable key"}); paste the PKCS#8 PEM key of the certificate`;
    throw new VendorHttpError({ vendor: netsuiteConfig.id, method: "POST", url: netsuiteTokenUrl(baseUrl), status: null, bodySnippet: "", retryable: false, code: "unauthorized", reason, message: `[netsuite] POST /${netsuiteConfig.auth.tokenPath}: ${reason}` });
  }
  const client = new NetsuiteTokenClient({ vendor: netsuiteConfig.id, baseUrl, onExchange, retry });
  try {
    const body = await client.request({
      method: "POST",
      path: netsuiteConfig.auth.tokenPath,
      auth: false,
      idempotent: true,
      body: { form: { grant_type: "client_credentials", client_assertion_type: netsuiteConfig.auth.assertionType, client_assertion: assertion } },
      outputSchema: netsuiteTokenResponseSchema,
    });
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
  } catch (err) {
    if (err instanceof VendorHttpError && (err.status === 400 || err.status === 401 || err.status === 403)) {
      const reason = err.reason.includes("invalid_grant") ? REJECTED_ASSERTION_HELP : `NetSuite refused the token request (${err.reason})`;
      throw new VendorHttpError({ ...err, summaries: err.summaries, code: "unauthorized", retryable: false, reason, message: `[netsuite] POST /${netsuiteConfig.auth.tokenPath}: ${reason}` });
    }
    throw err;
  }
};

/** The shared, encrypted token cache of one NetSuite connection (one token for every worker). */
export const createNetsuiteTokenCache = (ctx: ConnectionContext, settings: NetsuiteSettings, secrets: NetsuiteSecrets) =>
  new TokenCache({
    db: ctx.db,
    key: ctx.connectionId,
    keyring: ctx.keyring,
    credentials: [ctx.baseUrl, settings.certificateId, settings.algorithm, secrets.clientId, secrets.privateKey],
    fetchToken: () => fetchNetsuiteToken({ baseUrl: ctx.baseUrl, settings, secrets, onExchange: ctx.onExchange }),
  });
