import { defineConfig } from "vitest/config";
import base from "../../vitest.config";

/**
 * `npm run test:chaos`: the long reliability runs (worker SIGKILLs during a 2,000-invoice sync, a
 * Postgres restart mid-sync, vendor fault storms). Files `test/reliability/*.chaos.ts`, one at a time:
 * each spawns worker processes and drives the machine hard. (Not merged with mergeConfig: it would
 * concatenate `include` with the default suite's.)
 */
const { projects: _projects, ...shared } = base.test ?? {};

export default defineConfig({
  ...base,
  test: {
    ...shared,
    globalSetup: ["test/global-setup.ts"],
    include: ["test/reliability/**/*.chaos.ts"],
    maxWorkers: 1,
    testTimeout: 900_000,
    hookTimeout: 120_000,
  },
});
