import { chmod, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../lib/db/migrate";
import { freePort, startEmbeddedPostgres } from "../scripts/embedded-postgres";

/**
 * One real Postgres per test run: a fresh embedded cluster in a temporary folder (deleted at the
 * end), or, when DATABASE_URL is set, a fresh database on that server. Migrations are applied once
 * to a template database; each test file clones it (test/db.ts), so files never see each other's rows.
 */
export default async function setup(project: TestProject) {
  let adminUrl: string;
  let teardown: () => Promise<void>;
  const external = process.env.DATABASE_URL;
  if (external) {
    adminUrl = external;
    teardown = async () => {};
  } else {
    const parent = await mkdtemp(path.join(os.tmpdir(), "mlc-test-pg-"));
    await chmod(parent, 0o755); // run as root, Postgres runs as the "postgres" user and must reach it
    const dataDir = path.join(parent, "pg");
    // As root in a clone the postgres user cannot enter, the binaries (and, with a private TMPDIR, the
    // data) move to a folder it can reach; scripts/embedded-postgres.ts says where, or why it cannot.
    const server = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      password: randomBytes(12).toString("hex"),
      persistent: false,
      log: (message) => console.log(`[test Postgres] ${message}`),
    });
    adminUrl = server.connectionString();
    teardown = server.stop;
  }

  const template = `mlc_template_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  await migrate({ connectionString: templateUrl });

  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`${template}_%`, template],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
    await teardown();
  };
}

export const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}
