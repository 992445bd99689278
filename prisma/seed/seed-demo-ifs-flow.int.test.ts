import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConnectionSecrets } from "../../lib/connections/read-connection-secrets";
import { createTestDb, type TestDb } from "../../test/db";
import { seedDemoFlow } from "./seed-demo-flow";
import { seedDemoIfsFlow } from "./seed-demo-ifs-flow";

const sandbox = {
  zuoraBaseUrl: "http://127.0.0.1:4010/zuora",
  acumaticaBaseUrl: "http://127.0.0.1:4010/acumatica",
  credentials: {
    zuora: { clientId: "zc", clientSecret: "zs-secret-value" },
    acumatica: { tenant: "Company", clientId: "ac@Company", clientSecret: "as", username: "admin", password: "ap", endpointVersion: "24.200.001" },
    ifsCloud: { baseUrl: "http://127.0.0.1:4010/ifs-cloud", realm: "ifsdemo", clientId: "ML_CONNECTOR", clientSecret: "ifs-secret-value" },
  },
};

describe("seedDemoIfsFlow", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it("adds the IFS connection and flow next to the Acumatica demo, on the same Zuora connection, once", async () => {
    await seedDemoFlow({ db: t.db, sandbox });
    const flowId = await seedDemoIfsFlow({ db: t.db, sandbox });
    expect(flowId).not.toBeNull();
    expect(await seedDemoIfsFlow({ db: t.db, sandbox })).toBeNull();
    expect(await t.db.flow.count()).toBe(2);
    expect(await t.db.connection.count({ where: { vendor: "zuora" } })).toBe(1);
    const flow = await t.db.flow.findUniqueOrThrow({ where: { id: flowId! } });
    expect(flow).toMatchObject({ kind: "zuora-ifs-cloud", enabled: true, settings: expect.objectContaining({ balanceSheetCostCenter: "900" }) });
    const target = await t.db.connection.findUniqueOrThrow({ where: { id: flow.targetConnectionId } });
    expect(target).toMatchObject({ baseUrl: sandbox.credentials.ifsCloud.baseUrl, settings: expect.objectContaining({ realm: "ifsdemo" }) });
    expect(JSON.stringify(target)).not.toContain("ifs-secret-value");
    expect(await readConnectionSecrets({ db: t.db, connectionId: flow.targetConnectionId })).toMatchObject({ clientSecret: "ifs-secret-value" });
    const maps = await t.db.valueMap.findMany({ where: { flowId: flowId! } });
    expect(maps.filter((m) => m.kind === "company").map((m) => `${m.sourceKey}=${m.targetValue}`).sort()).toEqual(["currency:EUR=20", "currency:USD=10"]);
    expect(maps.filter((m) => m.kind === "gl-account")).toHaveLength(14);
    expect(maps.some((m) => m.kind === "cost-center" && m.sourceKey === "Training")).toBe(false);
  });
});
