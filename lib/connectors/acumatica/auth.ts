import { PlainHttpClient, TokenCache, VendorHttpError, type TokenSet } from "../../http";
import type { ConnectionContext } from "../types";
import { acumaticaConfig } from "./config";
import { acumaticaTokenErrorSchema, acumaticaTokenResponseSchema, type AcumaticaSecrets, type AcumaticaSettings } from "./schemas";

class AcumaticaTokenClient extends PlainHttpClient {
  protected override describeError({ body }: { body: unknown }) {
    const parsed = acumaticaTokenErrorSchema.safeParse(body);
    if (!parsed.success) return undefined;
    return { message: parsed.data.error_description ? `${parsed.data.error}: ${parsed.data.error_description}` : parsed.data.error };
  }
}

/** `GUID@Tenant`: the tenant is part of Acumatica's client id. */
export const acumaticaClientId = (secrets: Pick<AcumaticaSecrets, "clientId">, settings: Pick<AcumaticaSettings, "tenant">) =>
  secrets.clientId.includes("@") || !settings.tenant ? secrets.clientId : `${secrets.clientId}@${settings.tenant}`;

const refusal = (err: VendorHttpError, grant: "password" | "refresh_token"): VendorHttpError => {
  const r = err.reason;
  const reason = /invalid_client/.test(r)
    ? `Acumatica refused the client ID or secret (invalid_client). Check the Connected Application and that the client ID ends with @<Tenant>.`
    : /invalid_grant/.test(r)
      ? grant === "password"
        ? `Acumatica refused the username or password (invalid_grant).`
        : `The stored refresh token is no longer valid (invalid_grant).`
      : /invalid_scope|unauthorized_client/.test(r)
        ? `The Connected Application does not allow this sign-in (${r}); enable the Resource Owner Password flow and the api and offline_access scopes.`
        : `Acumatica refused the sign-in (${r}).`;
  return new VendorHttpError({ ...err, summaries: err.summaries, code: "unauthorized", retryable: false, reason, message: `[acumatica] POST /identity/connect/token: ${reason}` });
};

type TokenInput = {
  instanceUrl: string;
  secrets: AcumaticaSecrets;
  settings: Pick<AcumaticaSettings, "tenant">;
  onExchange?: ConnectionContext["onExchange"];
  retry?: { maxAttempts: number };
};

const requestToken = async (input: TokenInput, form: Record<string, string>, grant: "password" | "refresh_token"): Promise<TokenSet> => {
  const client = new AcumaticaTokenClient({ vendor: acumaticaConfig.id, baseUrl: input.instanceUrl, onExchange: input.onExchange, retry: input.retry });
  try {
    const body = await client.request({
      method: "POST",
      path: acumaticaConfig.auth.tokenPath,
      auth: false,
      idempotent: true,
      body: { form },
      outputSchema: acumaticaTokenResponseSchema,
    });
    return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: body.expires_in };
  } catch (err) {
    if (err instanceof VendorHttpError && (err.status === 400 || err.status === 401 || err.status === 403)) throw refusal(err, grant);
    throw err;
  }
};

/**
 * A token for the connection: the refresh_token grant when a refresh token is stored, falling back
 * to the password grant (scope `api offline_access`) when there is none or it was refused.
 */
export const fetchAcumaticaToken = async (input: TokenInput & { refreshToken?: string }): Promise<TokenSet> => {
  const clientId = acumaticaClientId(input.secrets, input.settings);
  if (input.refreshToken) {
    try {
      return await requestToken(
        input,
        { grant_type: "refresh_token", refresh_token: input.refreshToken, client_id: clientId, client_secret: input.secrets.clientSecret },
        "refresh_token",
      );
    } catch (err) {
      if (!(err instanceof VendorHttpError) || err.code !== "unauthorized") throw err;
    }
  }
  return requestToken(
    input,
    {
      grant_type: "password",
      client_id: clientId,
      client_secret: input.secrets.clientSecret,
      username: input.secrets.username,
      password: input.secrets.password,
      scope: acumaticaConfig.auth.scope,
    },
    "password",
  );
};

/** The shared, encrypted token cache of one Acumatica connection. */
export const createAcumaticaTokenCache = (ctx: ConnectionContext, settings: AcumaticaSettings, secrets: AcumaticaSecrets) =>
  new TokenCache({
    db: ctx.db,
    key: ctx.connectionId,
    keyring: ctx.keyring,
    credentials: [ctx.baseUrl, acumaticaClientId(secrets, settings), secrets.clientSecret, secrets.username, secrets.password],
    fetchToken: ({ refreshToken }) =>
      fetchAcumaticaToken({ instanceUrl: ctx.baseUrl, secrets, settings, onExchange: ctx.onExchange, refreshToken }),
  });
