import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACUMATICA_SANDBOX_DEFAULTS } from "./index";
import { loadSpecValidator } from "./spec-validator";
import { startAcumatica, type TestAcumatica } from "./test-server";

const spec = loadSpecValidator();
let nowMs = Date.parse("2024-05-15T12:00:00Z");
let acu: TestAcumatica;

const passwordForm = (overrides: Record<string, string> = {}) => ({
  grant_type: "password",
  client_id: ACUMATICA_SANDBOX_DEFAULTS.client.clientId,
  client_secret: ACUMATICA_SANDBOX_DEFAULTS.client.clientSecret,
  username: ACUMATICA_SANDBOX_DEFAULTS.user.username,
  password: ACUMATICA_SANDBOX_DEFAULTS.user.password,
  scope: "api offline_access",
  ...overrides,
});

beforeAll(async () => {
  acu = await startAcumatica({ now: () => new Date(nowMs), accessTokenSeconds: 600 });
});
afterAll(async () => {
  await acu.close();
});

describe("endpoint versions", () => {
  it("lists the instance's Default versions at GET /entity", async () => {
    const res = await acu.call("GET", "/entity");
    expect(res.status).toBe(200);
    const body = res.body as { version: { acumaticaBuildVersion: string }; endpoints: { name: string; version: string; href: string }[] };
    // A 2024 R2 build ships the Default endpoints of 2020 R2, 2022 R2, 2023 R2 and its own.
    expect(body.endpoints.map((e) => `${e.name}/${e.version}`)).toEqual(["Default/20.200.001", "Default/22.200.001", "Default/23.200.001", "Default/24.200.001"]);
    expect(body.endpoints[3]?.href).toBe("/acumatica/entity/Default/24.200.001/");
    expect(body.version.acumaticaBuildVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("answers 404 for a version the instance does not offer, even with a valid token", async () => {
    const { access_token } = await acu.token();
    for (const version of ["21.200.001", "24.100.001", "25.200.001", "26.200.001"]) {
      const res = await acu.call("GET", `/entity/Default/${version}/Customer`, { bearer: access_token });
      expect(res.status).toBe(404);
      expect(spec.errors("HttpError", res.body)).toEqual([]);
      expect((res.body as { message: string }).message).toContain("No HTTP resource was found");
    }
    const ok = await acu.call("GET", "/entity/Default/23.200.001/Customer", { bearer: access_token });
    expect(ok.status).toBe(200);
  });

  it("answers 404 for an endpoint name other than Default and an entity outside the contract", async () => {
    const { access_token } = await acu.token();
    expect((await acu.call("GET", "/entity/Manufacturing/24.200.001/Customer", { bearer: access_token })).status).toBe(404);
    expect((await acu.call("GET", "/entity/Default/24.200.001/NoSuchEntity", { bearer: access_token })).status).toBe(404);
  });
});

describe("OAuth 2.0 token endpoint", () => {
  it("issues a bearer token and a refresh token only with offline_access", async () => {
    const withRefresh = await acu.call("POST", "/identity/connect/token", { form: passwordForm() });
    expect(withRefresh.status).toBe(200);
    expect(withRefresh.body).toMatchObject({ token_type: "Bearer", expires_in: 600, scope: "api offline_access" });
    expect((withRefresh.body as { refresh_token?: string }).refresh_token).toEqual(expect.any(String));
    expect(withRefresh.headers.get("cache-control")).toBe("no-store");

    const apiOnly = await acu.call("POST", "/identity/connect/token", { form: passwordForm({ scope: "api" }) });
    expect(apiOnly.status).toBe(200);
    expect(apiOnly.body).not.toHaveProperty("refresh_token");
  });

  it("accepts client credentials in an HTTP Basic header", async () => {
    const { client_id, client_secret, ...rest } = passwordForm();
    const basic = Buffer.from(`${encodeURIComponent(client_id)}:${encodeURIComponent(client_secret)}`).toString("base64");
    const res = await acu.call("POST", "/identity/connect/token", { form: rest, headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
  });

  it("rejects a wrong secret, a client of another tenant, a wrong password and an unknown grant", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ client_secret: "wrong" }, "invalid_client"],
      [{ client_id: ACUMATICA_SANDBOX_DEFAULTS.client.clientId.replace(/@.*/, "@OtherTenant") }, "invalid_client"],
      [{ password: "wrong" }, "invalid_grant"],
      [{ grant_type: "client_credentials" }, "unsupported_grant_type"],
    ];
    for (const [override, error] of cases) {
      const res = await acu.call("POST", "/identity/connect/token", { form: passwordForm(override) });
      expect(res.status).toBe(400);
      expect((res.body as { error: string }).error).toBe(error);
    }
  });

  it("answers 401 without a token, and after the token's lifetime; the refresh grant then gives a working token", async () => {
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account")).status).toBe(401);
    const first = await acu.token();
    const ok = await acu.call("GET", "/entity/Default/24.200.001/Account", { bearer: first.access_token });
    expect(ok.status).toBe(200);

    nowMs += 599_000;
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account", { bearer: first.access_token })).status).toBe(200);
    nowMs += 2_000;
    const expired = await acu.call("GET", "/entity/Default/24.200.001/Account", { bearer: first.access_token });
    expect(expired.status).toBe(401);
    expect(spec.errors("HttpError", expired.body)).toEqual([]);

    const refreshed = await acu.call("POST", "/identity/connect/token", {
      form: {
        grant_type: "refresh_token",
        refresh_token: first.refresh_token ?? "",
        client_id: ACUMATICA_SANDBOX_DEFAULTS.client.clientId,
        client_secret: ACUMATICA_SANDBOX_DEFAULTS.client.clientSecret,
      },
    });
    expect(refreshed.status).toBe(200);
    const second = refreshed.body as { access_token: string; refresh_token: string };
    expect(second.access_token).not.toBe(first.access_token);
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account", { bearer: second.access_token })).status).toBe(200);
  });

  it("rejects a refresh token after 30 days and an unknown one", async () => {
    const first = await acu.token();
    const refresh = (token: string) =>
      acu.call("POST", "/identity/connect/token", {
        form: {
          grant_type: "refresh_token",
          refresh_token: token,
          client_id: ACUMATICA_SANDBOX_DEFAULTS.client.clientId,
          client_secret: ACUMATICA_SANDBOX_DEFAULTS.client.clientSecret,
        },
      });
    expect((await refresh("not-a-token")).status).toBe(400);
    nowMs += 31 * 24 * 3600 * 1000;
    const late = await refresh(first.refresh_token ?? "");
    expect(late.status).toBe(400);
    expect((late.body as { error: string }).error).toBe("invalid_grant");
  });

  it("expireTokens makes every current token answer 401 while refresh tokens keep working", async () => {
    const first = await acu.token();
    acu.sandbox.control.expireTokens();
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account", { bearer: first.access_token })).status).toBe(401);
    const refreshed = await acu.call("POST", "/identity/connect/token", {
      form: {
        grant_type: "refresh_token",
        refresh_token: first.refresh_token ?? "",
        client_id: ACUMATICA_SANDBOX_DEFAULTS.client.clientId,
        client_secret: ACUMATICA_SANDBOX_DEFAULTS.client.clientSecret,
      },
    });
    expect(refreshed.status).toBe(200);
  });

  it("expires tokens through the control route too", async () => {
    const first = await acu.token();
    const res = await fetch(`${acu.origin}/_sandbox/acumatica/expire-tokens`, { method: "POST" });
    expect(res.status).toBe(204);
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account", { bearer: first.access_token })).status).toBe(401);
  });
});

describe("cookie login", () => {
  it("logs in with 204 + .ASPXAUTH, serves requests with the cookie, and logs out", async () => {
    const login = await acu.call("POST", "/entity/auth/login", {
      body: { name: ACUMATICA_SANDBOX_DEFAULTS.user.username, password: ACUMATICA_SANDBOX_DEFAULTS.user.password, tenant: "Company" },
    });
    expect(login.status).toBe(204);
    const cookies = login.headers.getSetCookie();
    const auth = cookies.find((c) => c.startsWith(".ASPXAUTH="));
    expect(auth).toBeDefined();
    const cookie = cookies.map((c) => c.split(";")[0]).join("; ");

    const read = await acu.call("GET", "/entity/Default/24.200.001/Account?$top=1", { headers: { cookie } });
    expect(read.status).toBe(200);
    expect(read.body).toHaveLength(1);

    expect((await acu.call("POST", "/entity/auth/logout", { headers: { cookie } })).status).toBe(204);
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account", { headers: { cookie } })).status).toBe(401);
  });

  it("ends an idle session after 20 minutes", async () => {
    const login = await acu.call("POST", "/entity/auth/login", {
      body: { name: ACUMATICA_SANDBOX_DEFAULTS.user.username, password: ACUMATICA_SANDBOX_DEFAULTS.user.password },
    });
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    nowMs += 19 * 60_000;
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account?$top=1", { headers: { cookie } })).status).toBe(200);
    nowMs += 19 * 60_000;
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account?$top=1", { headers: { cookie } })).status).toBe(200);
    nowMs += 21 * 60_000;
    expect((await acu.call("GET", "/entity/Default/24.200.001/Account?$top=1", { headers: { cookie } })).status).toBe(401);
  });

  it("rejects wrong credentials and a wrong tenant with Acumatica's error body", async () => {
    for (const body of [
      { name: ACUMATICA_SANDBOX_DEFAULTS.user.username, password: "wrong" },
      { name: ACUMATICA_SANDBOX_DEFAULTS.user.username, password: ACUMATICA_SANDBOX_DEFAULTS.user.password, tenant: "Other" },
    ]) {
      const res = await acu.call("POST", "/entity/auth/login", { body });
      expect(res.status).toBe(500);
      expect(spec.errors("HttpError", res.body)).toEqual([]);
      expect((res.body as { exceptionMessage: string }).exceptionMessage).toBe("Invalid credentials. Please try again.");
    }
  });
});

describe("mounting", () => {
  it("works under a host server that already parses form bodies at its root, at any prefix", async () => {
    const { default: Fastify } = await import("fastify");
    const { createAcumaticaSandbox } = await import("./index");
    const host = Fastify();
    host.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    await host.register(createAcumaticaSandbox().plugin, { prefix: "/tenant-b/AcumaticaERP" });
    const origin = await host.listen({ host: "127.0.0.1", port: 0 });
    try {
      const token = await fetch(`${origin}/tenant-b/AcumaticaERP/identity/connect/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(passwordForm()).toString(),
      });
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const put = await fetch(`${origin}/tenant-b/AcumaticaERP/entity/Default/24.200.001/Customer`, {
        method: "PUT",
        headers: { "content-type": "text/json", authorization: `Bearer ${access_token}` },
        body: JSON.stringify({ CustomerID: { value: "TJ" }, CustomerName: { value: "Text Json" } }),
      });
      expect(put.status).toBe(200);
      const body = (await put.json()) as { _links: { self: string } };
      expect(body._links.self).toMatch(/^\/tenant-b\/AcumaticaERP\/entity\/Default\/24\.200\.001\/Customer\/[0-9a-f-]{36}$/);
    } finally {
      await host.close();
    }
  });
});
