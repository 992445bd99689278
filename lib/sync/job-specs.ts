import { z } from "zod";

/*
 * Names, payloads and options of the engine's jobs. The task files in jobs/ wrap these with `run`;
 * lib/sync enqueues them by spec (so lib never imports jobs/).
 */

export type JobSpec<S extends z.ZodType> = { name: string; schema: S; maxAttempts: number };

/** Map and post one record. Job key `record:<recordId>`; no queue (see enqueue-record.ts). */
export const processRecordJob = {
  name: "process-record",
  schema: z.object({ recordId: z.uuid(), /** re-fetch the source document first (replay) */ refetch: z.boolean().optional() }),
  maxAttempts: 8,
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

/** Cron sweep (every minute): fan out `poll-flow` for each enabled flow whose schedule is due. */
export const pollDueFlowsJob = {
  name: "poll-due-flows",
  schema: z.object({ _cron: z.object({ ts: z.string() }).optional() }).loose(),
  maxAttempts: 1,
} satisfies JobSpec<z.ZodType>;
