import { PlainHttpClient, TokenCache, VendorHttpError, type TokenSet } from "../../http";
import type { ConnectionContext } from "../types";
import { qadConfig } from "./config";
import { qadOAuthErrorSchema, qadTokenResponseSchema, type QadSecrets } from "./schemas";

class QadTokenClient extends PlainHttpClient {
  protected override describeError({ body }: { body: unknown }) {
    const parsed = qadOAuthErrorSchema.safeParse(body);
    if (!parsed.success) return undefined;
    return { message: parsed.data.error_description ? `${parsed.data.error}: ${parsed.data.error_description}` : parsed.data.error };
  }
}

const refusal = (err: VendorHttpError, grant: "password" | "refresh_token"): VendorHttpError => {
  const r = err.reason;
  const reason = /invalid_client/.test(r)
    ? `QAD does not know this OAuth client ID (invalid_client). Check the client ID of the connection.`
    : /invalid_grant/.test(r)
      ? grant === "password"
        ? `QAD refused the username or password (invalid_grant). Check the integration user's credentials.`
        : `The stored QAD refresh token is no longer valid (invalid_grant).`
      : `QAD refused the sign-in (${r}).`;
  return new VendorHttpError({ ...err, summaries: err.summaries, code: "unauthorized", retryable: false, reason, message: `[qad] POST /${qadConfig.auth.tokenPath}: ${reason}` });
};

type TokenInput = { baseUrl: string; secrets: QadSecrets; onExchange?: ConnectionContext["onExchange"]; retry?: { maxAttempts: number } };

const requestToken = async (input: TokenInput, form: Record<string, string>, grant: "password" | "refresh_token"): Promise<TokenSet> => {
  const client = new QadTokenClient({ vendor: qadConfig.id, baseUrl: input.baseUrl, onExchange: input.onExchange, retry: input.retry });
  try {
    // Form fields, not JSON: the token endpoint reads request parameters only.
    const body = await client.request({ method: "POST", path: qadConfig.auth.tokenPath, auth: false, idempotent: true, body: { form }, outputSchema: qadTokenResponseSchema });
    return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: body.expires_in };
  } catch (err) {
    if (err instanceof VendorHttpError && (err.status === 400 || err.status === 401 || err.status === 403)) throw refusal(err, grant);
    throw err;
  }
};

/** A token: the refresh_token grant when one is stored (falling back when refused), else the password grant. */
export const fetchQadToken = async (input: TokenInput & { refreshToken?: string }): Promise<TokenSet> => {
  if (input.refreshToken) {
    try {
      return await requestToken(input, { client_id: input.secrets.clientId, grant_type: "refresh_token", refresh_token: input.refreshToken }, "refresh_token");
    } catch (err) {
      if (!(err instanceof VendorHttpError) || err.code !== "unauthorized") throw err;
    }
  }
  return requestToken(input, { client_id: input.secrets.clientId, grant_type: "password", username: input.secrets.username, password: input.secrets.password }, "password");
};

/** The shared, encrypted token cache of one QAD connection. */
export const createQadTokenCache = (ctx: ConnectionContext, secrets: QadSecrets) =>
  new TokenCache({
    db: ctx.db,
    key: ctx.connectionId,
    keyring: ctx.keyring,
    credentials: [ctx.baseUrl, secrets.clientId, secrets.username, secrets.password],
    fetchToken: ({ refreshToken }) => fetchQadToken({ baseUrl: ctx.baseUrl, secrets, onExchange: ctx.onExchange, refreshToken }),
  });
