// Zoho CRM -> Acumatica (integrations.md §4, the way back): the Account of a deal marked won becomes
// an Acumatica customer, created once. Partner of acumatica-zoho-crm, which then links the customer
// to that Account (writes its CustomerID into the Account's key field) instead of creating another.
// Only customers are written: financial postings never go from the CRM into Acumatica.
import type { AcumaticaClient } from "../../connectors/acumatica";
import { createAcumaticaTarget, createCustomerLookup } from "../../connectors/acumatica/target";
import type { ZohoCrmClient } from "../../connectors/zoho-crm";
import { createZohoCrmSource } from "../../connectors/zoho-crm/source";
import type { FormField } from "../../connectors/types";
import type { TargetPort } from "../../connectors/ports";
import { ACUMATICA_ZOHO_CRM, ZOHO_CRM_ACUMATICA } from "../acumatica-zoho-crm/definition";
import { defineFlow } from "../types";
import { createPlanner, zohoAcumaticaSettingsSchema, type ZohoAcumaticaSettings } from "./planner";

const fields: FormField[] = [
  { name: "customerIdPrefix", label: "Customer ID prefix", type: "text", defaultValue: "Z", help: "Created customer IDs are this prefix plus the Zoho Account id." },
  { name: "customerClass", label: "Customer class", type: "text", help: "Class of created customers; Acumatica's default when blank." },
  { name: "currencyId", label: "Currency", type: "text", help: "Currency of created customers (e.g. USD); Acumatica's default when blank." },
  { name: "wonStage", label: "Won stage", type: "text", defaultValue: "Closed Won", help: "Deals reaching this stage create a customer." },
];

/** The Acumatica target limited to customers: anything else is refused, never written. */
const customersOnly = (target: TargetPort): TargetPort => {
  const only = (entity: string) => {
    if (entity !== "Customer") throw Object.assign(new Error(`${entity} is not written from Zoho CRM: only customers go from the CRM into Acumatica`), { retryable: false });
  };
  return {
    findDocument: async (o) => (only(o.entity), target.findDocument(o)),
    createDocument: async (o) => (only(o.entity), target.createDocument(o)),
  };
};

export const zohoCrmAcumatica = defineFlow<ZohoCrmClient, AcumaticaClient, ZohoAcumaticaSettings>({
  kind: ZOHO_CRM_ACUMATICA,
  label: "Zoho CRM → Acumatica (won deals)",
  description: "The Account of a deal marked won becomes an Acumatica customer, once, linked to the Account so it is never echoed back.",
  source: "zoho-crm",
  target: "acumatica",
  objects: [{ type: "deal", label: "Won deals → customers", mode: "document" }],
  settings: { schema: zohoAcumaticaSettingsSchema, fields },
  valueMapKinds: [],
  partner: ACUMATICA_ZOHO_CRM,
  pollOptions: (s) => ({ pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds }),
  connect: ({ source, target, settings }) => ({
    source: createZohoCrmSource(source),
    target: customersOnly(createAcumaticaTarget(target, createCustomerLookup(target))),
    plan: createPlanner(settings),
  }),
});
