import { randomHex32 } from "../core/random";

/*
 * OAuth 2.0 password grant at `{base}/oauth/token` (client_id + user), refresh_token grant, bearer tokens
 * that expire, and HTTP Basic on API calls (observed in three public clients). Errors follow Spring Security
 * OAuth2, the framework behind QAD's web tier (its old form login is `j_spring_security_check`): the token
 * endpoint answers `{"error":"invalid_grant","error_description":"Bad credentials"}` for a wrong password
 * (the error code is observed), API calls with a bad or expired token 401 `{"error":"invalid_token",...}`.
 */

export type QadUser = {
  username: string;
  password: string;
  /** Workspaces (`<domain>_<entity>`) the user may use; the first is the default when no header is sent. */
  workspaces: string[];
};

export type QadClient = { clientId: string };

type TokenRecord = { username: string; expiresAt: number };

export type AuthSnapshot = { tokens: [string, TokenRecord][]; refreshTokens: [string, TokenRecord][] };

export type TokenAnswer =
  | { ok: true; body: { access_token: string; token_type: "bearer"; refresh_token: string; expires_in: number; scope: string } }
  | { ok: false; status: number; body: { error: string; error_description: string } };

export type Caller = { ok: true; user: QadUser } | { ok: false; body: { error: string; error_description: string }; header: string };

export class QadAuth {
  private tokens = new Map<string, TokenRecord>();
  private refreshTokens = new Map<string, TokenRecord>();

  constructor(
    private readonly options: {
      now: () => Date;
      clients: () => QadClient[];
      users: () => QadUser[];
      accessTokenSeconds: () => number;
      refreshTokenSeconds: () => number;
      basicAuth: () => boolean;
    },
  ) {}

  private findUser(username: string) {
    return this.options.users().find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  private issue(user: QadUser): TokenAnswer {
    const now = this.options.now().getTime();
    const access = randomHex32();
    const refresh = randomHex32();
    const seconds = this.options.accessTokenSeconds();
    this.tokens.set(access, { username: user.username, expiresAt: now + seconds * 1000 });
    this.refreshTokens.set(refresh, { username: user.username, expiresAt: now + this.options.refreshTokenSeconds() * 1000 });
    return { ok: true, body: { access_token: access, token_type: "bearer", refresh_token: refresh, expires_in: seconds, scope: "read write" } };
  }

  /** The token endpoint; `params` are the form fields and query parameters together. */
  token(params: Record<string, string | undefined>): TokenAnswer {
    const fail = (status: number, error: string, description: string): TokenAnswer => ({ ok: false, status, body: { error, error_description: description } });
    const clientId = params.client_id;
    if (!clientId || !this.options.clients().some((c) => c.clientId === clientId)) return fail(401, "invalid_client", "Bad client credentials");
    if (params.grant_type === "password") {
      const user = params.username ? this.findUser(params.username) : undefined;
      if (!user || params.password !== user.password) return fail(400, "invalid_grant", "Bad credentials");
      return this.issue(user);
    }
    if (params.grant_type === "refresh_token") {
      const record = params.refresh_token ? this.refreshTokens.get(params.refresh_token) : undefined;
      const user = record ? this.findUser(record.username) : undefined;
      if (!record || !user || record.expiresAt <= this.options.now().getTime()) return fail(400, "invalid_grant", "Invalid refresh token");
      this.refreshTokens.delete(params.refresh_token!);
      return this.issue(user);
    }
    if (!params.grant_type) return fail(400, "invalid_request", "Missing grant type");
    return fail(400, "unsupported_grant_type", `Unsupported grant type: ${params.grant_type}`);
  }

  /** Who an API call is from (bearer token or, when enabled, Basic), or the 401 answer. */
  authenticate(authorization: string | undefined): Caller {
    const invalid = (description: string): Caller => ({
      ok: false,
      body: { error: "invalid_token", error_description: description },
      header: `Bearer error="invalid_token", error_description="${description}"`,
    });
    if (!authorization) {
      return { ok: false, body: { error: "unauthorized", error_description: "Full authentication is required to access this resource" }, header: 'Bearer realm="qad"' };
    }
    const [scheme = "", value = ""] = authorization.split(" ", 2);
    if (scheme.toLowerCase() === "bearer") {
      const record = this.tokens.get(value);
      if (!record) return invalid("Invalid access token");
      if (record.expiresAt <= this.options.now().getTime()) return invalid("Access token expired");
      const user = this.findUser(record.username);
      return user ? { ok: true, user } : invalid("Invalid access token");
    }
    if (scheme.toLowerCase() === "basic" && this.options.basicAuth()) {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const user = colon > 0 ? this.findUser(decoded.slice(0, colon)) : undefined;
      if (user && decoded.slice(colon + 1) === user.password) return { ok: true, user };
      return { ok: false, body: { error: "unauthorized", error_description: "Bad credentials" }, header: 'Basic realm="qad"' };
    }
    return { ok: false, body: { error: "unauthorized", error_description: "Full authentication is required to access this resource" }, header: 'Bearer realm="qad"' };
  }

  /** Every access token answers 401 from now on; refresh tokens keep working. */
  expireAll() {
    const now = this.options.now().getTime();
    for (const record of this.tokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  liveTokens() {
    const now = this.options.now().getTime();
    let live = 0;
    for (const record of this.tokens.values()) if (record.expiresAt > now) live += 1;
    return live;
  }

  reset() {
    this.tokens.clear();
    this.refreshTokens.clear();
  }

  snapshot(): AuthSnapshot {
    return { tokens: [...this.tokens.entries()], refreshTokens: [...this.refreshTokens.entries()] };
  }

  restore(snapshot: AuthSnapshot) {
    this.tokens = new Map(snapshot.tokens);
    this.refreshTokens = new Map(snapshot.refreshTokens);
  }
}
