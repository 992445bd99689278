import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { listMissingMappings } from "../sync/list-missing-mappings";

let t: TestDb;
let flowId = "";
beforeAll(async () => {
  t = await createTestDb();
  const conn = (name: string) => t.db.connection.create({ data: { vendor: "memory", name, baseUrl: "http://127.0.0.1:9", credentials: "x" } });
  const [source, target] = [await conn("Billing"), await conn("Ledger")];
  flowId = (await t.db.flow.create({ data: { kind: "memory", name: "held keys", sourceConnectionId: source.id, targetConnectionId: target.id } })).id;
});
afterAll(() => t?.drop());

// The coverage view reads HeldKey, which triggers keep from SyncRecord.status/missing (migration 20261207200200).
describe("HeldKey follows the held records", () => {
  it("adds a held record's missing keys, follows changes of missing, amount and status, and forgets deleted records", async () => {
    const training = { kind: "gl-account", sourceKey: "Training", label: "charge" };
    const dependency = { kind: "invoice", sourceKey: "INV9", dependency: true };
    const a = await t.db.syncRecord.create({ data: { flowId, objectType: "invoice", sourceId: "a", status: "held", amount: "10.50", currency: "USD", missing: [training, training, dependency] } });
    const b = await t.db.syncRecord.create({ data: { flowId, objectType: "invoice", sourceId: "b", status: "pending", amount: "4.00", currency: "USD" } });
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([{ kind: "gl-account", sourceKey: "Training", label: "charge", records: 1, amountByCurrency: { USD: "10.5000" } }]);

    // b is held on two keys, then a's amount changes
    await t.db.syncRecord.update({ where: { id: b.id }, data: { status: "held", missing: [training, { kind: "customer", sourceKey: "ACME" }] } });
    await t.db.syncRecord.update({ where: { id: a.id }, data: { amount: "1.25" } });
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([
      { kind: "gl-account", sourceKey: "Training", label: "charge", records: 2, amountByCurrency: { USD: "5.2500" } },
      { kind: "customer", sourceKey: "ACME", label: null, records: 1, amountByCurrency: { USD: "4.0000" } },
    ]);

    // a mapping for ACME hides it; a is released (pending, then posted); b is deleted
    await t.db.valueMap.create({ data: { flowId, kind: "customer", sourceKey: "ACME", targetValue: "C1" } });
    await t.db.syncRecord.update({ where: { id: a.id }, data: { status: "pending", missing: undefined } });
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([{ kind: "gl-account", sourceKey: "Training", label: "charge", records: 1, amountByCurrency: { USD: "4.0000" } }]);
    await t.db.syncRecord.update({ where: { id: a.id }, data: { status: "posted" } });
    await t.db.syncRecord.delete({ where: { id: b.id } });
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([]);
    expect(await t.db.heldKey.count()).toBe(0);
  });
});
