import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDb, type TestDb } from "../../test/db";
import { createKeyring, generateKey } from "../crypto";
import { createDb, type Db } from "../db";
import { sendJson, startLoopbackServer } from "./test-server";
import { hashCredentials, TokenCache, type FetchToken } from "./token-cache";
import { PlainHttpClient } from "./vendor-client";

const keyring = createKeyring({ key: generateKey() });
let testDb: TestDb;
let second: Db;
let server: Awaited<ReturnType<typeof startLoopbackServer>>;
let issued = 0;
/** refresh tokens the token endpoint received, in order */
const refreshesSeen: (string | undefined)[] = [];
let omitRefreshToken = false;

beforeAll(async () => {
  testDb = await createTestDb();
  second = createDb(testDb.url, { max: 5 });
  server = await startLoopbackServer((req, res) => {
    const form = new URLSearchParams(req.body);
    refreshesSeen.push(form.get("refresh_token") ?? undefined);
    issued++;
    // Slow enough that all callers pile up behind the first refresh.
    setTimeout(
      () =>
        sendJson(res, 200, {
          access_token: `access-${issued}`,
          expires_in: 3600,
          ...(omitRefreshToken ? {} : { refresh_token: `refresh-${issued}` }),
        }),
      150,
    );
  });
});
afterAll(async () => {
  await server.close();
  await second.$disconnect();
  await testDb.drop();
});

const tokenResponseSchema = z.object({ access_token: z.string(), expires_in: z.number(), refresh_token: z.string().optional() });

const fetchToken: FetchToken = async ({ refreshToken }) => {
  const body = await new PlainHttpClient({ vendor: "test", baseUrl: server.url }).request({
    method: "POST",
    path: "/oauth/token",
    body: { form: refreshToken ? { grant_type: "refresh_token", refresh_token: refreshToken } : { grant_type: "client_credentials" } },
    idempotent: true,
    outputSchema: tokenResponseSchema,
  });
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: body.expires_in };
};

const cache = (db: Db, key: string, credentials = "secret-a") =>
  new TokenCache({ db, key, credentials: ["client", credentials], fetchToken, keyring });

describe("TokenCache", () => {
  it("20 concurrent callers in two processes cause exactly one token request", async () => {
    const key = "conn-single-flight";
    issued = 0;
    server.seen.length = 0;
    const a = cache(testDb.db, key);
    const b = cache(second, key);
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getAccessToken()));
    expect(server.seen).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(["access-1"]));
    // Later callers, fresh instances (e.g. the next job) reuse it: no further request.
    await cache(second, key).getAccessToken();
    expect(server.seen).toHaveLength(1);
  });

  it("stores tokens encrypted", async () => {
    const rows = await testDb.db.vendorToken.findMany({ where: { key: "conn-single-flight" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.accessToken).toMatch(/^v1\./);
    expect(rows[0]?.accessToken).not.toContain("access-1");
    expect(rows[0]?.refreshToken).not.toContain("refresh-1");
    expect(rows[0]?.fetchCount).toBe(1);
  });

  it("after a 401, concurrent invalidations of the same token cause one refresh, with the refresh token", async () => {
    const key = "conn-invalidate";
    issued = 0;
    server.seen.length = 0;
    refreshesSeen.length = 0;
    const a = cache(testDb.db, key);
    const b = cache(second, key);
    const first = await a.getAccessToken();
    await Promise.all([a.invalidate(first), b.invalidate(first)]);
    const after = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).getAccessToken()));
    expect(new Set(after)).toEqual(new Set(["access-2"]));
    expect(server.seen).toHaveLength(2);
    expect(refreshesSeen).toEqual([undefined, "refresh-1"]);
    // A late 401 for the already replaced token changes nothing.
    await b.invalidate(first);
    expect(await b.getAccessToken()).toBe("access-2");
    expect(server.seen).toHaveLength(2);
  });

  it("keeps the refresh token when a refresh response omits it", async () => {
    const key = "conn-keep-refresh";
    refreshesSeen.length = 0;
    omitRefreshToken = false;
    const a = cache(testDb.db, key);
    const t1 = await a.getAccessToken();
    omitRefreshToken = true;
    await a.invalidate(t1);
    const t2 = await a.getAccessToken();
    await a.invalidate(t2);
    await a.getAccessToken();
    omitRefreshToken = false;
    const [firstRefresh, ...rest] = refreshesSeen.slice(1);
    expect(firstRefresh).toMatch(/^refresh-/);
    expect(rest).toEqual([firstRefresh]);
  });

  it("discards a token stored for other credentials", async () => {
    const key = "conn-rotated";
    refreshesSeen.length = 0;
    const before = await cache(testDb.db, key, "old-secret").getAccessToken();
    const after = await cache(second, key, "new-secret").getAccessToken();
    expect(after).not.toBe(before);
    // The new credentials start from a fresh grant, not the old refresh token.
    expect(refreshesSeen).toEqual([undefined, undefined]);
  });

  it("refreshes shortly before expiry", async () => {
    const key = "conn-short";
    let n = 0;
    const shortLived = new TokenCache({
      db: testDb.db,
      key,
      credentials: ["x"],
      keyring,
      fetchToken: async () => ({ accessToken: `short-${++n}`, expiresInSeconds: 0.4 }),
    });
    expect(await shortLived.getAccessToken()).toBe("short-1");
    expect(await shortLived.getAccessToken()).toBe("short-1");
    await new Promise((r) => setTimeout(r, 350));
    // 400 ms lifetime, replaced a quarter early (at 300 ms).
    expect(await shortLived.getAccessToken()).toBe("short-2");
  });
});

describe("TokenCache extras and credentials fingerprint", () => {
  it("keeps what the token response carries beside the token, shared by every process like the token", async () => {
    const key = "conn-extras";
    let fetched = 0;
    const withExtras: FetchToken = async () => ({ accessToken: `tok-${++fetched}`, expiresInSeconds: 3600, extras: { api_domain: "https://www.zohoapis.eu" } });
    const a = new TokenCache({ db: testDb.db, key, credentials: ["c"], fetchToken: withExtras, keyring });
    expect(await a.getToken()).toEqual({ accessToken: "tok-1", extras: { api_domain: "https://www.zohoapis.eu" } });
    // another process reads the stored row: same token, same extras, no second fetch
    const b = new TokenCache({ db: second, key, credentials: ["c"], fetchToken: withExtras, keyring });
    expect(await b.getToken()).toEqual({ accessToken: "tok-1", extras: { api_domain: "https://www.zohoapis.eu" } });
    expect(fetched).toBe(1);
    expect((await testDb.db.vendorToken.findUniqueOrThrow({ where: { key } })).extras).toEqual({ api_domain: "https://www.zohoapis.eu" });
  });

  it("stores a keyed fingerprint of the credentials, not a plain hash anyone could recompute", async () => {
    const key = "conn-fingerprint";
    await new TokenCache({ db: testDb.db, key, credentials: ["client", "short-secret"], fetchToken: async () => ({ accessToken: "t", expiresInSeconds: 3600 }), keyring }).getAccessToken();
    const stored = (await testDb.db.vendorToken.findUniqueOrThrow({ where: { key } })).credentialsHash;
    const plain = createHash("sha256").update(JSON.stringify(["client", "short-secret"])).digest("hex");
    expect(stored).toBe(hashCredentials(["client", "short-secret"], keyring));
    expect(stored).not.toBe(plain);
    expect(stored).not.toBe(hashCredentials(["client", "short-secret"], createKeyring({ key: generateKey() })));
  });
});
