import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    // *.vendor-docs.test.ts check against vendors' own documents the repository cannot hold: npm run test:vendor-docs
    exclude: ["node_modules/**", "e2e/**", ".next/**", ".data/**", "**/*.vendor-docs.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // A fresh credentials key per run: no test depends on a key someone has on disk.
    env: { ML_CONNECTOR_KEY: randomBytes(32).toString("base64"), NODE_ENV: "test" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel in a few forks; each file has its own database.
    pool: "forks",
    maxWorkers: 2,
  },
});
