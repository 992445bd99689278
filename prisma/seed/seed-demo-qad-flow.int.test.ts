import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConnectionSecrets } from "../../lib/connections/read-connection-secrets";
import { createTestDb, type TestDb } from "../../test/db";
import { seedDemoFlow } from "./seed-demo-flow";
import { seedDemoQadFlow } from "./seed-demo-qad-flow";

const sandbox = {
  zuoraBaseUrl: "http://127.0.0.1:4010/zuora",
  acumaticaBaseUrl: "http://127.0.0.1:4010/acumatica",
  qadBaseUrl: "http://127.0.0.1:4010/qad",
  credentials: {
    zuora: { clientId: "zc", clientSecret: "zs-secret-value" },
    acumatica: { tenant: "Company", clientId: "ac@Company", clientSecret: "as", username: "admin", password: "ap-secret-value", endpointVersion: "24.200.001" },
    qad: { clientId: "qc", username: "integration@northwind.example", password: "qp-secret-value" },
  },
};

describe("seedDemoQadFlow", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it("needs the demo Zuora connection; then adds the QAD connection and a Zuora -> QAD flow on it, once", async () => {
    expect(await seedDemoQadFlow({ db: t.db, sandbox })).toBeNull();
    await seedDemoFlow({ db: t.db, sandbox });
    const flowId = await seedDemoQadFlow({ db: t.db, sandbox });
    expect(flowId).not.toBeNull();
    expect(await seedDemoQadFlow({ db: t.db, sandbox })).toBeNull();
    const flow = await t.db.flow.findUniqueOrThrow({ where: { id: flowId! }, include: { source: true, target: true } });
    expect(flow).toMatchObject({ kind: "zuora-qad", enabled: true, schedule: "*/5 * * * *" });
    expect(flow.source.vendor).toBe("zuora");
    expect(flow.target).toMatchObject({ vendor: "qad", baseUrl: sandbox.qadBaseUrl, settings: { domainCode: "NWC", entityCode: "NWCUS" } });
    expect(await t.db.flow.count({ where: { sourceConnectionId: flow.sourceConnectionId } })).toBe(2);
    expect(await t.db.valueMap.count({ where: { flowId: flowId!, kind: "gl-account" } })).toBe(8);
    expect(await t.db.valueMap.count({ where: { flowId: flowId!, kind: "bank-account" } })).toBe(2);
    expect(await t.db.valueMap.count({ where: { flowId: flowId!, kind: "customer" } })).toBe(0);
    expect(JSON.stringify(flow.target)).not.toContain("qp-secret-value");
    expect(await readConnectionSecrets({ db: t.db, connectionId: flow.targetConnectionId })).toMatchObject({ password: "qp-secret-value" });
  });
});
