import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { poolOf } from "../db/pool";
import { createMemoryFlowRow, createMemoryWorld, registerMemoryFlow, type MemoryWorld } from "./memory-flow.fixture";
import { warmFlows } from "./warm-flows";

/* A worker's warm-up at start, on a real Postgres with the memory flow (whose runtime counts its warm-ups). */
describe("warmFlows", () => {
  let t: TestDb;
  let world: MemoryWorld;

  beforeAll(async () => {
    t = await createTestDb();
    world = createMemoryWorld();
    registerMemoryFlow(world);
    const on = await t.db.flow.findUniqueOrThrow({ where: { id: (await createMemoryFlowRow(t.db)).id } });
    // a disabled flow is left alone
    await t.db.flow.create({ data: { kind: "memory", name: "off", sourceConnectionId: on.sourceConnectionId, targetConnectionId: on.targetConnectionId, enabled: false } });
  });
  afterAll(() => t.drop());

  it("opens the pool's connections and warms every enabled flow's runtime once", async () => {
    await poolOf(t.db).query("SELECT 1");
    expect(await warmFlows({ db: t.db, connections: 4 })).toMatchObject({ flows: 1, warmed: 1, failed: 0, connections: 4 });
    expect(world.warms).toBe(1);
    expect(poolOf(t.db).totalCount).toBeGreaterThanOrEqual(4);
  });

  it("a flow whose vendors cannot be readied is counted and left to its first job; the warm-up still ends", async () => {
    world.warmFault = Object.assign(new Error("vendor down"), { retryable: true });
    expect(await warmFlows({ db: t.db, connections: 1 })).toMatchObject({ flows: 1, warmed: 0, failed: 1 });
    expect(world.warms).toBe(2);
  });
});
