import { z } from "zod";
import type { FormField } from "../../connectors/types";

// Persisted JSON: Flow.settings of "zuora-ifs-cloud" flows is parsed with this schema. Changing it
// needs a data migration.

const voucherType = (fallback: string) => z.string().regex(/^[A-Z0-9]{1,3}$/, "1 to 3 capital letters or digits").default(fallback);

/** Settings of a Zuora -> IFS Cloud flow (Flow.settings). */
export const zuoraIfsCloudSettingsSchema = z.object({
  /** which line field keys the revenue side of the "gl-account" maps (with the company: `<company> | <value>`) */
  glAccountKey: z.enum(["accountingCode", "product", "charge"]).default("accountingCode"),
  /** which line field keys the "cost-center" maps */
  costCenterKey: z.enum(["product", "charge"]).default("product"),
  /** cost center (code part B) of the balance-sheet rows (receivable, cash, tax); none when absent */
  balanceSheetCostCenter: z.string().min(1).max(20).optional(),
  /** IFS voucher types per document kind */
  invoiceVoucherType: voucherType("I"),
  paymentVoucherType: voucherType("U"),
  creditMemoVoucherType: voucherType("I"),
  debitMemoVoucherType: voucherType("I"),
  refundVoucherType: voucherType("U"),
  adjustmentVoucherType: voucherType("I"),
  /** post manual/external payments (captured by the poll); off: recorded as skipped for audit */
  postExternalPayments: z.boolean().default(true),
  /** post credit memos as reversing vouchers; off: recorded (tracked) as skipped */
  postCreditMemos: z.boolean().default(true),
  /** the Zuora tenant has Invoice Settlement (credit memos exist; payments read with their applications) */
  invoiceSettlement: z.boolean().default(true),
  /** Object Query page size (1..99) and pages per poll job, as integration 1 */
  pollPageSize: z.number().int().min(1).max(99).default(99),
  pollPagesPerJob: z.number().int().min(1).max(100).default(10),
  pollOverlapSeconds: z.number().int().min(0).max(86_400).default(300),
});
export type ZuoraIfsCloudSettings = z.infer<typeof zuoraIfsCloudSettingsSchema>;

/** The flow form of a Zuora -> IFS Cloud flow. */
export const zuoraIfsCloudSettingsFields: FormField[] = [
  {
    name: "glAccountKey",
    label: "GL account key",
    type: "select",
    required: true,
    defaultValue: "accountingCode",
    help: "Which invoice-line field chooses the revenue account, per company (\"<company> | <value>\").",
    options: [
      { value: "accountingCode", label: "Zuora accounting code" },
      { value: "product", label: "Product name" },
      { value: "charge", label: "Charge name" },
    ],
  },
  {
    name: "costCenterKey",
    label: "Cost center key",
    type: "select",
    required: true,
    defaultValue: "product",
    help: "Which invoice-line field chooses the cost center (code part B).",
    options: [
      { value: "product", label: "Product name" },
      { value: "charge", label: "Charge name" },
    ],
  },
  { name: "balanceSheetCostCenter", label: "Cost center of balance-sheet rows", type: "text", help: "Code part B of the receivable, cash and tax rows; blank: none (the account must allow that)." },
  { name: "invoiceVoucherType", label: "Invoice voucher type", type: "text", required: true, defaultValue: "I" },
  { name: "paymentVoucherType", label: "Payment voucher type", type: "text", required: true, defaultValue: "U" },
  { name: "creditMemoVoucherType", label: "Credit memo voucher type", type: "text", required: true, defaultValue: "I" },
  { name: "debitMemoVoucherType", label: "Debit memo voucher type", type: "text", required: true, defaultValue: "I" },
  { name: "refundVoucherType", label: "Refund voucher type", type: "text", required: true, defaultValue: "U" },
  { name: "adjustmentVoucherType", label: "Invoice adjustment voucher type", type: "text", required: true, defaultValue: "I" },
  { name: "postExternalPayments", label: "Post external payments", type: "boolean", defaultValue: true, help: "Off: manual/external payments are captured by the poll for audit and recorded as skipped." },
  { name: "postCreditMemos", label: "Post credit memos", type: "boolean", defaultValue: true, help: "Off: credit memos are tracked (recorded as skipped)." },
  { name: "invoiceSettlement", label: "Invoice Settlement", type: "boolean", defaultValue: true, help: "The Zuora tenant has Invoice Settlement (credit memos exist)." },
];
