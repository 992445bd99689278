import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIfs, type TestIfs } from "./test-support";

const realmUrl = (ifs: TestIfs, realm = ifs.sandbox.credentials.ifsCloud.realm) => `/auth/realms/${realm}/protocol/openid-connect/token`;

describe("IFS IAM (Keycloak) client credentials", () => {
  let ifs: TestIfs;
  beforeAll(async () => {
    ifs = await startIfs();
  });
  afterAll(() => ifs.close());

  const creds = () => ifs.sandbox.credentials.ifsCloud;

  it("issues a Keycloak-format token for a form body, 180 s by default, without a refresh token", async () => {
    const res = await ifs.call("POST", realmUrl(ifs), { form: { grant_type: "client_credentials", client_id: creds().clientId, client_secret: creds().clientSecret, scope: "openid microprofile-jwt" } });
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 180, token_type: "Bearer", refresh_expires_in: 0, scope: "openid microprofile-jwt" });
    expect(body.refresh_token).toBeUndefined();
    expect(String(body.access_token).split(".")).toHaveLength(3);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("accepts the client by HTTP Basic", async () => {
    const basic = Buffer.from(`${creds().clientId}:${creds().clientSecret}`).toString("base64");
    const res = await ifs.call("POST", realmUrl(ifs), { form: { grant_type: "client_credentials" }, headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
  });

  it("reads form parameters only: a JSON body has no grant_type", async () => {
    const res = await ifs.call("POST", realmUrl(ifs), { body: { grant_type: "client_credentials", client_id: creds().clientId, client_secret: creds().clientSecret } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "invalid_request", error_description: "Missing form parameter: grant_type" });
  });

  it("refuses a wrong secret, an unknown client, another grant and an unknown realm with Keycloak's bodies", async () => {
    const wrongSecret = await ifs.call("POST", realmUrl(ifs), { form: { grant_type: "client_credentials", client_id: creds().clientId, client_secret: "nope" } });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual({ error: "unauthorized_client", error_description: "Invalid client or Invalid client credentials" });

    const unknown = await ifs.call("POST", realmUrl(ifs), { form: { grant_type: "client_credentials", client_id: "SOMEONE", client_secret: "x" } });
    expect(unknown.status).toBe(401);
    expect((unknown.body as { error: string }).error).toBe("invalid_client");

    const password = await ifs.call("POST", realmUrl(ifs), { form: { grant_type: "authorization_code", client_id: creds().clientId, client_secret: creds().clientSecret } });
    expect(password.status).toBe(400);
    expect((password.body as { error: string }).error).toBe("unsupported_grant_type");

    const realm = await ifs.call("POST", realmUrl(ifs, "wrongrealm"), { form: { grant_type: "client_credentials", client_id: creds().clientId, client_secret: creds().clientSecret } });
    expect(realm.status).toBe(404);
    expect(realm.body).toEqual({ error: "Realm does not exist" });
  });

  it("publishes the realm's discovery document with the token endpoint", async () => {
    const res = await ifs.call("GET", `/auth/realms/${creds().realm}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect((res.body as { token_endpoint: string }).token_endpoint).toBe(`${ifs.baseUrl}${realmUrl(ifs)}`);
  });

  it("answers 401 without a code for a missing, unknown or expired token; a new token works again", async () => {
    const noToken = await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`);
    expect(noToken.status).toBe(401);
    expect(noToken.body).toEqual({ error: { message: "Unauthorized" } });
    const bogus = await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer: "a.b.c" });
    expect(bogus.status).toBe(401);

    const token = await ifs.token();
    expect((await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer: token })).status).toBe(200);
    await ifs.sandbox.control.ifsCloud.setClock({ advanceSeconds: 179 });
    expect((await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer: token })).status).toBe(200);
    await ifs.sandbox.control.ifsCloud.setClock({ advanceSeconds: 2 });
    const expired = await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer: token });
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toMatch(/^Bearer/);
    await ifs.sandbox.control.ifsCloud.setClock({ now: null });
    expect((await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer: await ifs.token() })).status).toBe(200);
  });

  it("takes its token lifetime from the settings, and expire-tokens (control or fault rule) ends every token", async () => {
    await ifs.sandbox.control.ifsCloud.configure({ accessTokenSeconds: 30 });
    const short = await ifs.call("POST", realmUrl(ifs), { form: { grant_type: "client_credentials", client_id: creds().clientId, client_secret: creds().clientSecret } });
    expect((short.body as { expires_in: number }).expires_in).toBe(30);
    await ifs.sandbox.control.ifsCloud.configure({ accessTokenSeconds: 180 });

    const token = await ifs.token();
    await ifs.sandbox.control.expireTokens("ifs-cloud");
    expect((await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer: token })).status).toBe(401);

    const second = await ifs.token();
    await ifs.sandbox.control.faults.add({ vendor: "ifs-cloud", path: "/int/*", times: 1, action: { kind: "expire-tokens" } });
    expect((await ifs.call("GET", `${ifs.projections}/CompanyHandling.svc/CompanySet`, { bearer: second })).status).toBe(401);
    await ifs.sandbox.control.faults.clear();
  });
});
