import { defineConfig } from "prisma/config";

// DATABASE_URL is only needed by `prisma migrate deploy` where the schema engine exists;
// `prisma generate` (all this project runs) needs no database.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/ml_connector" },
});
