import { PlainHttpClient, TokenCache, VendorHttpError, type TokenSet } from "../../http";
import type { ConnectionContext } from "../types";
import { ifsCloudConfig } from "./config";
import { ifsTokenErrorSchema, ifsTokenResponseSchema, type IfsCloudSecrets, type IfsCloudSettings } from "./schemas";

class IfsTokenClient extends PlainHttpClient {
  protected override describeError({ body }: { body: unknown }) {
    const parsed = ifsTokenErrorSchema.safeParse(body);
    if (!parsed.success) return undefined;
    return { message: parsed.data.error_description ? `${parsed.data.error}: ${parsed.data.error_description}` : parsed.data.error };
  }
}

/** The admin's sentence for a refused token request (Keycloak's error codes and IFS IAM's realm 404). */
const refusal = (err: VendorHttpError, realm: string): VendorHttpError => {
  const r = err.reason;
  const reason =
    err.status === 404
      ? `IFS IAM has no realm "${realm}" on this host (${r}). Check the realm (the IFS system's namespace) and the URL.`
      : /invalid_client|unauthorized_client/.test(r)
        ? `IFS IAM refused the client ID or secret (${/invalid_client|unauthorized_client/.exec(r)![0]}). Check the IAM client's ID and secret, and that its service account is enabled.`
        : `IFS IAM refused the sign-in (${r}).`;
  return new VendorHttpError({ ...err, summaries: err.summaries, code: "unauthorized", retryable: false, reason, message: `[ifs-cloud] POST token: ${reason}` });
};

/** A client-credentials token from IFS IAM (Keycloak): form body, `grant_type=client_credentials` [IFS-IAM]. */
export const fetchIfsToken = async (input: {
  baseUrl: string;
  settings: Pick<IfsCloudSettings, "realm">;
  secrets: IfsCloudSecrets;
  onExchange?: ConnectionContext["onExchange"];
  retry?: { maxAttempts: number };
}): Promise<TokenSet> => {
  const client = new IfsTokenClient({ vendor: ifsCloudConfig.id, baseUrl: input.baseUrl, onExchange: input.onExchange, retry: input.retry });
  try {
    const body = await client.request({
      method: "POST",
      path: ifsCloudConfig.auth.tokenPath(input.settings.realm),
      auth: false,
      idempotent: true,
      body: { form: { grant_type: "client_credentials", client_id: input.secrets.clientId, client_secret: input.secrets.clientSecret, scope: ifsCloudConfig.auth.scope } },
      outputSchema: ifsTokenResponseSchema,
    });
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
  } catch (err) {
    if (err instanceof VendorHttpError && (err.status === 400 || err.status === 401 || err.status === 403 || err.status === 404)) throw refusal(err, input.settings.realm);
    throw err;
  }
};

/**
 * The shared, encrypted token cache of one IFS connection. IFS tokens live 180 s by default, so the
 * cache replaces them a quarter of their life early (45 s), its cap for short-lived tokens.
 */
export const createIfsTokenCache = (ctx: ConnectionContext, settings: IfsCloudSettings, secrets: IfsCloudSecrets) =>
  new TokenCache({
    db: ctx.db,
    key: ctx.connectionId,
    keyring: ctx.keyring,
    credentials: [ctx.baseUrl, settings.realm, secrets.clientId, secrets.clientSecret],
    fetchToken: () => fetchIfsToken({ baseUrl: ctx.baseUrl, settings, secrets, onExchange: ctx.onExchange }),
  });
