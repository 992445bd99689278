import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createEmptyDb } from "../../test/db";
import { migrate } from "./migrate";

describe("migrate", () => {
  const clients: pg.Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.end();
  });
  const connect = async (url: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };

  it("applies every migration to an empty database, records it as Prisma does, and is idempotent", async () => {
    const { url } = await createEmptyDb();
    const first = await migrate({ connectionString: url });
    expect(first.applied).toContain("20261123000000_init");

    const c = await connect(url);
    const { rows } = await c.query(
      `SELECT migration_name, length(checksum) AS len, finished_at IS NOT NULL AS done, applied_steps_count FROM "_prisma_migrations"`,
    );
    expect(rows).toContainEqual({ migration_name: "20261123000000_init", len: 64, done: true, applied_steps_count: 1 });
    const tables = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(["User", "Connection", "Flow", "ValueMap", "SyncCursor", "InboundEvent", "SyncRecord", "RecordEvent"]),
    );
    const worker = await c.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = 'graphile_worker'`);
    expect(worker.rowCount).toBe(1);

    const second = await migrate({ connectionString: url });
    expect(second.applied).toEqual([]);
  });

  it("lets two processes migrate at once without applying anything twice", async () => {
    const { url } = await createEmptyDb();
    const [a, b] = await Promise.all([migrate({ connectionString: url }), migrate({ connectionString: url })]);
    expect([...a.applied, ...b.applied].filter((n) => n === "20261123000000_init")).toHaveLength(1);
  });

  it("refuses a migration whose file changed after it was applied", async () => {
    const { url } = await createEmptyDb();
    await migrate({ connectionString: url });
    const c = await connect(url);
    await c.query(`UPDATE "_prisma_migrations" SET checksum = repeat('0', 64)`);
    await expect(migrate({ connectionString: url })).rejects.toThrow(/edited after it was applied/);
  });
});
