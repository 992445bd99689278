import type { ZohoCrmSandboxControl } from "./index";

/*
 * The demo Zoho CRM org of "Northwind Cloud" (Enterprise edition, so Products and Invoices exist): custom
 * fields the Acumatica -> Zoho CRM flow keys on, a few Accounts (some already linked to an Acumatica
 * customer of the demo, some prospects known only to the CRM) and two open Deals on the prospects, which
 * a rep can mark won to create an Acumatica customer.
 */

export type ZohoCrmDemoResult = { zohoCrmAccounts: number; zohoCrmDeals: number };

export const ZOHO_CRM_DEMO_FIELDS = [
  { module: "Accounts", api_name: "Acumatica_Customer_ID", field_label: "Acumatica Customer ID", data_type: "text", unique: true, length: 30 },
  { module: "Products", api_name: "Acumatica_Inventory_ID", field_label: "Acumatica Inventory ID", data_type: "text", unique: true, length: 30 },
  { module: "Invoices", api_name: "Acumatica_Reference_Nbr", field_label: "Acumatica Reference Nbr", data_type: "text", unique: true, length: 30 },
  { module: "Invoices", api_name: "Balance", field_label: "Open Balance", data_type: "currency" },
] as const;

const PROSPECTS = [
  { Account_Name: "Harbor Freight Analytics Inc.", Website: "https://harborfreight-analytics.example", Phone: "+1 415 555 0101", Billing_City: "Oakland", Billing_Country: "United States", Account_Type: "Prospect" },
  { Account_Name: "Lumen Robotics GmbH", Website: "https://lumen-robotics.example", Phone: "+49 30 5550 0102", Billing_City: "Berlin", Billing_Country: "Germany", Account_Type: "Prospect" },
  { Account_Name: "Tidal Energy LLC", Website: "https://tidal-energy.example", Phone: "+1 617 555 0103", Billing_City: "Boston", Billing_Country: "United States", Account_Type: "Prospect" },
] as const;

export const seedZohoCrmDemo = (options: { control: ZohoCrmSandboxControl; linkedCustomers?: { CustomerID: string; CustomerName: string }[]; closingDate: string }): ZohoCrmDemoResult => {
  const { control } = options;
  control.settings({ edition: "enterprise" });
  for (const field of ZOHO_CRM_DEMO_FIELDS) {
    try {
      control.addCustomField({ ...field });
    } catch (error) {
      // Seeding twice keeps the fields of the first seed.
      if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    }
  }
  const linked = (options.linkedCustomers ?? []).slice(0, 2).map((c) => ({ Account_Name: c.CustomerName, Acumatica_Customer_ID: c.CustomerID, Account_Type: "Customer" }));
  const accounts = control.addRecords("Accounts", [...linked, ...PROSPECTS]);
  const ids = accounts.map((r) => (r.status === "success" ? String(r.details.id) : undefined));
  const [first, second] = ids.slice(linked.length);
  const deals = control.addRecords("Deals", [
    { Deal_Name: "Harbor Freight – Platform Business (40 seats)", Stage: "Negotiation/Review", Closing_Date: options.closingDate, Amount: 37_920, Account_Name: { id: first }, Type: "New Business" },
    { Deal_Name: "Lumen Robotics – Enterprise + Onboarding", Stage: "Proposal/Price Quote", Closing_Date: options.closingDate, Amount: 52_660, Account_Name: { id: second }, Type: "New Business" },
  ]);
  return { zohoCrmAccounts: accounts.filter((r) => r.status === "success").length, zohoCrmDeals: deals.filter((r) => r.status === "success").length };
};
