import { z } from "zod";

/**
 * Every environment variable ml-connector reads, validated once. Nothing else reads `process.env`
 * (scripts/ may set variables for the processes they start). The README's configuration table
 * lists the same variables; keep the two in step.
 */
const booleanString = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL connection string. Absent: `npm start` runs an embedded Postgres under DATA_DIR. */
  DATABASE_URL: z.url().optional(),
  /** Folder for the embedded default's data: Postgres cluster, generated keys, sandbox state. */
  DATA_DIR: z.string().min(1).default(".data"),
  /**
   * Key for credentials at rest: 32 bytes, base64 or 64 hex chars. In the embedded default it is
   * generated once into DATA_DIR. Required with DATABASE_URL.
   */
  ML_CONNECTOR_KEY: z.string().min(1).optional(),
  /** Earlier keys, comma-separated, still accepted for decryption while credentials are re-encrypted. */
  ML_CONNECTOR_OLD_KEYS: z.string().optional(),
  /** Secret that signs session cookies (next-auth). Generated into DATA_DIR in the embedded default. */
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  /** Public URL of the web app, e.g. https://connector.example.com (used for callback URLs). */
  NEXTAUTH_URL: z.url().optional(),
  /** Web app port. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Port of the embedded Postgres (embedded default only). */
  PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  /** Port of the vendor sandbox started by `npm start` and `npm run sandbox`. */
  SANDBOX_PORT: z.coerce.number().int().min(1).max(65535).default(4010),
  /** Where `npm run db:seed` finds the vendor sandbox (default http://127.0.0.1:SANDBOX_PORT). */
  SANDBOX_URL: z.url().optional(),
  /** Start the vendor sandbox with demo data (default: only in the embedded default). */
  SANDBOX: booleanString.optional(),
  /** First admin created on an empty database when no user exists. */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, "ADMIN_PASSWORD must be at least 12 characters").optional(),
  /** Jobs one worker process runs at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /**
   * Most records one worker process posts at once (default 4 x WORKER_CONCURRENCY): beyond one per job
   * slot only while the process waits on its vendors (lib/sync/pace-records-in-flight.ts). Set it to
   * WORKER_CONCURRENCY for one record per job slot.
   */
  WORKER_MAX_RECORDS_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).optional(),
  /** A worker that has not beaten for this many seconds is reported down by /api/health. */
  WORKER_STALE_SECONDS: z.coerce.number().int().min(5).default(90),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Processed inbound events (callouts, webhooks) are deleted after this many days. */
  INBOUND_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** At most this many processed inbound events are kept per connection (the newest). */
  INBOUND_EVENT_BUDGET_PER_CONNECTION: z.coerce.number().int().min(100).default(100_000),
  /**
   * Bench only (`npm run bench -- --only intake` sets it on the server it starts): also serve the webhook
   * route's framework floor, a POST whose body is read and answered 200 with nothing verified or stored
   * (answerCalloutRequest's `benchFloor`, lib/sync/answer-callout-request.ts). Never set it on a server vendors can reach.
   */
  BENCH_INTAKE_FLOOR: booleanString.optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Parse an environment (tests pass their own); throws one readable error listing every problem. */
export const parseEnv = (source: Record<string, string | undefined>): Env => {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new Error(`ml-connector: invalid configuration\n${problems}`);
};

let cached: Env | undefined;

/** The process environment, validated on first use. */
export const env = (): Env => (cached ??= parseEnv(process.env));
