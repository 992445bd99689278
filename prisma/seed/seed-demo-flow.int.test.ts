import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { readConnectionSecrets } from "../../lib/connections/read-connection-secrets";
import { seedDemoFlow } from "./seed-demo-flow";

const sandbox = {
  zuoraBaseUrl: "http://127.0.0.1:4010/zuora",
  acumaticaBaseUrl: "http://127.0.0.1:4010/acumatica",
  credentials: {
    zuora: { clientId: "zc", clientSecret: "zs-secret-value" },
    acumatica: { tenant: "Company", clientId: "ac@Company", clientSecret: "as", username: "admin", password: "ap-secret-value", endpointVersion: "24.200.001" },
  },
};

describe("seedDemoFlow", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it("creates connections with encrypted secrets, an enabled flow and partial maps, once", async () => {
    const flowId = await seedDemoFlow({ db: t.db, sandbox });
    expect(flowId).not.toBeNull();
    expect(await seedDemoFlow({ db: t.db, sandbox })).toBeNull();
    expect(await t.db.flow.count()).toBe(1);
    const flow = await t.db.flow.findUniqueOrThrow({ where: { id: flowId! } });
    expect(flow).toMatchObject({ kind: "zuora-acumatica", enabled: true, schedule: "*/5 * * * *" });
    expect(await t.db.valueMap.count({ where: { flowId: flowId!, kind: "gl-account" } })).toBe(6);
    // a cash account per currency, a payment method per Zuora payment type, EUR VAT and tax zone
    const others = await t.db.valueMap.findMany({ where: { flowId: flowId!, kind: { not: "gl-account" } }, select: { kind: true, sourceKey: true, targetValue: true } });
    expect(others.map((m) => `${m.kind}/${m.sourceKey}=${m.targetValue}`).sort()).toEqual([
      "cash-account/EUR=10250",
      "cash-account/USD=10200",
      "payment-method/Electronic=CARD",
      "payment-method/External=CHECK",
      "tax-zone/EUR=EU-VAT",
      "tax/EUR=VAT19",
    ].sort());
    expect(await t.db.valueMap.count({ where: { flowId: flowId!, sourceKey: "Training Day" } })).toBe(0);
    const conns = await t.db.connection.findMany();
    expect(JSON.stringify(conns)).not.toContain("ap-secret-value");
    const target = conns.find((c) => c.vendor === "acumatica")!;
    expect(await readConnectionSecrets({ db: t.db, connectionId: target.id })).toMatchObject({ password: "ap-secret-value" });
  });
});

describe("seedDemoFlow with the Zoho CRM org", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it("adds the Zoho CRM connection, Acumatica -> Zoho CRM on the same Acumatica connection, and its partner", async () => {
    const zoho = { accountsUrl: "http://127.0.0.1:4010/zoho-crm/accounts/us", clientId: "1000.X", clientSecret: "zoho-secret-value", refreshToken: "1000.r.t" };
    await seedDemoFlow({ db: t.db, sandbox: { ...sandbox, credentials: { ...sandbox.credentials, "zoho-crm": zoho } } });
    const flows = await t.db.flow.findMany({ orderBy: { kind: "asc" } });
    expect(flows.map((f) => f.kind)).toEqual(["acumatica-zoho-crm", "zoho-crm-acumatica", "zuora-acumatica"]);
    const [forward, reverse, zuora] = flows;
    expect(forward!.sourceConnectionId).toBe(zuora!.targetConnectionId);
    expect(reverse).toMatchObject({ sourceConnectionId: forward!.targetConnectionId, targetConnectionId: forward!.sourceConnectionId, enabled: true });
    expect(await t.db.valueMap.count({ where: { flowId: forward!.id, kind: "item-class" } })).toBe(2);
    expect(JSON.stringify(await t.db.connection.findMany())).not.toContain("zoho-secret-value");
  });
});
