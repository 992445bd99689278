// Zuora -> QAD (integrations.md §2). Zuora is the system of record; nothing is written back. Billing
// accounts are matched to existing QAD customers first (the "customer" value map, with suggestions by
// number and by name); posted invoices become QAD customer invoices, processed payments receipts
// allocated to the QAD invoices their Zuora payments were applied to, credit memos adjustments (both
// only with Invoice Settlement). QAD is pull-only: the flow polls Zuora on the admin's schedule, and
// Zuora callouts to the source connection trigger the same processing sooner.
import { listQadCustomerRows, listQadCustomers, listQadGlAccounts, listQadOpenPeriods, qadGlAccountSchema, type QadClient } from "../../connectors/qad";
import { createQadTarget } from "../../connectors/qad/target";
import { listZuoraBillingAccounts, type ZuoraClient } from "../../connectors/zuora";
import { createZuoraSource } from "../../connectors/zuora/source";
import { defineFlow } from "../types";
import { TAX_GL_KEY } from "./tax-key";
import { VALUE_MAP_KINDS } from "./mapping";
import { createPlanner } from "./planner";
import { zuoraQadSettingsFields, zuoraQadSettingsSchema, type ZuoraQadSettings } from "./settings";
import { indexCustomersForMatching, suggestionLabel } from "./suggest-customer-matches";

export const ZUORA_QAD = "zuora-qad";

/** Which invoice-line field keys the "gl-account" maps, per the flow's `glAccountKey`. */
const LINE_FIELD = { charge: "chargeName", product: "productName", account: "accountingCode" } as const;
const GL_SOURCE_LABEL = { charge: "Zuora charge", product: "Zuora product", account: "Zuora accounting code" } as const;

export const zuoraQad = defineFlow<ZuoraClient, QadClient, ZuoraQadSettings>({
  kind: ZUORA_QAD,
  label: "Zuora → QAD",
  description:
    "Billing accounts are matched to QAD customers first; posted invoices become QAD customer invoices, payments receipts applied to their invoices and credit memos adjustments, on the mapped GL accounts.",
  source: "zuora",
  target: "qad",
  objects: [
    { type: "invoice", label: "Posted invoices → customer invoices", mode: "document" },
    { type: "payment", label: "Payments → receipts", mode: "document" },
    { type: "credit-memo", label: "Credit memos → adjustments", mode: "document" },
  ],
  settings: { schema: zuoraQadSettingsSchema, fields: zuoraQadSettingsFields },
  valueMapKinds: [
    {
      kind: VALUE_MAP_KINDS.customer,
      label: "Customer match",
      sourceLabel: "Zuora billing account",
      targetLabel: "QAD customer",
      help: "Each Zuora billing account's documents post to the QAD customer it is matched to; an unmatched account's documents wait (never posted to a made-up customer). An account's label names the QAD customer with the same number or name, when exactly one exists.",
      readSource: async ({ vendor, otherVendor }) => {
        const [accounts, customers] = [await vendor("Reading billing accounts from Zuora", listZuoraBillingAccounts), await otherVendor("Reading customers from QAD", listQadCustomerRows)];
        const index = indexCustomersForMatching(customers.map((c) => ({ customerCode: c.customerCode, name: c.businessRelationName ?? null, isActive: c.isActive })));
        return accounts.map((a) => ({ ...a, label: suggestionLabel(a.label, index.suggest({ accountNumber: a.key, name: a.label })) }));
      },
      readTarget: ({ vendor }) => vendor("Reading customers from QAD", listQadCustomers),
    },
    {
      kind: VALUE_MAP_KINDS.gl,
      label: "GL accounts",
      sourceLabel: "Zuora charge",
      targetLabel: "QAD GL account",
      help: "Each invoice and credit memo line posts to the GL account mapped from its charge, product or accounting code (the flow's GL account key); the tax total posts to the account mapped from \"Tax\".",
      readSource: async ({ settings, ledger }) => [
        ...(await ledger.lineValues({ objectTypes: ["invoice", "credit-memo"], linesField: "lines", field: LINE_FIELD[settings.glAccountKey] })).map((v) => ({
          ...v,
          label: v.label ?? GL_SOURCE_LABEL[settings.glAccountKey],
        })),
        { key: TAX_GL_KEY, label: "Tax total of each document" },
      ],
      readTarget: ({ vendor }) => vendor("Reading GL accounts from QAD", (client) => listQadGlAccounts(client, ["Standard", "Tax"])),
    },
    {
      kind: VALUE_MAP_KINDS.bank,
      label: "Bank accounts",
      sourceLabel: "Payment currency",
      targetLabel: "QAD bank GL account",
      help: "Receipts post to the bank GL account mapped from their currency (QAD refuses a bank account in another currency).",
      readSource: async ({ otherVendor }) => {
        const accounts = await otherVendor("Reading bank accounts from QAD", (client) => client.browseAll("glAccount", qadGlAccountSchema));
        const currencies = new Set(accounts.filter((a) => a.glType === "Bank" && a.currencyCode).map((a) => a.currencyCode!));
        return [...currencies].map((c) => ({ key: c, label: `Payments in ${c}` }));
      },
      readTarget: ({ vendor }) => vendor("Reading bank accounts from QAD", (client) => listQadGlAccounts(client, ["Bank"])),
    },
    {
      kind: VALUE_MAP_KINDS.period,
      label: "Closed periods",
      sourceLabel: "Closed QAD period",
      targetLabel: "Posting date in an open period",
      help: "A document dated in a closed QAD period waits (period-closed). Reopen the period in QAD and replay, or map the closed period to a posting date in an open one: its documents then post with that posting date and keep their own document date.",
      readSource: async ({ otherVendor }) =>
        (await otherVendor("Reading GL periods from QAD", (client) => client.glPeriods()))
          .filter((p) => p.periodStatus.toUpperCase() !== "OPEN")
          .map((p) => ({ key: p.periodStartDate.slice(0, 7), label: `Closed period ${p.periodYear}/${String(p.periodPeriod).padStart(2, "0")}` })),
      readTarget: ({ vendor }) => vendor("Reading GL periods from QAD", listQadOpenPeriods),
    },
  ],
  pollOptions: (s) => ({ pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds }),
  // the planner reads the posted invoices a payment or credit memo refers to
  ledgerReads: {
    payment: [{ objectType: "invoice", path: "$.applications[*].invoiceId" }],
    "credit-memo": [{ objectType: "invoice", path: "$.referredInvoiceId" }],
  },
  connect: ({ source, target, settings }) => ({ source: createZuoraSource(source, settings), target: createQadTarget(target), plan: createPlanner(settings, target) }),
});
