import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/test/db";
import { getDashboardAttention } from "../dashboard/get-dashboard-attention";
import { listRetryingRecords } from "../dashboard/list-retrying-records";
import { enqueueRecord } from "../sync/enqueue-record";
import { getConnectionHealth } from "./get-connection-health";

let t: TestDb;
let flowId = "";
let sourceId = "";
let targetId = "";
let seq = 0;

beforeAll(async () => {
  t = await createTestDb();
  const conn = (name: string) => t.db.connection.create({ data: { vendor: "memory", name, baseUrl: "http://127.0.0.1:9", credentials: "x" } });
  sourceId = (await conn("Billing")).id;
  targetId = (await conn("Ledger")).id;
  flowId = (await t.db.flow.create({ data: { kind: "memory", name: "Billing → Ledger", sourceConnectionId: sourceId, targetConnectionId: targetId, enabled: true } })).id;
});
beforeEach(async () => {
  await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
  await t.db.syncRecord.deleteMany();
  await t.db.flowRun.deleteMany();
  await t.db.connection.updateMany({ data: { lastTestAt: null, lastTestResult: undefined } });
});
afterAll(() => t?.drop());

const ago = (s: number) => new Date(Date.now() - s * 1000);

/** A posted record (the target accepted it `secondsAgo`). */
const posted = (secondsAgo: number) =>
  t.db.syncRecord.create({ data: { flowId, objectType: "invoice", sourceId: `p${++seq}`, status: "posted", postedAt: ago(secondsAgo), updatedAt: ago(secondsAgo) } });

/** A record whose attempt failed `secondsAgo` with a retryable error; its job failed `attempts` times and runs again `retryIn` s from now. */
const retrying = async (secondsAgo: number, { attempts = 1, retryIn = 30, error = "Ledger (HTTP 503): Service Unavailable" } = {}) => {
  const r = await t.db.syncRecord.create({
    data: { flowId, objectType: "invoice", sourceId: `r${++seq}`, naturalKey: `INV${seq}`, status: "pending", attempts, lastError: error, updatedAt: ago(secondsAgo) },
  });
  await t.db.$transaction((tx) => enqueueRecord(tx, { recordId: r.id }));
  await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = ${attempts}, last_error = ${error}, run_at = ${new Date(Date.now() + retryIn * 1000)} WHERE key = ${`record:${r.id}`}`;
  return r;
};

describe("getConnectionHealth", () => {
  it("calls nothing failing while the target accepts documents", async () => {
    await posted(5);
    expect(await getConnectionHealth({ db: t.db })).toEqual([]);
  });

  it("reports the target failing after a failed attempt since its last post, with the retries and the soonest next attempt", async () => {
    await posted(120);
    await retrying(4, { retryIn: 20 });
    expect(await getConnectionHealth({ db: t.db })).toEqual([expect.objectContaining({ name: "Ledger", role: "target", retrying: 1 })]);
    await t.db.syncRecord.create({ data: { flowId, objectType: "invoice", sourceId: "refused", status: "failed", statusReason: "target-rejected", lastError: "Ledger (HTTP 422): inactive account" } });
    await retrying(2, { retryIn: 8, error: "Ledger (HTTP 503): down for maintenance" });
    const [failing, ...others] = await getConnectionHealth({ db: t.db });
    expect(others).toEqual([]);
    expect(failing).toMatchObject({
      connectionId: targetId,
      name: "Ledger",
      role: "target",
      reason: "calls-failing",
      lastError: "Ledger (HTTP 503): down for maintenance",
      retrying: 2,
      flows: [{ id: flowId, name: "Billing → Ledger" }],
    });
    expect(Date.parse(failing!.nextAttemptAt!)).toBeGreaterThan(Date.now());
    expect(Date.parse(failing!.nextAttemptAt!)).toBeLessThan(Date.now() + 10_000);
    expect(Date.parse(failing!.lastSuccessAt!)).toBeCloseTo(ago(120).getTime(), -4);

    // a record posted after the failures: the target works again
    await posted(1);
    expect(await getConnectionHealth({ db: t.db })).toEqual([]);
  });

  it("does not count a replayed record (queued again, its job never failed) as a new failure", async () => {
    for (const n of [1, 2, 3]) {
      const r = await t.db.syncRecord.create({ data: { flowId, objectType: "invoice", sourceId: `replayed${n}`, status: "pending", attempts: 8, lastError: "old error", updatedAt: ago(1) } });
      await t.db.$transaction((tx) => enqueueRecord(tx, { recordId: r.id }));
    }
    expect(await getConnectionHealth({ db: t.db })).toEqual([]);
  });

  it("clears on a passing Test after the failures, and reports a failing Test when nothing worked since", async () => {
    await retrying(30, { attempts: 3 });
    expect(await getConnectionHealth({ db: t.db })).toHaveLength(1);
    await t.db.connection.update({ where: { id: targetId }, data: { lastTestAt: ago(1), lastTestResult: { ok: true, steps: [{ step: "auth", ok: true, message: "signed in" }] } } });
    expect(await getConnectionHealth({ db: t.db })).toEqual([]);

    await t.db.syncRecord.deleteMany();
    await t.db.connection.update({ where: { id: sourceId }, data: { lastTestAt: ago(1), lastTestResult: { ok: false, steps: [{ step: "auth", ok: false, message: "invalid client" }] } } });
    expect(await getConnectionHealth({ db: t.db })).toEqual([expect.objectContaining({ name: "Billing", role: "source", reason: "test-failed", lastError: "invalid client" })]);
  });

  it("reports the source failing while a poll run retries after an error", async () => {
    const finished = await t.db.flowRun.create({ data: { flowId, objectType: "invoice", trigger: "manual", status: "succeeded", startedAt: ago(600), finishedAt: ago(590) } });
    await t.db.flowRun.create({ data: { flowId, objectType: "invoice", trigger: "schedule", status: "running", startedAt: ago(60), error: "Billing (HTTP 503): unavailable" } });
    expect(await getConnectionHealth({ db: t.db })).toEqual([
      expect.objectContaining({ name: "Billing", role: "source", reason: "calls-failing", lastError: "Billing (HTTP 503): unavailable", lastSuccessAt: finished.finishedAt!.toISOString() }),
    ]);
  });
});

describe("getConnectionHealth: poll errors", () => {
  it("blames the target for a poll that failed signing in to it (the error carries the target's vendor id)", async () => {
    const other = await t.db.connection.create({ data: { vendor: "other-vendor", name: "Other ledger", baseUrl: "http://127.0.0.1:9", credentials: "x" } });
    const flow = await t.db.flow.create({ data: { kind: "memory", name: "Billing → Other ledger", sourceConnectionId: sourceId, targetConnectionId: other.id, enabled: true } });
    try {
      await t.db.flowRun.create({ data: { flowId: flow.id, objectType: "invoice", trigger: "manual", status: "running", startedAt: ago(30), error: "[other-vendor] POST /identity/connect/token: 503 Service Unavailable" } });
      expect(await getConnectionHealth({ db: t.db })).toEqual([
        expect.objectContaining({ name: "Other ledger", role: "target", reason: "calls-failing", lastError: "[other-vendor] POST /identity/connect/token: 503 Service Unavailable" }),
      ]);
    } finally {
      await t.db.flowRun.deleteMany({ where: { flowId: flow.id } });
      await t.db.flow.delete({ where: { id: flow.id } });
    }
  });
});

describe("listRetryingRecords", () => {
  it("lists the flow's records waiting for another attempt, newest failure first, with the queue's next attempt time", async () => {
    const older = await retrying(20, { attempts: 2, retryIn: 40 });
    const newer = await retrying(3, { attempts: 1, retryIn: 5 });
    await t.db.syncRecord.create({ data: { flowId, objectType: "invoice", sourceId: "f1", status: "failed", statusReason: "retries-exhausted", lastError: "gave up", attempts: 8 } });
    const list = await listRetryingRecords({ db: t.db, flowId });
    expect(list.total).toBe(2);
    expect(list.isCapped).toBe(false);
    expect(list.items.map((r) => [r.id, r.attempts, r.maxAttempts, r.isRunning])).toEqual([
      [newer.id, 1, 8, false],
      [older.id, 2, 8, false],
    ]);
    const next = Date.parse(list.items[0]!.nextAttemptAt!);
    expect(next).toBeGreaterThan(Date.now());
    expect(next).toBeLessThanOrEqual(Date.now() + 5000);

    const attention = await getDashboardAttention({ db: t.db, flowId });
    expect(attention.retrying?.total).toBe(2);
    expect(attention.connections).toEqual([expect.objectContaining({ name: "Ledger", retrying: 2 })]);
  });
});
