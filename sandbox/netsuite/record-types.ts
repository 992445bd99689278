/*
 * The record types this sandbox serves and their body fields, named as the REST record service names them
 * (vendor-apis.md §4.3, [NS-CRUD] invoice use case, [NS-RAB] customer/invoice). Each account's real metadata
 * differs (custom fields, features); this is a trimmed account with the fields the integrations use.
 * `column` is the SuiteQL column (lower case); `filterable` marks fields usable in `q` (x-ns-filterable).
 */

export type FieldKind = "string" | "number" | "boolean" | "date" | "datetime" | "ref";
/** Targets of reference fields: other record types or the account's fixed lists. */
export type RefTarget = "customer" | "item" | "currency" | "subsidiary" | "account";

export type FieldDef = {
  name: string;
  kind: FieldKind;
  ref?: RefTarget;
  required?: boolean;
  /** Computed by NetSuite; ignored (with a warning) when a body sets it. */
  readOnly?: boolean;
  /** SuiteQL column; the lower-cased name when absent. */
  column?: string;
  filterable?: boolean;
  custom?: boolean;
};

export type RecordTypeDef = {
  /** REST record type name, e.g. "customer", "serviceSaleItem", "customrecord_zuora_subscription_event". */
  name: string;
  /** Internal ids are unique per id space: entities, transactions, items, each custom record type. */
  idSpace: string;
  /** SuiteQL table. */
  table: string;
  fields: FieldDef[];
  /** Prefix of this type's custom field ids. */
  customPrefix: "custentity_" | "custbody_" | "custitem_" | "custrecord_";
  /** Sublist of transaction lines ("item" on an invoice). */
  sublist?: { name: string; fields: FieldDef[] };
  /** Extra SuiteQL columns with a fixed value for this type (transaction.type, item.itemtype). */
  fixedColumns?: Record<string, string>;
  /** Field whose value identifies one business event (custom records): equal values are duplicates. */
  naturalKey?: string;
};

const common: FieldDef[] = [
  { name: "id", kind: "string", readOnly: true, filterable: true },
  { name: "externalId", kind: "string", filterable: true },
];

export const CUSTOMER: RecordTypeDef = {
  name: "customer",
  idSpace: "entity",
  table: "customer",
  customPrefix: "custentity_",
  fields: [
    ...common,
    { name: "entityId", kind: "string", filterable: true },
    { name: "companyName", kind: "string", required: true, filterable: true },
    { name: "isPerson", kind: "boolean", filterable: true },
    { name: "email", kind: "string", filterable: true },
    { name: "phone", kind: "string", filterable: true },
    { name: "comments", kind: "string" },
    { name: "subsidiary", kind: "ref", ref: "subsidiary", required: true, filterable: true },
    { name: "currency", kind: "ref", ref: "currency", filterable: true },
    { name: "balance", kind: "number", readOnly: true, filterable: true },
    { name: "isInactive", kind: "boolean", filterable: true },
    { name: "dateCreated", kind: "datetime", readOnly: true, filterable: true },
    { name: "lastModifiedDate", kind: "datetime", readOnly: true, filterable: true },
  ],
};

const invoiceLineFields: FieldDef[] = [
  { name: "line", kind: "number", readOnly: true },
  { name: "item", kind: "ref", ref: "item", required: true },
  { name: "description", kind: "string" },
  { name: "quantity", kind: "number" },
  { name: "rate", kind: "number" },
  { name: "amount", kind: "number" },
];

export const INVOICE: RecordTypeDef = {
  name: "invoice",
  idSpace: "transaction",
  table: "transaction",
  customPrefix: "custbody_",
  fixedColumns: { type: "CustInvc" },
  fields: [
    ...common,
    { name: "tranId", kind: "string", filterable: true },
    { name: "tranDate", kind: "date", filterable: true },
    { name: "entity", kind: "ref", ref: "customer", required: true, filterable: true },
    { name: "subsidiary", kind: "ref", ref: "subsidiary", filterable: true },
    { name: "currency", kind: "ref", ref: "currency", filterable: true },
    { name: "exchangeRate", kind: "number" },
    { name: "memo", kind: "string", filterable: true },
    { name: "otherRefNum", kind: "string", filterable: true },
    { name: "dueDate", kind: "date", filterable: true },
    { name: "status", kind: "string", readOnly: true, filterable: true },
    { name: "subtotal", kind: "number", readOnly: true },
    { name: "total", kind: "number", readOnly: true, column: "foreigntotal", filterable: true },
    { name: "amountPaid", kind: "number", readOnly: true },
    { name: "amountRemaining", kind: "number", readOnly: true, column: "foreignamountremaining" },
    { name: "createdDate", kind: "datetime", readOnly: true, filterable: true },
    { name: "lastModifiedDate", kind: "datetime", readOnly: true, filterable: true },
  ],
  sublist: { name: "item", fields: invoiceLineFields },
};

const itemFields: FieldDef[] = [
  ...common,
  { name: "itemId", kind: "string", required: true, filterable: true },
  { name: "displayName", kind: "string", filterable: true },
  { name: "salesDescription", kind: "string" },
  { name: "incomeAccount", kind: "ref", ref: "account", filterable: true },
  { name: "isInactive", kind: "boolean", filterable: true },
  { name: "createdDate", kind: "datetime", readOnly: true, filterable: true },
  { name: "lastModifiedDate", kind: "datetime", readOnly: true, filterable: true },
];

/** Item record types share one id space ("item" in SuiteQL); REST has no generic `item` record type. */
export const ITEM_TYPES: RecordTypeDef[] = [
  { name: "serviceSaleItem", idSpace: "item", table: "item", customPrefix: "custitem_", fixedColumns: { itemtype: "Service" }, fields: itemFields },
  { name: "nonInventorySaleItem", idSpace: "item", table: "item", customPrefix: "custitem_", fixedColumns: { itemtype: "NonInvtPart" }, fields: itemFields },
  { name: "inventoryItem", idSpace: "item", table: "item", customPrefix: "custitem_", fixedColumns: { itemtype: "InvtPart" }, fields: itemFields },
];

export const STANDARD_TYPES: RecordTypeDef[] = [CUSTOMER, INVOICE, ...ITEM_TYPES];

/** A custom record type as the admin defines it (Customization > Lists, Records, & Fields > Record Types). */
export type CustomRecordTypeInput = {
  scriptId: string;
  fields: { id: string; kind: FieldKind; ref?: RefTarget; required?: boolean }[];
  naturalKey?: string;
};

export const customRecordTypeDef = (input: CustomRecordTypeInput): RecordTypeDef => ({
  name: input.scriptId,
  idSpace: input.scriptId,
  table: input.scriptId,
  customPrefix: "custrecord_",
  naturalKey: input.naturalKey,
  fields: [
    ...common,
    { name: "name", kind: "string", filterable: true },
    { name: "isInactive", kind: "boolean", filterable: true },
    { name: "created", kind: "datetime", readOnly: true, filterable: true },
    { name: "lastModified", kind: "datetime", readOnly: true, column: "lastmodified", filterable: true },
    ...input.fields.map((f): FieldDef => ({ name: f.id, kind: f.kind, ref: f.ref, required: f.required, custom: true, filterable: true })),
  ],
});

/** Custom fields added to a standard type (custentity_*, custbody_*, custitem_*). */
export const withCustomFields = (def: RecordTypeDef, fields: { id: string; kind: FieldKind; ref?: RefTarget }[]): RecordTypeDef => ({
  ...def,
  fields: [...def.fields, ...fields.map((f): FieldDef => ({ name: f.id, kind: f.kind, ref: f.ref, custom: true, filterable: true }))],
});

export const columnOf = (field: FieldDef) => field.column ?? field.name.toLowerCase();

/** The account's fixed lists that references may point to (NetSuite's default internal ids for currencies). */
export const REFERENCE_LISTS: Record<"currency" | "subsidiary" | "account", Record<string, string>> = {
  currency: { "1": "USD", "2": "GBP", "3": "CAD", "4": "EUR" },
  subsidiary: { "1": "Parent Company", "2": "Northwind Europe B.V." },
  account: { "54": "4000 Sales", "55": "4010 Subscription Revenue", "56": "4020 Services Revenue", "57": "4030 Support Revenue" },
};
