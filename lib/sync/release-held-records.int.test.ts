import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import type { Prisma } from "../db";
import { lockFlowDependencies, type DependencyKey } from "./lock-flow-dependencies";
import { createMemoryFlowRow } from "./memory-flow.fixture";
import { releaseHeldRecords, RELEASED_OWN_JOBS_MAX } from "./release-held-records";
import { settleRecord } from "./settle-record";

/**
 * The races the dependency locks and the release's row locks exist for, played out with real
 * concurrent transactions: one transaction is stopped before its commit while the other runs into it.
 */
describe("releasing held records while their keys become available concurrently (real Postgres)", () => {
  let t: TestDb;
  let flowId: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestDb();
    ({ id: flowId } = await createMemoryFlowRow(t.db));
  });
  afterAll(() => t.drop());

  const key = (name: string): DependencyKey => ({ kind: "gl-account", sourceKey: `${name}-${++n}` });
  const createHeld = async (missing: DependencyKey[]) =>
    (await t.db.syncRecord.create({ data: { flowId, objectType: "invoice", sourceId: `held-${++n}`, status: "held", statusReason: "mapping-missing", missing } })).id;
  const addMap = (tx: Prisma.TransactionClient, k: DependencyKey) => tx.valueMap.create({ data: { flowId, ...k, targetValue: "40000" } });
  /** What a post or a map's save does: makes key `k` available, then releases what waited on it. */
  const makeAvailable = async (tx: Prisma.TransactionClient, k: DependencyKey) => {
    await addMap(tx, k);
    return releaseHeldRecords({ db: t.db, tx, flowId, keys: [k] });
  };
  /** What processRecord does when it holds record `id` on key `k`: hold, then re-check under the key's lock. */
  const holdOn = async (tx: Prisma.TransactionClient, id: string, k: DependencyKey) => {
    await tx.syncRecord.update({ where: { id }, data: { missing: [k] } });
    await lockFlowDependencies(tx, { flowId, keys: [k], mode: "hold" });
    return releaseHeldRecords({ db: t.db, tx, flowId, recordIds: [id] });
  };
  const stateOf = async (id: string) => {
    const r = await t.db.syncRecord.findUniqueOrThrow({ where: { id } });
    const events = await t.db.recordEvent.findMany({ where: { recordId: id }, select: { kind: true } });
    // its own keyed job, or an entry of a batch job
    const [jobs] = await t.db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
      WHERE j.key = ${`record:${id}`} OR (k.identifier = 'process-records' AND j.payload::jsonb @> jsonb_build_array(jsonb_build_object('recordId', ${id}::text)))`;
    return { status: r.status, missing: r.missing, events: events.map((e) => e.kind), jobs: Number(jobs!.n) };
  };

  /** A transaction that runs `body`, then waits for `commit()` before it commits. */
  const openTransaction = <T>(body: (tx: Prisma.TransactionClient) => Promise<T>) => {
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let ran!: (v: T) => void;
    const bodyDone = new Promise<T>((resolve) => (ran = resolve));
    const done = t.db.$transaction(
      async (tx) => {
        const result = await body(tx);
        ran(result);
        await gate;
        return result;
      },
      { timeout: 60_000 },
    );
    done.catch(() => {});
    return { bodyDone, commit, done };
  };

  /** Resolves once some session of this database waits on a lock (an advisory, row or transaction lock). */
  const someoneWaitsOnALock = async () => {
    for (let i = 0; i < 200; i++) {
      const [row] = await t.db.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      if (Number(row!.n) > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("nobody waited on a lock within 5 s");
  };

  it("a record waiting on two keys made available by two transactions at once is released by the second", async () => {
    const [a, b] = [key("a"), key("b")];
    const id = await createHeld([a, b]);

    const first = openTransaction((tx) => makeAvailable(tx, a));
    // The first sees b missing: nothing released, and it holds the record's row until it commits.
    expect(await first.bodyDone).toBe(0);
    const second = t.db.$transaction((tx) => makeAvailable(tx, b));
    await someoneWaitsOnALock();
    first.commit();
    expect(await first.done).toBe(0);
    expect(await second).toBe(1);

    expect(await stateOf(id)).toMatchObject({ status: "pending", missing: null, events: ["released"], jobs: 1 });
  });

  it("a record being held on a key while the key is saved is seen by one side, in either order", async () => {
    // holder first: the map's save waits for the hold to commit, then releases the committed hold
    const k1 = key("holder-first");
    const held1 = await createHeld([]);
    const holder = openTransaction((tx) => holdOn(tx, held1, k1));
    expect(await holder.bodyDone).toBe(0);
    const maker = t.db.$transaction((tx) => makeAvailable(tx, k1));
    await someoneWaitsOnALock();
    holder.commit();
    await holder.done;
    expect(await maker).toBe(1);
    expect((await stateOf(held1)).status).toBe("pending");

    // maker first: the holder's re-check waits for the map to commit, then sees it
    const k2 = key("maker-first");
    const held2 = await createHeld([]);
    const maker2 = openTransaction((tx) => makeAvailable(tx, k2));
    expect(await maker2.bodyDone).toBe(0);
    const holder2 = t.db.$transaction((tx) => holdOn(tx, held2, k2));
    await someoneWaitsOnALock();
    maker2.commit();
    await maker2.done;
    expect(await holder2).toBe(1);
    expect(await stateOf(held2)).toMatchObject({ status: "pending", events: ["released"], jobs: 1 });
  });

  it("a post whose settle waits for a hold on its key to commit releases that hold (its look comes after the locks)", async () => {
    const k = key("post");
    const held = await createHeld([]);
    const post = await t.db.syncRecord.create({ data: { flowId, objectType: k.kind, sourceId: k.sourceKey, status: "pending", leaseOwner: "test-owner", leaseUntil: new Date(Date.now() + 60_000) } });
    // the holder has its SHARE lock and its row, and has not committed: the post's statement starts, then waits for the lock
    const holder = openTransaction((tx) => holdOn(tx, held, k));
    expect(await holder.bodyDone).toBe(0);
    const settled = settleRecord(t.db, {
      recordId: post.id,
      flowId,
      owner: "test-owner",
      settlement: { status: "posted", lookUpFirst: false, events: [], target: { targetId: "T-post", targetRef: null }, locks: { keys: [k], mode: "release" } },
    });
    await someoneWaitsOnALock();
    holder.commit();
    await holder.done;
    expect(await settled).toBe(true);
    expect((await t.db.syncRecord.findUniqueOrThrow({ where: { id: post.id } })).status).toBe("posted");
    expect(await stateOf(held)).toMatchObject({ status: "pending", missing: null, events: ["released"], jobs: 1 });

    // nobody waiting: the post settles in its one statement
    const alone = await t.db.syncRecord.create({ data: { flowId, objectType: "gl-account", sourceId: key("alone").sourceKey, status: "pending", leaseOwner: "test-owner", leaseUntil: new Date(Date.now() + 60_000) } });
    expect(
      await settleRecord(t.db, {
        recordId: alone.id,
        flowId,
        owner: "test-owner",
        settlement: { status: "posted", lookUpFirst: false, events: [], locks: { keys: [{ kind: "gl-account", sourceKey: alone.sourceId }], mode: "release" } },
      }),
    ).toBe(true);
  });

  it("posts that make different keys available do not wait for each other; holders of one key do not either", async () => {
    const [x, y] = [key("x"), key("y")];
    const open = openTransaction(async (tx) => lockFlowDependencies(tx, { flowId, keys: [x], mode: "release" }));
    await open.bodyDone;
    const timeout = (ms: number) => new Promise((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms));
    await Promise.race([t.db.$transaction((tx) => lockFlowDependencies(tx, { flowId, keys: [y], mode: "release" })), timeout(5_000)]);
    open.commit();
    await open.done;

    const holding = openTransaction(async (tx) => lockFlowDependencies(tx, { flowId, keys: [x], mode: "hold" }));
    await holding.bodyDone;
    await Promise.race([t.db.$transaction((tx) => lockFlowDependencies(tx, { flowId, keys: [x], mode: "hold" })), timeout(5_000)]);
    holding.commit();
    await holding.done;
  });

  it("a few released records get a job each, at once, and their queueing wakes the workers (NOTIFY, no poll wait); many go in batch jobs", async () => {
    const listener = new pg.Client({ connectionString: t.url });
    await listener.connect();
    try {
      const notified: string[] = [];
      listener.on("notification", (m) => notified.push(m.channel));
      await listener.query('LISTEN "jobs:insert"');
      const jobsOf = async (ids: string[]) =>
        t.db.$queryRaw<{ task: string; key: string | null; due: boolean }[]>`
          SELECT k.identifier AS task, j.key, j.run_at <= now() AS due FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
          WHERE j.key = ANY(${ids.map((id) => `record:${id}`)}::text[])
            OR (k.identifier = 'process-records' AND EXISTS (SELECT 1 FROM json_array_elements(CASE WHEN json_typeof(j.payload) = 'array' THEN j.payload ELSE '[]'::json END) e WHERE e->>'recordId' = ANY(${ids}::text[])))`;

      const few = key("few");
      const fewIds = await Promise.all([1, 2, 3].map(() => createHeld([few])));
      await t.db.$transaction(async (tx) => expect(await makeAvailable(tx, few)).toBe(3));
      expect((await jobsOf(fewIds)).sort((a, b) => a.key!.localeCompare(b.key!))).toEqual(
        fewIds.sort().map((id) => ({ task: "process-record", key: `record:${id}`, due: true })),
      );
      for (let i = 0; i < 100 && notified.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(notified).toContain("jobs:insert");

      const many = key("many");
      const manyIds = await Promise.all(Array.from({ length: RELEASED_OWN_JOBS_MAX + 1 }, () => createHeld([many])));
      await t.db.$transaction(async (tx) => expect(await makeAvailable(tx, many)).toBe(manyIds.length));
      const batches = await jobsOf(manyIds);
      expect(batches.every((j) => j.task === "process-records" && j.key === null && j.due)).toBe(true);
      expect(batches.length).toBeLessThan(manyIds.length);
    } finally {
      await listener.end();
    }
  });

  it("narrows a record still waiting on something else to what is still missing", async () => {
    const [p, q] = [key("p"), key("q")];
    const id = await createHeld([p, q]);
    await t.db.$transaction((tx) => addMap(tx, p));
    expect(await releaseHeldRecords({ db: t.db, flowId, keys: [p] })).toBe(0);
    expect(await stateOf(id)).toMatchObject({ status: "held", missing: [q], events: [], jobs: 0 });
  });
});
