import { z } from "zod";

/**
 * The sandbox's own settings, read from the environment with the same names the app uses (the
 * sandbox never imports lib/, so it reads them itself). Empty values count as unset, as in lib/env.ts.
 */
const sandboxSettingsSchema = z.object({
  /** Port of the embedded sandbox (`npm start`, `npm run sandbox`). */
  SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
  /** The state file goes to DATA_DIR/sandbox/state.json. */
  DATA_DIR: z.string().min(1).default(".data"),
});

export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;

/** Parses `source` (default: process.env); throws one readable error naming every bad variable. */
export const readSandboxSettings = (source: Record<string, string | undefined> = process.env): SandboxSettings => {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = sandboxSettingsSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new Error(`ml-connector sandbox: invalid configuration\n${problems}`);
};
