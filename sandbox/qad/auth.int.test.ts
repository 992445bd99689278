import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BROWSE, expectEnvelope, startQad, type TestQad } from "./test-support";

let qad: TestQad;
const browsePath = `/api/qracore/browses?browseId=${BROWSE.glAccounts}&page=1&pageSize=10&pageAction=first`;

beforeAll(async () => {
  qad = await startQad({
    users: [
      { username: "integration@northwind.example", password: "pw-1", workspaces: ["10USA_10USACO"] },
    ],
    workspaces: [
      { domainCode: "10USA", entityCode: "10USACO", sharedSetCode: "10USA", currencyCode: "USD" },
      { domainCode: "11CAN", entityCode: "11CANCO", sharedSetCode: "11CAN", currencyCode: "CAD" },
    ],
  });
});
afterAll(async () => {
  await qad.close();
});
beforeEach(async () => {
  await qad.sandbox.control.qad.setClock(null);
  await qad.sandbox.control.faults.clear();
  await qad.sandbox.control.qad.updateSettings({ requestsPerMinute: 0, basicAuth: true, accessTokenSeconds: 3600 });
});

const form = (overrides: Record<string, string> = {}) => ({
  client_id: qad.sandbox.credentials.qad.clientId,
  grant_type: "password",
  username: "integration@northwind.example",
  password: "pw-1",
  ...overrides,
});

describe("POST /oauth/token", () => {
  it("issues a bearer token for the password grant (form fields) that opens /api calls", async () => {
    const answer = await qad.token(form());
    expect(answer.status).toBe(200);
    expectEnvelope("tokenResponse", answer.body);
    expect(answer.body).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const api = await qad.call("GET", browsePath, { authorization: `Bearer ${answer.body.access_token as string}` });
    expect(api.status).toBe(200);
    expectEnvelope("browseResponse", api.body);
  });

  it("takes the grant as query parameters too, as one public client sends it", async () => {
    const query = new URLSearchParams(form()).toString();
    const response = await fetch(`${qad.base}/oauth/token?${query}`, { method: "POST" });
    expect(response.status).toBe(200);
    expectEnvelope("tokenResponse", await response.json());
  });

  it("does not read a JSON body (the grant goes as form fields or query parameters)", async () => {
    const response = await fetch(`${qad.base}/oauth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(form()) });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });

  it("refuses a wrong password with invalid_grant, an unknown client with invalid_client, another grant type", async () => {
    const wrong = await qad.token(form({ password: "nope" }));
    expect(wrong.status).toBe(400);
    expectEnvelope("oauthError", wrong.body);
    expect(wrong.body.error).toBe("invalid_grant");
    const client = await qad.token(form({ client_id: "not-a-client" }));
    expect(client.status).toBe(401);
    expect(client.body.error).toBe("invalid_client");
    const grant = await qad.token(form({ grant_type: "client_credentials" }));
    expect(grant.status).toBe(400);
    expect(grant.body.error).toBe("unsupported_grant_type");
  });

  it("exchanges a refresh token once for a new pair", async () => {
    const first = await qad.token(form());
    const refresh = first.body.refresh_token as string;
    const second = await qad.token({ client_id: form().client_id, grant_type: "refresh_token", refresh_token: refresh });
    expect(second.status).toBe(200);
    expect(second.body.access_token).not.toBe(first.body.access_token);
    const again = await qad.token({ client_id: form().client_id, grant_type: "refresh_token", refresh_token: refresh });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_grant");
  });
});

describe("API authentication", () => {
  it("answers 401 invalid_token once the token's lifetime has passed (clock), and for an unknown token", async () => {
    await qad.sandbox.control.qad.setClock("2026-03-01T10:00:00Z");
    await qad.sandbox.control.qad.updateSettings({ accessTokenSeconds: 60 });
    const token = (await qad.token(form())).body.access_token as string;
    expect((await qad.call("GET", browsePath, { authorization: `Bearer ${token}` })).status).toBe(200);
    await qad.sandbox.control.qad.setClock("2026-03-01T10:01:00Z");
    const expired = await qad.call("GET", browsePath, { authorization: `Bearer ${token}` });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: "invalid_token", error_description: "Access token expired" });
    expect(expired.headers.get("www-authenticate")).toContain("invalid_token");
    expect((await qad.call("GET", browsePath, { authorization: "Bearer 0123" })).status).toBe(401);
    expect((await qad.call("GET", browsePath, { authorization: null })).status).toBe(401);
  });

  it("expires every token through the control API and the fault layer; a new token works", async () => {
    const token = (await qad.token(form())).body.access_token as string;
    await qad.sandbox.control.qad.expireTokens();
    expect((await qad.call("GET", browsePath, { authorization: `Bearer ${token}` })).status).toBe(401);
    const fresh = (await qad.token(form())).body.access_token as string;
    expect((await qad.call("GET", browsePath, { authorization: `Bearer ${fresh}` })).status).toBe(200);
    await qad.sandbox.control.expireTokens("qad");
    expect((await qad.call("GET", browsePath, { authorization: `Bearer ${fresh}` })).status).toBe(401);
  });

  it("accepts HTTP Basic unless switched off", async () => {
    const basic = `Basic ${Buffer.from("integration@northwind.example:pw-1").toString("base64")}`;
    expect((await qad.call("GET", browsePath, { authorization: basic })).status).toBe(200);
    const wrong = `Basic ${Buffer.from("integration@northwind.example:bad").toString("base64")}`;
    expect((await qad.call("GET", browsePath, { authorization: wrong })).status).toBe(401);
    await qad.sandbox.control.qad.updateSettings({ basicAuth: false });
    expect((await qad.call("GET", browsePath, { authorization: basic })).status).toBe(401);
  });
});

describe("x-qad-workspace-id", () => {
  it("selects the domain/entity; the user's default without the header", async () => {
    const token = `Bearer ${(await qad.token(form())).body.access_token as string}`;
    const explicit = await qad.call("GET", browsePath, { authorization: token, workspace: "10USA_10USACO" });
    const implicit = await qad.call("GET", browsePath, { authorization: token });
    expect(explicit.status).toBe(200);
    expect(implicit.body).toEqual(explicit.body);
  });

  it("answers 403 with the bare errors envelope for an unknown workspace or one the user may not use", async () => {
    const token = `Bearer ${(await qad.token(form())).body.access_token as string}`;
    for (const workspace of ["99XXX_99XXXCO", "11CAN_11CANCO", "10USA"]) {
      const answer = await qad.call("GET", browsePath, { authorization: token, workspace });
      expect(answer.status).toBe(403);
      expectEnvelope("bareErrorsEnvelope", answer.body);
      expect(answer.body).toEqual({ errors: [{ severity: 1, code: "403", message: "Access is denied", fieldName: "" }] });
    }
  });
});

describe("limits and faults", () => {
  it("answers 429 with Retry-After past the optional per-minute limit", async () => {
    await qad.sandbox.control.qad.setClock("2026-03-01T10:00:30Z");
    await qad.sandbox.control.qad.updateSettings({ requestsPerMinute: 2 });
    const token = `Bearer ${(await qad.token(form())).body.access_token as string}`;
    expect((await qad.call("GET", browsePath, { authorization: token })).status).toBe(200);
    expect((await qad.call("GET", browsePath, { authorization: token })).status).toBe(200);
    const over = await qad.call("GET", browsePath, { authorization: token });
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe("30");
    expectEnvelope("bareErrorsEnvelope", over.body);
    await qad.sandbox.control.qad.setClock("2026-03-01T10:01:00Z");
    expect((await qad.call("GET", browsePath, { authorization: token })).status).toBe(200);
  });

  it("injects 429/503 in QAD's bare errors shape and drops connections, set only through the control API", async () => {
    const token = `Bearer ${(await qad.token(form())).body.access_token as string}`;
    await qad.sandbox.control.faults.set({
      rules: [
        { id: "busy", vendor: "qad", path: "/api/qracore/*", times: 1, action: { kind: "status", status: 429, retryAfterSeconds: 7 } },
        { id: "down", vendor: "qad", path: "/api/qracore/*", times: 1, action: { kind: "status", status: 503 } },
        { id: "cut", vendor: "qad", path: "/api/qracore/*", times: 1, action: { kind: "drop", when: "before" } },
      ],
    });
    const busy = await qad.call("GET", browsePath, { authorization: token });
    expect(busy.status).toBe(429);
    expect(busy.headers.get("retry-after")).toBe("7");
    expectEnvelope("bareErrorsEnvelope", busy.body);
    const down = await qad.call("GET", browsePath, { authorization: token });
    expect(down.status).toBe(503);
    expectEnvelope("bareErrorsEnvelope", down.body);
    await expect(qad.call("GET", browsePath, { authorization: token })).rejects.toThrow();
    expect((await qad.call("GET", browsePath, { authorization: token })).status).toBe(200);
    expect((await qad.sandbox.control.faults.log()).map((l) => l.ruleId)).toEqual(["busy", "down", "cut"]);
  });
});
