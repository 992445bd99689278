import pg from "pg";
import type { z } from "zod";

/*
 * The node-postgres pool under a Prisma client (lib/db.ts createDb), for the engine's hot path: the
 * statements a record's job sends many times a second (claim, settle, lease renewal, the vendor
 * limiter) go straight to the driver as named prepared statements, so each costs Postgres no parse and
 * plan after a connection's first, and the worker no query building and result mapping (Prisma's
 * client runtime was the largest single item of a worker's CPU profile, bench/README.md). The admin
 * side keeps Prisma. Rows are parsed with zod at this boundary.
 */

/** The pool each client of createDb runs on (one pool: Prisma's queries and these share its connections). */
const pools = new WeakMap<object, pg.Pool>();

export const registerPool = (db: object, pool: pg.Pool) => {
  pools.set(db, pool);
};

/** The driver pool behind a client made by createDb (or createDbOnPool), if it has one. */
export const findPool = (db: object): pg.Pool | undefined => {
  const pool = pools.get(db);
  if (!pool || !pool.ended) return pool;
  // Prisma's $disconnect ended it, and Prisma reconnects on its next query: so do these statements,
  // on a pool of their own that does not keep the process alive
  const again = new pg.Pool({ ...pool.options, allowExitOnIdle: true });
  again.on("error", () => {});
  pools.set(db, again);
  return again;
};

/** The driver pool behind a client made by createDb (or createDbOnPool). */
export const poolOf = (db: object): pg.Pool => {
  const pool = findPool(db);
  if (!pool) throw new Error("This database client has no driver pool: make it with createDb (lib/db.ts)");
  return pool;
};

/** A statement prepared once per connection under `name` (its text must never change under that name). */
export type PreparedStatement = { name: string; text: string };

export const prepared = (name: string, text: string): PreparedStatement => ({ name, text });

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/** Runs a prepared statement and parses its rows with `schema`. */
export const queryRows = async <S extends z.ZodType>(on: Queryable, statement: PreparedStatement, values: unknown[], schema: S): Promise<z.output<S>[]> => {
  const result = await on.query({ name: statement.name, text: statement.text, values });
  return result.rows.map((row) => schema.parse(row));
};

/** Runs a prepared statement for its effect; answers the number of rows it touched. */
export const execute = async (on: Queryable, statement: PreparedStatement, values: unknown[]): Promise<number> => {
  const result = await on.query({ name: statement.name, text: statement.text, values });
  return result.rowCount ?? 0;
};

type PrismaRaw = {
  $queryRaw: (query: TemplateStringsArray, ...values: unknown[]) => Promise<unknown>;
  $executeRaw: (query: TemplateStringsArray, ...values: unknown[]) => Promise<number>;
};

/** A prepared statement as a Prisma tagged template: its text cut at each `$n`, the values in order of use. */
const asTemplate = (statement: PreparedStatement, values: unknown[]): [TemplateStringsArray, ...unknown[]] => {
  const parts: string[] = [];
  const used: unknown[] = [];
  let last = 0;
  for (const m of statement.text.matchAll(/\$(\d+)/g)) {
    parts.push(statement.text.slice(last, m.index));
    used.push(values[Number(m[1]) - 1]);
    last = m.index + m[0].length;
  }
  parts.push(statement.text.slice(last));
  return [Object.assign([...parts], { raw: [...parts] }), ...used];
};

/**
 * A prepared statement's rows on a client's driver pool; a client without one (a wrapper of a client,
 * such as a test's counting proxy) runs the same statement through Prisma.
 */
export const dbRows = async <S extends z.ZodType>(db: object, statement: PreparedStatement, values: unknown[], schema: S): Promise<z.output<S>[]> => {
  const pool = findPool(db);
  if (pool) return queryRows(pool, statement, values, schema);
  const rows = (await (db as PrismaRaw).$queryRaw(...asTemplate(statement, values))) as unknown[];
  return rows.map((row) => schema.parse(row));
};

/** A prepared statement for its effect (rows touched), as dbRows runs it. */
export const dbExecute = async (db: object, statement: PreparedStatement, values: unknown[]): Promise<number> => {
  const pool = findPool(db);
  if (pool) return execute(pool, statement, values);
  return (db as PrismaRaw).$executeRaw(...asTemplate(statement, values));
};
