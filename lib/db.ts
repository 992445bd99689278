import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client";

/** A Prisma client over node-postgres (no native engine needed at run time). */
export const createDb = (connectionString: string, { max = 10 }: { max?: number } = {}): Db =>
  new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });

const globalForDb = globalThis as unknown as { mlConnectorDb?: Db };

/** The process-wide client for DATABASE_URL (kept across Next.js dev reloads). */
export const db = (): Db => {
  if (globalForDb.mlConnectorDb) return globalForDb.mlConnectorDb;
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start ml-connector with `npm start`, or set DATABASE_URL");
  // A posting job holds one connection for its transaction and needs another for its reads and
  // vendor-limit statements: with fewer than the job slots plus a few, a busy worker stalls on its pool.
  return (globalForDb.mlConnectorDb = createDb(url, { max: env().WORKER_CONCURRENCY + 4 }));
};
