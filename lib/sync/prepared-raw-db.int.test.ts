import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { calloutIntakePoolOf } from "./callout-intake-pool";
import { preparedRawDbOf } from "./prepared-raw-db";

/*
 * The intake's statement runner against a real Postgres: raw statements on the intake pool answer as
 * Prisma's do (int8 as bigint, uuid and text as strings, timestamptz as Date, jsonb parsed), prepared
 * once per text, in sessions of the test's database that plan each execution; the app's own sessions
 * keep Postgres's default plan cache mode.
 */
describe("preparedRawDbOf on calloutIntakePoolOf", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("answers as Prisma does, prepares each text once, and plans per execution on the intake's sessions only", async () => {
    const pool = calloutIntakePoolOf(t.db);
    expect(calloutIntakePoolOf(t.db)).toBe(pool);
    const prepared = preparedRawDbOf({ db: t.db, pool });
    expect(preparedRawDbOf({ db: t.db, pool })).toBe(prepared);

    const text = `SELECT count(*) AS n, $1::uuid AS id, $2::timestamptz AS at, $3::jsonb AS doc, NULL::text AS nothing, current_database() AS db, current_setting('plan_cache_mode') AS mode FROM "InboundEvent"`;
    const values = ["6f1c2e4a-9b7d-4c1e-8f3a-2d5b6c7e8f90", new Date("2026-01-02T03:04:05.678Z"), JSON.stringify({ a: [1, "b"] })];
    const viaPool = await prepared.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
    const viaPrisma = await t.db.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
    expect(viaPool).toEqual([{ ...viaPrisma[0], mode: "force_custom_plan" }]);
    expect(viaPool[0]).toMatchObject({ n: 0n, at: new Date("2026-01-02T03:04:05.678Z"), doc: { a: [1, "b"] }, nothing: null });
    expect(viaPrisma[0]!.mode).toBe("auto");

    // the same text again, on both connections of the pool at once: one prepared statement per session
    await Promise.all(Array.from({ length: 6 }, () => prepared.$queryRawUnsafe(text, ...values)));
    const sessions = await Promise.all([pool.connect(), pool.connect()]);
    try {
      for (const session of sessions) {
        const { rows } = await session.query<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements");
        expect(rows.filter((r) => r.statement === text)).toHaveLength(1);
      }
    } finally {
      for (const session of sessions) session.release();
    }
    // a statement Postgres refuses fails as Prisma's would: the error reaches the caller
    await expect(prepared.$queryRawUnsafe("SELECT 1/0")).rejects.toThrow(/division by zero/);
  });
});
