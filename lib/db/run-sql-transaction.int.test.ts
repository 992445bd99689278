import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { poolOf } from "./pool";
import { runSqlTransaction } from "./run-sql-transaction";

describe("runSqlTransaction", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it("commits the statements of its function together, with their values as parameters, and answers its result", async () => {
    const rows = await runSqlTransaction(t.db, async (tx) => {
      const [row] = await tx.$queryRaw<{ sum: number; text: string; list: string[] }[]>`SELECT ${2}::int + ${3}::int AS sum, ${"it's $1"}::text AS text, ${["a", null, "c"]}::text[] AS list`;
      const touched = await tx.$executeRaw`CREATE TEMP TABLE tx_probe ON COMMIT DROP AS SELECT 1 AS x UNION ALL SELECT 2`;
      return { row, touched };
    });
    expect(rows).toEqual({ row: { sum: 5, text: "it's $1", list: ["a", null, "c"] }, touched: 2 });
  });

  it("rolls everything back when its function throws, and returns the connection to the pool", async () => {
    const pool = poolOf(t.db);
    const before = (await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "SyncCursor"`)[0]!.n;
    await expect(
      runSqlTransaction(t.db, async (tx) => {
        await tx.$executeRaw`CREATE TABLE tx_rolled_back (x int)`;
        throw new Error("page failed");
      }),
    ).rejects.toThrow("page failed");
    expect((await t.db.$queryRaw<{ t: string | null }[]>`SELECT to_regclass('tx_rolled_back')::text AS t`)[0]!.t).toBeNull();
    expect((await t.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "SyncCursor"`)[0]!.n).toBe(before);
    expect(pool.idleCount).toBe(pool.totalCount);
  });
});
