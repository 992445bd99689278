import type { FormField } from "../../connectors/types";

/** The flow form's settings of a Zuora -> Acumatica flow (Flow.settings; parsed by zuoraAcumaticaSettingsSchema). */
export const zuoraAcumaticaSettingsFields: FormField[] = [
  { name: "createCustomers", label: "Create customers", type: "boolean", defaultValue: true, help: "Create an Acumatica customer for a billing account with no customer mapping (and keep it up to date)." },
  { name: "matchExistingCustomers", label: "Match existing customers", type: "boolean", defaultValue: true, help: "Before creating one, use an Acumatica customer whose ID is the Zuora account number (same currency, no other account's id in Account Ref)." },
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
  {
    name: "taxMode",
    label: "Tax",
    type: "select",
    required: true,
    defaultValue: "zuora",
    help: "Zuora's tax amounts into Acumatica's tax details (tax mapped by currency), or Acumatica computes tax from the customer's tax zone and each line's tax category.",
    options: [
      { value: "zuora", label: "Zuora's tax into tax details" },
      { value: "acumatica", label: "Acumatica computes tax" },
    ],
  },
  { name: "tenantTimeZone", label: "Zuora tenant time zone", type: "text", required: true, defaultValue: "UTC", help: "IANA name (e.g. America/Los_Angeles), as in Zuora's tenant profile: every Zuora date-time becomes the date it is there." },
  {
    name: "closedPeriods",
    label: "Documents in a closed period",
    type: "select",
    required: true,
    defaultValue: "hold",
    help: "Hold until the period opens in Acumatica (checked on every poll), or post into the next open period with the original date in the description.",
    options: [
      { value: "hold", label: "Hold until the period opens" },
      { value: "next-open-period", label: "Post into the next open period" },
    ],
  },
  {
    name: "canceledInvoices",
    label: "Invoices canceled after posting",
    type: "select",
    required: true,
    defaultValue: "reverse",
    help: "Reverse the Acumatica invoice with a credit memo applied to it, or hold the record for an admin's decision.",
    options: [
      { value: "reverse", label: "Reverse in Acumatica" },
      { value: "hold", label: "Hold for review" },
    ],
  },
  {
    name: "reversedPayments",
    label: "Payments canceled after posting",
    type: "select",
    required: true,
    defaultValue: "void",
    help: "Void the Acumatica payment (its applications are reversed, the invoices it paid are open again), or hold the record for an admin's decision.",
    options: [
      { value: "void", label: "Void in Acumatica" },
      { value: "hold", label: "Hold for review" },
    ],
  },
  { name: "postExternalPayments", label: "Post external payments", type: "boolean", defaultValue: true, help: "Off: external (manual) payments are recorded as skipped." },
];
