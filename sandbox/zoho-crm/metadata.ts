/*
 * The org's modules and fields: the standard layout of Accounts, Products, Invoices and Deals (field API
 * names from vendor-apis.md §3.3 and Zoho's /settings/fields answers), plus custom fields the control API
 * adds. Writes are validated against these definitions; /settings/modules and /settings/fields answer them.
 */

export const MODULE_NAMES = ["Accounts", "Products", "Invoices", "Deals"] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];

export const EDITIONS = ["free", "standard", "professional", "enterprise", "ultimate"] as const;
export type Edition = (typeof EDITIONS)[number];

/**
 * Modules each edition has. ASSUMED from Zoho's pricing pages (not the API docs): Products from Standard,
 * the inventory modules (Invoices) from Professional; Accounts and Deals in every edition.
 */
export const EDITION_MODULES: Record<Edition, readonly ModuleName[]> = {
  free: ["Accounts", "Deals"],
  standard: ["Accounts", "Deals", "Products"],
  professional: MODULE_NAMES,
  enterprise: MODULE_NAMES,
  ultimate: MODULE_NAMES,
};

export type DataType =
  | "text"
  | "textarea"
  | "email"
  | "phone"
  | "website"
  | "integer"
  | "double"
  | "currency"
  | "boolean"
  | "date"
  | "datetime"
  | "picklist"
  | "lookup"
  | "ownerlookup"
  | "autonumber"
  | "subform";

export type FieldDef = {
  api_name: string;
  field_label: string;
  data_type: DataType;
  /** Mandatory in the layout: an insert without it fails with MANDATORY_NOT_FOUND. */
  mandatory?: boolean;
  /** Set by Zoho, ignored on writes. */
  read_only?: boolean;
  /** "Do not allow duplicate values": a second record with the same value fails with DUPLICATE_DATA. */
  unique?: boolean;
  length?: number;
  lookup?: ModuleName;
  pick_list_values?: readonly string[];
  /** Line-item fields of a subform (Invoiced_Items). */
  subform?: readonly FieldDef[];
  custom_field?: boolean;
};

export const JSON_TYPE: Record<DataType, string> = {
  text: "string",
  textarea: "string",
  email: "string",
  phone: "string",
  website: "string",
  integer: "integer",
  double: "double",
  currency: "double",
  boolean: "boolean",
  date: "string",
  datetime: "string",
  picklist: "string",
  lookup: "jsonobject",
  ownerlookup: "jsonobject",
  autonumber: "string",
  subform: "jsonarray",
};

export const DEAL_STAGES = [
  "Qualification",
  "Needs Analysis",
  "Value Proposition",
  "Id. Decision Makers",
  "Perception Analysis",
  "Proposal/Price Quote",
  "Negotiation/Review",
  "Closed Won",
  "Closed Lost",
  "Closed-Lost to Competition",
] as const;

/** Stage -> probability Zoho sets with the stage (the standard pipeline's defaults). */
export const STAGE_PROBABILITY: Record<string, number> = {
  Qualification: 10,
  "Needs Analysis": 20,
  "Value Proposition": 40,
  "Id. Decision Makers": 60,
  "Perception Analysis": 75,
  "Proposal/Price Quote": 75,
  "Negotiation/Review": 90,
  "Closed Won": 100,
  "Closed Lost": 0,
  "Closed-Lost to Competition": 0,
};

const SYSTEM_FIELDS: readonly FieldDef[] = [
  { api_name: "Owner", field_label: "Owner", data_type: "ownerlookup" },
  { api_name: "Created_Time", field_label: "Created Time", data_type: "datetime", read_only: true },
  { api_name: "Modified_Time", field_label: "Modified Time", data_type: "datetime", read_only: true },
  { api_name: "Created_By", field_label: "Created By", data_type: "ownerlookup", read_only: true },
  { api_name: "Modified_By", field_label: "Modified By", data_type: "ownerlookup", read_only: true },
  { api_name: "Description", field_label: "Description", data_type: "textarea", length: 32000 },
];

const address = (prefix: "Billing" | "Shipping"): FieldDef[] =>
  ["Street", "City", "State", "Code", "Country"].map((part) => ({ api_name: `${prefix}_${part}`, field_label: `${prefix} ${part}`, data_type: "text", length: part === "Street" ? 250 : 100 }));

const invoicedItemFields: readonly FieldDef[] = [
  { api_name: "Product_Name", field_label: "Product Name", data_type: "lookup", lookup: "Products", mandatory: true },
  { api_name: "Quantity", field_label: "Quantity", data_type: "double", mandatory: true },
  { api_name: "List_Price", field_label: "List Price", data_type: "currency" },
  { api_name: "Discount", field_label: "Discount", data_type: "currency" },
  { api_name: "Tax", field_label: "Tax", data_type: "currency" },
  { api_name: "Total", field_label: "Amount", data_type: "currency", read_only: true },
  { api_name: "Net_Total", field_label: "Total", data_type: "currency", read_only: true },
  { api_name: "Description", field_label: "Description", data_type: "textarea", length: 2000 },
];

export const STANDARD_FIELDS: Record<ModuleName, readonly FieldDef[]> = {
  Accounts: [
    { api_name: "Account_Name", field_label: "Account Name", data_type: "text", mandatory: true, length: 200 },
    { api_name: "Account_Number", field_label: "Account Number", data_type: "text", length: 40 },
    { api_name: "Account_Type", field_label: "Account Type", data_type: "picklist", pick_list_values: ["-None-", "Analyst", "Competitor", "Customer", "Distributor", "Integrator", "Investor", "Other", "Partner", "Press", "Prospect", "Reseller", "Vendor"] },
    { api_name: "Phone", field_label: "Phone", data_type: "phone", length: 30 },
    { api_name: "Website", field_label: "Website", data_type: "website", length: 255 },
    { api_name: "Industry", field_label: "Industry", data_type: "text", length: 120 },
    ...address("Billing"),
    ...address("Shipping"),
    ...SYSTEM_FIELDS,
  ],
  Products: [
    { api_name: "Product_Name", field_label: "Product Name", data_type: "text", mandatory: true, length: 200 },
    { api_name: "Product_Code", field_label: "Product Code", data_type: "text", length: 40 },
    { api_name: "Product_Active", field_label: "Product Active", data_type: "boolean" },
    { api_name: "Product_Category", field_label: "Product Category", data_type: "picklist", pick_list_values: ["-None-", "Hardware", "Software", "CRM Applications", "Services"] },
    { api_name: "Unit_Price", field_label: "Unit Price", data_type: "currency" },
    { api_name: "Usage_Unit", field_label: "Usage Unit", data_type: "picklist", pick_list_values: ["-None-", "Box", "Carton", "Dozen", "Each", "Hours", "Impressions", "Lb", "M", "Pack", "Pages", "Pieces", "Quantity", "Reams", "Sheet", "Spiral Binder", "Sq Ft"] },
    { api_name: "Qty_in_Stock", field_label: "Qty in Stock", data_type: "double" },
    { api_name: "Taxable", field_label: "Taxable", data_type: "boolean" },
    ...SYSTEM_FIELDS,
  ],
  Invoices: [
    { api_name: "Subject", field_label: "Subject", data_type: "text", mandatory: true, length: 255 },
    { api_name: "Invoice_Number", field_label: "Invoice Number", data_type: "autonumber", read_only: true },
    { api_name: "Account_Name", field_label: "Account Name", data_type: "lookup", lookup: "Accounts" },
    { api_name: "Deal_Name", field_label: "Deal Name", data_type: "lookup", lookup: "Deals" },
    { api_name: "Invoice_Date", field_label: "Invoice Date", data_type: "date" },
    { api_name: "Due_Date", field_label: "Due Date", data_type: "date" },
    { api_name: "Status", field_label: "Status", data_type: "picklist", pick_list_values: ["-None-", "Created", "Approved", "Delivered", "Cancelled"] },
    { api_name: "Invoiced_Items", field_label: "Invoiced Items", data_type: "subform", mandatory: true, subform: invoicedItemFields },
    { api_name: "Sub_Total", field_label: "Sub Total", data_type: "currency", read_only: true },
    { api_name: "Discount", field_label: "Discount", data_type: "currency" },
    { api_name: "Tax", field_label: "Tax", data_type: "currency" },
    { api_name: "Adjustment", field_label: "Adjustment", data_type: "currency" },
    { api_name: "Grand_Total", field_label: "Grand Total", data_type: "currency", read_only: true },
    { api_name: "Terms_and_Conditions", field_label: "Terms and Conditions", data_type: "textarea", length: 32000 },
    ...address("Billing"),
    ...address("Shipping"),
    ...SYSTEM_FIELDS,
  ],
  Deals: [
    { api_name: "Deal_Name", field_label: "Deal Name", data_type: "text", mandatory: true, length: 120 },
    { api_name: "Stage", field_label: "Stage", data_type: "picklist", mandatory: true, pick_list_values: DEAL_STAGES },
    { api_name: "Closing_Date", field_label: "Closing Date", data_type: "date", mandatory: true },
    { api_name: "Account_Name", field_label: "Account Name", data_type: "lookup", lookup: "Accounts" },
    { api_name: "Amount", field_label: "Amount", data_type: "currency" },
    { api_name: "Probability", field_label: "Probability (%)", data_type: "integer" },
    { api_name: "Type", field_label: "Type", data_type: "picklist", pick_list_values: ["-None-", "Existing Business", "New Business"] },
    { api_name: "Lead_Source", field_label: "Lead Source", data_type: "picklist", pick_list_values: ["-None-", "Advertisement", "Cold Call", "Employee Referral", "External Referral", "Online Store", "Partner", "Public Relations", "Sales Email Alias", "Seminar Partner", "Internal Seminar", "Trade Show", "Web Download", "Web Research", "Chat"] },
    ...SYSTEM_FIELDS,
  ],
};

/**
 * The field upsert matches on when duplicate_check_fields is absent (Zoho's upsert page: "system-defined
 * duplicate check fields", then unique custom fields).
 */
export const SYSTEM_DUPLICATE_CHECK_FIELD: Record<ModuleName, string> = {
  Accounts: "Account_Name",
  Products: "Product_Name",
  Invoices: "Subject",
  Deals: "Deal_Name",
};

export const MODULE_LABELS: Record<ModuleName, { singular: string; plural: string; id: number }> = {
  Accounts: { singular: "Account", plural: "Accounts", id: 2 },
  Products: { singular: "Product", plural: "Products", id: 5 },
  Invoices: { singular: "Invoice", plural: "Invoices", id: 9 },
  Deals: { singular: "Deal", plural: "Deals", id: 3 },
};

export const isModuleName = (value: string): value is ModuleName => (MODULE_NAMES as readonly string[]).includes(value);
