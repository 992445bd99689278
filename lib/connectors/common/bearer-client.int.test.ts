import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDb, type TestDb } from "../../../test/db";
import { createKeyring, generateKey } from "../../crypto";
import { createDb, type Db } from "../../db";
import { sendJson, startLoopbackServer } from "../../http/test-server";
import { TokenCache } from "../../http/token-cache";
import { BearerTokenClient } from "./bearer-client";

/*
 * The shared bearer client against real loopback servers: the token endpoint answers with an API host
 * beside the token (as Zoho answers api_domain); every later call of every process goes to that host,
 * and a 401 there is answered with one fresh token and one resend.
 */

const keyring = createKeyring({ key: generateKey() });
let t: TestDb;
let second: Db;
let accounts: Awaited<ReturnType<typeof startLoopbackServer>>;
let api: Awaited<ReturnType<typeof startLoopbackServer>>;
let tokensIssued = 0;
let refuseNextWith401 = false;

class ApiDomainClient extends BearerTokenClient {
  me() {
    return this.request({ method: "GET", path: "crm/v8/users/me", outputSchema: z.object({ ok: z.boolean() }) });
  }
}

const tokenCache = (db: Db) =>
  new TokenCache({
    db,
    key: "zoho-like",
    credentials: ["refresh-token"],
    keyring,
    fetchToken: async () => {
      const res = await fetch(`${accounts.url}/oauth/v2/token`, { method: "POST" });
      const body = z.object({ access_token: z.string(), expires_in: z.number(), api_domain: z.string() }).parse(await res.json());
      return { accessToken: body.access_token, expiresInSeconds: body.expires_in, extras: { api_domain: body.api_domain } };
    },
  });
const clientOf = (db: Db) =>
  new ApiDomainClient({
    vendor: "zoho-like",
    // the accounts server the admin entered; API calls must not go there
    baseUrl: accounts.url,
    tokens: tokenCache(db),
    baseUrlFromToken: (extras) => (typeof extras.api_domain === "string" ? extras.api_domain : undefined),
    retry: { maxAttempts: 1 },
  });

beforeAll(async () => {
  t = await createTestDb();
  second = createDb(t.url, { max: 2 });
  api = await startLoopbackServer((req, res) => {
    if (refuseNextWith401) {
      refuseNextWith401 = false;
      return sendJson(res, 401, { code: "INVALID_TOKEN" });
    }
    return sendJson(res, req.headers.authorization?.startsWith("Bearer token-") ? 200 : 403, { ok: true });
  });
  accounts = await startLoopbackServer((req, res) => {
    if (req.url === "/oauth/v2/token") return sendJson(res, 200, { access_token: `token-${++tokensIssued}`, expires_in: 3600, api_domain: api.url });
    return sendJson(res, 404, {});
  });
});
afterAll(async () => {
  await Promise.all([accounts?.close(), api?.close()]);
  await second?.$disconnect();
  await t?.drop();
});

describe("BearerTokenClient", () => {
  it("sends every call to the API host the token answer named, in every process, with one token", async () => {
    expect(await clientOf(t.db).me()).toEqual({ ok: true });
    expect(await clientOf(second).me()).toEqual({ ok: true });
    expect(api.seen.map((r) => [r.url, r.headers.authorization])).toEqual([
      ["/crm/v8/users/me", "Bearer token-1"],
      ["/crm/v8/users/me", "Bearer token-1"],
    ]);
    expect(accounts.seen.map((r) => r.url)).toEqual(["/oauth/v2/token"]);
  });

  it("on a 401 invalidates the refused token and resends once with a fresh one", async () => {
    refuseNextWith401 = true;
    api.seen.length = 0;
    expect(await clientOf(t.db).me()).toEqual({ ok: true });
    expect(api.seen.map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
  });
});
