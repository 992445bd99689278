import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createTestDb, type TestDb } from "../db";
import { createAcumaticaClient } from "../../lib/connectors/acumatica";
import { createKeyring, generateKey } from "../../lib/crypto";
import { createCallRecorder } from "../../lib/http/call-recorder";

let sandbox: RunningSandbox;
let testDb: TestDb;

beforeAll(async () => {
  [sandbox, testDb] = await Promise.all([startSandbox({ port: 0 }), createTestDb()]);
  await sandbox.control.acumatica.seed({ customers: [{ CustomerID: "C0001", CustomerName: "Existing Ltd", CurrencyID: "USD" }] });
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), testDb?.drop()]);
});

describe("call recorder with a real vendor client against the sandbox", () => {
  it("records the token call and the read with bodies, the password and tokens redacted, no headers", async () => {
    const c = sandbox.credentials.acumatica;
    const client = createAcumaticaClient({
      connectionId: randomUUID(),
      baseUrl: c.baseUrl,
      settings: { endpointVersion: c.endpointVersion, requestsPerMinute: 6000 },
      secrets: { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password },
      db: testDb.db,
      keyring: createKeyring({ key: generateKey() }),
    });
    const recorder = createCallRecorder();
    const found = await recorder.run(() => client.findCustomers(["C0001"]));
    expect(found.get("C0001")?.[0]?.CustomerName).toBe("Existing Ltd");

    const calls = recorder.calls();
    const token = calls.find((x) => x.url.endsWith("/identity/connect/token"));
    const read = calls.find((x) => x.url.includes("/Customer"));
    expect(token).toMatchObject({ method: "POST", status: 200, request: { contentType: "application/x-www-form-urlencoded", truncated: false } });
    const sentForm = new URLSearchParams(token!.request!.text);
    expect(sentForm.get("username")).toBe(c.username);
    expect(sentForm.get("password")).toBe("[redacted]");
    expect(sentForm.get("client_secret")).toBe("[redacted]");
    expect(JSON.parse(token!.response!.text)).toMatchObject({ access_token: "[redacted]", token_type: "Bearer" });
    expect(read).toMatchObject({ method: "GET", status: 200, response: { contentType: "application/json" } });
    expect(read!.url).toContain("$filter=");
    expect(read!.response!.text).toContain("Existing Ltd");

    const stored = JSON.stringify(calls);
    for (const secret of [c.password, c.clientSecret]) expect(stored).not.toContain(secret);
    expect(stored.toLowerCase()).not.toContain("bearer ");

    // outside run: nothing more is recorded
    await client.findCustomers(["C0001"]);
    expect(recorder.calls()).toHaveLength(calls.length);
  });
});
