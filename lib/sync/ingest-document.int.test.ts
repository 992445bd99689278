import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { documentKey, ingestDocuments } from "./ingest-document";
import { createMemoryFlowRow, memoryDocument } from "./memory-flow.fixture";

/*
 * A page of documents ingested in one go (real Postgres): each document gets the outcome, row,
 * audit events and job it would get alone.
 */

describe("ingesting a page of documents at once", () => {
  let t: TestDb;
  let flow: { id: string; targetConnectionId: string };
  const doc = (id: string, second: number, extra: Record<string, unknown> = {}) =>
    memoryDocument("invoice", id, `2026-11-01T10:00:${String(second).padStart(2, "0")}.000Z`, { number: `INV-${id}`, lines: [{ key: "Fee", amount: 1 }], ...extra });
  const ingest = (documents: ReturnType<typeof doc>[]) => t.db.$transaction((tx) => ingestDocuments({ tx, flow, documents, origin: "poll" }));
  const recordOf = (sourceId: string) =>
    t.db.syncRecord.findUniqueOrThrow({ where: { flowId_objectType_sourceId: { flowId: flow.id, objectType: "invoice", sourceId } }, include: { events: { orderBy: { id: "asc" } } } });
  const jobsOf = async (recordId: string) =>
    t.db.$queryRaw<{ payload: unknown; max_attempts: number; identifier: string }[]>`SELECT j.payload, j.max_attempts, t.identifier FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.key = ${`record:${recordId}`}`;

  beforeAll(async () => {
    t = await createTestDb();
    flow = await createMemoryFlowRow(t.db);
  });
  afterAll(() => t.drop());

  it("gives each document of a mixed page its own outcome, trail and job, and counts a repeated one once", async () => {
    const first = await ingest([doc("a", 1), doc("b", 1), doc("c", 1), doc("d", 1)]);
    expect(first.map((r) => r.outcome)).toEqual(["new", "new", "new", "new"]);
    for (const id of ["a", "b", "c", "d"]) {
      const r = await recordOf(id);
      expect(r.events.map((e) => e.kind)).toEqual(["received", "fetched"]);
      expect(r.sourcePayload).toEqual(doc(id, 1).payload);
      expect(await jobsOf(r.id)).toEqual([{ payload: { recordId: r.id }, max_attempts: 8, identifier: "process-record" }]);
    }
    // "c" was posted and "d" failed meanwhile; their jobs ran
    const c = await recordOf("c");
    const d = await recordOf("d");
    await t.db.syncRecord.update({ where: { id: c.id }, data: { status: "posted", targetId: "T-c" } });
    await t.db.syncRecord.update({ where: { id: d.id }, data: { status: "failed", lastError: "refused" } });
    await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE key IN (${`record:${c.id}`}, ${`record:${d.id}`})`;

    const page = [
      doc("a", 2, { note: "newer" }), // pending -> reprocess
      doc("b", 1), // same version -> unchanged
      doc("c", 2, { note: "changed after posting" }), // posted -> noted only
      doc("d", 3), // failed -> noted only
      doc("e", 1), // new
      doc("e", 2, { note: "listed twice" }), // the newer copy wins
    ];
    const outcomes = await ingest(page);
    expect(outcomes.map((r) => r.outcome)).toEqual(["reprocess", "unchanged", "source-updated", "source-updated", "unchanged", "new"]);
    expect(outcomes[4]!.recordId).toBe(outcomes[5]!.recordId);

    const a = await recordOf("a");
    expect(a).toMatchObject({ status: "pending", sourceVersion: "2026-11-01T10:00:02.000Z", sourcePayload: page[0]!.payload });
    expect(a.events.map((e) => e.kind)).toEqual(["received", "fetched", "source-updated", "fetched"]);
    expect(a.events[2]!.detail).toMatchObject({ action: "reprocess", previousVersion: "2026-11-01T10:00:01.000Z", changes: [{ field: "note", from: null, to: "newer" }] });
    expect(await jobsOf(a.id)).toHaveLength(1);

    expect((await recordOf("b")).events).toHaveLength(2);

    const cAfter = await recordOf("c");
    expect(cAfter).toMatchObject({ status: "posted", targetId: "T-c", sourceVersion: "2026-11-01T10:00:02.000Z", sourcePayload: doc("c", 1).payload });
    expect(cAfter.events.at(-1)!.detail).toMatchObject({ action: "kept-posted" });
    expect(await jobsOf(c.id)).toEqual([]);
    const dAfter = await recordOf("d");
    expect(dAfter).toMatchObject({ status: "failed", sourceVersion: "2026-11-01T10:00:03.000Z" });
    expect(dAfter.events.at(-1)!.detail).toMatchObject({ action: "kept" });
    expect(await jobsOf(d.id)).toEqual([]);

    const e = await recordOf("e");
    expect(e).toMatchObject({ sourceVersion: "2026-11-01T10:00:02.000Z", sourcePayload: page[5]!.payload });
    expect(e.events.map((x) => x.kind)).toEqual(["received", "fetched"]);
    expect(await jobsOf(e.id)).toHaveLength(1);

    expect(await ingest([])).toEqual([]);
  });

  it("on a first pass, creates the records of documents the target was found not to hold without a look-up, and leaves existing records' flags alone", async () => {
    // "f" exists already, pending, and an attempt of it may have written (its look-up flag is set)
    await ingest([doc("f", 1)]);
    expect((await recordOf("f")).lookUpFirst).toBe(true);
    // the page's look-up, sent 2 s before the page is ingested: "f" and "g" absent, "j" found, "h" not asked
    const found = [{ targetId: "T-j", targetRef: "R-j", read: { Status: "Open" } }];
    const answers = new Map<string, typeof found>([...[doc("f", 2), doc("g", 1)].map((d) => [documentKey(d), []] as [string, typeof found]), [documentKey(doc("j", 1)), found]]);
    const targetLookUp = { answers, askedAt: performance.now() - 2_000 };
    const outcomes = await t.db.$transaction((tx) => ingestDocuments({ tx, flow, documents: [doc("f", 2), doc("g", 1), doc("h", 1), doc("j", 1)], origin: "poll", targetLookUp }));
    expect(outcomes.map((r) => r.outcome)).toEqual(["reprocess", "new", "new", "new"]);
    // absent at the target: created at once; not asked, or found: looked up first, as any first-pass record
    const flags = async () => Object.fromEntries(await Promise.all(["f", "g", "h", "j"].map(async (id) => [id, (await recordOf(id)).lookUpFirst] as const)));
    expect(await flags()).toEqual({ f: true, g: false, h: true, j: true });
    // the new records the page asked about keep its answer and when it was asked, on the database's clock; the others have none
    const asked = await t.db.$queryRaw<{ sourceId: string; askedMsAgo: number; found: unknown }[]>`
      SELECT "sourceId", (EXTRACT(EPOCH FROM clock_timestamp() - "targetLookedUpAt") * 1000)::float8 AS "askedMsAgo", "targetFound" AS found
      FROM "SyncRecord" WHERE "flowId" = ${flow.id}::uuid AND "sourceId" IN ('f', 'g', 'h', 'j') ORDER BY "sourceId"`;
    expect(asked.map((r) => ({ ...r, askedMsAgo: r.askedMsAgo === null ? null : r.askedMsAgo >= 2_000 && r.askedMsAgo < 60_000 }))).toEqual([
      { sourceId: "f", askedMsAgo: null, found: null },
      { sourceId: "g", askedMsAgo: true, found: [] },
      { sourceId: "h", askedMsAgo: null, found: null },
      { sourceId: "j", askedMsAgo: true, found },
    ]);
    // a newer version of one is a document the target was not asked about
    await ingest([doc("g", 3, { note: "newer" })]);
    expect(await recordOf("g")).toMatchObject({ targetLookedUpAt: null, targetFound: null });

    // past the first pass nothing is looked up, whatever the page's look-up said
    await t.db.syncCursor.create({ data: { flowId: flow.id, objectType: "invoice", highWater: new Date() } });
    await ingest([doc("i", 1)]);
    expect((await recordOf("i")).lookUpFirst).toBe(false);
    await t.db.syncCursor.delete({ where: { flowId_objectType: { flowId: flow.id, objectType: "invoice" } } });
  });

  it("takes a different payload at the same version stamp as a change (vendors stamp to the second), once; the same payload again changes nothing", async () => {
    await ingest([doc("s1", 5), doc("s2", 5)]);
    const posted = await recordOf("s2");
    await t.db.syncRecord.update({ where: { id: posted.id }, data: { status: "posted", targetId: "T-s2" } });
    await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE key = ${`record:${posted.id}`}`;

    // both changed within the second of their stamp, after the first read
    const changed = [doc("s1", 5, { status: "Canceled" }), doc("s2", 5, { status: "Canceled" })];
    expect((await ingest(changed)).map((r) => r.outcome)).toEqual(["reprocess", "source-updated"]);
    const s1 = await recordOf("s1");
    expect(s1).toMatchObject({ status: "pending", sourcePayload: changed[0]!.payload });
    expect(s1.events.at(-2)!.detail).toMatchObject({ action: "reprocess", changes: [{ field: "status", from: null, to: "Canceled" }] });
    expect(await jobsOf(s1.id)).toHaveLength(1);
    // a posted document keeps what was posted; the change is noted once, not at every re-read
    const s2 = await recordOf("s2");
    expect(s2).toMatchObject({ status: "posted", sourcePayload: doc("s2", 5).payload });
    expect(s2.events.at(-1)!.detail).toMatchObject({ action: "kept-posted", changes: [{ field: "status", from: null, to: "Canceled" }] });

    expect((await ingest(changed)).map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);
    expect((await recordOf("s2")).events).toHaveLength(s2.events.length);
    // an older stamp never wins, whatever it carries
    expect((await ingest([doc("s1", 4, { status: "Draft" })])).map((r) => r.outcome)).toEqual(["unchanged"]);
  });

  it("compares a record written before the seen-payload digest existed with its stored payload", async () => {
    await ingest([doc("old", 7)]);
    const r = await recordOf("old");
    await t.db.$executeRaw`UPDATE "SyncRecord" SET "sourceSeenDigest" = NULL WHERE id = ${r.id}::uuid`;
    expect((await ingest([doc("old", 7)])).map((x) => x.outcome)).toEqual(["unchanged"]);
    expect((await ingest([doc("old", 7, { note: "same second" })])).map((x) => x.outcome)).toEqual(["reprocess"]);
  });

  it("with newOnly, records a document the ledger lacks and leaves an existing record as it is and unlocked while the caller's transaction stays open (a hold's dependencies)", async () => {
    await ingest([doc("dep", 1)]);
    const before = await recordOf("dep");
    /** whether another transaction can lock the record's row at once while `ingested` is open */
    const lockableWhileOpen = async (newOnly: boolean) =>
      t.db.$transaction(async (tx) => {
        const outcomes = await ingestDocuments({ tx, flow, documents: [doc("dep", 2, { note: "newer" }), doc(`fresh-${String(newOnly)}`, 1)], origin: "dependency", batched: true, newOnly });
        const other = await t.db
          .$transaction((o) => o.$queryRaw`SELECT id FROM "SyncRecord" WHERE id = ${before.id}::uuid FOR UPDATE NOWAIT`)
          .then(
            () => "lockable",
            (err: unknown) => (String(err).includes("55P03") || String(err).includes("could not obtain lock") ? "locked" : Promise.reject(err)),
          );
        return { outcomes: outcomes.map((r) => r.outcome), other };
      });
    expect(await lockableWhileOpen(true)).toEqual({ outcomes: ["unchanged", "new"], other: "lockable" });
    // the record kept its version, payload and trail; the new one was recorded and queued as any dependency
    const after = await recordOf("dep");
    expect(after).toMatchObject({ sourceVersion: before.sourceVersion, sourcePayload: before.sourcePayload, status: "pending" });
    expect(after.events).toHaveLength(before.events.length);
    expect((await recordOf("fresh-true")).events.map((e) => e.kind)).toEqual(["received", "fetched"]);
    // without it the existing record is compared under its row lock, held until the caller commits
    expect(await lockableWhileOpen(false)).toEqual({ outcomes: ["reprocess", "new"], other: "locked" });
  });
});
