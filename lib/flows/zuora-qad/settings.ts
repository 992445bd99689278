import { z } from "zod";
import type { FormField } from "../../connectors/types";

// Persisted JSON: Flow.settings of "zuora-qad" flows is parsed with this schema. Changing it needs a data migration.

/** Settings of a Zuora -> QAD flow (Flow.settings). */
export const zuoraQadSettingsSchema = z.object({
  /** which invoice-line field keys the "gl-account" value maps: product name, charge name or Zuora accounting code */
  glAccountKey: z.enum(["product", "charge", "account"]).default("charge"),
  /** the Zuora tenant has Invoice Settlement: payments (with their invoice applications) and credit memos are posted; otherwise skipped with that reason */
  invoiceSettlement: z.boolean().default(true),
  /** post external (cheque, wire) payments as receipts; off: recorded as skipped */
  postExternalPayments: z.boolean().default(true),
  /** Object Query page size (1..99) and pages per poll job; re-read this far behind the high-water mark */
  pollPageSize: z.number().int().min(1).max(99).default(99),
  pollPagesPerJob: z.number().int().min(1).max(100).default(10),
  pollOverlapSeconds: z.number().int().min(0).max(86_400).default(300),
});
export type ZuoraQadSettings = z.infer<typeof zuoraQadSettingsSchema>;

/** The flow form of a Zuora -> QAD flow. */
export const zuoraQadSettingsFields: FormField[] = [
  {
    name: "glAccountKey",
    label: "GL account key",
    type: "select",
    required: true,
    defaultValue: "charge",
    help: "Which invoice-line field the GL account mapping is keyed by.",
    options: [
      { value: "charge", label: "Charge name" },
      { value: "product", label: "Product name" },
      { value: "account", label: "Zuora accounting code" },
    ],
  },
  { name: "invoiceSettlement", label: "Invoice Settlement", type: "boolean", defaultValue: true, help: "The Zuora tenant has Invoice Settlement: payments become receipts applied to their invoices and credit memos become adjustments (otherwise both are recorded as skipped)." },
  { name: "postExternalPayments", label: "Post external payments", type: "boolean", defaultValue: true, help: "Off: external (cheque, wire) payments are recorded as skipped." },
];
