import { createHash } from "node:crypto";
import pg from "pg";
import type { Db } from "../db";

/** int8 as bigint, as Prisma's raw queries answer it; every other type as node-postgres parses it. */
const rawTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => (oid === 20 ? (value: string) => BigInt(value) : pg.types.getTypeParser(oid, format as "text"))) as pg.CustomTypesConfig["getTypeParser"],
};

const cache = new WeakMap<Db, WeakMap<pg.Pool, Db>>();

/**
 * `db`, except that its `$queryRawUnsafe` runs on `pool` as a named prepared statement, named after a
 * hash of its text: a text is parsed and planned once per connection, and two texts never share a
 * name. For the webhook intake's group-commit statement (record-callout-events.ts), which Prisma would
 * send unnamed, parsed and planned again each time: prepared, Postgres spends less than half the CPU
 * per callout (bench/README.md, Webhook intake). Everything else is `db` itself.
 */
export const preparedRawDbOf = ({ db, pool }: { db: Db; pool: pg.Pool }): Db => {
  let byPool = cache.get(db);
  if (!byPool) cache.set(db, (byPool = new WeakMap()));
  const known = byPool.get(pool);
  if (known) return known;
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) names.set(text, (name = `raw-${createHash("sha256").update(text).digest("hex").slice(0, 24)}`));
    return name;
  };
  const $queryRawUnsafe = async (text: string, ...values: unknown[]) => (await pool.query({ name: nameOf(text), text, values, types: rawTypes })).rows;
  const prepared: Db = Object.create(db, { $queryRawUnsafe: { value: $queryRawUnsafe } });
  byPool.set(pool, prepared);
  return prepared;
};
