import type { QadStore, WorkspaceData } from "./store";
import type { Table } from "./table";
import type { Customer, CustomerAdjustment, CustomerInvoice, CustomerPayment, GlAccount, GlPeriod } from "./types";

/*
 * Browses: `GET /api/qracore/browses?browseId=<urn>&page=<n>&pageSize=<n>&pageAction=first&filter=<field>,<op>,<value>[,literal]`
 * answer `{"data":[row, ...]}`; rows are keyed by qualified column names (`customer.customerCode`), as the
 * observed business-entity browses are (`domainV3.domainContext`). Only the customers browse id is observed;
 * the others follow its pattern (assumed). Rows come in the order records last changed, so a poll that filters
 * `lastModifiedDateTime,gt,<ISO-8601>` and pages until a short page sees every change once.
 */

export type ColumnType = "string" | "number" | "boolean" | "date" | "datetime";
type Column<T> = { type: ColumnType; get: (record: T) => unknown };

export type BrowseDefinition<T> = {
  prefix: string;
  columns: Record<string, Column<T>>;
  /** The records, in browse order; `table` enables indexed and modified-since reads. */
  source: (store: QadStore, data: WorkspaceData) => { table?: Table<T>; all: () => Iterable<T> };
};

const s = <T>(get: (r: T) => unknown): Column<T> => ({ type: "string", get });
const n = <T>(get: (r: T) => unknown): Column<T> => ({ type: "number", get });
const b = <T>(get: (r: T) => unknown): Column<T> => ({ type: "boolean", get });
const d = <T>(get: (r: T) => unknown): Column<T> => ({ type: "date", get });
const dt = <T>(get: (r: T) => unknown): Column<T> => ({ type: "datetime", get });

const tableSource =
  <T>(pick: (store: QadStore, data: WorkspaceData) => Table<T>) =>
  (store: QadStore, data: WorkspaceData) => {
    const table = pick(store, data);
    return { table, all: () => (function* () { for (const row of table.inOrder()) yield row.record; })() };
  };

const documentColumns = {
  domainCode: s<{ domainCode: string }>((r) => r.domainCode),
  entityCode: s<{ entityCode: string }>((r) => r.entityCode),
};

const customers: BrowseDefinition<Customer> = {
  prefix: "customer",
  columns: {
    customerCode: s((r) => r.customerCode),
    sharedSetCode: s((r) => r.sharedSetCode),
    businessRelationCode: s((r) => r.businessRelationCode),
    businessRelationName: s((r) => r.businessRelationName),
    addressSearchName: s((r) => r.addressSearchName),
    currencyCode: s((r) => r.currencyCode),
    creditTermsCode: s((r) => r.creditTermsCode),
    countryCode: s((r) => r.countryCode),
    EMail: s((r) => r.EMail),
    isActive: b((r) => r.isActive),
  },
  source: tableSource((store, data) => store.sharedSet(data.workspace.sharedSetCode).customers),
};

const glAccounts: BrowseDefinition<GlAccount> = {
  prefix: "glAccount",
  columns: {
    glCode: s((r) => r.glCode),
    glDescription: s((r) => r.glDescription),
    glType: s((r) => r.glType),
    currencyCode: s((r) => r.currencyCode),
    isActive: b((r) => r.isActive),
  },
  source: tableSource((store, data) => store.sharedSet(data.workspace.sharedSetCode).glAccounts),
};

const glPeriods: BrowseDefinition<GlPeriod> = {
  prefix: "period",
  columns: {
    periodYear: n((r) => r.periodYear),
    periodPeriod: n((r) => r.periodPeriod),
    periodStartDate: d((r) => r.periodStartDate),
    periodEndDate: d((r) => r.periodEndDate),
    periodStatus: s((r) => r.periodStatus),
  },
  source: (_store, data) => ({
    all: () => [...data.periods.values()].sort((x, y) => x.periodYear - y.periodYear || x.periodPeriod - y.periodPeriod),
  }),
};

const customerInvoices: BrowseDefinition<CustomerInvoice> = {
  prefix: "customerInvoice",
  columns: {
    dInvoiceVoucher: s((r) => r.dInvoiceVoucher),
    dInvoiceReference: s((r) => r.dInvoiceReference),
    customerCode: s((r) => r.customerCode),
    ...(documentColumns as Record<string, Column<CustomerInvoice>>),
    dInvoiceType: s((r) => r.dInvoiceType),
    dInvoiceDescription: s((r) => r.dInvoiceDescription),
    dInvoiceDate: d((r) => r.dInvoiceDate),
    dInvoiceDueDate: d((r) => r.dInvoiceDueDate),
    dInvoicePostingDate: d((r) => r.dInvoicePostingDate),
    currencyCode: s((r) => r.currencyCode),
    daybookCode: s((r) => r.daybookCode),
    periodYear: n((r) => r.periodYear),
    periodPeriod: n((r) => r.periodPeriod),
    dInvoiceOriginalDebitTC: n((r) => r.dInvoiceOriginalDebitTC),
    dInvoiceBalanceTC: n((r) => r.dInvoiceBalanceTC),
    dInvoiceIsOpen: b((r) => r.dInvoiceIsOpen),
    lastModifiedDateTime: dt((r) => r.lastModifiedDateTime),
  },
  source: tableSource((_store, data) => data.invoices),
};

const customerPayments: BrowseDefinition<CustomerPayment> = {
  prefix: "customerPayment",
  columns: {
    dDocumentVoucher: s((r) => r.dDocumentVoucher),
    dDocumentReference: s((r) => r.dDocumentReference),
    customerCode: s((r) => r.customerCode),
    ...(documentColumns as Record<string, Column<CustomerPayment>>),
    dDocumentDescription: s((r) => r.dDocumentDescription),
    dDocumentDate: d((r) => r.dDocumentDate),
    dDocumentPostingDate: d((r) => r.dDocumentPostingDate),
    currencyCode: s((r) => r.currencyCode),
    bankGLCode: s((r) => r.bankGLCode),
    periodYear: n((r) => r.periodYear),
    periodPeriod: n((r) => r.periodPeriod),
    dDocumentAmountTC: n((r) => r.dDocumentAmountTC),
    dDocumentUnallocatedTC: n((r) => r.dDocumentUnallocatedTC),
    lastModifiedDateTime: dt((r) => r.lastModifiedDateTime),
  },
  source: tableSource((_store, data) => data.payments),
};

const customerAdjustments: BrowseDefinition<CustomerAdjustment> = {
  prefix: "customerAdjustment",
  columns: {
    dInvoiceVoucher: s((r) => r.dInvoiceVoucher),
    dInvoiceReference: s((r) => r.dInvoiceReference),
    customerCode: s((r) => r.customerCode),
    ...(documentColumns as Record<string, Column<CustomerAdjustment>>),
    dInvoiceType: s((r) => r.dInvoiceType),
    dInvoiceDescription: s((r) => r.dInvoiceDescription),
    dInvoiceDate: d((r) => r.dInvoiceDate),
    dInvoicePostingDate: d((r) => r.dInvoicePostingDate),
    currencyCode: s((r) => r.currencyCode),
    periodYear: n((r) => r.periodYear),
    periodPeriod: n((r) => r.periodPeriod),
    dInvoiceOriginalCreditTC: n((r) => r.dInvoiceOriginalCreditTC),
    dInvoiceUnallocatedTC: n((r) => r.dInvoiceUnallocatedTC),
    lastModifiedDateTime: dt((r) => r.lastModifiedDateTime),
  },
  source: tableSource((_store, data) => data.adjustments),
};

/** A definition with its record type erased, so different browses sit in one map. */
export type AnyBrowse = BrowseDefinition<unknown>;
const erase = <T>(definition: BrowseDefinition<T>) => definition as unknown as AnyBrowse;

export const BROWSES: Record<string, AnyBrowse> = {
  "urn:browse:bebrowse:com.qad.erp.base.customers": erase(customers),
  "urn:browse:bebrowse:com.qad.erp.financials.glAccounts": erase(glAccounts),
  "urn:browse:bebrowse:com.qad.erp.financials.glPeriods": erase(glPeriods),
  "urn:browse:bebrowse:com.qad.erp.financials.customerInvoices": erase(customerInvoices),
  "urn:browse:bebrowse:com.qad.erp.financials.customerPayments": erase(customerPayments),
  "urn:browse:bebrowse:com.qad.erp.financials.customerAdjustments": erase(customerAdjustments),
};

/** Table columns that have an equality index (the table's index name). */
const INDEXED: Record<string, string> = {
  customerCode: "customerCode",
  businessRelationName: "businessRelationName",
  glCode: "glCode",
  dInvoiceVoucher: "dInvoiceVoucher",
  dDocumentVoucher: "dDocumentVoucher",
  dInvoiceReference: "reference",
  dDocumentReference: "reference",
};

export const FILTER_OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le", "begins"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export type Filter = { column: string; op: FilterOperator; value: string };

export class BrowseError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldName = "",
  ) {
    super(message);
  }
}

/** `field,op,value[,literal]`; the field may be qualified (`customer.customerCode`) or bare. */
export const parseFilter = (raw: string, definition: AnyBrowse): Filter => {
  const parts = raw.split(",");
  if (parts.length >= 4 && (parts.at(-1) === "literal" || parts.at(-1) === "")) parts.pop();
  if (parts.length < 3) throw new BrowseError(400, `Invalid filter '${raw}': expected <field>,<operator>,<value>.`);
  const [field = "", op = "", ...rest] = parts;
  const column = field.startsWith(`${definition.prefix}.`) ? field.slice(definition.prefix.length + 1) : field;
  if (!definition.columns[column]) throw new BrowseError(400, `Invalid filter field '${field}'.`, field);
  if (!(FILTER_OPERATORS as readonly string[]).includes(op.toLowerCase())) throw new BrowseError(400, `Invalid filter operator '${op}'.`, field);
  const value = rest.join(",");
  const type = definition.columns[column].type;
  if (type === "number" && !Number.isFinite(Number(value))) throw new BrowseError(400, `Invalid numeric value '${value}' for ${field}.`, field);
  if ((type === "date" || type === "datetime") && Number.isNaN(Date.parse(value))) throw new BrowseError(400, `Invalid date value '${value}' for ${field}.`, field);
  if (type === "boolean" && !["true", "false", "yes", "no"].includes(value.toLowerCase())) throw new BrowseError(400, `Invalid logical value '${value}' for ${field}.`, field);
  return { column, op: op.toLowerCase() as FilterOperator, value };
};

/** -1, 0 or 1; strings compare case-insensitively, as Progress character fields do. */
const compare = (type: ColumnType, left: unknown, right: string): number => {
  switch (type) {
    case "number":
      return Math.sign(Number(left) - Number(right));
    case "boolean": {
      const r = right.toLowerCase() === "true" || right.toLowerCase() === "yes";
      return left === r ? 0 : left ? 1 : -1;
    }
    case "datetime":
      return Math.sign(Date.parse(String(left)) - Date.parse(right));
    case "date":
      return Math.sign(Date.parse(String(left).slice(0, 10)) - Date.parse(right.slice(0, 10)));
    default: {
      const a = String(left ?? "").toLowerCase();
      const b = right.toLowerCase();
      return a < b ? -1 : a > b ? 1 : 0;
    }
  }
};

const matches = (definition: AnyBrowse, record: unknown, filter: Filter) => {
  const column = definition.columns[filter.column]!;
  const value = column.get(record);
  if (filter.op === "begins") return String(value ?? "").toLowerCase().startsWith(filter.value.toLowerCase());
  const c = compare(column.type, value, filter.value);
  switch (filter.op) {
    case "eq":
      return c === 0;
    case "ne":
      return c !== 0;
    case "gt":
      return c > 0;
    case "ge":
      return c >= 0;
    case "lt":
      return c < 0;
    default:
      return c <= 0;
  }
};

/** The records passing every filter, in browse order, read through an index where one applies. */
export function* browseRecords(definition: AnyBrowse, store: QadStore, data: WorkspaceData, filters: Filter[]): Generator<unknown> {
  const { table, all } = definition.source(store, data);
  let candidates: Iterable<unknown> = all();
  if (table) {
    const indexed = filters.find((f) => f.op === "eq" && INDEXED[f.column] && table.isIndexed(INDEXED[f.column]!));
    const since = filters.find((f) => f.column === "lastModifiedDateTime" && (f.op === "gt" || f.op === "ge"));
    if (indexed) candidates = table.keysWhere(INDEXED[indexed.column]!, indexed.value).map((k) => table.get(k)!);
    else if (since) candidates = (function* () { for (const row of table.inOrder(Date.parse(since.value))) yield row.record; })();
  }
  for (const record of candidates) if (filters.every((f) => matches(definition, record, f))) yield record;
}

export const toRow = (definition: AnyBrowse, record: unknown): Record<string, unknown> => {
  const row: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(definition.columns)) row[`${definition.prefix}.${name}`] = column.get(record) ?? null;
  return row;
};
