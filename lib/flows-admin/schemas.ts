import { z } from "zod";

// The flow form (browser and server parse the same schema). Flow.settings itself is validated with
// lib/flows/zuora-acumatica-mapping.ts zuoraAcumaticaSettingsSchema on save.

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

const optionalCode = z
  .string()
  .trim()
  .max(30)
  .optional()
  .transform((v) => (v ? v : undefined));

export const flowSettingsFormSchema = z.strictObject({
  createCustomers: z.boolean(),
  customerIdPrefix: z.string().trim().regex(/^[A-Z0-9]{0,4}$/, "The customer ID prefix is up to 4 capital letters or digits"),
  customerClass: optionalCode,
  glAccountKey: z.enum(["product", "charge", "account"]),
  invoiceSettlement: z.boolean(),
  postExternalPayments: z.boolean(),
});

export const flowFormSchema = z
  .strictObject({
    /** set when editing a saved flow */
    id: z.uuid().optional(),
    name: z.string().trim().min(1, "Give the flow a name").max(100),
    sourceConnectionId: z.uuid("Choose the Zuora connection"),
    targetConnectionId: z.uuid("Choose the Acumatica connection"),
    schedule: scheduleSchema,
    /** first run reads documents changed since this day (UTC); null: since the flow was created */
    backfillFrom: z.iso.date("Enter the backfill start as a date").nullable(),
    settings: flowSettingsFormSchema,
  });
export type FlowForm = z.input<typeof flowFormSchema>;
export type ParsedFlowForm = z.output<typeof flowFormSchema>;

export const flowIdInputSchema = z.strictObject({ flowId: z.uuid() });
export const setFlowEnabledInputSchema = z.strictObject({ flowId: z.uuid(), enabled: z.boolean() });
