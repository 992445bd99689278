import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../index";
import { requestToken, specErrors, startZohoSandbox, zohoClient } from "./test-support";

/* The accounts server per data center and the API host's token checks, over real HTTP. */

describe("Zoho CRM sandbox: OAuth", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startZohoSandbox();
  });
  afterAll(() => sandbox.close());

  it("a refresh-token grant answers a one-hour token whose api_domain is the sandbox's own API host for the data center", async () => {
    const { status, body } = await requestToken(sandbox);
    expect(status).toBe(200);
    expect(specErrors("token-response", body)).toEqual([]);
    expect(body.expires_in).toBe(3600);
    expect(body.api_domain).toBe(sandbox.credentials["zoho-crm"].apiDomain);
    expect(String(body.api_domain)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/zoho-crm\/api\/us$/);
    expect(String(body.api_domain)).not.toContain("zohoapis");
  });

  it("takes the parameters as multipart form fields (what Zoho's SDKs send) and from the query string", async () => {
    const c = sandbox.credentials["zoho-crm"];
    const form = new FormData();
    for (const [k, v] of Object.entries({ grant_type: "refresh_token", client_id: c.clientId, client_secret: c.clientSecret, refresh_token: c.refreshToken })) form.append(k, v);
    const multipart = await fetch(`${c.accountsUrl}/oauth/v2/token`, { method: "POST", body: form });
    expect(await multipart.json()).toHaveProperty("access_token");
    const query = new URLSearchParams({ grant_type: "refresh_token", client_id: c.clientId, client_secret: c.clientSecret, refresh_token: c.refreshToken });
    const viaQuery = await fetch(`${c.accountsUrl}/oauth/v2/token?${query.toString()}`, { method: "POST" });
    expect(await viaQuery.json()).toHaveProperty("access_token");
  });

  it("refuses with HTTP 200 and Zoho's error strings: wrong secret, another data center's accounts server, unknown refresh token, other grant", async () => {
    for (const [params, dc, error] of [
      [{ client_secret: "wrong" }, undefined, "invalid_client"],
      [{}, "eu", "invalid_client"],
      [{ refresh_token: "1000.0000.0000" }, undefined, "invalid_code"],
      [{ grant_type: "client_credentials" }, undefined, "unsupported_grant_type"],
    ] as const) {
      const { status, body } = await requestToken(sandbox, params, dc);
      expect(status).toBe(200);
      expect(body).toEqual({ error });
      expect(specErrors("token-response", body)).toEqual([]);
    }
  });

  it("calls need 'Zoho-oauthtoken <token>': none or Bearer is AUTHENTICATION_FAILURE, an unknown token INVALID_TOKEN", async () => {
    const client = await zohoClient(sandbox);
    const none = await fetch(`${client.apiDomain}/crm/v8/Accounts?fields=Account_Name`);
    expect(none.status).toBe(401);
    const noneBody = await none.json();
    expect(noneBody).toEqual({ code: "AUTHENTICATION_FAILURE", details: {}, message: "Authentication failed", status: "error" });
    const bearer = await client.call("GET", "/crm/v8/Accounts?fields=Account_Name", undefined, { authorization: `Bearer ${client.accessToken}` });
    expect(bearer.status).toBe(401);
    const unknown = await client.call("GET", "/crm/v8/Accounts?fields=Account_Name", undefined, { authorization: "Zoho-oauthtoken 1000.abc.def" });
    expect(unknown).toMatchObject({ status: 401, body: { code: "INVALID_TOKEN", message: "invalid oauth token", status: "error" } });
    expect(specErrors("error", unknown.body)).toEqual([]);
  });

  it("a token lives one hour on the org's clock, and works only on its own data center's API host", async () => {
    const client = await zohoClient(sandbox);
    expect((await client.call("GET", "/crm/v8/settings/modules")).status).toBe(200);
    const elsewhere = await fetch(`${client.apiDomain.replace(/\/us$/, "/eu")}/crm/v8/settings/modules`, { headers: { authorization: `Zoho-oauthtoken ${client.accessToken}` } });
    expect(elsewhere.status).toBe(401);
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 3_599 });
    expect((await client.call("GET", "/crm/v8/settings/modules")).status).toBe(200);
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 2 });
    const expired = await client.call("GET", "/crm/v8/settings/modules");
    expect(expired).toMatchObject({ status: 401, body: { code: "INVALID_TOKEN" } });
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: -3_601 });
  });

  it("expire-tokens (fault layer and control API) makes every live token answer INVALID_TOKEN; a refresh gets a working one", async () => {
    const client = await zohoClient(sandbox);
    await sandbox.control.expireTokens("zoho-crm");
    expect((await client.call("GET", "/crm/v8/settings/modules")).status).toBe(401);
    const again = await zohoClient(sandbox);
    expect((await again.call("GET", "/crm/v8/settings/modules")).status).toBe(200);
  });

  it("a refresh token creates at most 10 access tokens per 10 minutes, then 'Access Denied' until the window passes", async () => {
    const extra = await sandbox.control.zohoCrm.issueRefreshToken();
    const answers = [];
    for (let n = 0; n < 11; n += 1) answers.push(await requestToken(sandbox, { refresh_token: extra.refreshToken }));
    expect(answers.slice(0, 10).every((a) => typeof a.body.access_token === "string")).toBe(true);
    expect(answers[10]).toMatchObject({ status: 400, body: { error: "Access Denied" } });
    expect(specErrors("token-response", answers[10]?.body)).toEqual([]);
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 601 });
    expect((await requestToken(sandbox, { refresh_token: extra.refreshToken })).body).toHaveProperty("access_token");
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: -601 });
  });

  it("a token without the modules scope is refused with OAUTH_SCOPE_MISMATCH; a revoked refresh token is invalid_code", async () => {
    const narrow = await sandbox.control.zohoCrm.issueRefreshToken({ scopes: ["ZohoCRM.settings.ALL"] });
    const token = await requestToken(sandbox, { refresh_token: narrow.refreshToken });
    const headers = { authorization: `Zoho-oauthtoken ${String(token.body.access_token)}` };
    const records = await fetch(`${String(token.body.api_domain)}/crm/v8/Accounts?fields=Account_Name`, { headers });
    expect(records.status).toBe(401);
    expect(await records.json()).toMatchObject({ code: "OAUTH_SCOPE_MISMATCH" });
    expect((await fetch(`${String(token.body.api_domain)}/crm/v8/settings/modules`, { headers })).status).toBe(200);
    await sandbox.control.zohoCrm.revokeRefreshToken(narrow.refreshToken);
    expect((await requestToken(sandbox, { refresh_token: narrow.refreshToken })).body).toEqual({ error: "invalid_code" });
  });
});
