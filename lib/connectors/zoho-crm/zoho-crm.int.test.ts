import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import type { ConnectionContext } from "../types";
import { createZohoCrmTarget } from "./target";
import { createZohoCrmSource } from "./source";
import { createZohoCrmClient, testZohoCrmConnection, verifyZohoCallback, zohoChannelToken, zohoCrm } from "./index";

/*
 * Contract of the Zoho CRM connector against the Zoho CRM sandbox over HTTP, with the shared token
 * cache in a real Postgres: sign-in at the data center's accounts server, every call on the token's
 * api_domain, upserts keyed on the Acumatica id, paged reads since a time, the plan refusal in Test
 * connection, channel registration on Zoho's clock and callbacks verified by their token.
 */
describe("Zoho CRM connector", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let ctx: ConnectionContext;
  const connectionId = "8f7d2c1e-1111-4222-8333-944455566677";

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0 })]);
    for (const [module, api_name] of [["Accounts", "Acumatica_Customer_ID"], ["Products", "Acumatica_Inventory_ID"], ["Invoices", "Acumatica_Reference_Nbr"]] as const) {
      await sandbox.control.zohoCrm.addField({ module, api_name, field_label: api_name.replace(/_/g, " "), data_type: "text", unique: true });
    }
    const z = sandbox.credentials["zoho-crm"];
    ctx = { connectionId, baseUrl: z.accountsUrl, settings: {}, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, refreshToken: z.refreshToken }, db: t.db };
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await t?.drop();
  });

  it("signs in at the accounts server and sends every call to the api_domain the token answer named", async () => {
    const exchanges: string[] = [];
    const client = createZohoCrmClient({ ...ctx, onExchange: (s) => exchanges.push(s.path) });
    const modules = await client.modules();
    expect(modules.map((m) => m.api_name)).toEqual(expect.arrayContaining(["Accounts", "Products", "Invoices", "Deals"]));
    const row = await t.db.vendorToken.findUniqueOrThrow({ where: { key: connectionId } });
    expect(row.extras).toEqual({ apiDomain: sandbox.credentials["zoho-crm"].apiDomain });
    expect(exchanges.some((p) => p.includes("/api/us/crm/v8/settings/modules"))).toBe(true);
  });

  it("upserts on the key field: a second write updates the same record", async () => {
    const target = createZohoCrmTarget(createZohoCrmClient(ctx));
    const first = await target.upsertDocument({ entity: "Accounts", naturalKey: "C000123", document: { record: { Account_Name: "Contoso Ltd" } } });
    const second = await target.upsertDocument({ entity: "Accounts", naturalKey: "C000123", document: { record: { Account_Name: "Contoso Limited" } } });
    expect(first).toMatchObject({ created: true, targetRef: "C000123" });
    expect(second).toEqual({ targetId: first.targetId, targetRef: "C000123", created: false });
    const accounts = (await sandbox.control.zohoCrm.records("Accounts")).filter((a) => a.Acumatica_Customer_ID === "C000123");
    expect(accounts).toMatchObject([{ id: first.targetId, Account_Name: "Contoso Limited" }]);
    expect(await target.findDocument({ entity: "Accounts", naturalKey: "C000123" })).toEqual({ targetId: first.targetId, targetRef: "C000123" });
  });

  it("concurrent upserts of one module go together in one call, each with its own result", async () => {
    const client = createZohoCrmClient(ctx);
    const target = createZohoCrmTarget(client);
    const before = (await sandbox.control.zohoCrm.stats()) as { byRoute: Record<string, number> };
    const written = await Promise.all(
      Array.from({ length: 30 }, (_, i) => target.upsertDocument({ entity: "Products", naturalKey: `ITEM${i}`, document: { record: { Product_Name: `Item ${i}`, Unit_Price: i } } })),
    );
    expect(new Set(written.map((w) => w.targetId)).size).toBe(30);
    const after = (await sandbox.control.zohoCrm.stats()) as { byRoute: Record<string, number> };
    const calls = Object.entries(after.byRoute).filter(([route]) => route.includes("upsert")).reduce((n, [route, c]) => n + c - (before.byRoute[route] ?? 0), 0);
    expect(calls).toBeLessThanOrEqual(2);
  });

  it("a refused record fails with Zoho's code and field, and is not retried", async () => {
    const target = createZohoCrmTarget(createZohoCrmClient(ctx));
    await expect(target.upsertDocument({ entity: "Accounts", naturalKey: "C000999", document: { record: { Account_Name: "" } } })).rejects.toMatchObject({
      message: expect.stringMatching(/MANDATORY_NOT_FOUND.*Account_Name|INVALID_DATA/),
      retryable: false,
    });
  });

  it("lists deals changed since a time, oldest first, with their account", async () => {
    const [account] = await sandbox.control.zohoCrm.addRecords("Accounts", [{ Account_Name: "Prospect AG", Billing_City: "Zurich" }]);
    const accountId = account!.status === "success" ? account!.details.id : "";
    const since = new Date(Date.now() - 60_000);
    await sandbox.control.zohoCrm.addRecords(
      "Deals",
      Array.from({ length: 5 }, (_, i) => ({ Deal_Name: `Deal ${i}`, Stage: "Qualification", Closing_Date: "2026-12-31", Account_Name: { id: accountId }, Amount: 100 * i })),
    );
    const source = createZohoCrmSource(createZohoCrmClient(ctx));
    const pages = [];
    let cursor: string | null = null;
    do {
      const page = await source.listChanged({ objectType: "deal", since, cursor, pageSize: 2 });
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    const items = pages.flatMap((p) => p.items);
    expect(items).toHaveLength(5);
    expect(items.map((i) => i.sourceVersion)).toEqual([...items.map((i) => i.sourceVersion)].sort());
    expect(items[0]!.document?.payload).toMatchObject({ stage: "Qualification", account: { id: accountId, name: "Prospect AG", billingCity: "Zurich", acumaticaCustomerId: null } });
    const later = await source.listChanged({ objectType: "deal", since: new Date(Date.now() + 5_000), cursor: null, pageSize: 200 });
    expect(later.items).toEqual([]);
  });

  it("Test connection shows the plan refusal of an edition without Products and Invoices", async () => {
    const steps = await testZohoCrmConnection(ctx);
    expect(steps.map((s) => s.ok)).toEqual([true, true, true]);
    await sandbox.control.zohoCrm.updateSettings({ edition: "free" });
    try {
      const refused = await testZohoCrmConnection(ctx);
      expect(refused[1]).toEqual({ step: "version", ok: false, message: expect.stringContaining("plan does not include Products and Invoices") });
      const target = createZohoCrmTarget(createZohoCrmClient({ ...ctx, connectionId: "8f7d2c1e-1111-4222-8333-000000000001" }));
      await expect(target.upsertDocument({ entity: "Invoices", naturalKey: "AR1", document: { record: { Subject: "x" } } })).rejects.toMatchObject({
        message: expect.stringContaining("the Zoho CRM plan does not include this module"),
        retryable: false,
      });
    } finally {
      await sandbox.control.zohoCrm.updateSettings({ edition: "enterprise" });
    }
  });

  it("a refused refresh token (HTTP 200 with an error) says what to do", async () => {
    const steps = await testZohoCrmConnection({ ...ctx, secrets: { ...(ctx.secrets as object), refreshToken: "1000.nope.nope" } });
    expect(steps).toEqual([{ step: "auth", ok: false, message: expect.stringContaining("refused the refresh token") }]);
  });

  it("registers its channel for a day on Zoho's clock, and accepts only callbacks with its token", async () => {
    const renew = zohoCrm.webhooks.renewSubscriptions;
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 3 * 86_400 });
    const zohoNow = Date.parse((await sandbox.control.zohoCrm.setClock({ advanceSeconds: 0 })).now);
    const state = await renew({ ...ctx, callbackUrl: "http://127.0.0.1:9/hook", previous: null });
    const expiresAt = Date.parse(state.expiresAt!);
    expect(expiresAt - zohoNow).toBeGreaterThan(23.9 * 3_600_000);
    expect(expiresAt - zohoNow).toBeLessThan(24.1 * 3_600_000);
    expect((await sandbox.control.zohoCrm.channels()).filter((c) => c.active)).toHaveLength(1);

    const secrets = ctx.secrets as { clientSecret: string };
    const body = (token: string) => new TextEncoder().encode(JSON.stringify({ server_time: 1, module: "Deals", ids: ["1", "2"], operation: "update", channel_id: "5", token, query_params: {}, resource_uri: "x", affected_fields: [] }));
    const connection = { id: connectionId, baseUrl: ctx.baseUrl, settings: {}, secrets: ctx.secrets };
    const ok = verifyZohoCallback({ rawBody: body(zohoChannelToken({ connectionId, clientSecret: secrets.clientSecret })), headers: new Headers(), url: "", connection });
    expect(ok).toMatchObject({ ok: true, events: [{ objectType: "deal", objectId: "1" }, { objectType: "deal", objectId: "2" }] });
    expect(verifyZohoCallback({ rawBody: body("forged"), headers: new Headers(), url: "", connection })).toMatchObject({ ok: false });
  });
});
