import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Db } from "../lib/db";
import { withDatabase } from "./global-setup";

export type TestDb = { url: string; db: Db; drop: () => Promise<void> };

/** A fresh, migrated database cloned from the run's template (see test/global-setup.ts). */
export const createTestDb = async (): Promise<TestDb> => {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const name = `${template}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, { max: 5 });
  return {
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
};

/** An empty database (no migrations), for testing the migrator itself. */
export const createEmptyDb = async () => {
  const adminUrl = inject("pgAdminUrl");
  const name = `${inject("pgTemplate")}_empty_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return { url: withDatabase(adminUrl, name) };
};
