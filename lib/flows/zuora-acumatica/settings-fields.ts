import type { FormField } from "../../connectors/types";

/** The flow form's settings of a Zuora -> Acumatica flow (Flow.settings; parsed by zuoraAcumaticaSettingsSchema). */
export const zuoraAcumaticaSettingsFields: FormField[] = [
  { name: "createCustomers", label: "Create customers", type: "boolean", defaultValue: true, help: "Create an Acumatica customer for a billing account with no customer mapping (and keep it up to date)." },
  { name: "matchExistingCustomers", label: "Match existing customers", type: "boolean", defaultValue: true, help: "Before creating one, use an Acumatica customer whose ID is the Zuora account number." },
  { name: "customerIdPrefix", label: "Customer ID prefix", type: "text", defaultValue: "Z", help: "Created customer IDs are this prefix plus the Zuora account number (up to 4 capital letters or digits)." },
  { name: "customerClass", label: "Customer class", type: "text", help: "Class of created customers; Acumatica's default when blank." },
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
  { name: "invoiceSettlement", label: "Invoice Settlement", type: "boolean", defaultValue: true, help: "The Zuora tenant has Invoice Settlement: payments and credit memos are posted (otherwise recorded as skipped)." },
  { name: "postJournal", label: "Post a GL journal per invoice", type: "boolean", defaultValue: false },
  { name: "journalArAccount", label: "Journal AR account", type: "text", required: true, shownWhen: "postJournal", help: "The AR account the journal transaction debits." },
  { name: "paymentMethod", label: "Payment method", type: "text", required: true, defaultValue: "CHECK" },
  { name: "electronicPaymentMethod", label: "Electronic payment method", type: "text", help: "For electronic Zuora payments; the payment method above when blank." },
  { name: "cashAccount", label: "Cash account", type: "text" },
  { name: "postExternalPayments", label: "Post external payments", type: "boolean", defaultValue: true, help: "Off: external (manual) payments are recorded as skipped." },
];
