// Zuora -> IFS Cloud (integrations.md §5). Zuora is the system of record; nothing is written back.
// Posted invoices, processed payments (electronic ones by callout and poll, external ones by the poll
// only) and posted credit memos each become one balanced IFS GL voucher, every row with company,
// account, cost center (code part B), currency amounts and the Zuora document number as reference.
import { listIfsAccounts, listIfsCompanies, listIfsCostCenters, type IfsCloudClient } from "../../connectors/ifs-cloud";
import { createIfsCloudTarget } from "../../connectors/ifs-cloud/target";
import { listZuoraBillingAccounts, type ZuoraClient } from "../../connectors/zuora";
import { createZuoraSource } from "../../connectors/zuora/source";
import { defineFlow } from "../types";
import { createLedgerChecks } from "./ledger-checks";
import { companyKeyOf, GL_ROLE, MAP } from "./mapping";
import { createPlanner } from "./planner";
import { zuoraIfsCloudSettingsFields, zuoraIfsCloudSettingsSchema, type ZuoraIfsCloudSettings } from "./settings";

export const ZUORA_IFS_CLOUD = "zuora-ifs-cloud";

const LINE_FIELD = { accountingCode: "accountingCode", product: "productName", charge: "chargeName" } as const;

export const zuoraIfsCloud = defineFlow<ZuoraClient, IfsCloudClient, ZuoraIfsCloudSettings>({
  kind: ZUORA_IFS_CLOUD,
  label: "Zuora → IFS Cloud",
  description:
    "Posted invoices, payments, credit and debit memos, refunds and invoice item adjustments become balanced IFS GL vouchers, with company, GL account and cost center mapped per account, currency, product or charge, and adjustments posted by the admin's posting rules.",
  source: "zuora",
  target: "ifs-cloud",
  objects: [
    { type: "invoice", label: "Posted invoices → GL vouchers", mode: "document" },
    { type: "payment", label: "Payments (electronic and external) → GL vouchers", mode: "document" },
    { type: "credit-memo", label: "Credit memos → reversing GL vouchers", mode: "document" },
    { type: "debit-memo", label: "Debit memos → GL vouchers", mode: "document" },
    { type: "invoice-adjustment", label: "Invoice item adjustments → GL vouchers by posting rule", mode: "document" },
    { type: "refund", label: "Refunds → GL vouchers", mode: "document" },
  ],
  settings: { schema: zuoraIfsCloudSettingsSchema, fields: zuoraIfsCloudSettingsFields },
  valueMapKinds: [
    {
      kind: MAP.company,
      label: "Companies",
      sourceLabel: "Zuora billing account or currency",
      targetLabel: "IFS company",
      help: 'A document posts in the company mapped from its billing account ("account:<number>"), else from its currency ("currency:USD").',
      readSource: async ({ vendor }) => (await vendor("Reading billing accounts from Zuora", listZuoraBillingAccounts)).map((a) => ({ ...a, key: companyKeyOf.account(a.key) })),
      readTarget: ({ vendor }) => vendor("Reading companies from IFS Cloud", listIfsCompanies),
    },
    {
      kind: MAP.glAccount,
      label: "GL accounts",
      sourceLabel: "Company | Zuora value or role",
      targetLabel: "IFS account",
      keyOf: "compound",
      help: `Per company: "<company> | <accounting code, product or charge>" for revenue rows, and "<company> | ${Object.values(GL_ROLE).join('", "<company> | ')}" for the balance-sheet rows.`,
      readSource: async ({ settings, ledger }) => [
        ...(await ledger.lineValues({ objectTypes: ["invoice", "credit-memo", "debit-memo"], linesField: "lines", field: LINE_FIELD[settings.glAccountKey] })).map((v) => ({ ...v, label: `prefix with "<company> | "${v.label ? ` (${v.label})` : ""}` })),
        ...Object.values(GL_ROLE).map((role) => ({ key: role, label: 'balance-sheet role; prefix with "<company> | "' })),
      ],
      readTarget: ({ vendor }) => vendor("Reading accounts from IFS Cloud", listIfsAccounts),
    },
    {
      kind: MAP.costCenter,
      label: "Cost centers",
      sourceLabel: "Zuora product or charge",
      targetLabel: "IFS cost center (code part B)",
      help: "Each revenue row carries the cost center mapped from its line's product or charge (the flow's cost center key).",
      readSource: ({ settings, ledger }) => ledger.lineValues({ objectTypes: ["invoice", "credit-memo", "debit-memo"], linesField: "lines", field: LINE_FIELD[settings.costCenterKey] }),
      readTarget: ({ vendor }) => vendor("Reading cost centers from IFS Cloud", listIfsCostCenters),
    },
    {
      kind: MAP.postingRule,
      label: "Posting rules of invoice adjustments",
      sourceLabel: "Adjustment type | reason code",
      targetLabel: "IFS account (other side of the receivable)",
      help: 'An invoice item adjustment posts against the receivable and the account of its rule: "Credit | <reason code>" or "Charge | <reason code>", else "Credit" / "Charge" for every reason. A Credit debits the rule\'s account; a Charge credits it.',
      readSource: async () => [
        { key: "Credit", label: "every credit adjustment without a rule of its own" },
        { key: "Charge", label: "every charge adjustment without a rule of its own" },
      ],
      readTarget: ({ vendor }) => vendor("Reading accounts from IFS Cloud", listIfsAccounts),
    },
  ],
  pollOptions: (s) => ({ pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds }),
  connect: ({ source, target, settings, flow }) => ({
    source: createZuoraSource(source, settings),
    target: createIfsCloudTarget(target),
    plan: createPlanner(settings, createLedgerChecks(target, flow.targetConnectionId)),
  }),
});
