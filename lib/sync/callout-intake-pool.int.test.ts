import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { calloutIntakePoolOf } from "./callout-intake-pool";
import { recordStatementOn } from "./record-callout-events";

/*
 * The intake's own pool against a real Postgres: one pool per database client, and the recording
 * statement prepared once per session however often it runs, answering as it does through Prisma.
 */
describe("calloutIntakePoolOf and the recording statement on it", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("is one pool per database client and prepares the statement once per session", async () => {
    const pool = calloutIntakePoolOf(t.db);
    expect(calloutIntakePoolOf(t.db)).toBe(pool);

    // no callouts: the statement answers the same on either path
    const values = [JSON.stringify([]), "process-callout", 25];
    const onPool = recordStatementOn({ pool });
    await Promise.all(Array.from({ length: 6 }, () => onPool(values)));
    expect(await onPool(values)).toEqual(await recordStatementOn({ db: t.db })(values));

    // named once per session that ran it (a second PREPARE of the name would have failed the runs above)
    const sessions = await Promise.all([pool.connect(), pool.connect()]);
    try {
      const perSession = await Promise.all(
        sessions.map(async (session) => (await session.query("SELECT name FROM pg_prepared_statements WHERE name = 'record-callout-events'")).rowCount),
      );
      expect(perSession.every((n) => n === 0 || n === 1) && perSession.some((n) => n === 1)).toBe(true);
    } finally {
      for (const session of sessions) session.release();
    }
    // a statement Postgres refuses reaches the caller
    await expect(onPool(["not json", "process-callout", 25])).rejects.toThrow(/json/i);
  });
});
