/*
 * The demo NetSuite account of "Northwind Cloud": the demo integration record and its certificate (derived
 * key, see demo-key.ts), the custom fields and the custom record type the NetSuite <-> Zuora flows use,
 * service items whose item ids are the SKUs of the Zuora demo catalogue (so item -> product/charge mappings
 * line up), customers that are not in Zuora yet, and a few open invoices. Deterministic for a given seed.
 */
import { createRandom } from "../core/random";
import { DEMO_NETSUITE_CLIENT_ID, DEMO_NETSUITE_KEY } from "./demo-key";
import type { NetsuiteSandboxControl } from "./index";

export type NetsuiteDemoOptions = { customers?: number; invoices?: number; seed?: number };
export type NetsuiteDemoResult = { certificateId: string; customers: number; items: number; invoices: number };

export const SUBSCRIPTION_EVENT_RECORD = "customrecord_zuora_subscription_event";

/** The custom record the subscription-event flow writes, one per Zuora event (natural key: the event id). */
export const SUBSCRIPTION_EVENT_TYPE = {
  scriptId: SUBSCRIPTION_EVENT_RECORD,
  naturalKey: "custrecord_zse_event_id",
  fields: [
    { id: "custrecord_zse_event_id", kind: "string" as const, required: true },
    { id: "custrecord_zse_event_type", kind: "string" as const, required: true },
    { id: "custrecord_zse_subscription_number", kind: "string" as const, required: true },
    { id: "custrecord_zse_subscription_status", kind: "string" as const },
    { id: "custrecord_zse_subscription_version", kind: "number" as const },
    { id: "custrecord_zse_zuora_account", kind: "string" as const },
    { id: "custrecord_zse_customer", kind: "ref" as const, ref: "customer" as const },
    { id: "custrecord_zse_amount", kind: "number" as const },
    { id: "custrecord_zse_currency", kind: "string" as const },
    { id: "custrecord_zse_effective_date", kind: "date" as const },
    { id: "custrecord_zse_event_time", kind: "datetime" as const },
  ],
};

/** Items priced like the Zuora demo catalogue (sandbox/demo/seed-demo.ts DEMO_CATALOG), item id = SKU. */
const DEMO_ITEMS = [
  { itemId: "NW-PLAT-S", displayName: "Platform Subscription – Starter", rate: 29, account: "55" },
  { itemId: "NW-PLAT-B", displayName: "Platform Subscription – Business", rate: 79, account: "55" },
  { itemId: "NW-PLAT-E", displayName: "Platform Subscription – Enterprise", rate: 149, account: "55" },
  { itemId: "NW-SUP-P", displayName: "Premium Support", rate: 499, account: "57" },
  { itemId: "NW-ONB", displayName: "Implementation Package", rate: 2500, account: "56" },
  { itemId: "NW-TRN", displayName: "Training Day", rate: 1200, account: "56" },
];

const NAMES_A = ["Aurora", "Basalt", "Coral", "Dune", "Ember", "Fjord", "Glacier", "Heron", "Indigo", "Jade", "Kelp", "Larch", "Mesa", "Nova", "Onyx", "Prism"];
const NAMES_B = ["Dynamics", "Outfitters", "Biotech", "Freight", "Software", "Ventures", "Clinics", "Partners", "Works", "Brands"];

export const seedNetsuiteDemo = (control: NetsuiteSandboxControl, options: NetsuiteDemoOptions = {}): NetsuiteDemoResult => {
  const random = createRandom(options.seed ?? 17);
  const certificate = control.registerCertificate({ clientId: DEMO_NETSUITE_CLIENT_ID, publicKeyPem: DEMO_NETSUITE_KEY.publicKeyPem, entity: "-5", role: "3" });
  control.defineCustomFields("customer", [{ id: "custentity_zuora_account_id", kind: "string" }]);
  control.defineCustomFields("invoice", [{ id: "custbody_zuora_invoice_id", kind: "string" }]);
  control.defineCustomRecordType(SUBSCRIPTION_EVENT_TYPE);

  // Seeding twice adds nothing the first run made (records are matched by external id).
  const missing = <T extends { externalId: string }>(recordType: string, bodies: T[]) => bodies.filter((b) => !control.find(recordType, `eid:${b.externalId}`));
  control.seed({
    items: missing(
      "serviceSaleItem",
      DEMO_ITEMS.map((item) => ({ itemId: item.itemId, displayName: item.displayName, salesDescription: item.displayName, incomeAccount: { id: item.account }, externalId: `item-${item.itemId}` })),
    ),
  });
  const items = DEMO_ITEMS.map((item) => ({ id: control.find("serviceSaleItem", `eid:item-${item.itemId}`)?.id ?? "" }));

  const customerCount = options.customers ?? 40;
  const used = new Set<string>();
  const customers = [];
  for (let n = 0; n < customerCount; n += 1) {
    const eur = n % 4 === 3;
    let name = `${random.pick(NAMES_A)} ${random.pick(NAMES_B)} ${eur ? "B.V." : "Inc."}`;
    if (used.has(name)) name = `${name} ${n}`;
    used.add(name);
    const domain = name.split(" ").slice(0, 2).join("").toLowerCase();
    customers.push({
      companyName: name,
      email: `billing@${domain}.example`,
      subsidiary: { id: eur ? "2" : "1" },
      currency: { id: eur ? "4" : "1" },
      externalId: `NWC-${String(n + 1).padStart(4, "0")}`,
    });
  }
  control.seed({ customers: missing("customer", customers) });
  const seededCustomers = customers.map((c) => ({ id: control.find("customer", `eid:${c.externalId}`)?.id ?? "" }));

  const invoiceCount = options.invoices ?? 12;
  const invoices = [];
  for (let n = 0; n < invoiceCount && seededCustomers.length > 0; n += 1) {
    const customer = random.pick(seededCustomers);
    const lines = Array.from({ length: random.int(1, 3) }, () => {
      const i = random.int(0, DEMO_ITEMS.length - 1);
      return { item: { id: items[i]?.id ?? "" }, quantity: random.int(1, 20), rate: DEMO_ITEMS[i]?.rate ?? 1 };
    });
    invoices.push({ entity: { id: customer.id }, memo: `Demo invoice ${n + 1}`, externalId: `NWC-INV-${String(n + 1).padStart(4, "0")}`, item: { items: lines } });
  }
  control.seed({ invoices: missing("invoice", invoices) });
  return { certificateId: certificate.certificateId, customers: customerCount, items: DEMO_ITEMS.length, invoices: invoices.length };
};
