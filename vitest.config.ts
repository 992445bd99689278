import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "vitest/config";

/** Never collected by the default run: node_modules, e2e journeys (Playwright), build output, and the
 * checks against vendors' own documents that the repository cannot hold (npm run test:vendor-docs). */
const EXCLUDE = ["node_modules/**", "**/node_modules/**", "e2e/**", ".next/**", ".data/**", "**/*.vendor-docs.test.ts"];

/*
 * Two projects, both in `npm test`:
 * - unit (`*.test.ts`): no database, no server, no sandbox; fast, run first (`npm run test:unit`);
 * - integration (`*.int.test.ts`): a real Postgres (one embedded cluster per run, a template database
 *   cloned per file), the sandbox over real HTTP, worker processes (`npm run test:int`).
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    // A fresh credentials key per run: no test depends on a key someone has on disk.
    env: { ML_CONNECTOR_KEY: randomBytes(32).toString("base64"), NODE_ENV: "test" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel in a few forks; each integration file has its own database.
    pool: "forks",
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...EXCLUDE, "**/*.int.test.ts"],
          // Unit files share their worker's modules instead of importing the whole graph again per file
          // (the imports were most of the phase). They touch no shared state but process.env, which
          // lib/env reads once per process: what a file needs from it is set here, before any file runs.
          isolate: false,
          env: { NEXTAUTH_SECRET: randomBytes(32).toString("hex") },
        },
      },
      { extends: true, test: { name: "integration", include: ["**/*.int.test.ts"], exclude: EXCLUDE, globalSetup: ["test/global-setup.ts"] } },
    ],
  },
});
