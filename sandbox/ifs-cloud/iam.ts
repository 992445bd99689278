/**
 * IFS IAM (Keycloak) client-credentials grant (vendor-apis.md §5.2, [IFS-IAM]):
 * `POST /auth/realms/<realm>/protocol/openid-connect/token`, form body only, client by form fields or HTTP
 * Basic; a Keycloak-format token response with `expires_in` 180 by default. Tokens are JWT-shaped strings the
 * sandbox looks up by value (the connector must not read them); an expired or unknown token answers 401.
 */
import { randomHex32 } from "../core/random";
import { keycloakError } from "./errors";

export type IamClient = {
  clientId: string;
  clientSecret: string;
  /** Keycloak "Service Accounts Enabled"; without it the client-credentials grant is refused. Default true. */
  serviceAccountsEnabled?: boolean;
  /** Projections the service user's permission sets grant; others answer 403 "Insufficient privileges.". Default all. */
  projections?: string[];
};

export type IamSnapshot = { tokens: [string, { clientId: string; expiresAt: number }][]; accessTokenSeconds: number };

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export class IfsIam {
  readonly realm: string;
  accessTokenSeconds: number;
  private readonly clients: Map<string, IamClient>;
  private tokens = new Map<string, { clientId: string; expiresAt: number }>();
  issued = 0;

  constructor(private readonly options: { realm: string; clients: IamClient[]; accessTokenSeconds: number; now: () => number }) {
    this.realm = options.realm;
    this.accessTokenSeconds = options.accessTokenSeconds;
    this.clients = new Map(options.clients.map((c) => [c.clientId, c]));
  }

  /** Handles a token request; `form` is the parsed body, `basic` the decoded HTTP Basic pair if any. */
  token(input: { contentType: string | undefined; form: URLSearchParams | undefined; basic: [string, string] | undefined; issuer: string }) {
    // Keycloak reads form parameters only: a JSON body reaches it with no grant_type.
    const form = input.contentType?.startsWith("application/x-www-form-urlencoded") ? (input.form ?? new URLSearchParams()) : new URLSearchParams();
    const grantType = form.get("grant_type");
    if (!grantType) throw keycloakError(400, "invalid_request", "Missing form parameter: grant_type");
    const clientId = input.basic?.[0] ?? form.get("client_id") ?? undefined;
    const clientSecret = input.basic?.[1] ?? form.get("client_secret") ?? undefined;
    if (!clientId) throw keycloakError(401, "invalid_client", "Invalid client or Invalid client credentials");
    const client = this.clients.get(clientId);
    if (!client) throw keycloakError(401, "invalid_client", "Invalid client or Invalid client credentials");
    if (clientSecret !== client.clientSecret) throw keycloakError(401, "unauthorized_client", "Invalid client or Invalid client credentials");
    if (grantType !== "client_credentials") throw keycloakError(400, "unsupported_grant_type", "Unsupported grant_type");
    if (client.serviceAccountsEnabled === false) throw keycloakError(401, "unauthorized_client", "Client not enabled to retrieve service account");

    const nowMs = this.options.now();
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.accessTokenSeconds;
    const scope = form.get("scope") ?? "";
    const accessToken = [
      base64url({ alg: "RS256", typ: "JWT", kid: "ifs-sandbox" }),
      base64url({ exp, iat, jti: randomHex32(), iss: input.issuer, aud: "account", sub: `service-account-${clientId}`, typ: "Bearer", azp: clientId, scope: `openid ${scope}`.trim() }),
      randomHex32(),
    ].join(".");
    this.tokens.set(accessToken, { clientId, expiresAt: nowMs + this.accessTokenSeconds * 1000 });
    this.issued += 1;
    if (this.tokens.size > 50_000) this.dropExpired();
    return {
      access_token: accessToken,
      expires_in: this.accessTokenSeconds,
      // Keycloak issues no refresh token for client credentials (the client simply asks again).
      refresh_expires_in: 0,
      token_type: "Bearer",
      "not-before-policy": 0,
      scope: ["openid", ...scope.split(" ").filter((s) => s && s !== "openid")].join(" "),
    };
  }

  /** Whether the client's permission sets grant `projection`. */
  grants(clientId: string, projection: string): boolean {
    const granted = this.clients.get(clientId)?.projections;
    return granted === undefined || granted.includes(projection);
  }

  /** The client id of a live token, undefined when the token is unknown or expired. */
  verify(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!match) return undefined;
    const token = this.tokens.get(match[1]!);
    if (!token || token.expiresAt <= this.options.now()) return undefined;
    return token.clientId;
  }

  expireAll() {
    this.tokens.clear();
  }

  private dropExpired() {
    const now = this.options.now();
    for (const [value, token] of this.tokens) if (token.expiresAt <= now) this.tokens.delete(value);
  }

  snapshot(): IamSnapshot {
    this.dropExpired();
    return { tokens: [...this.tokens], accessTokenSeconds: this.accessTokenSeconds };
  }

  restore(snapshot: IamSnapshot) {
    this.tokens = new Map(snapshot.tokens);
    this.accessTokenSeconds = snapshot.accessTokenSeconds;
  }

  reset() {
    this.tokens.clear();
    this.issued = 0;
    this.accessTokenSeconds = this.options.accessTokenSeconds;
  }
}
