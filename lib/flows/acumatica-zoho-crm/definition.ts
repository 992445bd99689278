// Acumatica -> Zoho CRM (integrations.md §4): customers -> Accounts, stock and non-stock items ->
// Products, posted AR invoices -> Invoices on their Account, all master data (followed on every later
// change). Partner of zoho-crm-acumatica (won deals -> Acumatica customers): a customer that flow
// created is linked to its deal's Account instead of being echoed back as a new one.
import { z } from "zod";
import { acumaticaRecordSchema, type AcumaticaClient } from "../../connectors/acumatica";
import { createAcumaticaSource } from "../../connectors/acumatica/source";
import { listZohoPicklistValues, type ZohoCrmClient } from "../../connectors/zoho-crm";
import { createZohoCrmTarget } from "../../connectors/zoho-crm/target";
import type { CatalogValue } from "../../connectors/types";
import { defineFlow } from "../types";
import { acumaticaZohoSettingsFields, acumaticaZohoSettingsSchema, MAP_KINDS, type AcumaticaZohoSettings } from "./mapping";
import { createPlanner } from "./planner";

export const ACUMATICA_ZOHO_CRM = "acumatica-zoho-crm";
export const ZOHO_CRM_ACUMATICA = "zoho-crm-acumatica";

/** Distinct values of one field of an Acumatica entity (classes, terms), read from its records. */
const distinctValues = (entities: readonly string[], field: string) => async (client: AcumaticaClient): Promise<CatalogValue[]> => {
  const values = new Set<string>();
  for (const entity of entities) {
    for (const row of await client.list(entity, acumaticaRecordSchema.extend({ [field]: z.string().nullish() }), { select: field, top: 5000 })) {
      const value = row[field];
      if (typeof value === "string" && value !== "") values.add(value);
    }
  }
  return [...values].sort().map((key) => ({ key, label: null }));
};

export const acumaticaZohoCrm = defineFlow<AcumaticaClient, ZohoCrmClient, AcumaticaZohoSettings>({
  kind: ACUMATICA_ZOHO_CRM,
  label: "Acumatica → Zoho CRM",
  description: "Customers become Zoho Accounts, stock and non-stock items Products, posted invoices Invoices on their Account; later changes in Acumatica follow.",
  source: "acumatica",
  target: "zoho-crm",
  objects: [
    { type: "customer", label: "Customers → Accounts", mode: "master" },
    { type: "item", label: "Stock and non-stock items → Products", mode: "master" },
    { type: "invoice", label: "Posted invoices → Invoices", mode: "master" },
  ],
  settings: { schema: acumaticaZohoSettingsSchema, fields: acumaticaZohoSettingsFields },
  valueMapKinds: [
    {
      kind: MAP_KINDS.customerClass,
      label: "Customer classes",
      sourceLabel: "Acumatica customer class",
      targetLabel: "Zoho account type",
      help: "A customer of a mapped class gets that Account Type in Zoho; a customer whose class is not mapped waits (mapping-missing).",
      readSource: ({ vendor }) => vendor("Reading customer classes from Acumatica", distinctValues(["Customer"], "CustomerClass")),
      readTarget: ({ vendor }) => vendor("Reading account types from Zoho CRM", (c) => listZohoPicklistValues(c, { module: "Accounts", field: "Account_Type" })),
    },
    {
      kind: MAP_KINDS.itemClass,
      label: "Item classes",
      sourceLabel: "Acumatica item class",
      targetLabel: "Zoho product category",
      help: "An item of a mapped class gets that Product Category; an item whose class is not mapped waits (mapping-missing).",
      readSource: ({ vendor }) => vendor("Reading item classes from Acumatica", distinctValues(["StockItem", "NonStockItem"], "ItemClass")),
      readTarget: ({ vendor }) => vendor("Reading product categories from Zoho CRM", (c) => listZohoPicklistValues(c, { module: "Products", field: "Product_Category" })),
    },
    {
      kind: MAP_KINDS.terms,
      label: "Payment terms",
      sourceLabel: "Acumatica credit terms",
      targetLabel: "Zoho invoice terms and conditions",
      help: "The text an invoice with these Acumatica terms carries in Zoho's Terms and Conditions (e.g. 30D → \"Net 30 days\").",
      readSource: ({ vendor }) => vendor("Reading credit terms from Acumatica invoices", distinctValues(["Invoice"], "Terms")),
      readTarget: async () => [],
    },
  ],
  partner: ZOHO_CRM_ACUMATICA,
  pollOptions: (s) => ({ pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds }),
  connect: ({ source, target, settings }) => ({ source: createAcumaticaSource(source), target: createZohoCrmTarget(target), plan: createPlanner(settings) }),
});
