import { VendorHttpClient, type TokenCache, type VendorHttpClientOptions } from "../../http";

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
 * once more with a fresh one. Written once for every OAuth vendor.
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

  protected override async resolveBaseUrl(): Promise<string> {
    if (!this.baseUrlFromToken) return this.baseUrl;
    return this.baseUrlFromToken((await this.tokens.getToken()).extras) ?? this.baseUrl;
  }
}
