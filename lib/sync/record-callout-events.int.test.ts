import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { createConnection } from "../connections/create-connection";
import { calloutIntakePoolOf } from "./callout-intake-pool";
import { recordStatementOn } from "./record-callout-events";

/*
 * The recording statement inserts its jobs into graphile-worker's jobs table itself rather than through
 * graphile_worker.add_jobs. Against a real Postgres with graphile-worker's own schema: each job row is
 * the row add_jobs makes for the same spec, column by column (so an upgrade of graphile-worker that
 * changes what add_jobs writes fails here), workers are told once per statement as add_jobs tells them,
 * the task row is made when no worker has made it yet, and a duplicate delivery queues nothing.
 */
describe("the recording statement's jobs, against graphile_worker.add_jobs", () => {
  let t: TestDb;
  let connectionId: string;
  let updatedAt: Date;
  const TASK = "record-callout-events-test-task";

  beforeAll(async () => {
    t = await createTestDb();
    connectionId = (
      await createConnection({
        db: t.db,
        input: { vendor: "zuora", name: "zuora", baseUrl: "https://zuora.example.com", secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: "x" } },
      })
    ).id;
    ({ updatedAt } = await t.db.connection.findUniqueOrThrow({ where: { id: connectionId } }));
  });
  afterAll(async () => {
    await t?.drop();
  });

  const input = (ids: string[]) =>
    JSON.stringify(
      ids.map((vendorEventId, i) => ({ i, connectionId, connectionUpdatedAt: updatedAt.toISOString(), vendorEventId, eventType: "InvoicePosted", objectType: "invoice", objectId: vendorEventId, payload: { n: i } })),
    );

  it("writes the row add_jobs writes for the same spec, tells the workers once per statement, and makes its task when missing", async () => {
    const tasks = () => t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker._private_tasks WHERE identifier = ${TASK}`;
    expect(await tasks()).toEqual([{ n: 0n }]);
    const listener = new pg.Client({ connectionString: t.url });
    await listener.connect();
    const notes: string[] = [];
    listener.on("notification", (n) => notes.push(n.payload ?? ""));
    await listener.query('LISTEN "jobs:insert"');
    const onPool = recordStatementOn({ pool: calloutIntakePoolOf(t.db) });
    /** the statement's answer with its index lists in order (Postgres aggregates them in no set order) */
    const run = async (values: unknown[]) =>
      (await onPool(values)).map((row) => {
        const { verified, inserted, queued } = row as { verified: number[] | null; inserted: number[] | null; queued: string | null };
        return { verified: verified && [...verified].sort(), inserted: inserted && [...inserted].sort(), queued };
      });
    try {
      expect(await run([input(["a", "b", "c"]), TASK, 7])).toEqual([{ verified: [0, 1, 2], inserted: [0, 1, 2], queued: "3" }]);
      // the same ids again: verified, nothing inserted, nothing queued, no NOTIFY
      expect(await run([input(["a", "b"]), TASK, 7])).toEqual([{ verified: [0, 1], inserted: null, queued: null }]);
      expect(await run([input(["b", "d"]), TASK, 7])).toEqual([{ verified: [0, 1], inserted: [1], queued: "1" }]);
      await expect.poll(() => notes.length).toBe(2);
      expect(notes.map((n) => (JSON.parse(n) as { count: number }).count)).toEqual([3, 1]);
    } finally {
      await listener.end();
    }
    expect(await tasks()).toEqual([{ n: 1n }]);

    // graphile's own add_jobs, the same spec as ours, for a key of its own
    await t.db.$executeRawUnsafe(
      `SELECT * FROM graphile_worker.add_jobs(ARRAY[ROW($1::text, json_build_object('inboundEventId', 'x'), NULL::text, NULL::timestamptz, 7::smallint, 'add-jobs-reference', NULL::smallint, NULL::text[])::graphile_worker.job_spec])`,
      TASK,
    );
    /** every column but the ones that differ by design (id, key, payload) or by the moment (timestamps, checked against the statement's time) */
    const rows = await t.db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT to_jsonb(j) - 'id' - 'key' - 'payload' - 'run_at' - 'created_at' - 'updated_at' AS rest,
              j.key, j.payload, (j.run_at = j.created_at AND j.updated_at = j.created_at AND j.created_at > now() - interval '1 minute') AS timed_now
         FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks task ON task.id = j.task_id
        WHERE task.identifier = $1 ORDER BY j.id`,
      TASK,
    );
    expect(rows).toHaveLength(5);
    const [reference] = rows.splice(4, 1);
    expect(reference).toMatchObject({ key: "add-jobs-reference", timed_now: true });
    const events = await t.db.inboundEvent.findMany({ where: { connectionId }, orderBy: { vendorEventId: "asc" } });
    expect(events.map((e) => e.vendorEventId)).toEqual(["a", "b", "c", "d"]);
    for (const row of rows) {
      expect(row.rest).toEqual(reference!.rest);
      expect(row.timed_now).toBe(true);
    }
    expect(rows.map((r) => [r.key, r.payload])).toEqual(expect.arrayContaining(events.map((e) => [`callout:${e.id}`, { inboundEventId: e.id }])));
  });

  it("records nothing and queues nothing for a connection changed since the callout was verified", async () => {
    const run = recordStatementOn({ pool: calloutIntakePoolOf(t.db) });
    const stale = JSON.stringify([{ i: 0, connectionId, connectionUpdatedAt: new Date(updatedAt.getTime() - 1000).toISOString(), vendorEventId: "stale", eventType: "InvoicePosted", objectType: "invoice", objectId: "s", payload: {} }]);
    expect(await run([stale, TASK, 7])).toEqual([{ verified: null, inserted: null, queued: null }]);
    expect(await t.db.inboundEvent.count({ where: { vendorEventId: "stale" } })).toBe(0);
  });
});
