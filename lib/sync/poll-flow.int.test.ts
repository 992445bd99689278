import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { drainJobs } from "../../test/drain-jobs";
import { toGraphileTask } from "../../jobs/define-task";
import { createPollDueFlowsTask } from "../../jobs/poll-due-flows";
import { createPollFlowTask } from "../../jobs/poll-flow";
import { createProcessRecordTask } from "../../jobs/process-record";
import { createProcessRecordsTask } from "../../jobs/process-records";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createFlow } from "../../test/e2e-sync/harness";
import { createConnection } from "../connections/create-connection";
import { registerMemoryFlow, createMemoryWorld, memoryDocument, type MemoryWorld } from "./memory-flow.fixture";
import { isScheduleDue, pollDueFlows } from "./poll-due-flows";
import { enqueueJob } from "./enqueue-job";
import { pollFlowJob } from "./job-specs";
import { pollFlow } from "./poll-flow";
import { syncFlowNow } from "./sync-flow-now";

const T0 = Date.parse("2026-11-20T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const invoice = (id: string, seconds: number, extra: Record<string, unknown> = {}) =>
  memoryDocument("invoice", id, at(seconds), { number: `INV-${id}`, lines: [{ key: "Fee", amount: 1 }], ...extra });

describe("polling (memory flow, real Postgres and graphile-worker)", () => {
  let t: TestDb;
  let world: MemoryWorld;
  let flowId: string;

  const taskList = () => ({
    "process-record": toGraphileTask(createProcessRecordTask({ getDb: () => t.db })),
    "process-records": toGraphileTask(createProcessRecordsTask({ getDb: () => t.db })),
    "poll-flow": toGraphileTask(createPollFlowTask({ getDb: () => t.db })),
    "poll-due-flows": toGraphileTask(createPollDueFlowsTask({ getDb: () => t.db })),
  });
  const drain = () => drainJobs(t, taskList());
  const put = (doc: ReturnType<typeof invoice>) => world.source.set(`${doc.objectType}:${doc.sourceId}`, doc);

  beforeAll(async () => {
    t = await createTestDb();
    world = createMemoryWorld();
    registerMemoryFlow(world);
    const source = await createConnection({ db: t.db, input: { vendor: "zuora", name: "src", baseUrl: "https://src.example.com", secrets: { x: "1" } } });
    const target = await createConnection({ db: t.db, input: { vendor: "acumatica", name: "tgt", baseUrl: "https://tgt.example.com", secrets: { x: "1" } } });
    const flow = await t.db.flow.create({
      data: { kind: "memory", name: "memory", sourceConnectionId: source.id, targetConnectionId: target.id, enabled: true, schedule: "*/5 * * * *", backfillFrom: new Date(T0 - 3600_000) },
    });
    flowId = flow.id;
    await t.db.valueMap.create({ data: { flowId, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" } });
  });
  afterAll(() => t.drop());

  it("misses and doubles nothing while the source changes between pages", async () => {
    for (let i = 1; i <= 7; i++) put(invoice(`d${i}`, i));
    // Tie: two more documents share d4's timestamp.
    put(invoice("d4b", 4));
    put(invoice("d4c", 4));
    world.onList = (call) => {
      if (call === 1) {
        put(invoice("d1", 100, { note: "changed during paging" })); // moves to the end of the listing
        put(invoice("late", 3)); // committed late with an older timestamp, behind the first page
      }
      if (call === 3) put(invoice("d9", 50));
    };

    const first = await pollFlow({ db: t.db, flowId, objectType: "invoice" });
    expect(first.status).toBe("continued");
    const cursorMid = await t.db.syncCursor.findUniqueOrThrow({ where: { flowId_objectType: { flowId, objectType: "invoice" } } });
    expect(cursorMid.highWater).toBeNull(); // moves only when a run completes
    expect(cursorMid.state).toMatchObject({ pageCursor: null });
    // the continuation job was queued in the last page's transaction; the worker runs it and the records
    await drain();
    world.onList = undefined;

    const records = await t.db.syncRecord.findMany({ where: { flowId, objectType: "invoice" } });
    const expected = ["d1", "d2", "d3", "d4", "d4b", "d4c", "d5", "d6", "d7", "late", "d9"];
    expect(records.map((r) => r.sourceId).sort()).toEqual([...expected].sort());
    expect(records.filter((r) => r.status !== "posted").map((r) => [r.sourceId, r.status, r.lastError])).toEqual([]);
    expect(world.creates).toBe(expected.length);
    expect(new Set([...world.target.values()].map((d) => d.naturalKey)).size).toBe(expected.length);

    const cursor = await t.db.syncCursor.findUniqueOrThrow({ where: { flowId_objectType: { flowId, objectType: "invoice" } } });
    expect(cursor.highWater?.toISOString()).toBe(at(100));
    expect(cursor.state).toBeNull();
    const run = await t.db.flowRun.findFirstOrThrow({ where: { flowId, objectType: "invoice" }, orderBy: { startedAt: "desc" } });
    expect(run).toMatchObject({ status: "succeeded", created: expected.length });
    expect(run.finishedAt).not.toBeNull();
  });

  it("re-reads the overlap window without fetching or posting again, and catches a late commit inside it", async () => {
    const fetchesBefore = world.fetches;
    const quietRun = await pollFlow({ db: t.db, flowId, objectType: "invoice" });
    expect(quietRun).toMatchObject({ status: "done", created: 0, updated: 0 });
    expect(world.fetches).toBe(fetchesBefore);

    put(invoice("late2", 90)); // older than the high-water mark (100 s) but inside the 60 s overlap
    const next = await pollFlow({ db: t.db, flowId, objectType: "invoice" });
    expect(next).toMatchObject({ status: "done", created: 1 });
    await drain();
    expect((await t.db.syncRecord.findFirstOrThrow({ where: { flowId, sourceId: "late2" } })).status).toBe("posted");
    expect(world.creates).toBe(12);
  });

  it("catches a change made within the same second as the stamp it already read, and stops re-reading that stamp once it is settled", async () => {
    // the source stamps to the second, as the vendors do: both versions carry this second's stamp
    const second = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000).toISOString();
    const version = (amount: number) => memoryDocument("invoice", "same-second", second, { number: "INV-same-second", lines: [{ key: "Fee", amount }] });
    const events = async () => t.db.recordEvent.findMany({ where: { record: { flowId, sourceId: "same-second" } }, orderBy: { id: "asc" } });
    const poll = async () => {
      await pollFlow({ db: t.db, flowId, objectType: "invoice" });
      await drain(); // the run's continuation pages and the records
    };
    const cursorWhere = { flowId_objectType: { flowId, objectType: "invoice" } };
    const { highWater } = await t.db.syncCursor.findUniqueOrThrow({ where: cursorWhere });
    put(version(1));
    await poll();
    expect(await t.db.syncRecord.findFirstOrThrow({ where: { flowId, sourceId: "same-second" } })).toMatchObject({ status: "posted" });
    put(version(2));
    await poll();
    const noted = await events();
    expect(noted.at(-1)!.detail).toMatchObject({ action: "kept-posted", changes: [{ field: "lines", from: "(changed)", to: "(changed)" }] });

    // re-read while recent (fetched, compared, not noted again) ...
    const fetches = world.fetches;
    await poll();
    expect(world.fetches).toBe(fetches + 1);
    expect(await events()).toHaveLength(noted.length);
    // ... and not once a run started past the stamp by more than the overlap: no change can carry it any more
    await t.db.flowRun.updateMany({ where: { flowId, objectType: "invoice" }, data: { startedAt: new Date(Date.parse(second) + 62_000) } });
    await poll();
    expect(world.fetches).toBe(fetches + 1);
    // the tests after this one poll from where the earlier ones left the high-water mark
    world.source.delete("invoice:same-second");
    await t.db.syncCursor.update({ where: cursorWhere, data: { highWater } });
  });

  it("schedules polls by each flow's cron and lets an admin sync now", async () => {
    expect(isScheduleDue("*/5 * * * *", new Date("2026-11-20T10:05:00Z"))).toBe(true);
    expect(isScheduleDue("*/5 * * * *", new Date("2026-11-20T10:06:00Z"))).toBe(false);
    expect(isScheduleDue("not a cron", new Date())).toBe(false);

    expect((await pollDueFlows({ db: t.db, at: new Date("2026-11-20T10:06:00Z") })).due).toEqual([]);
    expect((await pollDueFlows({ db: t.db, at: new Date("2026-11-20T10:10:00Z") })).due).toEqual([flowId]);
    // a second sweep while the polls still wait does not queue them twice
    await pollDueFlows({ db: t.db, at: new Date("2026-11-20T10:15:00Z") });
    const jobs = await t.db.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'poll-flow' ORDER BY key`;
    expect(jobs.map((j) => j.key)).toEqual([`poll:${flowId}:invoice`, `poll:${flowId}:payment`]);

    put(invoice("d10", 200));
    expect(await syncFlowNow({ db: t.db, flowId })).toEqual({ status: "queued", objectTypes: ["invoice", "payment"] });
    await drain();
    expect((await t.db.syncRecord.findFirstOrThrow({ where: { flowId, sourceId: "d10" } })).status).toBe("posted");

    await t.db.flow.update({ where: { id: flowId }, data: { enabled: false } });
    expect(await syncFlowNow({ db: t.db, flowId })).toEqual({ status: "disabled" });
    expect(await pollFlow({ db: t.db, flowId, objectType: "invoice" })).toEqual({ status: "disabled" });
    await t.db.flow.update({ where: { id: flowId }, data: { enabled: true } });
  });

  it("polls a flow that never ran at the next sweep, not at its schedule's next slot", async () => {
    const old = await t.db.flow.findUniqueOrThrow({ where: { id: flowId } });
    const fresh = await t.db.flow.create({
      data: { kind: "memory", name: "fresh", sourceConnectionId: old.sourceConnectionId, targetConnectionId: old.targetConnectionId, enabled: true, schedule: "0 3 * * *" },
    });
    expect((await pollDueFlows({ db: t.db, at: new Date("2026-11-20T10:06:00Z") })).due).toEqual([fresh.id]);
    await drain();
    expect(await t.db.syncCursor.count({ where: { flowId: fresh.id } })).toBe(2);
    expect((await pollDueFlows({ db: t.db, at: new Date("2026-11-20T10:07:00Z") })).due).toEqual([]);
    await t.db.flow.delete({ where: { id: fresh.id } });
  });

  it("lists payments only after their invoices: a payment poll waits while the invoice poll is mid-run, unless that poll's job is dead", async () => {
    const old = await t.db.flow.findUniqueOrThrow({ where: { id: flowId } });
    const ordered = await t.db.flow.create({
      data: { kind: "memory", name: "ordered", sourceConnectionId: old.sourceConnectionId, targetConnectionId: old.targetConnectionId, enabled: true, backfillFrom: new Date(T0 - 3600_000) },
    });
    for (let i = 1; i <= 6; i++) {
      put(invoice(`o${i}`, 1000 + i));
      put(memoryDocument("payment", `op${i}`, at(1000 + i), { number: `PAY-o${i}`, invoiceId: `o${i}`, amount: 1 }));
    }
    const paymentJob = () => t.db.$queryRaw<{ run_at: Date }[]>`SELECT run_at FROM graphile_worker.jobs WHERE key = ${`poll:${ordered.id}:payment`}`;

    // the invoice poll is queued but has not started (no cursor yet, as in a first backfill while it waits for an earlier type): the payment poll waits too
    await enqueueJob(t.db, pollFlowJob, { flowId: ordered.id, objectType: "invoice", trigger: "manual" }, { jobKey: `poll:${ordered.id}:invoice`, queueName: `poll:${ordered.id}` });
    const notStarted = world.listCalls;
    expect(await pollFlow({ db: t.db, flowId: ordered.id, objectType: "payment" })).toEqual({ status: "waiting", for: "invoice" });
    expect(world.listCalls).toBe(notStarted);
    expect(await t.db.syncCursor.findUnique({ where: { flowId_objectType: { flowId: ordered.id, objectType: "invoice" } } })).toBeNull();

    // the invoice run lists 2 pages of 2 and queues its continuation: it is mid-run
    expect(await pollFlow({ db: t.db, flowId: ordered.id, objectType: "invoice" })).toMatchObject({ status: "continued" });
    const listCalls = world.listCalls;
    const waitedAt = Date.now();
    expect(await pollFlow({ db: t.db, flowId: ordered.id, objectType: "payment" })).toEqual({ status: "waiting", for: "invoice" });
    expect(world.listCalls).toBe(listCalls); // nothing listed
    const [queued] = await paymentJob();
    expect(queued!.run_at.getTime()).toBeGreaterThan(waitedAt); // queued again, to look after the invoice poll had its turn

    // the invoice poll's job dies (attempts used up): the run stays mid-run, but nothing waits for a dead job
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = max_attempts WHERE key = ${`poll:${ordered.id}:invoice`}`;
    expect(await pollFlow({ db: t.db, flowId: ordered.id, objectType: "payment" })).toMatchObject({ status: "continued" });
    expect(world.listCalls).toBeGreaterThan(listCalls);

    // out of the other tests' way (records and their trails stay: the audit trail is append-only)
    await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs
      WHERE key LIKE ${`poll:${ordered.id}:%`} OR key IN (SELECT 'record:' || id FROM "SyncRecord" WHERE "flowId" = ${ordered.id}::uuid)`;
    await t.db.flow.update({ where: { id: ordered.id }, data: { enabled: false } });
    for (let i = 1; i <= 6; i++) {
      world.source.delete(`invoice:o${i}`);
      world.source.delete(`payment:op${i}`);
    }
  });

  it("wakes a payment poll waiting on the invoice poll when that run finishes, though its job is still returning", async () => {
    const old = await t.db.flow.findUniqueOrThrow({ where: { id: flowId } });
    const woken = await t.db.flow.create({
      data: { kind: "memory", name: "woken", sourceConnectionId: old.sourceConnectionId, targetConnectionId: old.targetConnectionId, enabled: true, backfillFrom: new Date(at(2000)) },
    });
    put(invoice("w1", 2001));
    put(memoryDocument("payment", "wp1", at(2001), { number: "PAY-w1", invoiceId: "w1", amount: 1 }));
    const job = async (type: string) =>
      (await t.db.$queryRaw<{ run_at: Date; locked: boolean }[]>`SELECT run_at, locked_at IS NOT NULL AS locked FROM graphile_worker.jobs WHERE key = ${`poll:${woken.id}:${type}`}`)[0];

    // the invoice poll's job is running (locked by a worker): the payment poll waits and looks again later
    await enqueueJob(t.db, pollFlowJob, { flowId: woken.id, objectType: "invoice", trigger: "manual" }, { jobKey: `poll:${woken.id}:invoice`, queueName: `poll:${woken.id}` });
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'test-worker' WHERE key = ${`poll:${woken.id}:invoice`}`;
    expect(await pollFlow({ db: t.db, flowId: woken.id, objectType: "payment" })).toEqual({ status: "waiting", for: "invoice" });
    const waiting = await job("payment");
    expect(waiting!.run_at.getTime()).toBeGreaterThan(Date.now());

    // the invoice run reads its last page (its job still locked, as while it returns): the payment poll is due now, and lists
    expect(await pollFlow({ db: t.db, flowId: woken.id, objectType: "invoice" })).toMatchObject({ status: "done", created: 1 });
    expect((await job("payment"))!.run_at.getTime()).toBeLessThan(waiting!.run_at.getTime());
    expect((await job("payment"))!.run_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await job("invoice"))!.locked).toBe(true);
    expect(await pollFlow({ db: t.db, flowId: woken.id, objectType: "payment" })).toMatchObject({ status: "done", created: 1 });

    await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs
      WHERE key LIKE ${`poll:${woken.id}:%`} OR key IN (SELECT 'record:' || id FROM "SyncRecord" WHERE "flowId" = ${woken.id}::uuid)`;
    await t.db.flow.update({ where: { id: woken.id }, data: { enabled: false } });
    world.source.delete("invoice:w1");
    world.source.delete("payment:wp1");
  });
});

describe("polling Zuora (sandbox over HTTP): a listing that carries its documents", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let flowId: string;
  const zuoraRequests = async () => (await sandbox.control.zuora.stats()).requests!;
  const lastRun = (objectType: string) => t.db.flowRun.findFirstOrThrow({ where: { flowId, objectType }, orderBy: { startedAt: "desc" } });

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 6 } })]);
    await sandbox.control.zuora.billRun({ invoices: 24, electronicPaymentRate: 0.5, externalPaymentRate: 0.3, creditMemoRate: 0.25, seed: 3 });
    ({ flowId } = await createFlow({ t, sandbox, settings: { pollPageSize: 7 } }));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  it("ingests invoices and payments with one listing call per page (plus products once, applications per page) and no fetch; credit memos with one call each", async () => {
    for (const objectType of ["invoice", "payment"]) {
      const before = await zuoraRequests();
      expect(await pollFlow({ db: t.db, flowId, objectType })).toMatchObject({ status: "done" });
      const run = await lastRun(objectType);
      const expected = objectType === "invoice" ? run.pages + 1 : run.pages * 2;
      expect(await zuoraRequests(), objectType).toBe(before + expected);
    }
    const beforeMemos = await zuoraRequests();
    expect(await pollFlow({ db: t.db, flowId, objectType: "credit-memo" })).toMatchObject({ status: "done" });
    const memoRun = await lastRun("credit-memo");
    expect(memoRun.created).toBeGreaterThan(1);
    // each page: the listing and the credited invoices' items; products once; each memo: its own items
    expect(await zuoraRequests()).toBeLessThanOrEqual(beforeMemos + 2 * memoRun.pages + 1 + memoRun.created);
    const records = await t.db.syncRecord.findMany({ where: { flowId }, include: { events: { orderBy: { id: "asc" } } } });
    const invoices = records.filter((r) => r.objectType === "invoice");
    expect(invoices).toHaveLength(24);
    expect(records.filter((r) => r.objectType === "payment").length).toBeGreaterThan(0);
    expect(records.filter((r) => r.objectType === "credit-memo").length).toBeGreaterThan(1);
    for (const r of records) {
      expect(r.status).toBe("pending");
      expect(r.events.map((e) => e.kind)).toEqual(["received", "fetched"]);
    }
    for (const r of invoices) {
      const payload = r.sourcePayload as { invoiceNumber: string; amount: number; currency: string; invoiceDate: string; lines: unknown[] };
      expect(payload.lines.length).toBeGreaterThan(0);
      expect([r.naturalKey, Number(r.amount), r.currency, r.documentDate?.toISOString().slice(0, 10)]).toEqual([payload.invoiceNumber, payload.amount, payload.currency, payload.invoiceDate]);
    }
    // every record in exactly one process-records batch job, a page's records spread over several jobs
    const jobs = await t.db.$queryRaw<{ payload: { recordId: string }[] }[]>`
      SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = 'process-records'`;
    expect(jobs.flatMap((j) => j.payload.map((e) => e.recordId)).sort()).toEqual(records.map((r) => r.id).sort());
    expect(jobs.length).toBeGreaterThan(1);
    expect(await t.db.$queryRaw`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'process-record'`).toEqual([]);

    // the next run re-reads its overlap window: listed again, nothing ingested twice (the product
    // names read a moment ago are still known to this process)
    const before = await zuoraRequests();
    expect(await pollFlow({ db: t.db, flowId, objectType: "invoice" })).toMatchObject({ status: "done", created: 0, updated: 0 });
    expect(await zuoraRequests()).toBe(before + (await lastRun("invoice")).pages);
    expect(await t.db.syncRecord.count({ where: { flowId } })).toBe(records.length);
    for (const r of records.filter((x) => x.objectType === "credit-memo")) expect((r.sourcePayload as { lines: unknown[] }).lines.length).toBeGreaterThan(0);
  });
});
