import { createHash } from "node:crypto";
import { z } from "zod";
import { decryptSecret, encryptSecret, keyedHash, type Keyring } from "../crypto";
import type { Db } from "../db";

/** A token as a vendor's token endpoint issued it. */
export type TokenSet = {
  accessToken: string;
  /** omitted by client-credentials grants, and by some refresh responses (the old one is then kept) */
  refreshToken?: string;
  /** lifetime in seconds from now, as in the token response's `expires_in` */
  expiresInSeconds: number;
  /**
   * Non-secret fields the token response carries beside the token that later calls need (e.g. Zoho's
   * `api_domain`, the host of every API call): stored with the token and shared by every process.
   */
  extras?: Record<string, unknown>;
};

/** A valid access token and the extras its response carried. */
export type CachedToken = { accessToken: string; extras: Record<string, unknown> };

/**
 * Gets a new token. `refreshToken` is the stored refresh token, if any; a vendor without refresh
 * tokens ignores it. Throw a VendorHttpError (code "unauthorized") when the credentials are refused.
 */
export type FetchToken = (input: { refreshToken: string | undefined }) => Promise<TokenSet>;

export type TokenCacheOptions = {
  db: Db;
  /** usually the connection id; one cached token per key */
  key: string;
  /**
   * The credential values behind the token, in a fixed order (base URL, client id, secret ...): a
   * token stored for other credentials (after the admin edited the connection) is discarded, refresh
   * token included. Only a keyed fingerprint of them is stored.
   */
  credentials: readonly (string | undefined)[];
  fetchToken: FetchToken;
  /** replace a token this long before it expires (capped at a quarter of its lifetime); default 5 min */
  refreshBeforeMs?: number;
  /** key ring for the stored envelopes; default ML_CONNECTOR_KEY from the environment */
  keyring?: Keyring;
  /** longest a refresh (including waiting for another process's refresh) may take; default 60 s */
  refreshTimeoutMs?: number;
};

/** The keyed fingerprint (HMAC with the credentials key) of credential values, as VendorToken.credentialsHash keeps it. */
export const hashCredentials = (parts: readonly (string | undefined)[], keyring?: Keyring) =>
  keyedHash(JSON.stringify(parts.map((p) => p ?? null)), { purpose: "vendor-token-credentials", keyring });

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

type Cached = { token: string; hash: string; credentialsHash: string; refreshAtLocal: number; extras: Record<string, unknown> };

/**
 * Per-process state, keyed by Db so two Prisma clients in one test behave like two processes:
 * the in-memory token and the single-flight promise of a refresh in progress.
 */
type ProcessState = { tokens: Map<string, Cached>; inflight: Map<string, Promise<CachedToken>> };
const states = new WeakMap<Db, ProcessState>();
const stateOf = (db: Db): ProcessState => {
  let s = states.get(db);
  if (!s) {
    s = { tokens: new Map(), inflight: new Map() };
    states.set(db, s);
  }
  return s;
};

const rowSchema = z.object({
  accessToken: z.string().nullable(),
  accessTokenHash: z.string().nullable(),
  refreshToken: z.string().nullable(),
  credentialsHash: z.string().nullable(),
  remainingMs: z.coerce.number().nullable(),
  extras: z.record(z.string(), z.unknown()).nullable(),
});

/**
 * Access tokens cached per connection in memory and in "VendorToken" (encrypted with lib/crypto),
 * reused until shortly before expiry. Concurrent callers in one process share one refresh (single
 * flight); processes share the row, and a refresh holds its row lock (`SELECT ... FOR UPDATE`) while
 * calling the vendor, so a process that waited on the lock finds the new token and fetches none.
 * `invalidate(token)` expires exactly the token a 401 rejected: if another caller already replaced
 * it, nothing happens and the newer token is used.
 */
export class TokenCache {
  private readonly opts: TokenCacheOptions;
  private readonly credentialsHash: string;

  constructor(opts: TokenCacheOptions) {
    this.opts = opts;
    this.credentialsHash = hashCredentials(opts.credentials, opts.keyring);
  }

  private get encryptionContext() {
    return `vendor-token:${this.opts.key}`;
  }

  /** A valid access token, fetching one only when none is fresh. */
  async getAccessToken(): Promise<string> {
    return (await this.getToken()).accessToken;
  }

  /** A valid access token with the extras of its token response, fetching one only when none is fresh. */
  async getToken(): Promise<CachedToken> {
    const state = stateOf(this.opts.db);
    const cached = state.tokens.get(this.opts.key);
    if (cached && cached.credentialsHash === this.credentialsHash && cached.refreshAtLocal > Date.now()) {
      return { accessToken: cached.token, extras: cached.extras };
    }
    const running = state.inflight.get(this.opts.key);
    if (running) return running;
    const promise = this.loadOrRefresh().finally(() => state.inflight.delete(this.opts.key));
    state.inflight.set(this.opts.key, promise);
    return promise;
  }

  /** Marks `token` as rejected (after a 401). Tokens other than the stored one are left alone. */
  async invalidate(token: string): Promise<void> {
    const hash = hashToken(token);
    const state = stateOf(this.opts.db);
    const cached = state.tokens.get(this.opts.key);
    if (cached?.hash === hash) state.tokens.delete(this.opts.key);
    await this.opts.db.$executeRaw`
      UPDATE "VendorToken" SET "expiresAt" = NULL, "updatedAt" = clock_timestamp()
      WHERE "key" = ${this.opts.key} AND "accessTokenHash" = ${hash}`;
  }

  /** Drops the stored token and refresh token (e.g. when the connection's credentials change or it is deleted). */
  static async forget(db: Db, key: string): Promise<void> {
    stateOf(db).tokens.delete(key);
    await db.$executeRaw`DELETE FROM "VendorToken" WHERE "key" = ${key}`;
  }

  private remember(token: string, remainingMs: number, extras: Record<string, unknown> | null | undefined): CachedToken {
    const kept = extras ?? {};
    stateOf(this.opts.db).tokens.set(this.opts.key, {
      token,
      hash: hashToken(token),
      credentialsHash: this.credentialsHash,
      refreshAtLocal: Date.now() + remainingMs,
      extras: kept,
    });
    return { accessToken: token, extras: kept };
  }

  private decrypt(envelope: string) {
    return decryptSecret(envelope, { context: this.encryptionContext, keyring: this.opts.keyring });
  }

  private encrypt(plaintext: string) {
    return encryptSecret(plaintext, { context: this.encryptionContext, keyring: this.opts.keyring });
  }

  private usable(row: z.infer<typeof rowSchema> | undefined): row is z.infer<typeof rowSchema> & { accessToken: string; remainingMs: number } {
    return Boolean(
      row?.accessToken && row.credentialsHash === this.credentialsHash && row.remainingMs !== null && row.remainingMs > 0,
    );
  }

  private async loadOrRefresh(): Promise<CachedToken> {
    const { db, key } = this.opts;
    const rows = await db.$queryRaw`
      SELECT "accessToken", "accessTokenHash", "refreshToken", "credentialsHash", "extras",
             (EXTRACT(EPOCH FROM ("expiresAt" - clock_timestamp())) * 1000)::float8 AS "remainingMs"
      FROM "VendorToken" WHERE "key" = ${key}`;
    const row = z.array(rowSchema).parse(rows)[0];
    if (this.usable(row)) return this.remember(this.decrypt(row.accessToken), row.remainingMs, row.extras);
    return this.refreshLocked();
  }

  private async refreshLocked(): Promise<CachedToken> {
    const { db, key } = this.opts;
    const credentialsHash = this.credentialsHash;
    const timeout = this.opts.refreshTimeoutMs ?? 60_000;
    return db.$transaction(
      async (tx) => {
        await tx.$executeRaw`INSERT INTO "VendorToken" ("key") VALUES (${key}) ON CONFLICT ("key") DO NOTHING`;
        const rows = await tx.$queryRaw`
          SELECT "accessToken", "accessTokenHash", "refreshToken", "credentialsHash", "extras",
                 (EXTRACT(EPOCH FROM ("expiresAt" - clock_timestamp())) * 1000)::float8 AS "remainingMs"
          FROM "VendorToken" WHERE "key" = ${key} FOR UPDATE`;
        const row = z.array(rowSchema).parse(rows)[0];
        if (this.usable(row)) return this.remember(this.decrypt(row.accessToken), row.remainingMs, row.extras);

        const sameCredentials = row?.credentialsHash === credentialsHash;
        const storedRefresh = sameCredentials && row?.refreshToken ? this.decrypt(row.refreshToken) : undefined;
        const fresh = await this.opts.fetchToken({ refreshToken: storedRefresh });
        const lifetimeMs = Math.max(0, fresh.expiresInSeconds * 1000);
        const earlyMs = Math.min(this.opts.refreshBeforeMs ?? 5 * 60_000, lifetimeMs / 4);
        const usableMs = lifetimeMs - earlyMs;
        const refreshToken = fresh.refreshToken ?? storedRefresh;
        await tx.$executeRaw`
          UPDATE "VendorToken" SET
            "accessToken" = ${this.encrypt(fresh.accessToken)},
            "accessTokenHash" = ${hashToken(fresh.accessToken)},
            "refreshToken" = ${refreshToken ? this.encrypt(refreshToken) : null},
            "expiresAt" = clock_timestamp() + ${usableMs}::float8 * interval '1 millisecond',
            "credentialsHash" = ${credentialsHash},
            "extras" = ${fresh.extras ? JSON.stringify(fresh.extras) : null}::jsonb,
            "fetchCount" = "fetchCount" + 1,
            "updatedAt" = clock_timestamp()
          WHERE "key" = ${key}`;
        return this.remember(fresh.accessToken, usableMs, fresh.extras);
      },
      { timeout, maxWait: timeout },
    );
  }
}
