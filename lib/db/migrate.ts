import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { Logger, runMigrations as runWorkerMigrations } from "graphile-worker";
import { Umzug, type UmzugStorage } from "umzug";

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order and records each one in
 * Prisma's own `_prisma_migrations` table (same columns, sha256 checksum of the file), so that
 * `prisma migrate deploy` stays compatible wherever Prisma's native schema engine exists. The
 * engine is a download that air-gapped installs cannot make, hence this runner.
 *
 * Each migration runs in one transaction together with its bookkeeping row, and the whole run
 * holds Prisma's advisory lock, so web and worker processes starting together migrate once.
 * graphile-worker's own schema is installed after ours by graphile-worker itself.
 */

/** Prisma's advisory lock key for migrations (see prisma-engines `migration-connector`). */
const PRISMA_MIGRATION_LOCK = 72707369;

const MIGRATIONS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export type MigrateResult = {
  /** names of the migrations this run applied, oldest first */
  applied: string[];
};

type SqlMigration = { name: string; sql: string; checksum: string };

const readMigrations = async (dir: string): Promise<SqlMigration[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
};

/** Storage over `_prisma_migrations`; rows are written by each migration's own transaction. */
const prismaTableStorage = (client: pg.Client, known: Map<string, string>): UmzugStorage => ({
  async executed() {
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const done: string[] = [];
    for (const row of rows) {
      if (row.rolled_back_at) continue;
      if (!row.finished_at) {
        throw new Error(
          `Migration ${row.migration_name} started earlier but never finished. Repair the database, then delete its row from "_prisma_migrations".`,
        );
      }
      const expected = known.get(row.migration_name);
      if (expected && expected !== row.checksum) {
        throw new Error(`Migration ${row.migration_name} was edited after it was applied (checksum differs). Add a new migration instead.`);
      }
      done.push(row.migration_name);
    }
    return done;
  },
  // Recorded inside the migration's transaction (see `up` below), so nothing is left to do here.
  async logMigration() {},
  async unlogMigration() {
    throw new Error("ml-connector migrations are forward-only");
  },
});

/** Apply pending migrations to the database at `connectionString`, then graphile-worker's schema. */
export const migrate = async ({
  connectionString,
  migrationsDir = MIGRATIONS_DIR,
  log = () => {},
}: {
  connectionString: string;
  migrationsDir?: string;
  log?: (message: string) => void;
}): Promise<MigrateResult> => {
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATION_LOCK]);
    await client.query(MIGRATIONS_TABLE_SQL);
    const umzug = new Umzug({
      logger: undefined,
      storage: prismaTableStorage(client, new Map(migrations.map((m) => [m.name, m.checksum]))),
      migrations: migrations.map((m) => ({
        name: m.name,
        up: async () => {
          await client.query("BEGIN");
          try {
            const id = randomUUID();
            await client.query(
              `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
              [id, m.checksum, m.name],
            );
            await client.query(m.sql);
            await client.query(
              `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
              [id],
            );
            await client.query("COMMIT");
          } catch (error) {
            await client.query("ROLLBACK");
            throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`, { cause: error });
          }
          applied.push(m.name);
          log(`applied migration ${m.name}`);
        },
      })),
    });
    await umzug.up();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
  await runWorkerMigrations({ connectionString, logger: quietWorkerLogger });
  return { applied };
};

const quietWorkerLogger = new Logger(() => () => {});
