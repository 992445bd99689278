// NetSuite -> Zuora (integrations.md §3): NetSuite customers become Zuora billing accounts (created, then
// kept up to date) linked by a custom field holding the NetSuite id; NetSuite invoices become posted Zuora
// standalone invoices on those accounts, their items mapped to Zuora charges and GL codes. The partner
// flow zuora-netsuite-subscriptions brings Zuora subscription events back into NetSuite.
import { listNetsuiteItems, type NetsuiteClient } from "../../connectors/netsuite";
import { createNetsuiteSource } from "../../connectors/netsuite/source";
import type { ZuoraClient } from "../../connectors/zuora";
import { createZuoraTarget } from "../../connectors/zuora/target";
import { defineFlow, type CatalogLedger } from "../types";
import { CURRENCY, ITEM_CHARGE, ITEM_GL, netsuiteZuoraSettingsSchema, type NetsuiteZuoraSettings } from "./mapping";
import { createPlanner } from "./planner";
import { netsuiteZuoraSettingsFields } from "./settings-fields";

export const NETSUITE_ZUORA = "netsuite-zuora";
export const ZUORA_NETSUITE_SUBSCRIPTIONS = "zuora-netsuite-subscriptions";

const itemsOfInvoices = (ledger: CatalogLedger) =>
  ledger.lineValues({ objectTypes: ["invoice"], linesField: "lines", field: "itemName" });

export const netsuiteZuora = defineFlow<NetsuiteClient, ZuoraClient, NetsuiteZuoraSettings>({
  kind: NETSUITE_ZUORA,
  label: "NetSuite → Zuora",
  description: "NetSuite customers become Zuora billing accounts (kept up to date); NetSuite invoices become posted Zuora invoices with their items mapped to Zuora charges and GL codes.",
  source: "netsuite",
  target: "zuora",
  objects: [
    { type: "customer", label: "Customers → billing accounts", mode: "master" },
    { type: "invoice", label: "Invoices → standalone invoices", mode: "document" },
  ],
  settings: { schema: netsuiteZuoraSettingsSchema, fields: netsuiteZuoraSettingsFields },
  valueMapKinds: [
    {
      kind: ITEM_CHARGE,
      label: "Items → Zuora charges",
      sourceLabel: "NetSuite item",
      targetLabel: "Zuora charge name",
      help: "Each invoice line becomes a Zuora invoice item with the charge name mapped from its NetSuite item.",
      readSource: async ({ ledger, vendor }) => [...(await vendor("Reading items from NetSuite", listNetsuiteItems)), ...(await itemsOfInvoices(ledger))],
      readTarget: async () => [],
    },
    {
      kind: ITEM_GL,
      label: "Items → GL codes",
      sourceLabel: "NetSuite item",
      targetLabel: "Zuora accounting code",
      help: "The accounting code (GL account) of each Zuora invoice item, from its NetSuite item.",
      readSource: async ({ ledger, vendor }) => [...(await vendor("Reading items from NetSuite", listNetsuiteItems)), ...(await itemsOfInvoices(ledger))],
      readTarget: async () => [],
    },
    {
      kind: CURRENCY,
      label: "Currencies",
      sourceLabel: "NetSuite currency",
      targetLabel: "ISO currency code",
      help: "Only for NetSuite currencies whose name is not an ISO code (e.g. \"US Dollar\" -> USD).",
      readSource: async () => [],
      readTarget: async () => [],
    },
  ],
  partner: ZUORA_NETSUITE_SUBSCRIPTIONS,
  pollOptions: (s) => ({ pageSize: s.pollPageSize, pagesPerJob: s.pollPagesPerJob, overlapSeconds: s.pollOverlapSeconds }),
  connect: ({ source, target, settings }) => ({
    source: createNetsuiteSource(source),
    target: createZuoraTarget(target, { linkField: settings.linkField }),
    plan: createPlanner(settings),
  }),
});
