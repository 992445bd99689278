import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { createDbOnPool } from "../db";
import { claimRecord } from "./claim-record";
import { ingestDocument } from "./ingest-document";
import { createMemoryFlowRow, createMemoryWorld, memoryDocument, registerMemoryFlow, type MemoryWorld } from "./memory-flow.fixture";
import { processRecord } from "./process-record";
import { processRecordBatch } from "./process-record-batch";
import { replayRecord } from "./replay-record";

/*
 * The claim (lease) a posting holds instead of a transaction, and the look-up before create that only
 * runs when the target may hold the document: on a real Postgres with the memory flow, whose target
 * counts its look-ups and creates.
 */
describe("record claims and the look-up before create", () => {
  let t: TestDb;
  let world: MemoryWorld;
  let flow: { id: string; targetConnectionId: string };
  let n = 0;

  /** A new invoice record, in the source and the flow's ledger. */
  const newInvoice = async () => {
    n += 1;
    const doc = memoryDocument("invoice", `i${n}`, "2026-11-01T10:00:00.000Z", { number: `INV-${n}`, lines: [{ key: "Fee", amount: 10 }] });
    world.source.set(`invoice:i${n}`, doc);
    const { recordId } = await t.db.$transaction((tx) => ingestDocument({ tx, flow, document: doc, origin: "poll" }));
    return { recordId, number: `INV-${n}` };
  };
  const record = (id: string) => t.db.syncRecord.findUniqueOrThrow({ where: { id } });
  /** A client whose pool notes the text of every query its connections send, BEGIN and COMMIT included. */
  const countingDb = () => {
    const pool = new pg.Pool({ connectionString: t.url, max: 4 });
    const sent: string[] = [];
    pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        sent.push(typeof first === "string" ? first : String((first as { text?: string }).text ?? ""));
        return query(...args);
      };
    });
    return { counted: createDbOnPool(pool), sent };
  };
  const attemptNumbers = async (recordId: string) =>
    (await t.db.recordEvent.findMany({ where: { recordId, kind: "attempt" }, orderBy: { id: "asc" } })).map((e) => (e.detail as { attempt: number }).attempt);

  beforeAll(async () => {
    t = await createTestDb();
    flow = await createMemoryFlowRow(t.db);
    await t.db.valueMap.create({ data: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee", targetValue: "40000" } });
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    world = createMemoryWorld();
    registerMemoryFlow(world);
    // the flow's first pass over invoices is done: new invoices cannot be at the target yet
    await t.db.syncCursor.upsert({
      where: { flowId_objectType: { flowId: flow.id, objectType: "invoice" } },
      create: { flowId: flow.id, objectType: "invoice", highWater: new Date("2026-11-01T00:00:00.000Z") },
      update: { highWater: new Date("2026-11-01T00:00:00.000Z") },
    });
  });

  it("records of the flow's first pass look the target up; later ones are created without a look-up", async () => {
    await t.db.syncCursor.update({ where: { flowId_objectType: { flowId: flow.id, objectType: "invoice" } }, data: { highWater: null } });
    const first = await newInvoice();
    // entered at the target before the flow existed
    world.target.set(`Invoice:${first.number}`, { entity: "Invoice", naturalKey: first.number, document: {}, targetId: "T-manual" });
    expect((await record(first.recordId)).lookUpFirst).toBe(true);
    expect(await processRecord({ db: t.db, recordId: first.recordId })).toMatchObject({ status: "posted", via: "found-existing", targetId: "T-manual" });
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 1, creates: 0 });

    await t.db.syncCursor.update({ where: { flowId_objectType: { flowId: flow.id, objectType: "invoice" } }, data: { highWater: new Date() } });
    const later = await newInvoice();
    expect((await record(later.recordId)).lookUpFirst).toBe(false);
    expect(await processRecord({ db: t.db, recordId: later.recordId })).toMatchObject({ status: "posted", via: "created" });
    // a clean first attempt: one create, no look-up
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 1, creates: 1 });
    const [attempt] = await t.db.recordEvent.findMany({ where: { recordId: later.recordId, kind: "attempt" } });
    expect(attempt!.detail).toMatchObject({ attempt: 1, request: [{ operation: "create", entity: "Invoice", naturalKey: later.number }] });
  });

  it("a second claimer gets nothing while the claim lives; after it runs out the taker looks the target up and finds the document", async () => {
    const { recordId, number } = await newInvoice();
    const first = await claimRecord({ db: t.db, recordId, owner: "worker-a" });
    expect(first).toMatchObject({ claimed: true, record: { attempt: 1, lookUp: false } });
    // worker-a's create reached the target, then worker-a died before it settled
    world.target.set(`Invoice:${number}`, { entity: "Invoice", naturalKey: number, document: {}, targetId: "T-a" });

    expect(await claimRecord({ db: t.db, recordId, owner: "worker-b" })).toMatchObject({ claimed: false, current: "pending" });
    // the record's job, finding it busy, looks again when the claim runs out (a job of its own, later)
    expect(await processRecord({ db: t.db, recordId, leaseOwner: "job:b" })).toEqual({ status: "noop", current: "pending" });
    const [requeued] = await t.db.$queryRaw<{ runAt: Date; leaseUntil: Date }[]>`
      SELECT j.run_at AS "runAt", r."leaseUntil" FROM graphile_worker.jobs j, "SyncRecord" r WHERE j.key = ${`record:${recordId}`} AND r.id = ${recordId}::uuid`;
    expect(requeued!.runAt.getTime()).toBeGreaterThan(requeued!.leaseUntil.getTime());
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 0, creates: 0 });

    // the claim runs out
    await t.db.$executeRaw`UPDATE "SyncRecord" SET "leaseUntil" = now() - interval '1 second' WHERE id = ${recordId}::uuid`;
    expect(await processRecord({ db: t.db, recordId, leaseOwner: "job:b" })).toMatchObject({ status: "posted", via: "found-existing", targetId: "T-a" });
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 1, creates: 0 });
    const taken = await record(recordId);
    expect({ status: taken.status, attempts: taken.attempts, leaseOwner: taken.leaseOwner, leaseUntil: taken.leaseUntil }).toEqual({ status: "posted", attempts: 2, leaseOwner: null, leaseUntil: null });
    // worker-a's settle, had it lived, changes nothing now
    expect(await claimRecord({ db: t.db, recordId, owner: "worker-a" })).toEqual({ claimed: false, current: "posted" });
    expect(await attemptNumbers(recordId)).toEqual([2]);
  });

  it("the same job's next run takes back the claim its previous run left, and looks up", async () => {
    const { recordId } = await newInvoice();
    expect(await claimRecord({ db: t.db, recordId, owner: "job:pool-1:7" })).toMatchObject({ claimed: true });
    expect(await processRecord({ db: t.db, recordId, leaseOwner: "job:pool-1:7" })).toMatchObject({ status: "posted", via: "created" });
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 1, creates: 1 });
  });

  it("an attempt whose create may have written makes the next one look; one refused before any write does not", async () => {
    const unclear = await newInvoice();
    world.writeFaults.push(Object.assign(new Error("socket hang up"), { retryable: true }));
    await expect(processRecord({ db: t.db, recordId: unclear.recordId, attempt: 1, maxAttempts: 5 })).rejects.toThrow(/hang up/);
    expect((await record(unclear.recordId)).lookUpFirst).toBe(true);
    expect(await processRecord({ db: t.db, recordId: unclear.recordId, attempt: 2, maxAttempts: 5 })).toMatchObject({ status: "posted", via: "created" });
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 1, creates: 1 });

    const refused = await newInvoice();
    world.writeFaults.push(Object.assign(new Error("429 Too Many Requests"), { retryable: true, status: 429, written: false }));
    await expect(processRecord({ db: t.db, recordId: refused.recordId, attempt: 1, maxAttempts: 5 })).rejects.toThrow(/429/);
    const after = await record(refused.recordId);
    expect({ lookUpFirst: after.lookUpFirst, leaseOwner: after.leaseOwner, status: after.status, attempts: after.attempts }).toEqual({ lookUpFirst: false, leaseOwner: null, status: "pending", attempts: 1 });
    expect(await processRecord({ db: t.db, recordId: refused.recordId, attempt: 2, maxAttempts: 5 })).toMatchObject({ status: "posted", via: "created" });
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 1, creates: 2 });
  });

  it("an attempt that left no outcome (the worker died after its claim) makes the next one look", async () => {
    const { recordId } = await newInvoice();
    await claimRecord({ db: t.db, recordId, owner: "worker-dead" });
    await t.db.$executeRaw`UPDATE "SyncRecord" SET "leaseUntil" = now() - interval '1 second' WHERE id = ${recordId}::uuid`;
    expect(await processRecord({ db: t.db, recordId })).toMatchObject({ status: "posted", via: "created" });
    expect({ finds: world.finds, creates: world.creates }).toEqual({ finds: 1, creates: 1 });
  });

  it("numbers attempts continuously across a replay", async () => {
    const { recordId } = await newInvoice();
    const down = () => Object.assign(new Error("Service Unavailable"), { retryable: true, status: 503, written: false });
    world.writeFaults.push(down(), down());
    await expect(processRecord({ db: t.db, recordId, attempt: 1, maxAttempts: 2 })).rejects.toThrow(/Unavailable/);
    expect(await processRecord({ db: t.db, recordId, attempt: 2, maxAttempts: 2 })).toMatchObject({ status: "failed", retryable: true });
    expect(await replayRecord({ db: t.db, recordId, actorUserId: null })).toEqual({ status: "queued" });
    expect(await processRecord({ db: t.db, recordId, attempt: 1, maxAttempts: 2, refetch: true })).toMatchObject({ status: "posted" });
    expect(await attemptNumbers(recordId)).toEqual([1, 2, 3]);
    const kinds = (await t.db.recordEvent.findMany({ where: { recordId }, orderBy: { id: "asc" } })).map((e) => e.kind);
    expect(kinds).toEqual(["received", "fetched", "mapped", "attempt", "mapped", "attempt", "failed", "replayed", "fetched", "mapped", "attempt", "posted"]);
    expect((await record(recordId)).attempts).toBe(3);
  });

  it("a newer source version ingested while an attempt posts is kept, and the posted document is not posted again", async () => {
    const { recordId, number } = await newInvoice();
    const v2 = memoryDocument("invoice", `i${n}`, "2026-11-02T10:00:00.000Z", { number, lines: [{ key: "Fee", amount: 10 }], balance: 0 });
    const outcome = await processRecord({
      db: t.db,
      recordId,
      hooks: {
        // no row lock is held meanwhile: the ingest goes through at once and queues the record again
        afterTargetWrite: async () => expect((await t.db.$transaction((tx) => ingestDocument({ tx, flow, document: v2, origin: "callout" }))).outcome).toBe("reprocess"),
      },
    });
    expect(outcome).toMatchObject({ status: "posted", via: "created" });
    const posted = await record(recordId);
    expect({ status: posted.status, sourceVersion: posted.sourceVersion }).toEqual({ status: "posted", sourceVersion: "2026-11-02T10:00:00.000Z" });
    // the job the ingest queued finds it posted
    expect(await processRecord({ db: t.db, recordId })).toEqual({ status: "noop", current: "posted" });
    expect(world.creates).toBe(1);
  });

  it("posts a record in a handful of SQL statements", async () => {
    const warm = await newInvoice();
    const { recordId } = await newInvoice();
    // Counted in the driver: every query a connection of this client's pool sends, BEGIN and COMMIT
    // included. A clean post is the claim, then the settle (its look for held records inside it): 2;
    // graphile-worker's get_job and complete_job add 2 per batch job of up to 10 records. (Measured the
    // same way: 5 with the look for held records in its own statement (BEGIN, settle, look, COMMIT);
    // before the lease 8 (read, BEGIN, SELECT ... FOR UPDATE, UPDATE, INSERT of the events, the
    // dependency locks, the look for held records, COMMIT), 10 with a job's per record, and a look-up
    // before every create. A vendor's rate limiter adds its own statements per call to both.)
    const { counted, sent } = countingDb();
    try {
      // the first record of a process fills its caches (connection clients, value maps)
      expect(await processRecord({ db: counted, recordId: warm.recordId })).toMatchObject({ status: "posted" });
      sent.length = 0;
      expect(await processRecord({ db: counted, recordId })).toMatchObject({ status: "posted", via: "created" });
      expect(sent.map((q) => q.trim().split(/\s+/)[0]!.toUpperCase())).toEqual(["WITH", "WITH"]);

      // a batch claims its records in one statement (one already posted, one gone), then settles each
      const batch = [await newInvoice(), await newInvoice(), await newInvoice()].map((r) => r.recordId);
      const gone = "00000000-0000-4000-8000-000000000000";
      sent.length = 0;
      const outcomes = await Promise.all(processRecordBatch({ db: counted, recordIds: [...batch, recordId, gone], attempt: 1, maxAttempts: 8, leaseOwner: "job:test:1" }));
      expect(outcomes.map((o) => o.status)).toEqual(["posted", "posted", "posted", "noop", "noop"]);
      expect(sent.map((q) => q.trim().split(/\s+/)[0]!.toUpperCase())).toEqual(["WITH", "WITH", "WITH", "WITH"]);
      for (const id of batch) expect(await record(id)).toMatchObject({ status: "posted", leaseOwner: null, leaseUntil: null, attempts: 1 });
    } finally {
      await counted.$disconnect();
    }
  });

  it("a payment's claim brings the posted invoice its planner reads; an invoice not posted at the claim is read from the ledger", async () => {
    const invoice = await newInvoice();
    expect(await processRecord({ db: t.db, recordId: invoice.recordId })).toMatchObject({ status: "posted" });
    const newPayment = async (invoiceId: string) => {
      n += 1;
      const doc = memoryDocument("payment", `p${n}`, "2026-11-01T10:00:00.000Z", { number: `PAY-${n}`, invoiceId, amount: 10 });
      world.source.set(`payment:p${n}`, doc);
      const { recordId } = await t.db.$transaction((tx) => ingestDocument({ tx, flow, document: doc, origin: "poll" }));
      return { recordId, number: `PAY-${n}` };
    };
    const { counted, sent } = countingDb();
    try {
      // the first record of a process fills its caches (connection clients, value maps)
      expect(await processRecord({ db: counted, recordId: (await newInvoice()).recordId })).toMatchObject({ status: "posted" });
      const payment = await newPayment(invoice.number.replace("INV-", "i"));
      sent.length = 0;
      expect(await processRecord({ db: counted, recordId: payment.recordId })).toMatchObject({ status: "posted", via: "created" });
      // the claim and the settle: the planner's read of the invoice needed no statement
      expect(sent.map((q) => q.trim().split(/\s+/)[0]!.toUpperCase())).toEqual(["WITH", "WITH"]);
      expect(world.target.get(`Payment:${payment.number}`)?.document).toEqual({ number: payment.number, appliedTo: invoice.number, amount: 10 });

      // its invoice is not posted: the planner asks the ledger, and the payment waits for the invoice
      const early = await newPayment("i-not-yet");
      sent.length = 0;
      expect(await processRecord({ db: counted, recordId: early.recordId })).toMatchObject({ status: "held" });
      expect(sent.filter((q) => q.includes("FROM \"SyncRecord\" WHERE \"flowId\" = $1::uuid AND \"objectType\" = $2::text"))).toHaveLength(1);
    } finally {
      await counted.$disconnect();
    }
  });

  it("parses a flow's settings once per process, and again once they change", async () => {
    const note = `v-${n}`;
    await t.db.flow.update({ where: { id: flow.id }, data: { settings: { note } } });
    try {
      for (let i = 0; i < 2; i++) expect(await processRecord({ db: t.db, recordId: (await newInvoice()).recordId })).toMatchObject({ status: "posted" });
      expect({ parses: world.settingsParses, settings: world.lastSettings }).toEqual({ parses: 1, settings: { note } });
      await t.db.flow.update({ where: { id: flow.id }, data: { settings: { note: `${note}-edited` } } });
      expect(await processRecord({ db: t.db, recordId: (await newInvoice()).recordId })).toMatchObject({ status: "posted" });
      expect({ parses: world.settingsParses, settings: world.lastSettings }).toEqual({ parses: 2, settings: { note: `${note}-edited` } });
    } finally {
      await t.db.flow.update({ where: { id: flow.id }, data: { settings: {} } });
    }
  });

  it("a value map written since this process read the flow's maps comes with the next claim, not in a statement of its own", async () => {
    const warm = await newInvoice();
    const { counted, sent } = countingDb();
    try {
      expect(await processRecord({ db: counted, recordId: warm.recordId })).toMatchObject({ status: "posted" });
      // another process changes the map the next invoice's line uses
      await t.db.valueMap.update({ where: { flowId_kind_sourceKey: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee" } }, data: { targetValue: "40100" } });
      const { recordId, number } = await newInvoice();
      sent.length = 0;
      expect(await processRecord({ db: counted, recordId })).toMatchObject({ status: "posted", via: "created" });
      expect(sent.map((q) => q.trim().split(/\s+/)[0]!.toUpperCase())).toEqual(["WITH", "WITH"]);
      expect(world.target.get(`Invoice:${number}`)?.document).toMatchObject({ lines: [{ account: "40100" }] });
    } finally {
      await t.db.valueMap.update({ where: { flowId_kind_sourceKey: { flowId: flow.id, kind: "gl-account", sourceKey: "Fee" } }, data: { targetValue: "40000" } });
      await counted.$disconnect();
    }
  });

  it("a batch leaves a record another live claim holds to it", async () => {
    const [a, b] = [(await newInvoice()).recordId, (await newInvoice()).recordId];
    // b is being posted by another live attempt
    expect(await claimRecord({ db: t.db, recordId: b, owner: "direct:other" })).toMatchObject({ claimed: true });
    const outcomes = await Promise.all(processRecordBatch({ db: t.db, recordIds: [a, b], attempt: 1, maxAttempts: 8, leaseOwner: "job:test:2" }));
    expect(outcomes).toEqual([expect.objectContaining({ status: "posted" }), { status: "noop", current: "pending" }]);
    expect(await record(b)).toMatchObject({ status: "pending", leaseOwner: "direct:other", attempts: 1 });
    // the busy record's own job looks again once that claim runs out
    const [job] = await t.db.$queryRaw<{ later: boolean }[]>`SELECT run_at > now() + interval '30 seconds' AS later FROM graphile_worker.jobs WHERE key = ${`record:${b}`}`;
    expect(job).toEqual({ later: true });
  });
});
