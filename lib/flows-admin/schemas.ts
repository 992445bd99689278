import { z } from "zod";
import { fieldValueSchema } from "../connections/form-schemas";

// The flow form (browser and server parse the same schema). Flow.settings itself is checked against
// the flow kind's declaration (fields) and validated with its settings schema on save.

/** Schedules offered as presets; anything else is entered as a 5-field cron expression (UTC). */
export const SCHEDULE_PRESETS = [
  { cron: "*/5 * * * *", label: "Every 5 minutes" },
  { cron: "*/15 * * * *", label: "Every 15 minutes" },
  { cron: "0 * * * *", label: "Every hour" },
  { cron: "0 */6 * * *", label: "Every 6 hours" },
  { cron: "0 2 * * *", label: "Daily at 02:00 UTC" },
] as const;

const CRON_FIELD = /^[\d*/,\-A-Za-z]+$/;

export const scheduleSchema = z
  .string()
  .trim()
  .max(100)
  .refine((v) => v.split(/\s+/).length === 5 && v.split(/\s+/).every((f) => CRON_FIELD.test(f)), "A schedule is a cron expression with 5 fields, e.g. */15 * * * *")
  .nullable();

export const flowFormSchema = z.strictObject({
  /** set when editing a saved flow */
  id: z.uuid().optional(),
  /** the flow kind (listFlowKinds); a saved flow keeps its kind */
  kind: z.string().trim().min(1, "Choose what the flow moves").max(100),
  name: z.string().trim().min(1, "Give the flow a name").max(100),
  sourceConnectionId: z.uuid("Choose the connection the flow reads from"),
  targetConnectionId: z.uuid("Choose the connection the flow posts to"),
  schedule: scheduleSchema,
  /** first run reads documents changed since this day (UTC); null: since the flow was created */
  backfillFrom: z.iso.date("Enter the backfill start as a date").nullable(),
  /** by declared field name of the flow kind's settings */
  settings: z.record(z.string().max(100), fieldValueSchema).default({}),
});
export type FlowForm = z.input<typeof flowFormSchema>;
export type ParsedFlowForm = z.output<typeof flowFormSchema>;

export const flowIdInputSchema = z.strictObject({ flowId: z.uuid() });
export const setFlowEnabledInputSchema = z.strictObject({ flowId: z.uuid(), enabled: z.boolean() });
