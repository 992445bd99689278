import type { z } from "zod";
import { VendorHttpClient, VendorHttpError, type RequestOptions, type TokenCache, type VendorHttpClientOptions, type VendorResponse } from "../../http";

export type BearerClientOptions = VendorHttpClientOptions & {
  /** the connection's shared token cache */
  tokens: TokenCache;
  /**
   * The API base URL from what the token response carried (e.g. Zoho's `api_domain`); undefined
   * keeps `baseUrl`. Every worker sees the same value: it is stored with the shared token.
   */
  baseUrlFromToken?: (extras: Record<string, unknown>) => string | undefined;
};

/**
 * A vendor client that authenticates with a cached bearer token (OAuth 2.0): the token comes from the
 * connection's shared TokenCache, a 401 invalidates exactly the refused token and the request is sent
 * once more with a fresh one. A 401 to that second request (the fresh token was expired or revoked too,
 * e.g. sessions ended on the tenant meanwhile) is retryable: the job tries again later with a new token,
 * and a refused request had no effect, so this holds for writes as well. A refused sign-in at the token
 * endpoint (wrong secret, realm or client) stays final. Written once for every OAuth vendor.
 */
export abstract class BearerTokenClient extends VendorHttpClient {
  protected readonly tokens: TokenCache;
  private readonly baseUrlFromToken: BearerClientOptions["baseUrlFromToken"];

  constructor({ tokens, baseUrlFromToken, ...options }: BearerClientOptions) {
    super(options);
    this.tokens = tokens;
    this.baseUrlFromToken = baseUrlFromToken;
  }

  protected async authHeaders() {
    return { authorization: `Bearer ${await this.tokens.getAccessToken()}` };
  }

  protected override async onUnauthorized(refused: Record<string, string>) {
    const token = refused.authorization?.replace(/^Bearer /, "");
    if (token) await this.tokens.invalidate(token);
    return true;
  }

  override async send<S extends z.ZodType>(opts: RequestOptions<S>): Promise<VendorResponse<z.output<S>>> {
    try {
      return await super.send(opts);
    } catch (err) {
      const refusedCall = err instanceof VendorHttpError && err.code === "unauthorized" && err.status === 401 && !err.retryable && err.url.includes(opts.path);
      if (refusedCall) throw new VendorHttpError({ ...err, summaries: err.summaries, retryable: true, reason: `${err.reason} (refused again with a fresh token; retried later)` });
      throw err;
    }
  }

  protected override async resolveBaseUrl(): Promise<string> {
    if (!this.baseUrlFromToken) return this.baseUrl;
    return this.baseUrlFromToken((await this.tokens.getToken()).extras) ?? this.baseUrl;
  }
}
