import { Logger, runOnce } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { drainJobs } from "../../test/drain-jobs";
import { toGraphileTask } from "../../jobs/define-task";
import { createProcessCalloutTask } from "../../jobs/process-callout";
import { createProcessRecordTask } from "../../jobs/process-record";
import { createProcessRecordsTask } from "../../jobs/process-records";
import { createConnection } from "../connections/create-connection";
import { signCallout } from "../connectors/zuora";
import { countRecordsByStatus } from "../records/count-records-by-status";
import { getRecord } from "../records/get-record";
import { listRecords } from "../records/list-records";
import { listMissingMappings } from "./list-missing-mappings";
import { CALLOUT_TAKEOVER_LEASE_MS, processCallout } from "./process-callout";
import { registerMemoryFlow, createMemoryWorld, memoryDocument, type MemoryWorld } from "./memory-flow.fixture";
import { receiveCallout } from "./receive-callout";
import { releaseHeldRecords } from "./release-held-records";
import { replayRecord } from "./replay-record";
import { replayRecords } from "./replay-records";

const quiet = new Logger(() => () => {});
const SECRET = "callout-hmac-secret-for-tests";

describe("callouts, replay, records queries (memory flow behind a real Zuora callout verifier)", () => {
  let t: TestDb;
  let world: MemoryWorld;
  let flowId: string;
  let sourceId: string;

  const drain = () =>
    drainJobs(t, {
      "process-record": toGraphileTask(createProcessRecordTask({ getDb: () => t.db })),
      "process-records": toGraphileTask(createProcessRecordsTask({ getDb: () => t.db })),
      "process-callout": toGraphileTask(createProcessCalloutTask({ getDb: () => t.db })),
    });
  const put = (doc: ReturnType<typeof memoryDocument>) => world.source.set(`${doc.objectType}:${doc.sourceId}`, doc);
  const callout = (body: object, notificationId: string, sign = true) => {
    const rawBody = Buffer.from(JSON.stringify(body));
    const headers = new Headers({ "content-type": "application/json", "Zuora-Notification-Id": notificationId });
    if (sign) {
      const sig = signCallout({ rawBody, settings: {}, secret: SECRET });
      headers.set(sig.name, sig.value);
    }
    return receiveCallout({ db: t.db, connectionId: sourceId, rawBody, headers });
  };

  beforeAll(async () => {
    t = await createTestDb();
    world = createMemoryWorld();
    registerMemoryFlow(world);
    const source = await createConnection({
      db: t.db,
      input: { vendor: "zuora", name: "src", baseUrl: "https://src.example.com", secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: SECRET } },
    });
    const target = await createConnection({ db: t.db, input: { vendor: "acumatica", name: "tgt", baseUrl: "https://tgt.example.com", secrets: { x: "1" } } });
    sourceId = source.id;
    // backfilled from October: callouts, like polls, leave out documents older than the flow's start
    flowId = (await t.db.flow.create({ data: { kind: "memory", name: "memory", sourceConnectionId: source.id, targetConnectionId: target.id, enabled: true, backfillFrom: new Date("2026-10-01T00:00:00Z") } })).id;
    await t.db.valueMap.create({ data: { flowId, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" } });
  });
  afterAll(() => t.drop());

  it("refuses bad or missing signatures without storing anything, and 404s unknown connections", async () => {
    expect(await callout({ EventType: "InvoicePosted", InvoiceId: "c1" }, "n-0", false)).toEqual({ status: 401 });
    const rawBody = Buffer.from(JSON.stringify({ EventType: "InvoicePosted", InvoiceId: "c1" }));
    const forged = new Headers({ "Zuora-Notification-Id": "n-0", "X-Zuora-Signature": signCallout({ rawBody, settings: {}, secret: "wrong" }).value });
    expect(await receiveCallout({ db: t.db, connectionId: sourceId, rawBody, headers: forged })).toEqual({ status: 401 });
    expect(await receiveCallout({ db: t.db, connectionId: "7f7a4a1e-0000-4000-8000-000000000000", rawBody, headers: forged })).toEqual({ status: 404 });
    expect(await receiveCallout({ db: t.db, connectionId: "not-a-uuid", rawBody, headers: forged })).toEqual({ status: 404 });
    expect(await t.db.inboundEvent.count()).toBe(0);
  });

  it("leaves out a callout's document older than the flow's backfill start, as the poll does", async () => {
    put(memoryDocument("invoice", "old1", "2026-09-15T10:00:00.000Z", { number: "INV-OLD1", lines: [{ key: "Fee", amount: 4 }] }));
    expect(await callout({ EventType: "InvoicePosted", InvoiceId: "old1" }, "n-old1")).toMatchObject({ status: 200, accepted: 1 });
    await drain();
    expect(await t.db.inboundEvent.count({ where: { vendorEventId: "n-old1", processedAt: { not: null } } })).toBe(1);
    expect(await t.db.syncRecord.count({ where: { sourceId: "old1" } })).toBe(0);
    await t.db.inboundEvent.deleteMany({ where: { vendorEventId: "n-old1" } });
  });

  it("processes a callout delivered twice and out of order exactly once", async () => {
    put(memoryDocument("invoice", "c1", "2026-11-01T10:00:00.000Z", { number: "INV-C1", lines: [{ key: "Fee", amount: 4 }] }));
    put(memoryDocument("payment", "cp1", "2026-11-01T10:05:00.000Z", { number: "PAY-C1", invoiceId: "c1", amount: 4 }));
    // the payment's callout arrives first, then the invoice's twice (Zuora retry: same notification id),
    // then another notification for the same invoice version
    expect(await callout({ EventType: "PaymentProcessed", PaymentId: "cp1" }, "n-pay")).toMatchObject({ status: 200, accepted: 1 });
    await drain();
    expect((await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: "cp1" } })).status).toBe("held");
    expect(await callout({ EventType: "InvoicePosted", InvoiceId: "c1" }, "n-inv")).toMatchObject({ status: 200, accepted: 1 });
    expect(await callout({ EventType: "InvoicePosted", InvoiceId: "c1" }, "n-inv")).toMatchObject({ status: 200, accepted: 0, duplicates: 1 });
    expect(await callout({ EventType: "InvoicePosted", InvoiceId: "c1" }, "n-inv-2")).toMatchObject({ status: 200, accepted: 1 });
    await drain();

    expect(await t.db.inboundEvent.count()).toBe(3);
    expect(await t.db.inboundEvent.count({ where: { processedAt: null } })).toBe(0);
    const records = await t.db.syncRecord.findMany({ where: { flowId }, orderBy: { objectType: "asc" } });
    expect(records.map((r) => [r.objectType, r.sourceId, r.status])).toEqual([
      ["invoice", "c1", "posted"],
      ["payment", "cp1", "posted"],
    ]);
    expect(world.creates).toBe(2);
    const detail = await getRecord({ db: t.db, id: records[0]!.id });
    expect(detail?.events.map((e) => e.kind)).toEqual(["received", "fetched", "mapped", "attempt", "posted"]);
    expect(detail?.events[0]).toMatchObject({ kind: "received", detail: { origin: "callout" } });
  });

  const runCalloutJobsOnly = () =>
    runOnce({ connectionString: t.url, concurrency: 1, logger: quiet, taskList: { "process-callout": toGraphileTask(createProcessCalloutTask({ getDb: () => t.db })) } });
  const recordJob = async (recordId: string) =>
    (await t.db.$queryRaw<{ inFuture: boolean }[]>`SELECT run_at > now() AS "inFuture" FROM graphile_worker.jobs WHERE key = ${`record:${recordId}`}`)[0];

  it("posts a callout's record in the callout job itself, and removes the record's queued job once posted", async () => {
    put(memoryDocument("invoice", "d1", "2026-11-01T11:00:00.000Z", { number: "INV-D1", lines: [{ key: "Fee", amount: 3 }] }));
    const creates = world.creates;
    await callout({ EventType: "InvoicePosted", InvoiceId: "d1" }, "n-d1");
    await runCalloutJobsOnly();
    const record = await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: "d1" } });
    expect(record.status).toBe("posted");
    expect(world.creates).toBe(creates + 1);
    expect(await recordJob(record.id)).toBeUndefined();
    expect((await getRecord({ db: t.db, id: record.id }))?.events.map((e) => e.kind)).toEqual(["received", "fetched", "mapped", "attempt", "posted"]);
  });

  it("leaves a callout's record to its queued job when the direct post meets a retryable error", async () => {
    put(memoryDocument("invoice", "d2", "2026-11-01T11:10:00.000Z", { number: "INV-D2", lines: [{ key: "Fee", amount: 5 }] }));
    world.writeFaults.push(Object.assign(new Error("Service Unavailable"), { retryable: true, status: 503 }));
    await callout({ EventType: "InvoicePosted", InvoiceId: "d2" }, "n-d2");
    await runCalloutJobsOnly();
    const record = await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: "d2" } });
    expect(record).toMatchObject({ status: "pending", lastError: "Service Unavailable", attempts: 1 });
    expect((await t.db.inboundEvent.findFirstOrThrow({ where: { vendorEventId: "n-d2" } })).processedAt).not.toBeNull();
    expect(await recordJob(record.id)).toEqual({ inFuture: true });

    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${`record:${record.id}`}`;
    await drain();
    const posted = await getRecord({ db: t.db, id: record.id });
    expect(posted?.status).toBe("posted");
    expect(posted?.events.map((e) => e.kind)).toEqual(["received", "fetched", "mapped", "attempt", "mapped", "attempt", "posted"]);
  });

  it("replays a failed record from a fresh fetch once the cause is fixed, and never replays a posted one", async () => {
    put(memoryDocument("invoice", "r1", "2026-11-02T10:00:00.000Z", { number: "INV-R1", lines: [{ key: "Fee", amount: 9 }] }));
    world.writeFaults.push(Object.assign(new Error("Date: The financial period 11-2026 is closed."), { retryable: false, status: 422 }));
    await callout({ EventType: "InvoicePosted", InvoiceId: "r1" }, "n-r1");
    await drain();
    const failed = await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: "r1" } });
    expect(failed).toMatchObject({ status: "failed", lastError: "Date: The financial period 11-2026 is closed." });

    // the period is reopened and the invoice changed at the source meanwhile
    put(memoryDocument("invoice", "r1", "2026-11-03T10:00:00.000Z", { number: "INV-R1", lines: [{ key: "Fee", amount: 10 }] }));
    const admin = await t.db.user.create({ data: { email: "admin@example.com", passwordHash: "x", role: "admin" } });
    expect(await replayRecord({ db: t.db, recordId: failed.id, actorUserId: admin.id })).toEqual({ status: "queued" });
    expect(await replayRecord({ db: t.db, recordId: failed.id, actorUserId: admin.id })).toMatchObject({ status: "not_replayable" });
    await drain();
    const posted = await getRecord({ db: t.db, id: failed.id });
    expect(posted?.status).toBe("posted");
    expect(posted?.sourceVersion).toBe("2026-11-03T10:00:00.000Z");
    expect(world.target.get("Invoice:INV-R1")?.document).toMatchObject({ lines: [{ amount: 10 }] });
    const kinds = posted!.events.map((e) => e.kind);
    expect(kinds).toEqual(["received", "fetched", "mapped", "attempt", "failed", "replayed", "fetched", "mapped", "attempt", "posted"]);
    expect(posted!.events.find((e) => e.kind === "replayed")).toMatchObject({ detail: { by: admin.id, previousStatus: "failed" }, actor: { email: "admin@example.com" } });
    expect(await replayRecord({ db: t.db, recordId: failed.id, actorUserId: admin.id })).toEqual({ status: "not_replayable", reason: "posted records are never posted again" });
    expect(await replayRecord({ db: t.db, recordId: "7f7a4a1e-0000-4000-8000-000000000000", actorUserId: null })).toEqual({ status: "not_found" });
  });

  it("reports what each missing mapping holds, and pages the records list by keyset without payloads", async () => {
    for (let i = 0; i < 5; i++) {
      put(memoryDocument("invoice", `m${i}`, "2026-11-04T10:00:00.000Z", { number: `INV-M${i}`, lines: [{ key: i < 3 ? "Seats" : "Usage", amount: 1 }] }));
      await callout({ EventType: "InvoicePosted", InvoiceId: `m${i}` }, `n-m${i}`);
    }
    await drain();
    await t.db.$executeRaw`UPDATE "SyncRecord" SET amount = 25.5 WHERE "sourceId" LIKE 'm%'`;
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([
      { kind: "gl-account", sourceKey: "Seats", label: "charge", records: 3, amountByCurrency: { USD: "76.5000" } },
      { kind: "gl-account", sourceKey: "Usage", label: "charge", records: 2, amountByCurrency: { USD: "51.0000" } },
    ]);
    expect(await countRecordsByStatus({ db: t.db, filter: { flowId } })).toEqual({ pending: 0, posted: 5, held: 5, failed: 0, skipped: 0 });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listRecords>> = await listRecords({ db: t.db, filter: { flowId }, cursor, limit: 3 });
      expect(page.items.length).toBeLessThanOrEqual(3);
      for (const item of page.items) expect(item).not.toHaveProperty("sourcePayload");
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(10);
    expect((await listRecords({ db: t.db, filter: { flowId, status: "held", q: "INV-M" }, limit: 50 })).items).toHaveLength(5);

    const admin = await t.db.user.findFirstOrThrow();
    await t.db.valueMap.create({ data: { flowId, kind: "gl-account", sourceKey: "Seats", targetValue: "41000" } });
    expect(await releaseHeldRecords({ db: t.db, flowId, kind: "gl-account", sourceKey: "Seats", actorUserId: admin.id })).toBe(3);
    await drain();
    expect(await listMissingMappings({ db: t.db, flowId })).toEqual([
      { kind: "gl-account", sourceKey: "Usage", label: "charge", records: 2, amountByCurrency: { USD: "51.0000" } },
    ]);
    // bulk replay re-runs the held ones: still unmapped, so they are held again (nothing posted half-mapped)
    expect(await replayRecords({ db: t.db, filter: { flowId, status: "held" }, actorUserId: admin.id })).toEqual({ queued: 2 });
    await drain();
    expect(await countRecordsByStatus({ db: t.db, filter: { flowId } })).toMatchObject({ posted: 8, held: 2 });
  });

  it("takes an event that is a record itself (a subscription event) as the record: its id is the notification id, never fetched", async () => {
    const fetches = world.fetches;
    const body = { EventType: "SubscriptionCreated", SubscriptionId: "sub-9", AccountId: "acc-9" };
    expect(await callout(body, "n-sub-9")).toMatchObject({ status: 200, accepted: 1 });
    await drain();
    const record = await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "subscription-event" } });
    expect(record).toMatchObject({ sourceId: "n-sub-9", status: "posted", sourcePayload: body, mappedPayload: { event: "SubscriptionCreated", subscription: "sub-9" } });
    expect(world.target.get("SubscriptionEvent:n-sub-9")?.document).toEqual({ event: "SubscriptionCreated", subscription: "sub-9" });
    expect(world.fetches).toBe(fetches);
    // the same notification again (a vendor retry) is a duplicate
    expect(await callout(body, "n-sub-9")).toMatchObject({ status: 200, accepted: 0, duplicates: 1 });
  });

  const eventIdOf = async (vendorEventId: string) => (await t.db.inboundEvent.findFirstOrThrow({ where: { vendorEventId } })).id;
  const calloutJob = async (inboundEventId: string) =>
    (await t.db.$queryRaw<{ attempts: number; leasedMs: number; locked: boolean }[]>`
      SELECT attempts, (EXTRACT(EPOCH FROM (run_at - now())) * 1000)::float8 AS "leasedMs", locked_at IS NOT NULL AS locked FROM graphile_worker.jobs WHERE key = ${`callout:${inboundEventId}`}`)[0];
  /** makes the source's reads of `key` wait for `gate` (a vendor read in flight) or throw `error` */
  const interceptRead = (key: string, answer: { gate?: Promise<void>; error?: Error }) => {
    const get = world.source.get.bind(world.source);
    let reached = false;
    world.source.get = ((k: string) => {
      if (k !== key || reached) return get(k);
      reached = true;
      if (answer.error) throw answer.error;
      return answer.gate!.then(() => get(k));
    }) as typeof world.source.get;
    return { reached: () => reached, restore: () => void (world.source.get = get) };
  };

  it("takes the callouts waiting behind its job into one batch: one job, one ingest transaction, each record posted once, their jobs removed", async () => {
    for (const n of [1, 2, 3]) {
      put(memoryDocument("invoice", `b${n}`, "2026-11-01T12:00:00.000Z", { number: `INV-B${n}`, lines: [{ key: "Fee", amount: n }] }));
      await callout({ EventType: "InvoicePosted", InvoiceId: `b${n}` }, `n-b${n}`);
    }
    const [first, second, third] = [await eventIdOf("n-b1"), await eventIdOf("n-b2"), await eventIdOf("n-b3")];
    const creates = world.creates;
    const result = await processCallout({ db: t.db, inboundEventId: first });
    expect(result).toMatchObject({ status: "processed", events: 3, outcomes: ["new", "new", "new"] });
    expect(result.status === "processed" && result.postings.map((p) => p.outcome.status)).toEqual(["posted", "posted", "posted"]);
    expect(world.creates).toBe(creates + 3);
    expect(await t.db.inboundEvent.count({ where: { id: { in: [first, second, third] }, processedAt: null } })).toBe(0);
    // the taken-over callouts' jobs are gone; the job that ran (here called directly) is its worker's to complete
    expect(await calloutJob(second)).toBeUndefined();
    expect(await calloutJob(third)).toBeUndefined();
    await t.db.$executeRaw`SELECT graphile_worker.remove_job(${`callout:${first}`})`;
    await drain();
    expect(world.creates).toBe(creates + 3);
    for (const n of [1, 2, 3]) expect((await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: `b${n}` } })).status).toBe("posted");
  });

  it("leaves the callouts it took over to their own jobs when it dies before its ingest commits, and a late finish posts nothing twice", async () => {
    put(memoryDocument("invoice", "k1", "2026-11-01T13:00:00.000Z", { number: "INV-K1", lines: [{ key: "Fee", amount: 1 }] }));
    put(memoryDocument("invoice", "k2", "2026-11-01T13:00:00.000Z", { number: "INV-K2", lines: [{ key: "Fee", amount: 2 }] }));
    await callout({ EventType: "InvoicePosted", InvoiceId: "k1" }, "n-k1");
    await callout({ EventType: "InvoicePosted", InvoiceId: "k2" }, "n-k2");
    const [own, taken] = [await eventIdOf("n-k1"), await eventIdOf("n-k2")];
    const creates = world.creates;
    let open!: () => void;
    const read = interceptRead("invoice:k1", { gate: new Promise<void>((r) => (open = r)) });
    // the job reads its own callout's document and hangs there, as a worker that dies mid-read would leave things
    const late = processCallout({ db: t.db, inboundEventId: own });
    while (!read.reached()) await new Promise((r) => setTimeout(r, 10));
    const leased = await calloutJob(taken);
    expect(leased).toMatchObject({ attempts: 0, locked: false });
    expect(leased!.leasedMs).toBeGreaterThan(CALLOUT_TAKEOVER_LEASE_MS - 10_000);
    expect((await t.db.inboundEvent.findUniqueOrThrow({ where: { id: taken } })).processedAt).toBeNull();

    // the lease runs out: the taken-over callout's own job posts it; the job of the stuck one runs again and posts its own
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = ${`callout:${taken}`}`;
    await drain();
    expect(world.creates).toBe(creates + 2);
    for (const id of ["k1", "k2"]) expect((await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: id } })).status).toBe("posted");

    // the stuck job finishes after all: both documents are unchanged versions, nothing is posted again
    open();
    expect(await late).toMatchObject({ status: "processed", outcomes: ["unchanged", "unchanged"], postings: [] });
    read.restore();
    expect(world.creates).toBe(creates + 2);
  });

  it("gives a taken-over callout whose read failed back to its own job, and posts the rest", async () => {
    put(memoryDocument("invoice", "g1", "2026-11-01T14:00:00.000Z", { number: "INV-G1", lines: [{ key: "Fee", amount: 1 }] }));
    put(memoryDocument("invoice", "g2", "2026-11-01T14:00:00.000Z", { number: "INV-G2", lines: [{ key: "Fee", amount: 2 }] }));
    await callout({ EventType: "InvoicePosted", InvoiceId: "g1" }, "n-g1");
    await callout({ EventType: "InvoicePosted", InvoiceId: "g2" }, "n-g2");
    const [own, taken] = [await eventIdOf("n-g1"), await eventIdOf("n-g2")];
    const read = interceptRead("invoice:g2", { error: Object.assign(new Error("Service Unavailable"), { retryable: true, status: 503 }) });
    const result = await processCallout({ db: t.db, inboundEventId: own });
    read.restore();
    expect(result).toMatchObject({ status: "processed", events: 1, outcomes: ["new"] });
    expect((await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: "g1" } })).status).toBe("posted");
    expect(await t.db.syncRecord.count({ where: { sourceId: "g2" } })).toBe(0);
    expect((await t.db.inboundEvent.findUniqueOrThrow({ where: { id: taken } })).processedAt).toBeNull();
    const back = await calloutJob(taken);
    expect(back).toMatchObject({ attempts: 0, locked: false });
    expect(back!.leasedMs).toBeLessThanOrEqual(0);
    await t.db.$executeRaw`SELECT graphile_worker.remove_job(${`callout:${own}`})`;
    await drain();
    expect((await t.db.syncRecord.findFirstOrThrow({ where: { sourceId: "g2" } })).status).toBe("posted");
  });
});
