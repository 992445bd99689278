import { generateKeyPairSync } from "node:crypto";
import { importPKCS8 } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { envelopeErrors, errorDetail, getToken, ns, requestToken, signAssertion, tokenUrl } from "./test-support";

describe("NetSuite OAuth 2.0 client credentials (M2M)", () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 3 } });
  });
  afterAll(() => sandbox.close());

  it("issues a 60-minute bearer token for an ES256 assertion signed with the registered demo certificate", async () => {
    const { status, body } = await requestToken(sandbox, await signAssertion(sandbox));
    expect(status).toBe(200);
    expect(envelopeErrors("clientCredentialsTokenResponse", body)).toEqual([]);
    expect(body).toMatchObject({ expires_in: "3600", token_type: "Bearer" });
    expect(body).not.toHaveProperty("refresh_token");
    const customers = await ns(sandbox, String(body.access_token), "GET", "/services/rest/record/v1/customer?limit=2");
    expect(customers.status).toBe(200);
  });

  it("accepts the scope as a comma-separated string and a PS256 assertion from a registered 3072-bit RSA key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const certificate = await sandbox.control.netsuite.registerCertificate({
      clientId: sandbox.credentials.netsuite.clientId,
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    });
    expect(certificate.certificateId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const key = await importPKCS8(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "PS256");
    const ok = await requestToken(sandbox, await signAssertion(sandbox, { alg: "PS256", kid: certificate.certificateId, key, scope: "restlets,rest_webservices" }));
    expect(ok.status).toBe(200);
    // The same RSA key with PKCS#1 v1.5 (RS256) is what NetSuite stopped accepting.
    const rsKey = await importPKCS8(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "RS256");
    const rs = await requestToken(sandbox, await signAssertion(sandbox, { alg: "RS256", kid: certificate.certificateId, key: rsKey }));
    expect(rs.status).toBe(400);
    expect(rs.body).toEqual({ error: "invalid_grant" });
  });

  it("refuses a 2048-bit RSA certificate at registration", async () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    await expect(
      sandbox.control.netsuite.registerCertificate({ clientId: "x", publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() }),
    ).rejects.toThrow(/3072 or 4096/);
  });

  it("refuses assertions with a wrong audience, kid, issuer, signature, lifetime or scope, and says why only in the login audit trail", async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const otherKey = await importPKCS8(other.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "ES256");
    const cases: [string, Parameters<typeof signAssertion>[1], RegExp][] = [
      ["audience of the production host", { aud: "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token" }, /aud/],
      ["unknown kid", { kid: "not-a-certificate" }, /Unknown Certificate ID/],
      ["issuer is another client", { iss: "f".repeat(64) }, /not the client/],
      ["signed by another key", { key: otherKey }, /Invalid signature/],
      ["expired", { iat: now - 7200, exp: now - 3600 }, /expired/],
      ["lives longer than 60 minutes", { iat: now, exp: now + 3601 }, /60 minutes/],
      ["unknown scope", { scope: "everything" }, /scope/],
    ];
    for (const [name, options, reason] of cases) {
      const { status, body } = await requestToken(sandbox, await signAssertion(sandbox, options));
      expect(status, name).toBe(400);
      expect(envelopeErrors("oauthErrorResponse", body), name).toEqual([]);
      expect(Object.keys(body), name).toEqual(["error"]);
      const audit = await sandbox.control.netsuite.loginAudit();
      expect(audit.at(-1), name).toMatchObject({ status: "Failure" });
      expect(audit.at(-1)?.detail, name).toMatch(reason);
    }
  });

  it("answers invalid_request for a JSON body or a missing assertion, unsupported_grant_type for other grants", async () => {
    const json = await fetch(tokenUrl(sandbox), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ grant_type: "client_credentials" }) });
    expect(json.status).toBe(400);
    expect(await json.json()).toEqual({ error: "invalid_request" });
    expect((await requestToken(sandbox, "")).body).toEqual({ error: "invalid_request" });
    expect((await requestToken(sandbox, await signAssertion(sandbox), { grant_type: "password" })).body).toEqual({ error: "unsupported_grant_type" });
  });

  it("answers 401 INVALID_LOGIN for a missing, unknown, expired or revoked token", async () => {
    const token = await getToken(sandbox);
    const missing = await fetch(`${sandbox.netsuiteBaseUrl}/services/rest/record/v1/customer`);
    expect(missing.status).toBe(401);
    const unknown = await ns(sandbox, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "GET", "/services/rest/record/v1/customer");
    expect(unknown.status).toBe(401);
    expect(errorDetail(unknown)).toMatchObject({ "o:errorCode": "INVALID_LOGIN" });
    expect(unknown.body).toMatchObject({ title: "Unauthorized", status: 401 });

    // 60 minutes later the token is gone.
    await sandbox.control.netsuite.advanceClock(3599);
    expect((await ns(sandbox, token, "GET", "/services/rest/record/v1/customer?limit=1")).status).toBe(200);
    await sandbox.control.netsuite.advanceClock(1);
    expect(errorDetail(await ns(sandbox, token, "GET", "/services/rest/record/v1/customer?limit=1"))).toMatchObject({ "o:errorCode": "INVALID_LOGIN" });
    await sandbox.control.netsuite.setClock(null);

    const fresh = await getToken(sandbox);
    await sandbox.control.expireTokens("netsuite");
    expect((await ns(sandbox, fresh, "GET", "/services/rest/record/v1/customer?limit=1")).status).toBe(401);
  });

  it("stops tokens and assertions of a revoked certificate", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const certificate = await sandbox.control.netsuite.registerCertificate({
      clientId: sandbox.credentials.netsuite.clientId,
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      certificateId: "custcertificate_rotation_2026",
    });
    const key = await importPKCS8(privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "ES384");
    const assertion = () => signAssertion(sandbox, { alg: "ES384", kid: certificate.certificateId, key });
    const { body } = await requestToken(sandbox, await assertion());
    const token = String(body.access_token);
    expect((await ns(sandbox, token, "GET", "/services/rest/record/v1/customer?limit=1")).status).toBe(200);
    await sandbox.control.netsuite.revokeCertificate(certificate.certificateId);
    expect((await ns(sandbox, token, "GET", "/services/rest/record/v1/customer?limit=1")).status).toBe(401);
    expect((await requestToken(sandbox, await assertion())).status).toBe(400);
  });
});
