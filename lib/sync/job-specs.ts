import { z } from "zod";

/*
 * Names, payloads and options of the engine's jobs. The task files in jobs/ wrap these with `run`;
 * lib/sync enqueues them by spec (so lib never imports jobs/).
 */

export type JobSpec<S extends z.ZodType> = { name: string; schema: S; maxAttempts: number };

/** Map and post one record. Job key `record:<recordId>`; no queue (see enqueue-record.ts). */
export const processRecordJob = {
  name: "process-record",
  schema: z.object({
    recordId: z.uuid(),
    /** re-fetch the source document first (replay) */
    refetch: z.boolean().optional(),
    /**
     * attempts the record already made in a `process-records` batch before this job took over its
     * retries (the job's max_attempts is lowered by as many): its attempt numbers continue from there
     */
    attemptsBefore: z.number().int().min(1).optional(),
  }),
  maxAttempts: 8,
} satisfies JobSpec<z.ZodType>;

/**
 * Map and post several records in one job (graphile-worker's batch job: an array payload, one entry
 * per record; an entry that fails is retried alone). No job key: a record's own retries, replays and
 * callout fallbacks are `process-record` jobs (see enqueue-records.ts). Same attempt budget.
 */
export const processRecordsJob = {
  name: "process-records",
  schema: z.array(z.object({ recordId: z.uuid() })).min(1),
  maxAttempts: processRecordJob.maxAttempts,
} satisfies JobSpec<z.ZodType>;

/** Read changed documents of one object type, a few pages per job. Job key `poll:<flowId>:<objectType>`. */
export const pollFlowJob = {
  name: "poll-flow",
  schema: z.object({ flowId: z.uuid(), objectType: z.string().min(1), trigger: z.enum(["schedule", "manual"]).default("schedule") }),
  maxAttempts: 5,
} satisfies JobSpec<z.ZodType>;

/** Fetch the documents one verified callout names. Job key `callout:<inboundEventId>`. */
export const processCalloutJob = {
  name: "process-callout",
  schema: z.object({ inboundEventId: z.uuid() }),
  maxAttempts: 10,
} satisfies JobSpec<z.ZodType>;

/** The payload graphile-worker gives a cron job: its `_cron` timestamp (absent when queued by hand), and nothing we read. */
const cronPayloadSchema = z.object({ _cron: z.object({ ts: z.string() }).optional() }).loose();

/** Cron sweep (every minute): fan out `poll-flow` for each enabled flow whose schedule is due. */
export const pollDueFlowsJob = {
  name: "poll-due-flows",
  schema: cronPayloadSchema,
  maxAttempts: 1,
} satisfies JobSpec<z.ZodType>;

/** Cron sweep: queue `renew-subscriptions` for each connection whose vendor subscriptions expire soon (or were never made). */
export const renewDueSubscriptionsJob = {
  name: "renew-due-subscriptions",
  schema: cronPayloadSchema,
  maxAttempts: 1,
} satisfies JobSpec<z.ZodType>;

/** (Re)create one connection's vendor subscriptions. Job key `renew:<connectionId>`. */
export const renewSubscriptionsJob = {
  name: "renew-subscriptions",
  schema: z.object({ connectionId: z.uuid() }),
  maxAttempts: 6,
} satisfies JobSpec<z.ZodType>;

/** Cron (daily): delete stored inbound events past their retention and beyond each connection's budget. */
export const pruneInboundEventsJob = {
  name: "prune-inbound-events",
  schema: cronPayloadSchema,
  maxAttempts: 1,
} satisfies JobSpec<z.ZodType>;

/** Cron (hourly): delete the shared vendor limiter's rows that no live process uses (lib/http/prune-vendor-limits.ts). */
export const pruneVendorLimitsJob = {
  name: "prune-vendor-limits",
  schema: cronPayloadSchema,
  maxAttempts: 1,
} satisfies JobSpec<z.ZodType>;
