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
  // A job uses one connection at a time (a posting holds no transaction across its vendor calls, see
  // processRecord); the spare ones serve the lease renewals and heartbeats beside the job slots.
  return (globalForDb.mlConnectorDb = createDb(url, { max: env().WORKER_CONCURRENCY + 2 }));
};
