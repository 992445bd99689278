import { createRandom } from "../core/random";
import type { AcumaticaSandbox } from "../acumatica/index";
import type { QadControl } from "../qad/control";
import { seedQadDemo, type QadDemoAccount } from "../qad/demo";
import { seedNetsuiteDemo, type NetsuiteDemoResult } from "../netsuite/demo";
import type { NetsuiteSandboxControl } from "../netsuite/index";
import { seedIfsCloudDemo } from "../ifs-cloud/demo";
import type { IfsCloudControl } from "../ifs-cloud/index";
import type { ZuoraSandboxControl } from "../zuora/index";
import type { ZohoCrmSandboxControl } from "../zoho-crm/index";
import { seedZohoCrmDemo, type ZohoCrmDemoResult } from "../zoho-crm/seed-demo";

/*
 * The demo company "Northwind Cloud": a SaaS vendor billing in USD and EUR from Zuora into Acumatica.
 * Zuora gets a product catalogue whose accounting codes are GL accounts of the Acumatica chart, and a few
 * hundred billing accounts (about two thirds USD, one third EUR with 19% VAT). Acumatica gets the chart
 * plus customers for about 60% of the Zuora accounts (CustomerID = Zuora account number), so the first
 * sync finds some customers and has to create the rest. Deterministic for a given seed.
 */

export type DemoSeedOptions = {
  /** Zuora billing accounts to create (default 300). */
  accounts?: number;
  /** Share of Zuora accounts that already exist as Acumatica customers (default 0.6). */
  existingCustomerRate?: number;
  /** Invoices of a first bill run, so a new install has documents to sync (default 0). */
  invoices?: number;
  seed?: number;
};

export type DemoSeedResult = {
  zuoraAccounts: number;
  charges: number;
  acumaticaAccounts: number;
  acumaticaCustomers: number;
  qadCustomers?: number;
  netsuite?: NetsuiteDemoResult;
  ifsCloudCompanies?: number;
} & Partial<ZohoCrmDemoResult>;

const PREFIXES = ["Acme", "Blue", "Cedar", "Delta", "Echo", "Falcon", "Granite", "Harbor", "Iris", "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Orbit", "Pine", "Quartz", "River", "Summit", "Tidal", "Umber", "Vertex", "Willow", "Zenith"];
const SUFFIXES = ["Analytics", "Logistics", "Health", "Robotics", "Foods", "Energy", "Media", "Labs", "Systems", "Retail", "Finance", "Studios", "Networks", "Outdoor", "Motors", "Pharma"];
const FORMS_US = ["Inc.", "LLC", "Corp."];
const FORMS_EU = ["GmbH", "B.V.", "S.A.S.", "AG", "S.r.l."];
const FIRST = ["Ava", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Isla", "Jonas", "Klara", "Liam", "Mia", "Noah", "Olivia", "Paul", "Sofia", "Theo"];
const LAST = ["Anderson", "Becker", "Clark", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito", "Jansen", "Keller", "Lopez", "Moreau", "Novak", "Olsen", "Perez", "Rossi", "Schmidt"];
const EU_COUNTRIES = ["Germany", "Netherlands", "France", "Austria", "Italy"];

export const DEMO_CATALOG = [
  { productName: "Northwind Platform", chargeName: "Platform Subscription – Starter", chargeType: "Recurring", sku: "NW-PLAT-S", unitOfMeasure: "Seat", prices: { USD: 29, EUR: 27 }, accountingCode: "40100" },
  { productName: "Northwind Platform", chargeName: "Platform Subscription – Business", chargeType: "Recurring", sku: "NW-PLAT-B", unitOfMeasure: "Seat", prices: { USD: 79, EUR: 72 }, accountingCode: "40100" },
  { productName: "Northwind Platform", chargeName: "Platform Subscription – Enterprise", chargeType: "Recurring", sku: "NW-PLAT-E", unitOfMeasure: "Seat", prices: { USD: 149, EUR: 139 }, accountingCode: "40100" },
  { productName: "Premium Support", chargeName: "Premium Support", chargeType: "Recurring", sku: "NW-SUP-P", unitOfMeasure: "Each", prices: { USD: 499, EUR: 459 }, accountingCode: "40200" },
  { productName: "API Usage", chargeName: "API Calls (per 1,000)", chargeType: "Usage", sku: "NW-API", unitOfMeasure: "1K Calls", prices: { USD: 0.4, EUR: 0.37 }, accountingCode: "40000" },
  { productName: "Onboarding", chargeName: "Implementation Package", chargeType: "OneTime", sku: "NW-ONB", unitOfMeasure: "Each", prices: { USD: 2500, EUR: 2300 }, accountingCode: "40200" },
  { productName: "Training", chargeName: "Training Day", chargeType: "OneTime", sku: "NW-TRN", unitOfMeasure: "Day", prices: { USD: 1200, EUR: 1100 }, accountingCode: "40200" },
] as const;

/** GL accounts the demo adds to Acumatica's default chart (which has 10200, 11000, 23100, 40000, 40100, 40200 ...). */
export const DEMO_GL_ACCOUNTS = [
  { AccountCD: "10250", Description: "Company Checking Account EUR", Type: "Asset", CashAccount: true, CurrencyID: "EUR" },
  { AccountCD: "10300", Description: "Undeposited Funds (Lockbox)", Type: "Asset", CashAccount: true, CurrencyID: "USD" },
  { AccountCD: "23200", Description: "VAT Payable", Type: "Liability" },
  { AccountCD: "24000", Description: "Deferred Revenue", Type: "Liability" },
  { AccountCD: "49500", Description: "Credits and Allowances", Type: "Income" },
] as const;

/** The demo's tax set-up in Acumatica: 19 % VAT on EUR customers (tax zone EU-VAT), payable on 23200. */
export const DEMO_TAXES = [{ TaxID: "VAT19", TaxRate: 19, TaxType: "VAT", Description: "VAT 19 %", TaxPayableAccount: "23200" }];
export const DEMO_TAX_ZONES = [{ TaxZoneID: "EU-VAT", Description: "EU customers charged VAT", taxes: ["VAT19"] }];
/** Tax category of taxed revenue lines (tax mode "Acumatica computes tax"). */
export const DEMO_TAX_CATEGORIES = [{ TaxCategoryID: "TAXABLE", taxes: ["VAT19"] }];

export const seedDemo = (options: {
  zuora: ZuoraSandboxControl;
  acumatica: AcumaticaSandbox["control"];
  /** When given, a QAD demo domain/entity with customers for about 80 % of the Zuora accounts (qad/demo.ts). */
  qad?: QadControl;
  netsuite?: NetsuiteSandboxControl;
  ifsCloud?: IfsCloudControl;
  zohoCrm?: ZohoCrmSandboxControl;
  input?: DemoSeedOptions;
}): DemoSeedResult => {
  const { zuora, acumatica } = options;
  const count = options.input?.accounts ?? 300;
  const existingRate = options.input?.existingCustomerRate ?? 0.6;
  const random = createRandom(options.input?.seed ?? 42);

  for (const charge of DEMO_CATALOG) zuora.addCharge({ ...charge, prices: { ...charge.prices }, deferredRevenueAccountingCode: "24000" });

  const customers: { CustomerID: string; CustomerName: string; CurrencyID: string; Email: string; Status: "Active"; TaxZone?: string }[] = [];
  const usedNames = new Set<string>();
  const zuoraAccounts: QadDemoAccount[] = [];
  for (let n = 0; n < count; n += 1) {
    const isEur = n % 3 === 2;
    let name = "";
    for (let tries = 0; tries < 5 && (name === "" || usedNames.has(name)); tries += 1) {
      name = `${random.pick(PREFIXES)} ${random.pick(SUFFIXES)} ${random.pick(isEur ? FORMS_EU : FORMS_US)}`;
    }
    if (usedNames.has(name)) name = `${name} ${n}`;
    usedNames.add(name);
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    const domain = name.split(" ").slice(0, 2).join("").toLowerCase().replace(/[^a-z]/g, "");
    const account = zuora.addAccount({
      name,
      currency: isEur ? "EUR" : "USD",
      billCycleDay: random.int(1, 28),
      paymentTerm: random.pick(["Net 30", "Net 30", "Net 15", "Due Upon Receipt"]),
      taxRate: isEur ? 19 : 0,
      hasPaymentMethod: random.next() < 0.65,
      country: isEur ? random.pick(EU_COUNTRIES) : "United States",
      email: `${first.toLowerCase()}.${last.toLowerCase()}@${domain}.example`,
    });
    zuoraAccounts.push({ accountNumber: account.accountNumber, name, currency: account.currency });
    if (random.next() < existingRate) {
      customers.push({ CustomerID: account.accountNumber, CustomerName: name, CurrencyID: account.currency, Email: account.billTo.workEmail, Status: "Active", ...(isEur ? { TaxZone: "EU-VAT" } : {}) });
    }
  }
  acumatica.seed({
    accounts: DEMO_GL_ACCOUNTS.map((a) => ({ ...a })),
    taxes: DEMO_TAXES.map((t) => ({ ...t })),
    taxZones: DEMO_TAX_ZONES.map((z) => ({ ...z, taxes: [...z.taxes] })),
    taxCategories: DEMO_TAX_CATEGORIES.map((c) => ({ ...c, taxes: [...c.taxes] })),
    customers,
    // Items the Acumatica -> Zoho CRM demo flow turns into Products; SUBSCRIPTION carries invoice lines that name no item.
    stockItems: [
      { InventoryID: "GATEWAY-01", Description: "Edge gateway appliance", ItemClass: "HARDWARE", DefaultPrice: 1290 },
      { InventoryID: "SENSOR-KIT", Description: "Sensor starter kit", ItemClass: "HARDWARE", DefaultPrice: 349 },
    ],
    nonStockItems: [
      { InventoryID: "SUBSCRIPTION", Description: "Platform subscription", ItemClass: "SERVICES", DefaultPrice: 0 },
      { InventoryID: "ONBOARDING", Description: "Onboarding package", ItemClass: "SERVICES", DefaultPrice: 2500 },
    ],
  });
  const qad = options.qad ? seedQadDemo({ control: options.qad, accounts: zuoraAccounts, seed: options.input?.seed }) : undefined;
  const invoices = options.input?.invoices ?? 0;
  if (invoices > 0) zuora.billRun({ invoices, seed: 7 });
  const netsuite = options.netsuite ? seedNetsuiteDemo(options.netsuite, { seed: options.input?.seed }) : undefined;
  // The NetSuite -> Zuora demo flow links accounts and invoices to NetSuite through this custom field.
  if (options.netsuite) zuora.settings({ customFields: { Account: ["NetSuiteId__c"], Invoice: ["NetSuiteId__c"] } });
  const ifs = options.ifsCloud ? seedIfsCloudDemo(options.ifsCloud) : undefined;
  const zohoCrm = options.zohoCrm ? seedZohoCrmDemo({ control: options.zohoCrm, linkedCustomers: customers, closingDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) }) : {};
  return {
    zuoraAccounts: count,
    charges: DEMO_CATALOG.length,
    acumaticaAccounts: DEMO_GL_ACCOUNTS.length,
    acumaticaCustomers: customers.length,
    ...(qad ? { qadCustomers: qad.customers } : {}),
    ...(netsuite ? { netsuite } : {}),
    ...(ifs ? { ifsCloudCompanies: ifs.companies } : {}),
    ...zohoCrm,
  };
};
