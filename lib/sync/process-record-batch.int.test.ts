import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { ingestDocument } from "./ingest-document";
import { createMemoryFlowRow, createMemoryWorld, memoryDocument, registerMemoryFlow } from "./memory-flow.fixture";
import type { RecordsInFlight } from "./pace-records-in-flight";
import { processRecordBatch } from "./process-record-batch";

/*
 * A batch job's records in flight: one at a time, more at once while the worker's pacer has room, on a
 * real Postgres with the memory flow.
 */
describe("processRecordBatch with a pacer", () => {
  let t: TestDb;
  let flow: { id: string; targetConnectionId: string };
  let n = 0;

  const newInvoices = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      n += 1;
      const doc = memoryDocument("invoice", `b${n}`, "2026-11-01T10:00:00.000Z", { number: `BAT-${n}`, lines: [{ key: "Fee", amount: 10 }] });
      ids.push((await t.db.$transaction((tx) => ingestDocument({ tx, flow, document: doc, origin: "poll" }))).recordId);
    }
    return ids;
  };

  /** A pacer with room for `room` records in flight, which tells how many were in flight at most. */
  const fixedPacer = (room: number) => {
    let inFlight = 0;
    let peak = 0;
    const pacer: RecordsInFlight = {
      mayWiden: () => inFlight < room,
      started: () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
      },
      ended: () => {
        inFlight -= 1;
      },
      state: () => ({ inFlight, limit: room }),
    };
    return { pacer, peak: () => peak, inFlight: () => inFlight };
  };

  beforeAll(async () => {
    t = await createTestDb();
    flow = await createMemoryFlowRow(t.db);
    await t.db.valueMap.create({ data: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" } });
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    registerMemoryFlow(createMemoryWorld());
    await t.db.syncCursor.upsert({
      where: { flowId_objectType: { flowId: flow.id, objectType: "invoice" } },
      create: { flowId: flow.id, objectType: "invoice", highWater: new Date("2026-11-01T00:00:00.000Z") },
      update: { highWater: new Date("2026-11-01T00:00:00.000Z") },
    });
  });

  it("posts one record at a time while the pacer has no room", async () => {
    const ids = await newInvoices(4);
    const { pacer, peak, inFlight } = fixedPacer(0);
    const outcomes = await Promise.all(processRecordBatch({ db: t.db, recordIds: ids, attempt: 1, maxAttempts: 8, leaseOwner: "job:test:narrow", inFlight: pacer }));
    expect(outcomes.map((o) => o.status)).toEqual(["posted", "posted", "posted", "posted"]);
    expect({ peak: peak(), left: inFlight() }).toEqual({ peak: 1, left: 0 });
  });

  it("posts as many records at once as the pacer has room for, each exactly once", async () => {
    const ids = await newInvoices(5);
    const { pacer, peak, inFlight } = fixedPacer(3);
    const outcomes = await Promise.all(processRecordBatch({ db: t.db, recordIds: ids, attempt: 1, maxAttempts: 8, leaseOwner: "job:test:wide", inFlight: pacer }));
    expect(outcomes.map((o) => o.status)).toEqual(["posted", "posted", "posted", "posted", "posted"]);
    expect({ peak: peak(), left: inFlight() }).toEqual({ peak: 3, left: 0 });
    const rows = await t.db.syncRecord.findMany({ where: { id: { in: ids } }, select: { status: true, attempts: true, leaseOwner: true } });
    expect(rows).toEqual(ids.map(() => ({ status: "posted", attempts: 1, leaseOwner: null })));
    const posted = await t.db.recordEvent.count({ where: { recordId: { in: ids }, kind: "posted" } });
    expect(posted).toBe(5);
  });
});
