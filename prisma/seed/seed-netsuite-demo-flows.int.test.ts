import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConnectionSecrets } from "../../lib/connections/read-connection-secrets";
import { createTestDb, type TestDb } from "../../test/db";
import { seedNetsuiteDemoFlows } from "./seed-netsuite-demo-flows";

const sandbox = {
  zuora: { baseUrl: "http://127.0.0.1:4010/zuora", clientId: "zc", clientSecret: "zs-secret-value" },
  netsuite: { baseUrl: "http://127.0.0.1:4010/netsuite/1234567-sb1", accountId: "1234567_SB1", clientId: "nc", certificateId: "cert-1", privateKeyPem: "-----BEGIN PRIVATE KEY-----\nns-private-key-value\n-----END PRIVATE KEY-----" },
};

describe("seedNetsuiteDemoFlows", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it("creates both connections with encrypted secrets, the two partner flows and partial item maps, once", async () => {
    const flows = await seedNetsuiteDemoFlows({ db: t.db, sandbox });
    expect(flows).not.toBeNull();
    expect(await seedNetsuiteDemoFlows({ db: t.db, sandbox })).toBeNull();
    const invoices = await t.db.flow.findUniqueOrThrow({ where: { id: flows!.invoices } });
    const subscriptions = await t.db.flow.findUniqueOrThrow({ where: { id: flows!.subscriptions } });
    expect(invoices).toMatchObject({ kind: "netsuite-zuora", enabled: true, schedule: "*/5 * * * *" });
    // Partners: the same two connections, the other way round.
    expect(subscriptions).toMatchObject({ kind: "zuora-netsuite-subscriptions", sourceConnectionId: invoices.targetConnectionId, targetConnectionId: invoices.sourceConnectionId });
    expect(await t.db.valueMap.count({ where: { flowId: invoices.id, kind: "item-charge" } })).toBe(5);
    expect(await t.db.valueMap.count({ where: { flowId: invoices.id, sourceKey: "NW-TRN" } })).toBe(0);
    const conns = await t.db.connection.findMany();
    expect(JSON.stringify(conns)).not.toContain("ns-private-key-value");
    expect(await readConnectionSecrets({ db: t.db, connectionId: invoices.sourceConnectionId })).toMatchObject({ privateKey: sandbox.netsuite.privateKeyPem });
  });
});
