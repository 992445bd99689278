/**
 * The demo IFS side of "Northwind Cloud": company 10 (Northwind Cloud Inc., USD) for the Zuora USD accounts and
 * company 20 (Northwind Cloud GmbH, EUR) for the EUR ones, each with an IFS-style four-digit chart of accounts,
 * cost centers (code part B), voucher types for customer invoices (I) and payments (U), and accounting years:
 * the previous and current year open, the year before closed (to show the period-closed hold).
 */
import type { IfsCloudControl } from "./index";
import type { IfsSeedCompany } from "./ledger";

const ACCOUNTS: NonNullable<IfsSeedCompany["accounts"]> = [
  { Account: "1510", Description: "Accounts Receivable", LogicalAccountType: "Asset", CodeBDemand: "Allowed" },
  { Account: "1910", Description: "Bank Operating Account", LogicalAccountType: "Asset", CodeBDemand: "Allowed" },
  { Account: "1920", Description: "Payment Gateway Clearing", LogicalAccountType: "Asset", CodeBDemand: "Allowed" },
  { Account: "1930", Description: "Undeposited Funds (Cheque / Wire)", LogicalAccountType: "Asset", CodeBDemand: "Allowed" },
  { Account: "2610", Description: "Sales Tax / VAT Payable", LogicalAccountType: "Liability", CodeBDemand: "Allowed" },
  { Account: "2910", Description: "Deferred Revenue", LogicalAccountType: "Liability", CodeBDemand: "Required" },
  { Account: "3010", Description: "Subscription Revenue", LogicalAccountType: "Revenue", CodeBDemand: "Required" },
  { Account: "3020", Description: "Services Revenue", LogicalAccountType: "Revenue", CodeBDemand: "Required" },
  { Account: "3030", Description: "Usage Revenue", LogicalAccountType: "Revenue", CodeBDemand: "Required" },
  { Account: "3090", Description: "Credits and Allowances", LogicalAccountType: "Revenue", CodeBDemand: "Required" },
  { Account: "3099", Description: "Old Revenue (blocked)", LogicalAccountType: "Revenue", CodeBDemand: "Required", ValidUntil: "2019-12-31" },
];

const COST_CENTERS = [
  { CodePartValue: "100", Description: "Platform" },
  { CodePartValue: "200", Description: "Support" },
  { CodePartValue: "300", Description: "Professional Services" },
  { CodePartValue: "900", Description: "Corporate" },
];

/** Which IFS account a demo Zuora accounting code maps to (the mapping a demo flow starts from). */
export const DEMO_IFS_ACCOUNT_FOR_ZUORA_CODE: Record<string, string> = {
  "40000": "3030",
  "40100": "3010",
  "40200": "3020",
  "24000": "2910",
  "23200": "2610",
  "11000": "1510",
  "10200": "1920",
  "10250": "1910",
  "10300": "1930",
  "49500": "3090",
};

export const DEMO_IFS_COMPANIES = [
  { Company: "10", Name: "Northwind Cloud Inc.", CurrencyCode: "USD", CountryCode: "US" },
  { Company: "20", Name: "Northwind Cloud GmbH", CurrencyCode: "EUR", CountryCode: "DE" },
] as const;

export const seedIfsCloudDemo = (control: IfsCloudControl, now = new Date()): { companies: number; accounts: number } => {
  const year = now.getUTCFullYear();
  control.seed({
    companies: DEMO_IFS_COMPANIES.map((c) => ({
      ...c,
      accounts: ACCOUNTS.map((a) => ({ ...a })),
      codePartValues: COST_CENTERS.map((v) => ({ CodePart: "B" as const, ...v })),
      years: [
        { AccountingYear: year - 2, closedPeriods: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
        { AccountingYear: year - 1 },
        { AccountingYear: year },
      ],
      voucherTypes: [
        { VoucherType: "I", Description: "Customer Invoices (billing)", FunctionGroup: "I" },
        { VoucherType: "U", Description: "Customer Payments (billing)", FunctionGroup: "U" },
        { VoucherType: "M", Description: "Manual Vouchers", FunctionGroup: "M" },
      ],
    })),
  });
  return { companies: DEMO_IFS_COMPANIES.length, accounts: ACCOUNTS.length * DEMO_IFS_COMPANIES.length };
};
