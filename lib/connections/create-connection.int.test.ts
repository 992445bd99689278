import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { createConnection } from "./create-connection";
import { readConnectionSecrets } from "./read-connection-secrets";

const SECRET = "zq-client-secret-7f3a9c1e5b";

describe("connection credentials at rest", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it("never stores the plaintext anywhere in the database, and reads it back", async () => {
    const created = await createConnection({
      db: t.db,
      input: { vendor: "zuora", name: "Zuora EU", baseUrl: "https://rest.eu.zuora.com", secrets: { clientId: "abc", clientSecret: SECRET } },
    });
    expect(JSON.stringify(created)).not.toContain(SECRET);

    // Every text-like value of every row of every table, as the database holds it.
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    const { rows: tables } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema IN ('public') AND table_type = 'BASE TABLE'`,
    );
    let scanned = 0;
    for (const { table_name } of tables) {
      const { rows } = await client.query(`SELECT t::text AS row FROM "${table_name}" t`);
      for (const { row } of rows) {
        scanned++;
        expect(row).not.toContain(SECRET);
      }
    }
    await client.end();
    expect(scanned).toBeGreaterThan(0);

    expect(await readConnectionSecrets({ db: t.db, connectionId: created.id })).toEqual({ clientId: "abc", clientSecret: SECRET });
  });

  it("refuses an envelope moved onto another connection", async () => {
    const a = await createConnection({ db: t.db, input: { vendor: "acumatica", name: "A", baseUrl: "https://a.example.com", secrets: { password: "pa" } } });
    const b = await createConnection({ db: t.db, input: { vendor: "acumatica", name: "B", baseUrl: "https://b.example.com", secrets: { password: "pb" } } });
    const { credentials } = await t.db.connection.findUniqueOrThrow({ where: { id: a.id } });
    await t.db.connection.update({ where: { id: b.id }, data: { credentials } });
    await expect(readConnectionSecrets({ db: t.db, connectionId: b.id })).rejects.toThrow(/failed authentication/);
  });

  it("rejects bad input with a clear message", async () => {
    await expect(
      createConnection({ db: t.db, input: { vendor: "zuora", name: "x", baseUrl: "rest.zuora.com", secrets: {} } }),
    ).rejects.toThrow(/full tenant URL/);
  });
});
