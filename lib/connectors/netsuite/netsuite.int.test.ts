import { randomUUID } from "node:crypto";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createKeyring, generateKey } from "../../crypto";
import type { ExchangeSummary } from "../../http";
import { createNetsuiteClient, testNetsuiteConnection } from "./index";
import { createNetsuiteSource } from "./source";
import { createNetsuiteTarget } from "./target";

// Contract tests of the NetSuite connector against the sandbox (real HTTP, real Postgres token cache).

const keyring = createKeyring({ key: generateKey() });
let sandbox: RunningSandbox;
let testDb: TestDb;

beforeAll(async () => {
  [sandbox, testDb] = await Promise.all([startSandbox({ port: 0, demo: { accounts: 2 } }), createTestDb()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([sandbox?.close(), testDb?.drop()]);
});

const settingsOf = (overrides: object = {}) => ({ accountId: sandbox.credentials.netsuite.accountId, certificateId: sandbox.credentials.netsuite.certificateId, ...overrides });
const secretsOf = (overrides: object = {}) => ({ clientId: sandbox.credentials.netsuite.clientId, privateKey: sandbox.credentials.netsuite.privateKeyPem, ...overrides });

const connection = (overrides: { settings?: object; secrets?: object } = {}) => {
  const exchanges: ExchangeSummary[] = [];
  const client = createNetsuiteClient({
    connectionId: randomUUID(),
    baseUrl: sandbox.credentials.netsuite.baseUrl,
    settings: settingsOf(overrides.settings),
    secrets: secretsOf(overrides.secrets),
    db: testDb.db,
    keyring,
    onExchange: (s) => exchanges.push(s),
  });
  return { client, exchanges, tokenCalls: () => exchanges.filter((e) => e.path.endsWith("/oauth2/v1/token")).length };
};

describe("NetSuite connector against the sandbox", () => {
  it("signs a JWT assertion, reuses the cached token across clients, and refreshes it once after a 401", async () => {
    const { client, tokenCalls, exchanges } = connection();
    const source = createNetsuiteSource(client);
    const first = await source.listChanged({ objectType: "customer", since: new Date(0), cursor: null, pageSize: 10 });
    expect(first.items).toHaveLength(10);
    await source.listChanged({ objectType: "customer", since: new Date(0), cursor: first.nextCursor, pageSize: 10 });
    expect(tokenCalls()).toBe(1);
    await sandbox.control.netsuite.expireTokens();
    await source.listChanged({ objectType: "customer", since: new Date(0), cursor: null, pageSize: 10 });
    expect(tokenCalls()).toBe(2);
    expect(exchanges.filter((e) => e.status === 401)).toHaveLength(1);
  });

  it("Test connection signs in and reads through SuiteQL; a rejected assertion says what to check", async () => {
    const ok = await testNetsuiteConnection({ baseUrl: sandbox.credentials.netsuite.baseUrl, settings: settingsOf(), secrets: secretsOf() });
    expect(ok.map((s) => s.ok)).toEqual([true, true]);
    expect(ok[1]?.message).toMatch(/^Read customer \d+/);

    const wrongCertificate = await testNetsuiteConnection({ baseUrl: sandbox.credentials.netsuite.baseUrl, settings: settingsOf({ certificateId: "not-the-mapping" }), secrets: secretsOf() });
    expect(wrongCertificate).toHaveLength(1);
    expect(wrongCertificate[0]).toMatchObject({ step: "auth", ok: false });
    expect(wrongCertificate[0]?.message).toMatch(/refused the signed assertion.*Certificate ID.*Login Audit Trail/);

    const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const wrongKey = await testNetsuiteConnection({ baseUrl: sandbox.credentials.netsuite.baseUrl, settings: settingsOf(), secrets: secretsOf({ privateKey: otherKey }) });
    expect(wrongKey[0]?.message).toMatch(/refused the signed assertion/);
    expect((await sandbox.control.netsuite.loginAudit()).some((e) => e.status === "Failure")).toBe(true);

    const rsaKeyForEs256 = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const unreadable = await testNetsuiteConnection({ baseUrl: sandbox.credentials.netsuite.baseUrl, settings: settingsOf(), secrets: secretsOf({ privateKey: rsaKeyForEs256 }) });
    expect(unreadable[0]?.message).toMatch(/private key cannot sign ES256/);
  });

  it("lists changes by lastmodifieddate in the account's time zone and fetches whole documents", async () => {
    const { client } = connection();
    const source = createNetsuiteSource(client);
    const seeded = await sandbox.control.netsuite.seed({ customers: [{ companyName: "Polling Ltd", externalId: `POLL-${randomUUID()}`, subsidiary: { id: "1" }, currency: { id: "1" } }] });
    const id = seeded.customers[0]!.id;
    const before = new Date(Date.now() - 5_000);
    const page = await source.listChanged({ objectType: "customer", since: before, cursor: null, pageSize: 1000 });
    const listed = page.items.find((i) => i.sourceId === id);
    expect(listed).toBeDefined();
    const doc = await source.fetchDocument({ objectType: "customer", sourceId: id });
    expect(doc).toMatchObject({ objectType: "customer", sourceId: id, currency: "USD", payload: { companyName: "Polling Ltd", currency: "USD" } });
    // A listing and a fetch agree on the version (to the second, as NetSuite keeps it).
    expect(doc?.sourceVersion).toBe(listed?.sourceVersion);
    expect(Math.abs(Date.parse(listed!.sourceVersion) - Date.now())).toBeLessThan(60_000);
    // Nothing later than now.
    expect((await source.listChanged({ objectType: "customer", since: new Date(Date.now() + 120_000), cursor: null, pageSize: 10 })).items).toEqual([]);

    const invoices = await source.listChanged({ objectType: "invoice", since: new Date(0), cursor: null, pageSize: 5 });
    const invoice = await source.fetchDocument({ objectType: "invoice", sourceId: invoices.items[0]!.sourceId });
    const payload = invoice?.payload as { lines: { amount: number; itemName: string }[]; total: number };
    expect(payload.lines.length).toBeGreaterThan(0);
    expect(payload.lines.reduce((s, l) => s + l.amount, 0)).toBeCloseTo(payload.total, 2);
    expect(payload.lines[0]?.itemName).toMatch(/^NW-/);
    expect(await source.fetchDocument({ objectType: "invoice", sourceId: "999999" })).toBeNull();
  });

  it("writes a custom record by external id: found before, upserted once however often it is sent", async () => {
    const { client, exchanges } = connection();
    const target = createNetsuiteTarget(client);
    const key = `evt-${randomUUID()}`;
    const entity = "customrecord_zuora_subscription_event";
    expect(await target.findDocument({ entity, naturalKey: key })).toBeNull();
    const fields = { name: key, custrecord_zse_event_id: key, custrecord_zse_event_type: "SubscriptionCreated", custrecord_zse_subscription_number: "A-S00000001", custrecord_zse_amount: 120.5 };
    const created = await target.upsertDocument!({ entity, naturalKey: key, document: { recordType: entity, fields } });
    expect(created.created).toBe(true);
    const again = await target.upsertDocument!({ entity, naturalKey: key, document: { recordType: entity, fields: { ...fields, custrecord_zse_amount: 99 } } });
    expect(again).toMatchObject({ created: false, targetId: created.targetId });
    expect(await target.findDocument({ entity, naturalKey: key })).toEqual({ targetId: created.targetId, targetRef: key });
    const stored = await sandbox.control.netsuite.record(entity, created.targetId);
    expect(stored).toMatchObject({ custrecord_zse_amount: 99, externalId: key });
    expect(await sandbox.control.netsuite.duplicates()).toEqual([]);
    // Errors read as NetSuite words them.
    await expect(target.upsertDocument!({ entity, naturalKey: `x-${key}`, document: { recordType: entity, fields: { name: "x" } } })).rejects.toThrow(/USER_ERROR|Please enter value/);
    expect(exchanges.every((e) => !JSON.stringify(e).includes("PRIVATE KEY"))).toBe(true);
  });

  it("keeps to its share of the account's concurrency, and retries the 429s NetSuite answers when others take the rest", async () => {
    await sandbox.control.netsuite.updateSettings({ concurrencyLimit: 3 });
    await sandbox.control.faults.set({ latencyMs: { netsuite: 40 } });
    try {
      const fetchAll = async (maxConcurrent: number) => {
        const { client, exchanges } = connection({ settings: { maxConcurrent } });
        const source = createNetsuiteSource(client);
        const page = await source.listChanged({ objectType: "customer", since: new Date(0), cursor: null, pageSize: 24 });
        const docs = await Promise.all(page.items.map((i) => source.fetchDocument({ objectType: "customer", sourceId: i.sourceId })));
        return { docs, rejected: exchanges.filter((e) => e.status === 429).length };
      };
      const within = await fetchAll(3);
      expect(within.docs.filter((d) => d !== null)).toHaveLength(24);
      expect(within.rejected).toBe(0);
      expect((await sandbox.control.netsuite.stats()).maxInFlight).toBeLessThanOrEqual(3);
      // A share larger than what the account has left: NetSuite refuses the excess, every document still arrives.
      const beyond = await fetchAll(8);
      expect(beyond.docs.filter((d) => d !== null)).toHaveLength(24);
      expect(beyond.rejected).toBeGreaterThan(0);
    } finally {
      await sandbox.control.faults.clear();
      await sandbox.control.netsuite.updateSettings({ concurrencyLimit: 15 });
    }
  });
});
