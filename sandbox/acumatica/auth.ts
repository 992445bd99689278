/**
 * Acumatica's two ways in: OAuth 2.0 at `/identity/connect/token` (password and refresh_token grants, client
 * ids of the form `<GUID>@<Tenant>`, scope `api` for the REST API and `offline_access` for a refresh token)
 * and the cookie session of `POST /entity/auth/login` (204 + `.ASPXAUTH` cookie, idle timeout 20 minutes).
 * Access tokens are opaque and expire after `accessTokenSeconds`; refresh tokens live 30 days and are reusable.
 */
import { randomBytes } from "node:crypto";
import { notLoggedIn, pxError } from "./errors";

export type OAuthClient = { clientId: string; clientSecret: string };
export type ApiUser = { username: string; password: string };

type Grant = { username: string; clientId: string; scopes: string[] };
type AccessToken = Grant & { expiresAt: number };
type RefreshToken = Grant & { expiresAt: number };
type Session = { username: string; tenant: string; lastSeen: number };

/** Serializable auth state, so a restarted sandbox keeps honouring issued tokens. */
export type AuthSnapshot = {
  accessTokens: [string, AccessToken][];
  refreshTokens: [string, RefreshToken][];
  sessions: [string, Session][];
};

/** OAuth error body of the token endpoint (RFC 6749 5.2). */
export type OAuthError = { error: string; error_description?: string };

export type TokenResponse = {
  access_token: string;
  expires_in: number;
  token_type: "Bearer";
  refresh_token?: string;
  scope: string;
};

export const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;
export const SESSION_IDLE_SECONDS = 20 * 60;
export const SESSION_COOKIE = ".ASPXAUTH";
const KNOWN_SCOPES = new Set(["api", "offline_access", "api:concurrent_access", "openid", "profile", "email"]);

const opaque = () => randomBytes(24).toString("hex").toUpperCase();

export class AcumaticaAuth {
  private readonly now: () => Date;
  readonly tenant: string;
  clients: OAuthClient[];
  users: ApiUser[];
  accessTokenSeconds: number;
  private accessTokens = new Map<string, AccessToken>();
  private refreshTokens = new Map<string, RefreshToken>();
  private sessions = new Map<string, Session>();

  constructor(opts: { now: () => Date; tenant: string; clients: OAuthClient[]; users: ApiUser[]; accessTokenSeconds: number }) {
    this.now = opts.now;
    this.tenant = opts.tenant;
    this.clients = opts.clients;
    this.users = opts.users;
    this.accessTokenSeconds = opts.accessTokenSeconds;
  }

  /** Handles a token request; `basic` is the client from an HTTP Basic Authorization header, if any. */
  token(form: Record<string, string | undefined>, basic?: { clientId: string; clientSecret: string }): { status: number; body: TokenResponse | OAuthError } {
    const clientId = basic?.clientId ?? form.client_id;
    const clientSecret = basic?.clientSecret ?? form.client_secret;
    const client = this.clients.find((c) => c.clientId.toLowerCase() === (clientId ?? "").toLowerCase());
    if (!client || client.clientSecret !== clientSecret) {
      return { status: 400, body: { error: "invalid_client" } };
    }
    const tenant = client.clientId.split("@")[1];
    if (!tenant || tenant.toLowerCase() !== this.tenant.toLowerCase()) {
      return { status: 400, body: { error: "invalid_client", error_description: `Unknown tenant '${tenant ?? ""}'.` } };
    }
    const nowMs = this.now().getTime();
    switch (form.grant_type) {
      case "password": {
        const user = this.users.find((u) => u.username.toLowerCase() === (form.username ?? "").toLowerCase());
        if (!user || user.password !== form.password) {
          return { status: 400, body: { error: "invalid_grant", error_description: "invalid_username_or_password" } };
        }
        const scopes = (form.scope ?? "api").split(/\s+/).filter(Boolean);
        const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
        if (unknown) return { status: 400, body: { error: "invalid_scope" } };
        return { status: 200, body: this.issue({ username: user.username, clientId: client.clientId, scopes }, nowMs) };
      }
      case "refresh_token": {
        const presented = form.refresh_token ?? "";
        const grant = this.refreshTokens.get(presented);
        if (!grant || grant.expiresAt <= nowMs || grant.clientId !== client.clientId) {
          if (grant && grant.expiresAt <= nowMs) this.refreshTokens.delete(presented);
          return { status: 400, body: { error: "invalid_grant" } };
        }
        return { status: 200, body: this.issue(grant, nowMs, presented) };
      }
      case undefined:
        return { status: 400, body: { error: "invalid_request", error_description: "grant_type is missing" } };
      default:
        return { status: 400, body: { error: "unsupported_grant_type" } };
    }
  }

  private issue(grant: Grant, nowMs: number, refreshToken?: string): TokenResponse {
    const access = opaque();
    const scopes = [...grant.scopes];
    this.accessTokens.set(access, { ...grant, scopes, expiresAt: nowMs + this.accessTokenSeconds * 1000 });
    this.sweep(nowMs);
    const response: TokenResponse = { access_token: access, expires_in: this.accessTokenSeconds, token_type: "Bearer", scope: scopes.join(" ") };
    if (scopes.includes("offline_access")) {
      const refresh = refreshToken ?? opaque();
      if (!refreshToken) this.refreshTokens.set(refresh, { ...grant, scopes, expiresAt: nowMs + REFRESH_TOKEN_SECONDS * 1000 });
      response.refresh_token = refresh;
    }
    return response;
  }

  private lastSweep = 0;

  /** Drops expired tokens now and then, so long benchmark runs do not accumulate them. */
  private sweep(nowMs: number) {
    if (nowMs - this.lastSweep < 60_000) return;
    this.lastSweep = nowMs;
    for (const [token, grant] of this.accessTokens) if (grant.expiresAt <= nowMs) this.accessTokens.delete(token);
    for (const [id, session] of this.sessions) if (session.lastSeen + SESSION_IDLE_SECONDS * 1000 <= nowMs) this.sessions.delete(id);
  }

  /** `POST /entity/auth/login`: returns the session cookie value, or throws the error Acumatica answers with (500). */
  login(body: { name?: unknown; password?: unknown; tenant?: unknown }): string {
    const user = this.users.find((u) => typeof body.name === "string" && u.username.toLowerCase() === body.name.toLowerCase());
    const tenantOk = body.tenant === undefined || body.tenant === null || (typeof body.tenant === "string" && body.tenant.toLowerCase() === this.tenant.toLowerCase());
    if (!user || user.password !== body.password || !tenantOk) {
      throw pxError(500, "Invalid credentials. Please try again.", "PX.Data.PXException");
    }
    const id = opaque();
    this.sessions.set(id, { username: user.username, tenant: this.tenant, lastSeen: this.now().getTime() });
    return id;
  }

  logout(sessionId: string | undefined) {
    if (sessionId) this.sessions.delete(sessionId);
  }

  /**
   * Checks a request to `/entity/...`: a live Bearer token carrying the `api` scope, or a live session cookie
   * (which slides its idle timeout). Throws the 401 HttpError otherwise.
   */
  authenticate(authorization: string | undefined, cookie: string | undefined): { username: string } {
    const nowMs = this.now().getTime();
    if (authorization?.startsWith("Bearer ")) {
      const grant = this.accessTokens.get(authorization.slice(7).trim());
      if (!grant || grant.expiresAt <= nowMs || !grant.scopes.includes("api")) throw notLoggedIn();
      return { username: grant.username };
    }
    const sessionId = sessionFromCookie(cookie);
    const session = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!session || session.lastSeen + SESSION_IDLE_SECONDS * 1000 <= nowMs) throw notLoggedIn();
    session.lastSeen = nowMs;
    return { username: session.username };
  }

  /** Every current access token and cookie session answers 401 from now on; refresh tokens stay valid. */
  expireAll() {
    this.accessTokens.clear();
    this.sessions.clear();
  }

  reset() {
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.sessions.clear();
  }

  snapshot(): AuthSnapshot {
    return { accessTokens: [...this.accessTokens], refreshTokens: [...this.refreshTokens], sessions: [...this.sessions] };
  }

  restore(state: AuthSnapshot) {
    this.accessTokens = new Map(state.accessTokens);
    this.refreshTokens = new Map(state.refreshTokens);
    this.sessions = new Map(state.sessions);
  }
}

/** The `.ASPXAUTH` value in a Cookie header. */
export const sessionFromCookie = (cookie: string | undefined): string | undefined => {
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
};

/** Decodes `Authorization: Basic base64(client_id:client_secret)` (form-urlencoded parts, RFC 6749 2.3.1). */
export const basicClient = (authorization: string | undefined) => {
  if (!authorization?.startsWith("Basic ")) return undefined;
  const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
  };
};
