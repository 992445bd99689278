import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createTestDb, type TestDb } from "../../test/db";
import { z } from "zod";
import { registerConnector } from "../connectors/registry";
import { ZUORA_ACUMATICA } from "../flows/zuora-acumatica/definition";
import { checkTenantUrl } from "./check-tenant-url";
import { deleteConnection } from "./delete-connection";
import { connectionFormSchema, type ConnectionForm } from "./form-schemas";
import { getConnection } from "./get-connection";
import { isForbiddenTenantUrl } from "../http/is-forbidden-tenant-url";
import { listConnections } from "./list-connections";
import { readConnectionSecrets } from "./read-connection-secrets";
import { saveConnection } from "./save-connection";
import { testConnection } from "./test-connection";

let sandbox: RunningSandbox;
let t: TestDb;

beforeAll(async () => {
  [sandbox, t] = await Promise.all([startSandbox({ port: 0 }), createTestDb()]);
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), t?.drop()]);
});

const callout = { headerName: "X-Zuora-Signature", algorithm: "SHA-256", encoding: "BASE64", signedData: "{{Request.Body}}" } as const;
const calloutFields = Object.fromEntries(Object.entries(callout).map(([k, v]) => [`callout.${k}`, v]));
const zuoraForm = (over: Partial<ConnectionForm> = {}): ConnectionForm => ({
  vendor: "zuora",
  name: `Zuora ${Math.random().toString(36).slice(2, 7)}`,
  baseUrl: sandbox.credentials.zuora.baseUrl,
  settings: calloutFields,
  secrets: { clientId: sandbox.credentials.zuora.clientId, clientSecret: sandbox.credentials.zuora.clientSecret, calloutHmacSecret: "hmac-secret-0" },
  ...over,
});
const acumaticaForm = (endpointVersion: string, over: Partial<ConnectionForm> = {}): ConnectionForm => {
  const a = sandbox.credentials.acumatica;
  return {
    vendor: "acumatica",
    name: `Acumatica ${Math.random().toString(36).slice(2, 7)}`,
    baseUrl: a.baseUrl,
    settings: { endpointVersion, tenant: a.tenant },
    secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password },
    ...over,
  };
};
const parse = (form: ConnectionForm) => connectionFormSchema.parse(form);

describe("tenant URL safety", () => {
  it.each([
    ["http://169.254.169.254/latest/meta-data", true],
    ["https://[fd00:ec2::254]/", true],
    ["https://[fe80::1]/", true],
    ["https://[::ffff:169.254.169.254]/", true],
    ["http://metadata.google.internal/computeMetadata/v1", true],
    ["https://rest.eu.zuora.com", false],
    ["http://127.0.0.1:4010/zuora", false],
    ["https://169.255.0.1", false],
  ])("%s forbidden: %s", (url, expected) => {
    expect(isForbiddenTenantUrl(url)).toBe(expected);
  });

  it("refuses a metadata URL in the form schema and a name resolving to link-local on the server", async () => {
    const parsed = connectionFormSchema.safeParse(zuoraForm({ baseUrl: "http://169.254.169.254/" }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/link-local or cloud metadata/);
    await expect(checkTenantUrl("https://tenant.example.com", { resolve: async () => [{ address: "169.254.10.1" }] })).rejects.toThrow(/link-local/);
    await expect(checkTenantUrl("https://tenant.example.com", { resolve: async () => [{ address: "203.0.113.9" }] })).resolves.toBeUndefined();
  });
});

describe("connections for the admin UI", () => {
  it("creates a connection whose view says which secrets are set but never carries them, and shows its identifiers", async () => {
    const view = await saveConnection({ db: t.db, form: parse(zuoraForm()) });
    expect(view.secretsSet.sort()).toEqual(["calloutHmacSecret", "clientId", "clientSecret"]);
    expect(view.settings).toMatchObject(calloutFields);
    // the client ID is an identifier the admin reads back; the client secret and the HMAC secret are not
    expect(view.identifiers).toEqual({ clientId: sandbox.credentials.zuora.clientId });
    const everything = JSON.stringify([view, await listConnections({ db: t.db })]);
    expect(everything).not.toContain(sandbox.credentials.zuora.clientSecret);
    expect(everything).not.toContain("hmac-secret");
  });

  it("tests what it saved when asked to (the admin form), so the status is the saved connection's", async () => {
    const view = await saveConnection({ db: t.db, form: parse(zuoraForm()), testAfterSave: true });
    expect(view.lastTestResult?.ok).toBe(true);
    expect(view.lastTestAt).not.toBeNull();
    // a name change tests nothing again; a wrong secret is saved and shown failing, not "not tested"
    const renamed = await saveConnection({ db: t.db, form: parse(zuoraForm({ id: view.id, name: `${view.name} renamed`, secrets: {} })), testAfterSave: true });
    expect(renamed.lastTestAt).toBe(view.lastTestAt);
    const wrong = await saveConnection({ db: t.db, form: parse(zuoraForm({ id: view.id, name: renamed.name, secrets: { clientSecret: "not-the-secret" } })), testAfterSave: true });
    expect(wrong.lastTestResult?.ok).toBe(false);
    expect(wrong.lastTestResult?.steps[0]).toMatchObject({ step: "auth", ok: false });
  });

  it("keeps stored secrets when a field is left blank, replaces them when entered, and refuses missing ones on create", async () => {
    const created = await saveConnection({ db: t.db, form: parse(zuoraForm()) });
    const edited = await saveConnection({ db: t.db, form: parse(zuoraForm({ id: created.id, name: created.name, secrets: { clientSecret: "", calloutHmacSecret: "hmac-secret-1" } })) });
    expect(edited.secretsSet.sort()).toEqual(["calloutHmacSecret", "clientId", "clientSecret"]);
    expect(await readConnectionSecrets({ db: t.db, connectionId: created.id })).toEqual({
      clientId: sandbox.credentials.zuora.clientId,
      clientSecret: sandbox.credentials.zuora.clientSecret,
      calloutHmacSecret: "hmac-secret-1",
    });
    await expect(saveConnection({ db: t.db, form: parse(zuoraForm({ secrets: { clientId: "x" } })) })).rejects.toThrow(/client secret/);
    await expect(saveConnection({ db: t.db, form: parse(zuoraForm({ name: created.name })) })).rejects.toThrow(/already exists/);
  });

  it("tests a saved Zuora connection step by step and stores the result", async () => {
    const created = await saveConnection({ db: t.db, form: parse(zuoraForm()) });
    const result = await testConnection({ db: t.db, connectionId: created.id });
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([["auth", true], ["read", true]]);
    expect(result.isStored).toBe(true);
    const view = await getConnection({ db: t.db, connectionId: created.id });
    expect(view.lastTestResult?.ok).toBe(true);
    expect(view.lastTestAt).toBe(result.testedAt);

    const wrong = await testConnection({ db: t.db, form: parse(zuoraForm({ id: created.id, name: created.name, secrets: { clientSecret: "wrong-secret" } })) });
    expect(wrong.ok).toBe(false);
    expect(wrong.isStored).toBe(false);
    expect(JSON.stringify(wrong)).not.toContain("wrong-secret");
    expect((await getConnection({ db: t.db, connectionId: created.id })).lastTestResult?.ok).toBe(true);
  });

  it("names the endpoint versions an Acumatica instance offers when the pinned one is wrong", async () => {
    const bad = await saveConnection({ db: t.db, form: parse(acumaticaForm("21.200.001")) });
    const result = await testConnection({ db: t.db, connectionId: bad.id });
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ step: "auth", ok: true });
    expect(result.steps[1]).toMatchObject({ step: "version", ok: false });
    expect(result.steps[1]!.message).toContain("23.200.001, 24.200.001");
    expect(result.fieldOptions?.endpointVersion?.map((o) => o.value)).toEqual(["24.200.001", "23.200.001", "22.200.001", "20.200.001"]);

    const good = await testConnection({ db: t.db, form: parse(acumaticaForm("24.200.001", { id: bad.id, name: bad.name, secrets: {} })) });
    expect(good.ok).toBe(true);
    expect(good.isStored).toBe(false);
  });

  it("refuses to delete a connection a flow uses, naming the flow, and deletes an unused one", async () => {
    const source = await saveConnection({ db: t.db, form: parse(zuoraForm()) });
    const target = await saveConnection({ db: t.db, form: parse(acumaticaForm("24.200.001")) });
    await t.db.flow.create({ data: { kind: ZUORA_ACUMATICA, name: "Month-end flow", sourceConnectionId: source.id, targetConnectionId: target.id } });
    await expect(deleteConnection({ db: t.db, connectionId: source.id })).rejects.toThrow(/"Month-end flow"/);
    expect((await getConnection({ db: t.db, connectionId: source.id })).usedBy.map((f) => f.name)).toEqual(["Month-end flow"]);

    const spare = await saveConnection({ db: t.db, form: parse(zuoraForm()) });
    await t.db.vendorToken.create({ data: { key: spare.id } });
    // its shared limiter state, as a process that called it leaves it (a share still leased, a demand, a rate row)
    await t.db.vendorRateLimit.create({ data: { key: spare.id, tat: new Date() } });
    await t.db.vendorCallSlot.create({ data: { key: spare.id, slot: 0, holder: "a-process", expiresAt: new Date(Date.now() + 5_000) } });
    await t.db.vendorCallShare.create({ data: { key: spare.id, holder: "a-process", demand: 1, expiresAt: new Date(Date.now() + 5_000) } });
    await deleteConnection({ db: t.db, connectionId: spare.id });
    expect(await t.db.connection.count({ where: { id: spare.id } })).toBe(0);
    expect(await t.db.vendorToken.count({ where: { key: spare.id } })).toBe(0);
    expect(await t.db.vendorRateLimit.count({ where: { key: spare.id } })).toBe(0);
    expect(await t.db.vendorCallSlot.count({ where: { key: spare.id } })).toBe(0);
    expect(await t.db.vendorCallShare.count({ where: { key: spare.id } })).toBe(0);
  });
});

describe("a connection whose vendor subscriptions expire", () => {
  it("shows when its subscription expires, when it was renewed and the last renewal error; others show none", async () => {
    registerConnector({
      id: "test-expiring",
      label: "Expiring",
      config: {},
      settingsSchema: z.object({}),
      secretsSchema: z.object({ token: z.string() }),
      form: { baseUrl: { label: "URL" }, settings: [], secrets: [{ name: "token", label: "Token", type: "secret", required: true }] },
      createClient: () => ({}),
      testConnection: async () => [],
      webhooks: { verify: () => ({ ok: false, reason: "unused" }), renewSubscriptions: async () => ({ expiresAt: null, state: null }) },
    });
    const view = await saveConnection({ db: t.db, form: parse({ vendor: "test-expiring", name: "Expiring", baseUrl: "http://127.0.0.1:9/x", secrets: { token: "t" } }) });
    expect(view.subscription).toEqual({ expiresAt: null, renewedAt: null, error: null });
    await t.db.connection.update({
      where: { id: view.id },
      data: { subscriptionExpiresAt: new Date("2026-12-08T10:00:00Z"), subscriptionRenewedAt: new Date("2026-12-07T10:00:00Z"), subscriptionError: "Channel limit reached", subscriptionState: { channel: "channel-state-9f2e" } },
    });
    const after = await getConnection({ db: t.db, connectionId: view.id });
    expect(after.subscription).toEqual({ expiresAt: "2026-12-08T10:00:00.000Z", renewedAt: "2026-12-07T10:00:00.000Z", error: "Channel limit reached" });
    expect(JSON.stringify(after)).not.toContain("channel-state-9f2e");
    expect((await saveConnection({ db: t.db, form: parse(zuoraForm()) })).subscription).toBeNull();
  });
});
