import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * `npm run test:vendor-docs`: the sandbox's answers checked against the vendors' own published
 * documents (Zuora's Swagger files), which state no licence and so are not in the repository.
 * VENDOR_SPECS_DIR names the folder holding them (CI: see .ci/run); each test fails
 * without it (sandbox/core/vendor-specs-dir.ts). No database: these tests start only the sandbox.
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.vendor-docs.test.ts"],
    exclude: ["node_modules/**", ".next/**", ".data/**"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
