// Zuora -> Acumatica (integrations.md §1). Zuora is the system of record; nothing is written back.
// Objects, in dependency order: Acumatica's financial periods (read for the closed-period hold),
// account -> Customer (master: created, then kept up to date), invoice -> AR Invoice (reversed when
// canceled in Zuora after posting), payment -> Payment applied to the posted AR invoices and
// released, credit memo -> AR Credit Memo applied to the invoice Zuora applied it to (only with
// Invoice Settlement); a payment canceled in Zuora after posting -> the Acumatica payment voided;
// refund -> customer refund applied to the refunded payment (or credit memo).
import {
  listAcumaticaCashGlAccounts,
  listAcumaticaCustomers,
  listAcumaticaGlAccounts,
  listAcumaticaPaymentMethods,
  listAcumaticaTaxCategories,
  listAcumaticaTaxes,
  listAcumaticaTaxZones,
  type AcumaticaClient,
} from "../../connectors/acumatica";
import { createAcumaticaTarget, createCustomerLookup, createPeriodLookup } from "../../connectors/acumatica/target";
import { listZuoraBillingAccounts, type ZuoraClient } from "../../connectors/zuora";
import { createZuoraSource } from "../../connectors/zuora/source";
import { defineFlow } from "../types";
import { periodOf, zuoraAcumaticaSettingsSchema, type ZuoraAcumaticaSettings } from "./mapping";
import { withPeriods } from "./periods";
import { readZuoraAcumaticaBalances } from "./reconcile";
import { accountCustomerIds, createPlanner } from "./planner";
import { withRefundsAndVoids } from "./refund-target";
import { zuoraAcumaticaSettingsFields } from "./settings-fields";

export const ZUORA_ACUMATICA = "zuora-acumatica";

/** Which invoice-line field keys the "gl-account" maps, per the flow's `glAccountKey`. */
const LINE_FIELD = { charge: "chargeName", product: "productName", account: "accountingCode" } as const;
const GL_SOURCE_LABEL = { charge: "Zuora charge", product: "Zuora product", account: "Zuora accounting code" } as const;

/**
 * Keys of the per-currency maps: the currencies a Zuora tenant commonly bills in (the catalogue
 * ledger offers no per-record currency read); a key outside the list can still be typed in.
 */
const currencies = async () => ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "SEK", "NOK", "DKK"].map((key) => ({ key, label: null }));

export const zuoraAcumatica = defineFlow<ZuoraClient, AcumaticaClient, ZuoraAcumaticaSettings>({
  kind: ZUORA_ACUMATICA,
  label: "Zuora → Acumatica",
  description:
    "Billing accounts become Acumatica customers (kept up to date); posted invoices, payments, credit memos and refunds become AR documents on the mapped GL accounts, credit memos applied as in Zuora, canceled invoices reversed, canceled payments voided; documents of closed periods wait for them to open.",
  source: "zuora",
  target: "acumatica",
  objects: [
    { type: "period", label: "Acumatica financial periods (closed-period check)", mode: "master" },
    // customers are created insert-only (a customer keyed in meanwhile is refused with 412, never overwritten),
    // so an account is looked up only when unsure; a first-pass page's customers are looked up together
    { type: "account", label: "Billing accounts → customers", mode: "master", lookUp: "when-unsure", targetEntity: "Customer" },
    // master: a posted invoice is planned again when Zuora changes it, to reverse it if it was canceled;
    // only Zuora creates it, so it is looked up in Acumatica only when an attempt may have written it (or on the first pass)
    // (on the first pass, a poll page's invoices are looked up together: targetEntity, under the Zuora number)
    { type: "invoice", label: "Posted invoices → AR invoices", mode: "master", lookUp: "when-unsure", targetEntity: "Invoice" },
    // master: a posted payment is planned again when Zuora changes it, to void it if it was canceled; looked up as invoices are
    { type: "payment", label: "Payments → AR payments", mode: "master", lookUp: "when-unsure", targetEntity: "Payment" },
    { type: "credit-memo", label: "Credit memos → AR credit memos", mode: "document", targetEntity: "CreditMemo" },
    { type: "refund", label: "Refunds → AR customer refunds", mode: "document", targetEntity: "Refund" },
  ],
  settings: { schema: zuoraAcumaticaSettingsSchema, fields: zuoraAcumaticaSettingsFields },
  valueMapKinds: [
    {
      kind: "gl-account",
      label: "GL accounts",
      sourceLabel: "Zuora charge",
      targetLabel: "Acumatica GL account",
      help: "Each invoice and credit memo line posts to the GL account mapped from its charge, product or accounting code (the flow's GL account key). Tax is never a line: see the tax maps.",
      readSource: async ({ settings, ledger }) =>
        (await ledger.lineValues({ objectTypes: ["invoice", "credit-memo"], linesField: "lines", field: LINE_FIELD[settings.glAccountKey] })).map((v) => ({
          ...v,
          label: v.label ?? GL_SOURCE_LABEL[settings.glAccountKey],
        })),
      readTarget: ({ vendor }) => vendor("Reading GL accounts from Acumatica", listAcumaticaGlAccounts),
    },
    {
      kind: "customer",
      label: "Customers",
      sourceLabel: "Zuora billing account",
      targetLabel: "Acumatica customer",
      help: "Documents of a billing account post to its mapped customer, which must be in the account's currency and carry no other account's id in Account Ref. Accounts without a map get a customer created (or matched by account number), as the flow's settings say.",
      readSource: async ({ ledger, vendor }) => [...(await ledger.naturalKeys({ objectType: "account", labelField: "name" })), ...(await vendor("Reading billing accounts from Zuora", listZuoraBillingAccounts))],
      readTarget: ({ vendor }) => vendor("Reading customers from Acumatica", listAcumaticaCustomers),
    },
    {
      kind: "cash-account",
      label: "Cash accounts",
      sourceLabel: "Payment currency",
      targetLabel: "Acumatica cash account",
      help: "Payments post to the cash account of their currency (in Acumatica a cash account carries one currency). A payment in a currency without one is held, naming the currency.",
      readSource: currencies,
      readTarget: ({ vendor }) => vendor("Reading cash accounts from Acumatica", listAcumaticaCashGlAccounts),
    },
    {
      kind: "payment-method",
      label: "Payment methods",
      sourceLabel: "Zuora payment type",
      targetLabel: "Acumatica payment method",
      help: "The Acumatica payment method of each Zuora payment type (Electronic: gateway payments; External: received outside Zuora).",
      readSource: async () => [
        { key: "Electronic", label: "Processed by a Zuora gateway" },
        { key: "External", label: "Received outside Zuora (check, wire)" },
      ],
      readTarget: ({ vendor }) => vendor("Reading payment methods from Acumatica", listAcumaticaPaymentMethods),
    },
    {
      kind: "tax",
      label: "Taxes (Zuora's tax amounts)",
      sourceLabel: "Document currency",
      targetLabel: "Acumatica tax ID",
      help: "Tax mode \"Zuora\": a document's Zuora tax goes into its tax details under the tax mapped from its currency (a tax of the customer's tax zone).",
      readSource: currencies,
      readTarget: ({ vendor }) => vendor("Reading taxes from Acumatica", listAcumaticaTaxes),
    },
    {
      kind: "tax-zone",
      label: "Tax zones",
      sourceLabel: "Account currency",
      targetLabel: "Acumatica tax zone",
      help: "The tax zone of customers the flow creates or matches (when they have none), by the Zuora account's currency.",
      readSource: currencies,
      readTarget: ({ vendor }) => vendor("Reading tax zones from Acumatica", listAcumaticaTaxZones),
    },
    {
      kind: "tax-category",
      label: "Tax categories",
      sourceLabel: "Zuora charge",
      targetLabel: "Acumatica tax category",
      help: "Tax mode \"Acumatica\": each taxed line's tax category, by the same key as its GL account; Acumatica computes the tax from it and the customer's tax zone.",
      readSource: async ({ settings, ledger }) => ledger.lineValues({ objectTypes: ["invoice", "credit-memo"], linesField: "lines", field: LINE_FIELD[settings.glAccountKey] }),
      readTarget: ({ vendor }) => vendor("Reading tax categories from Acumatica", listAcumaticaTaxCategories),
    },
    {
      kind: "reversed-payment",
      label: "Canceled payments",
      sourceLabel: "Zuora payment canceled after posting",
      targetLabel: "Decision (void or keep)",
      help: "With canceled payments held for review: \"void\" voids the Acumatica payment (its invoices open again); \"keep\" leaves it as posted.",
      readSource: async ({ ledger }) => ledger.naturalKeys({ objectType: "payment" }),
      readTarget: async () => [
        { key: "void", label: "Void in Acumatica" },
        { key: "keep", label: "Keep as posted" },
      ],
    },
    {
      kind: "changed-payment",
      label: "Payments applied differently after posting",
      sourceLabel: "Zuora payment unapplied or applied after posting",
      targetLabel: "Decision",
      help: "A payment whose invoice applications changed in Zuora after it posted: change its applications in Acumatica by hand (Payments and Applications), then map it to \"keep\".",
      readSource: async ({ ledger }) => ledger.naturalKeys({ objectType: "payment" }),
      readTarget: async () => [{ key: "keep", label: "Done in Acumatica: keep as posted" }],
    },
    {
      kind: "canceled-invoice",
      label: "Canceled invoices",
      sourceLabel: "Zuora invoice canceled after posting",
      targetLabel: "Decision (reverse or keep)",
      help: "With canceled invoices held for review: \"reverse\" reverses the Acumatica invoice with a credit memo applied to it; \"keep\" leaves it as posted.",
      readSource: async ({ ledger }) => ledger.naturalKeys({ objectType: "invoice" }),
      readTarget: async () => [
        { key: "reverse", label: "Reverse in Acumatica" },
        { key: "keep", label: "Keep as posted" },
      ],
    },
  ],
  pollOptions: (s) => ({ pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds }),
  // what the planner reads of the ledger: the customer posted for the account, the invoices a payment
  // or credit memo refers to, what a refund took its money from
  ledgerReads: {
    invoice: [{ objectType: "account", path: "$.account.id" }],
    payment: [
      { objectType: "account", path: "$.account.id" },
      { objectType: "invoice", path: "$.applications[*].invoiceId" },
    ],
    "credit-memo": [
      { objectType: "account", path: "$.account.id" },
      { objectType: "invoice", path: "$.referredInvoiceId" },
    ],
    refund: [
      { objectType: "account", path: "$.account.id" },
      { objectType: "payment", path: "$.sources[*].paymentId" },
      { objectType: "credit-memo", path: "$.sources[*].creditMemoId" },
    ],
  },
  connect: ({ source, target, settings }) => {
    // Look-up caches are per runtime (one job): a customer created in Acumatica meanwhile is seen by the next job.
    const customers = createCustomerLookup(target);
    const periods = createPeriodLookup(target);
    const zuora = createZuoraSource(source, settings);
    return {
      source: withPeriods(zuora, periods),
      target: withRefundsAndVoids(
        createAcumaticaTarget(target, customers, {
          customerIdsOf: (accountNumber) => accountCustomerIds(settings, accountNumber),
        }),
        target,
      ),
      plan: createPlanner(settings, customers, periods),
      readBalances: ({ since }) => readZuoraAcumaticaBalances({ source, target, settings, since }),
      // Acumatica: its token and the financial periods (kept per process); Zuora: its token, with an
      // empty read of the accounts changed from now on. Both vendors' connections are then open.
      warm: async () => {
        await Promise.all([periods.state(periodOf(new Date().toISOString().slice(0, 10))), zuora.listChanged({ objectType: "account", since: new Date(), cursor: null, pageSize: 1 })]);
      },
    };
  },
});
