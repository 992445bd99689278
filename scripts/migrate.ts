import { migrate } from "../lib/db/migrate";
import { env } from "../lib/env";

/** `npm run db:migrate`: apply pending migrations to DATABASE_URL (what `prisma migrate deploy` does). */
const url = env().DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. (`npm start` migrates its embedded database by itself.)");
  process.exit(2);
}
const { applied } = await migrate({ connectionString: url, log: console.log });
console.log(applied.length ? `applied ${applied.length} migration(s)` : "database schema is up to date");
