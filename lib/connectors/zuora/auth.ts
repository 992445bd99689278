import { PlainHttpClient, TokenCache, VendorHttpError, type TokenSet } from "../../http";
import type { ConnectionContext } from "../types";
import { zuoraConfig } from "./config";
import { zuoraErrorBodySchema, zuoraTokenResponseSchema, type ZuoraSecrets } from "./schemas";

class ZuoraTokenClient extends PlainHttpClient {
  protected override describeError({ body }: { body: unknown }) {
    const parsed = zuoraErrorBodySchema.safeParse(body);
    if (!parsed.success) return undefined;
    const b = parsed.data;
    const message = b.error_description ?? b.error ?? b.reasons?.[0]?.message ?? b.message;
    return message ? { message } : undefined;
  }
}

/**
 * One client-credentials grant (`POST {base}/oauth/token`, form-encoded, no Authorization header).
 * Refused credentials (400/401/403) become a non-retryable "unauthorized" VendorHttpError.
 */
export const fetchZuoraToken = async ({
  baseUrl,
  secrets,
  onExchange,
  retry,
}: {
  baseUrl: string;
  secrets: Pick<ZuoraSecrets, "clientId" | "clientSecret">;
  onExchange?: ConnectionContext["onExchange"];
  retry?: { maxAttempts: number };
}): Promise<TokenSet> => {
  const client = new ZuoraTokenClient({
    vendor: zuoraConfig.id,
    baseUrl,
    requestIdHeaders: zuoraConfig.requestIdHeaders,
    rateLimitHeaders: zuoraConfig.rateLimitHeaders,
    onExchange,
    retry,
  });
  try {
    const body = await client.request({
      method: "POST",
      path: zuoraConfig.auth.tokenPath,
      auth: false,
      idempotent: true,
      body: { form: { client_id: secrets.clientId, client_secret: secrets.clientSecret, grant_type: "client_credentials" } },
      outputSchema: zuoraTokenResponseSchema,
    });
    return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
  } catch (err) {
    if (err instanceof VendorHttpError && (err.status === 400 || err.status === 401 || err.status === 403)) {
      throw new VendorHttpError({
        ...err,
        summaries: err.summaries,
        code: "unauthorized",
        retryable: false,
        reason: `Zuora refused the client ID or secret (${err.reason})`,
        message: `[zuora] POST /oauth/token: Zuora refused the client ID or secret (${err.reason})`,
      });
    }
    throw err;
  }
};

/** The shared, encrypted token cache of one Zuora connection. */
export const createZuoraTokenCache = (ctx: ConnectionContext, secrets: ZuoraSecrets) =>
  new TokenCache({
    db: ctx.db,
    key: ctx.connectionId,
    keyring: ctx.keyring,
    credentials: [ctx.baseUrl, secrets.clientId, secrets.clientSecret],
    fetchToken: () => fetchZuoraToken({ baseUrl: ctx.baseUrl, secrets, onExchange: ctx.onExchange }),
  });
