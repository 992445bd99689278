// Zuora -> Acumatica (integrations.md §1). Zuora is the system of record; nothing is written back.
// Objects, in dependency order: account -> Customer (master: created, then kept up to date),
// invoice -> AR Invoice (+ optional GL journal), payment -> Payment applied to the posted AR invoices
// and released, credit memo -> AR Credit Memo (only with Invoice Settlement).
import { listAcumaticaCustomers, listAcumaticaGlAccounts, type AcumaticaClient } from "../../connectors/acumatica";
import { createAcumaticaTarget, createCustomerLookup } from "../../connectors/acumatica/target";
import { listZuoraBillingAccounts, type ZuoraClient } from "../../connectors/zuora";
import { createZuoraSource } from "../../connectors/zuora/source";
import { defineFlow } from "../types";
import { TAX_GL_KEY, zuoraAcumaticaSettingsSchema, type ZuoraAcumaticaSettings } from "./mapping";
import { createPlanner } from "./planner";
import { zuoraAcumaticaSettingsFields } from "./settings-fields";

export const ZUORA_ACUMATICA = "zuora-acumatica";

/** Which invoice-line field keys the "gl-account" maps, per the flow's `glAccountKey`. */
const LINE_FIELD = { charge: "chargeName", product: "productName", account: "accountingCode" } as const;
const GL_SOURCE_LABEL = { charge: "Zuora charge", product: "Zuora product", account: "Zuora accounting code" } as const;

export const zuoraAcumatica = defineFlow<ZuoraClient, AcumaticaClient, ZuoraAcumaticaSettings>({
  kind: ZUORA_ACUMATICA,
  label: "Zuora → Acumatica",
  description: "Billing accounts become Acumatica customers (kept up to date); posted invoices, payments and credit memos become AR documents on the mapped GL accounts.",
  source: "zuora",
  target: "acumatica",
  objects: [
    { type: "account", label: "Billing accounts → customers", mode: "master" },
    { type: "invoice", label: "Posted invoices → AR invoices", mode: "document" },
    { type: "payment", label: "Payments → AR payments", mode: "document" },
    { type: "credit-memo", label: "Credit memos → AR credit memos", mode: "document" },
  ],
  settings: { schema: zuoraAcumaticaSettingsSchema, fields: zuoraAcumaticaSettingsFields },
  valueMapKinds: [
    {
      kind: "gl-account",
      label: "GL accounts",
      sourceLabel: "Zuora charge",
      targetLabel: "Acumatica GL account",
      help: "Each invoice and credit memo line posts to the GL account mapped from its charge, product or accounting code (the flow's GL account key); the tax total posts to the account mapped from \"Tax\".",
      readSource: async ({ settings, ledger }) => [
        ...(await ledger.lineValues({ objectTypes: ["invoice", "credit-memo"], linesField: "lines", field: LINE_FIELD[settings.glAccountKey] })).map((v) => ({
          ...v,
          label: v.label ?? GL_SOURCE_LABEL[settings.glAccountKey],
        })),
        { key: TAX_GL_KEY, label: "Tax total of each document" },
      ],
      readTarget: ({ vendor }) => vendor("Reading GL accounts from Acumatica", listAcumaticaGlAccounts),
    },
    {
      kind: "customer",
      label: "Customers",
      sourceLabel: "Zuora billing account",
      targetLabel: "Acumatica customer",
      help: "Documents of a billing account post to its mapped customer. Accounts without a map get a customer created (or matched by account number), as the flow's settings say.",
      readSource: async ({ ledger, vendor }) => [...(await ledger.naturalKeys({ objectType: "account", labelField: "name" })), ...(await vendor("Reading billing accounts from Zuora", listZuoraBillingAccounts))],
      readTarget: ({ vendor }) => vendor("Reading customers from Acumatica", listAcumaticaCustomers),
    },
  ],
  pollOptions: (s) => ({ pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds }),
  connect: ({ source, target, settings }) => {
    // Look-up caches are per runtime (one job): a customer created in Acumatica meanwhile is seen by the next job.
    const customers = createCustomerLookup(target);
    return { source: createZuoraSource(source, settings), target: createAcumaticaTarget(target, customers), plan: createPlanner(settings, customers) };
  },
});
