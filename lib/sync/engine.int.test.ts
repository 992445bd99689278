import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { drainJobs } from "../../test/drain-jobs";
import { createProcessRecordTask } from "../../jobs/process-record";
import { createProcessRecordsTask } from "../../jobs/process-records";
import { toGraphileTask } from "../../jobs/define-task";
import { ingestDocument, ingestDocuments } from "./ingest-document";
import { registerMemoryFlow, createMemoryFlowRow, createMemoryWorld, memoryDocument, type MemoryWorld } from "./memory-flow.fixture";
import { processRecord } from "./process-record";
import { releaseHeldRecords } from "./release-held-records";


describe("record lifecycle (memory flow, real Postgres and graphile-worker)", () => {
  let t: TestDb;
  let world: MemoryWorld;
  let flow: { id: string; targetConnectionId: string };

  const drain = () =>
    drainJobs(t, {
      "process-record": toGraphileTask(createProcessRecordTask({ getDb: () => t.db })),
      "process-records": toGraphileTask(createProcessRecordsTask({ getDb: () => t.db })),
    });

  const ingest = (doc: ReturnType<typeof memoryDocument>, origin: "poll" | "callout" = "poll") =>
    t.db.$transaction((tx) => ingestDocument({ tx, flow, document: doc, origin }));

  const eventsOf = async (recordId: string) => (await t.db.recordEvent.findMany({ where: { recordId }, orderBy: { id: "asc" } })).map((e) => e.kind);
  const recordOf = (sourceId: string, objectType = "invoice") =>
    t.db.syncRecord.findUniqueOrThrow({ where: { flowId_objectType_sourceId: { flowId: flow.id, objectType, sourceId } } });

  beforeAll(async () => {
    t = await createTestDb();
    flow = await createMemoryFlowRow(t.db);
  });
  afterAll(() => t.drop());
  beforeEach(() => {
    world = createMemoryWorld();
    registerMemoryFlow(world);
  });

  it("posts a record once, however often and in whatever order its versions arrive", async () => {
    await t.db.valueMap.create({ data: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" } });
    const v1 = memoryDocument("invoice", "i1", "2026-11-01T10:00:00.000Z", { number: "INV-1", lines: [{ key: "Fee", amount: 10 }] });
    expect((await ingest(v1)).outcome).toBe("new");
    expect((await ingest(v1, "callout")).outcome).toBe("unchanged");
    const jobs = await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ${`record:${(await recordOf("i1")).id}`}`;
    expect(Number(jobs[0]!.n)).toBe(1);
    await drain();
    const posted = await recordOf("i1");
    expect(posted.status).toBe("posted");
    expect(posted.targetId).toBe("T1");
    expect(world.creates).toBe(1);

    // a later version: noted, never re-posted; an older one arriving late: ignored
    const v2 = memoryDocument("invoice", "i1", "2026-11-02T10:00:00.000Z", { number: "INV-1", lines: [{ key: "Fee", amount: 10 }], balance: 0 });
    expect((await ingest(v2)).outcome).toBe("source-updated");
    expect((await ingest(v1)).outcome).toBe("unchanged");
    expect((await ingest(v2)).outcome).toBe("unchanged");
    await drain();
    expect(world.creates).toBe(1);
    expect(await eventsOf(posted.id)).toEqual(["received", "fetched", "mapped", "attempt", "posted", "source-updated"]);
    const updated = await t.db.recordEvent.findFirstOrThrow({ where: { recordId: posted.id, kind: "source-updated" } });
    expect(updated.detail).toMatchObject({ action: "kept-posted", changes: [{ field: "balance", from: null, to: 0 }] });
  });

  it("holds a record naming each missing key, and releases it when the map is added", async () => {
    await ingest(memoryDocument("invoice", "i2", "2026-11-01T10:00:00.000Z", { number: "INV-2", lines: [{ key: "Seats", amount: 5 }, { key: "Setup", amount: 1 }] }));
    await drain();
    const held = await recordOf("i2");
    expect(held.status).toBe("held");
    expect(held.statusReason).toBe("mapping-missing");
    expect(held.missing).toEqual([
      { kind: "gl-account", sourceKey: "Seats", label: "charge" },
      { kind: "gl-account", sourceKey: "Setup", label: "charge" },
    ]);

    await t.db.valueMap.create({ data: { flowId: flow.id, kind: "gl-account", sourceKey: "Seats", targetValue: "41000" } });
    expect(await releaseHeldRecords({ db: t.db, flowId: flow.id, kind: "gl-account", sourceKey: "Seats" })).toBe(0);
    await t.db.valueMap.create({ data: { flowId: flow.id, kind: "gl-account", sourceKey: "Setup", targetValue: "42000" } });
    expect(await releaseHeldRecords({ db: t.db, flowId: flow.id, kind: "gl-account", sourceKey: "Setup" })).toBe(1);
    await drain();
    expect((await recordOf("i2")).status).toBe("posted");
    expect(world.creates).toBe(1);
    expect(await eventsOf(held.id)).toEqual(["received", "fetched", "held", "released", "mapped", "attempt", "posted"]);
  });

  it("a payment waits for its invoice and is released when the invoice posts", async () => {
    await ingest(memoryDocument("payment", "p3", "2026-11-01T10:00:00.000Z", { number: "PAY-3", invoiceId: "i3", amount: 7 }), "callout");
    await drain();
    const payment = await recordOf("p3", "payment");
    expect(payment.status).toBe("held");
    expect(payment.statusReason).toBe("waiting-for-invoice");

    await t.db.valueMap.upsert({ where: { flowId_kind_sourceKey: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee" } }, create: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" }, update: {} });
    await ingest(memoryDocument("invoice", "i3", "2026-11-01T09:00:00.000Z", { number: "INV-3", lines: [{ key: "Fee", amount: 7 }] }));
    await drain();
    expect((await recordOf("i3")).status).toBe("posted");
    const paid = await recordOf("p3", "payment");
    expect(paid.status).toBe("posted");
    expect(world.target.get("Payment:PAY-3")?.document).toEqual({ number: "PAY-3", appliedTo: "INV-3", amount: 7 });
  });

  it("a crash after the target write is finished by the next attempt without a second document", async () => {
    await t.db.valueMap.upsert({ where: { flowId_kind_sourceKey: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee" } }, create: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" }, update: {} });
    const { recordId } = await ingest(memoryDocument("invoice", "i4", "2026-11-01T10:00:00.000Z", { number: "INV-4", lines: [{ key: "Fee", amount: 3 }] }));
    await expect(
      processRecord({
        db: t.db,
        recordId,
        attempt: 1,
        maxAttempts: 5,
        hooks: {
          afterTargetWrite: () => {
            throw new Error("simulated crash before commit");
          },
        },
      }),
    ).rejects.toThrow(/simulated crash/);
    expect(world.creates).toBe(1);
    const pending = await recordOf("i4");
    expect(pending.status).toBe("pending");
    expect(pending.targetId).toBeNull();

    const outcome = await processRecord({ db: t.db, recordId, attempt: 2, maxAttempts: 5 });
    expect(outcome).toMatchObject({ status: "posted", via: "found-existing" });
    expect(world.creates).toBe(1);
    const events = await t.db.recordEvent.findMany({ where: { recordId }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["received", "fetched", "mapped", "attempt", "mapped", "attempt", "posted"]);
    expect(events[3]!.detail).toMatchObject({ attempt: 1, error: "simulated crash before commit", retryable: true });
    expect(events.at(-1)!.detail).toMatchObject({ via: "found-existing", targetId: "T1" });
  });

  it("fails at once on a non-retryable error, and only on the last attempt for a retryable one", async () => {
    await t.db.valueMap.upsert({ where: { flowId_kind_sourceKey: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee" } }, create: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" }, update: {} });
    const closed = Object.assign(new Error("Date: The financial period 11-2026 is closed."), { retryable: false, status: 422 });
    const { recordId: a } = await ingest(memoryDocument("invoice", "i5", "2026-11-01T10:00:00.000Z", { number: "INV-5", lines: [{ key: "Fee", amount: 3 }] }));
    world.writeFaults.push(closed);
    expect(await processRecord({ db: t.db, recordId: a, attempt: 1, maxAttempts: 8 })).toMatchObject({ status: "failed", retryable: false });
    const failed = await recordOf("i5");
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toBe("Date: The financial period 11-2026 is closed.");
    expect(failed.statusReason).toBe("target-rejected");

    const busy = Object.assign(new Error("Acumatica answered 429"), { retryable: true, status: 429 });
    const { recordId: b } = await ingest(memoryDocument("invoice", "i6", "2026-11-01T10:00:00.000Z", { number: "INV-6", lines: [{ key: "Fee", amount: 3 }] }));
    world.writeFaults.push(busy, busy);
    await expect(processRecord({ db: t.db, recordId: b, attempt: 1, maxAttempts: 2 })).rejects.toThrow(/429/);
    expect((await recordOf("i6")).status).toBe("pending");
    expect(await processRecord({ db: t.db, recordId: b, attempt: 2, maxAttempts: 2 })).toMatchObject({ status: "failed", retryable: true });
    const exhausted = await recordOf("i6");
    expect(exhausted).toMatchObject({ status: "failed", statusReason: "retries-exhausted", attempts: 2 });
    expect(world.creates).toBe(0);
  });

  it("a batch job posts its records; an entry that fails retryably continues as the record's own job, counting its attempts to the last", async () => {
    await t.db.valueMap.upsert({ where: { flowId_kind_sourceKey: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee" } }, create: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" }, update: {} });
    const docs = ["b1", "b2", "b3"].map((id) => memoryDocument("invoice", id, "2026-11-01T10:00:00.000Z", { number: `INV-${id}`, lines: [{ key: "Fee", amount: 3 }] }));
    const ids = (await t.db.$transaction((tx) => ingestDocuments({ tx, flow, documents: docs, origin: "poll", batched: true }))).map((r) => r.recordId);
    const batches = await t.db.$queryRaw<{ payload: { recordId: string }[]; max_attempts: number }[]>`
      SELECT j.payload, j.max_attempts FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = 'process-records'`;
    expect(batches.flatMap((b) => b.payload.map((e) => e.recordId)).sort()).toEqual([...ids].sort());
    expect(batches.every((b) => b.max_attempts === 8)).toBe(true);

    // the first write of the batch is refused with a 503: that record goes on alone, the others post
    const busy = Object.assign(new Error("Acumatica answered 503"), { retryable: true, status: 503 });
    world.writeFaults.push(busy);
    await drain();
    const states = await Promise.all(["b1", "b2", "b3"].map((id) => recordOf(id)));
    const retrying = states.filter((r) => r.status === "pending");
    expect(retrying).toHaveLength(1);
    expect(states.filter((r) => r.status === "posted")).toHaveLength(2);
    const [own] = await t.db.$queryRaw<{ payload: unknown; max_attempts: number; attempts: number; later: boolean }[]>`
      SELECT j.payload, j.max_attempts, j.attempts, j.run_at > now() AS later FROM graphile_worker._private_jobs j WHERE j.key = ${`record:${retrying[0]!.id}`}`;
    expect(own).toEqual({ payload: { recordId: retrying[0]!.id, attemptsBefore: 1 }, max_attempts: 7, attempts: 0, later: true });
    expect(await t.db.$queryRaw`SELECT 1 FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = 'process-records'`).toEqual([]);

    // its own job's attempts continue the count: attempt 8 of 8 (the job's 7th) fails the record
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = 6, run_at = now() WHERE key = ${`record:${retrying[0]!.id}`}`;
    world.writeFaults.push(busy);
    await drain();
    expect(await recordOf(retrying[0]!.sourceId)).toMatchObject({ status: "failed", statusReason: "retries-exhausted" });
    const attempts = await t.db.recordEvent.findMany({ where: { recordId: retrying[0]!.id, kind: "attempt" }, orderBy: { id: "asc" } });
    expect(attempts.map((e) => (e.detail as { retryable?: boolean }).retryable)).toEqual([true, true]);
    expect(world.creates).toBe(2);
  });

  it("moves a flow's value map version on every statement that writes its maps, and a flow with maps can still be deleted", async () => {
    const version = async (flowId: string) => (await t.db.valueMapVersion.findUnique({ where: { flowId } }))?.version ?? null;
    const other = await t.db.flow.create({ data: { kind: "memory", name: "versioned", sourceConnectionId: (await t.db.flow.findUniqueOrThrow({ where: { id: flow.id } })).sourceConnectionId, targetConnectionId: flow.targetConnectionId } });
    expect(await version(other.id)).toBeNull();
    await t.db.valueMap.createMany({ data: [{ flowId: other.id, kind: "gl-account", sourceKey: "A", targetValue: "1" }, { flowId: other.id, kind: "gl-account", sourceKey: "B", targetValue: "2" }] });
    expect(await version(other.id)).toBe(1n);
    await t.db.valueMap.updateMany({ where: { flowId: other.id, sourceKey: "A" }, data: { targetValue: "3" } });
    expect(await version(other.id)).toBe(2n);
    // a statement that changes nothing leaves it
    await t.db.valueMap.updateMany({ where: { flowId: other.id, sourceKey: "none" }, data: { targetValue: "3" } });
    expect(await version(other.id)).toBe(2n);
    await t.db.valueMap.deleteMany({ where: { flowId: other.id, sourceKey: "B" } });
    expect(await version(other.id)).toBe(3n);
    const before = await version(flow.id);
    await t.db.flow.delete({ where: { id: other.id } });
    expect(await t.db.valueMap.count({ where: { flowId: other.id } })).toBe(0);
    expect(await version(flow.id)).toBe(before);
  });

  it("a malformed source payload fails the record with a clear error instead of crashing", async () => {
    const { recordId } = await ingest(memoryDocument("invoice", "i7", "2026-11-01T10:00:00.000Z", { number: "INV-7", lines: "oops" }));
    expect(await processRecord({ db: t.db, recordId })).toMatchObject({ status: "failed", retryable: false });
    expect((await recordOf("i7")).lastError).toMatch(/^Unexpected data: lines/);
  });
  it("maps with the value maps as they are now: a changed or deleted map is seen by the next record", async () => {
    const map = await t.db.valueMap.upsert({
      where: { flowId_kind_sourceKey: { flowId: flow.id, kind: "gl-account", sourceKey: "Seats" } },
      create: { flowId: flow.id, kind: "gl-account", sourceKey: "Seats", targetValue: "41000" },
      update: { targetValue: "41000" },
    });
    const post = async (sourceId: string) => {
      await ingest(memoryDocument("invoice", sourceId, "2026-11-05T10:00:00.000Z", { number: `INV-${sourceId}`, lines: [{ key: "Seats", amount: 1 }] }));
      return processRecord({ db: t.db, recordId: (await recordOf(sourceId)).id });
    };
    expect(await post("vm1")).toMatchObject({ status: "posted" });
    expect(world.target.get("Invoice:INV-vm1")?.document).toMatchObject({ lines: [{ account: "41000" }] });

    await t.db.valueMap.update({ where: { id: map.id }, data: { targetValue: "42000" } });
    expect(await post("vm2")).toMatchObject({ status: "posted" });
    expect(world.target.get("Invoice:INV-vm2")?.document).toMatchObject({ lines: [{ account: "42000" }] });

    await t.db.valueMap.delete({ where: { id: map.id } });
    expect(await post("vm3")).toMatchObject({ status: "held" });
  });
});
