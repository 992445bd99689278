import type { Db, Prisma } from "../db";
import { findPool } from "./pool";

/** The part of a Prisma transaction client that raw-SQL writers use: tagged-template statements. */
export type SqlTx = Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">;

type Client = { query: (text: string, values: unknown[]) => Promise<{ rows: unknown[]; rowCount: number | null }> };

/** A tagged template's text with `$1`, `$2`, … where its values go (the values stay parameters). */
const textOf = (strings: TemplateStringsArray) => strings.reduce((text, part, i) => `${text}$${i}${part}`);

/**
 * A driver connection dressed as the tagged-template half of a Prisma transaction client, so the raw
 * statements written for Prisma (ingestDocuments, enqueueRecords, enqueueJob) run on it unchanged.
 * Only plain templates are supported (no Prisma.sql fragments among the values).
 */
const sqlTxOn = (client: Client): SqlTx => {
  const run = (strings: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
    if (!Array.isArray(strings)) throw new Error("runSqlTransaction: only tagged templates run on the driver connection");
    return client.query(textOf(strings as TemplateStringsArray), values);
  };
  const tx = {
    $queryRaw: async (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(strings, values)).rows,
    $executeRaw: async (strings: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(strings, values)).rowCount ?? 0,
  };
  // Prisma types these as PrismaPromise (a Promise it may batch); callers only await them
  return tx as unknown as SqlTx;
};

/**
 * Runs `fn`'s raw statements in ONE transaction on the client's driver pool (BEGIN … COMMIT, ROLLBACK
 * when `fn` throws): none of Prisma's query compilation, parameter serialisation and interactive
 * transaction bookkeeping, which cost a worker more CPU than the statements of a poll page themselves
 * (a page carries every document's payload as parameters). A client without a driver pool (a test's
 * wrapper) runs `fn` in its own Prisma transaction with `prismaOptions`.
 */
export const runSqlTransaction = async <T>(
  db: Db,
  fn: (tx: SqlTx) => Promise<T>,
  prismaOptions?: { maxWait?: number; timeout?: number },
): Promise<T> => {
  const pool = findPool(db);
  if (!pool) return db.$transaction((tx) => fn(tx), prismaOptions);
  const client = await pool.connect();
  // a connection whose BEGIN or ROLLBACK failed is dropped rather than returned to the pool
  let broken: Error | undefined;
  try {
    await client.query("BEGIN").catch((err: unknown) => {
      broken = err instanceof Error ? err : new Error(String(err));
      throw err;
    });
    try {
      const result = await fn(sqlTxOn(client));
      await client.query("COMMIT");
      return result;
    } catch (err) {
      await client.query("ROLLBACK").catch((rollback: unknown) => {
        broken = rollback instanceof Error ? rollback : new Error(String(rollback));
      });
      throw err;
    }
  } finally {
    client.release(broken);
  }
};
