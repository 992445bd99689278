/**
 * The finance model the sandbox serves: entity types, their keys, properties and navigations, and which
 * projection (`<Projection>.svc`) and entity set each one is reached under. The names are an ASSUMPTION
 * (vendor-apis.md §5.7: IFS publishes no voucher projection names; a real tenant's are looked up in its API
 * Explorer), so every projection and entity-set name is configurable (`IfsNames`).
 */

export type EdmType = "Edm.String" | "Edm.Int32" | "Edm.Decimal" | "Edm.Date" | "Edm.Boolean" | "Edm.DateTimeOffset";

export type PropertyDef = {
  name: string;
  type: EdmType;
  /** Name of an enum type of the projection's schema; the property's Type becomes `IfsApp.<Projection>.<enum>`. */
  enumType?: string;
  nullable?: boolean;
  maxLength?: number;
  /** Sent on POST: `false` = ignored (IFS ignores non-insertable attributes, vendor-apis.md §5.4). Default true. */
  insertable?: boolean;
  /** Sent on PATCH: `false` = refused with the IFS "not updatable" error. Default false for keys, true otherwise. */
  updatable?: boolean;
};

export type NavigationDef = {
  name: string;
  target: KindName;
  collection: boolean;
  /** [property of this entity, property of the target] pairs that join them. */
  on: [string, string][];
};

export type KindName = "company" | "account" | "codePartValue" | "accountingYear" | "accountingPeriod" | "voucherType" | "voucher" | "voucherRow";

export type KindDef = {
  kind: KindName;
  /** Entity type name in `$metadata`. */
  typeName: string;
  /** IFS logical unit, returned as `luname`. */
  luname: string;
  keys: string[];
  properties: PropertyDef[];
  navigations: NavigationDef[];
  /** POST/PATCH/DELETE allowed through OData (master data is seeded through the control API). */
  writable: boolean;
  /** Bound actions, `IfsApp.<Projection>.<typeName>_<action>`. */
  actions: string[];
  /** Properties with a hash index: `$filter=<p> eq <literal>` narrows by the index, not a scan. */
  indexed: string[];
};

export const ENUM_TYPES: Record<string, string[]> = {
  VoucherState: ["Waiting", "Confirmed", "Cancelled"],
  PeriodStatus: ["Open", "Closed"],
  CodePartDemand: ["Required", "Allowed", "Blocked"],
};

const str = (name: string, maxLength?: number, extra: Partial<PropertyDef> = {}): PropertyDef => ({ name, type: "Edm.String", maxLength, ...extra });
const int = (name: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({ name, type: "Edm.Int32", ...extra });
const dec = (name: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({ name, type: "Edm.Decimal", ...extra });
const date = (name: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({ name, type: "Edm.Date", ...extra });
const key = (p: PropertyDef): PropertyDef => ({ ...p, nullable: false, updatable: false });
const readOnly = { insertable: false, updatable: false };

/** Present on every IFS entity (vendor-apis.md §5.3): logical unit, key string, grants. */
const IFS_SYSTEM: PropertyDef[] = [str("luname", 30, readOnly), str("keyref", 500, readOnly), str("Objgrants", 2000, readOnly)];

const CODE_PARTS = ["CodeB", "CodeC", "CodeD", "CodeE", "CodeF", "CodeG", "CodeH", "CodeI", "CodeJ"];

export const KINDS: Record<KindName, KindDef> = {
  company: {
    kind: "company",
    typeName: "Company",
    luname: "CompanyFinance",
    keys: ["Company"],
    properties: [key(str("Company", 20)), str("Name", 100), str("CurrencyCode", 3), str("CountryCode", 2), ...IFS_SYSTEM],
    navigations: [],
    writable: false,
    actions: [],
    indexed: [],
  },
  account: {
    kind: "account",
    typeName: "Account",
    luname: "Account",
    keys: ["Company", "Account"],
    properties: [
      key(str("Company", 20)),
      key(str("Account", 20)),
      str("Description", 100),
      str("LogicalAccountType", 20),
      str("AccntGroup", 20),
      { ...str("CodeBDemand", 20), enumType: "CodePartDemand" },
      date("ValidFrom"),
      date("ValidUntil"),
      ...IFS_SYSTEM,
    ],
    navigations: [{ name: "CompanyRef", target: "company", collection: false, on: [["Company", "Company"]] }],
    writable: false,
    actions: [],
    indexed: ["Company"],
  },
  codePartValue: {
    kind: "codePartValue",
    typeName: "AccountingCodePartValue",
    luname: "AccountingCodePartValue",
    keys: ["Company", "CodePart", "CodePartValue"],
    properties: [key(str("Company", 20)), key(str("CodePart", 1)), key(str("CodePartValue", 20)), str("Description", 100), date("ValidFrom"), date("ValidUntil"), ...IFS_SYSTEM],
    navigations: [{ name: "CompanyRef", target: "company", collection: false, on: [["Company", "Company"]] }],
    writable: false,
    actions: [],
    indexed: ["Company"],
  },
  accountingYear: {
    kind: "accountingYear",
    typeName: "AccountingYear",
    luname: "AccountingYear",
    keys: ["Company", "AccountingYear"],
    properties: [key(str("Company", 20)), key(int("AccountingYear")), str("Description", 100), ...IFS_SYSTEM],
    navigations: [{ name: "CompanyRef", target: "company", collection: false, on: [["Company", "Company"]] }],
    writable: false,
    actions: [],
    indexed: ["Company"],
  },
  accountingPeriod: {
    kind: "accountingPeriod",
    typeName: "AccountingPeriod",
    luname: "AccountingPeriod",
    keys: ["Company", "AccountingYear", "AccountingPeriod"],
    properties: [
      key(str("Company", 20)),
      key(int("AccountingYear")),
      key(int("AccountingPeriod")),
      str("Description", 100),
      date("DateFrom"),
      date("DateUntil"),
      { ...str("PeriodStatus", 20), enumType: "PeriodStatus" },
      ...IFS_SYSTEM,
    ],
    navigations: [
      { name: "CompanyRef", target: "company", collection: false, on: [["Company", "Company"]] },
      { name: "AccountingYearRef", target: "accountingYear", collection: false, on: [["Company", "Company"], ["AccountingYear", "AccountingYear"]] },
    ],
    writable: false,
    actions: [],
    indexed: ["Company"],
  },
  voucherType: {
    kind: "voucherType",
    typeName: "VoucherType",
    luname: "VoucherType",
    keys: ["Company", "VoucherType"],
    properties: [key(str("Company", 20)), key(str("VoucherType", 3)), str("Description", 100), str("FunctionGroup", 10), str("Ledger", 10), ...IFS_SYSTEM],
    navigations: [{ name: "CompanyRef", target: "company", collection: false, on: [["Company", "Company"]] }],
    writable: false,
    actions: [],
    indexed: ["Company"],
  },
  voucher: {
    kind: "voucher",
    typeName: "Voucher",
    luname: "Voucher",
    keys: ["Company", "AccountingYear", "VoucherType", "VoucherNo"],
    properties: [
      key(str("Company", 20)),
      { ...key(int("AccountingYear")), insertable: true },
      key(str("VoucherType", 3)),
      { ...key(int("VoucherNo")), insertable: false },
      date("VoucherDate", { updatable: false }),
      int("YearPeriod", readOnly),
      str("VoucherText", 200),
      str("UserGroup", 30),
      { ...str("Objstate", 20, readOnly), enumType: "VoucherState" },
      { name: "DateReg", type: "Edm.DateTimeOffset", ...readOnly },
      ...IFS_SYSTEM,
    ],
    navigations: [
      {
        name: "VoucherRowArray",
        target: "voucherRow",
        collection: true,
        on: [["Company", "Company"], ["AccountingYear", "AccountingYear"], ["VoucherType", "VoucherType"], ["VoucherNo", "VoucherNo"]],
      },
      { name: "VoucherTypeRef", target: "voucherType", collection: false, on: [["Company", "Company"], ["VoucherType", "VoucherType"]] },
      { name: "CompanyRef", target: "company", collection: false, on: [["Company", "Company"]] },
    ],
    writable: true,
    actions: ["Confirm", "Cancel"],
    indexed: ["Company", "VoucherText"],
  },
  voucherRow: {
    kind: "voucherRow",
    typeName: "VoucherRow",
    luname: "VoucherRow",
    keys: ["Company", "AccountingYear", "VoucherType", "VoucherNo", "RowNo"],
    properties: [
      key(str("Company", 20)),
      { ...key(int("AccountingYear")), insertable: false },
      { ...key(str("VoucherType", 3)), insertable: false },
      { ...key(int("VoucherNo")), insertable: false },
      { ...key(int("RowNo")), insertable: false },
      str("Account", 20),
      ...CODE_PARTS.map((c) => str(c, 20)),
      str("CurrencyCode", 3),
      dec("CurrencyRate"),
      dec("CurrencyDebetAmount"),
      dec("CurrencyCreditAmount"),
      dec("DebetAmount"),
      dec("CreditAmount"),
      dec("Quantity"),
      str("Text", 200),
      str("ReferenceSerie", 20),
      str("ReferenceNumber", 50),
      str("PartyType", 20),
      str("PartyTypeId", 20),
      int("YearPeriod", readOnly),
      ...IFS_SYSTEM,
    ],
    navigations: [
      { name: "AccountRef", target: "account", collection: false, on: [["Company", "Company"], ["Account", "Account"]] },
      {
        name: "VoucherRef",
        target: "voucher",
        collection: false,
        on: [["Company", "Company"], ["AccountingYear", "AccountingYear"], ["VoucherType", "VoucherType"], ["VoucherNo", "VoucherNo"]],
      },
    ],
    writable: true,
    actions: [],
    indexed: ["Company", "ReferenceNumber"],
  },
};

/** Projection and entity set of each kind; kinds sharing a projection are served by one `.svc`. */
export type IfsNames = {
  [K in KindName]: { projection: string; entitySet: string };
} & {
  /** Navigation from a voucher to its rows (IFS names child collections `…Array`). */
  voucherRowsNavigation: string;
};

export const DEFAULT_IFS_NAMES: IfsNames = {
  company: { projection: "CompanyHandling", entitySet: "CompanySet" },
  account: { projection: "AccountsHandling", entitySet: "AccountSet" },
  codePartValue: { projection: "CodePartValuesHandling", entitySet: "AccountingCodePartValueSet" },
  accountingYear: { projection: "AccountingPeriodsHandling", entitySet: "AccountingYearSet" },
  accountingPeriod: { projection: "AccountingPeriodsHandling", entitySet: "AccountingPeriodSet" },
  voucherType: { projection: "VoucherTypesHandling", entitySet: "VoucherTypeSet" },
  voucher: { projection: "ManualVoucherHandling", entitySet: "Vouchers" },
  voucherRow: { projection: "ManualVoucherHandling", entitySet: "VoucherRows" },
  voucherRowsNavigation: "VoucherRowArray",
};

/** The navigation's name as served: the voucher-rows navigation follows `IfsNames.voucherRowsNavigation`. */
export const navigationName = (names: IfsNames, kind: KindName, nav: NavigationDef): string =>
  kind === "voucher" && nav.target === "voucherRow" ? names.voucherRowsNavigation : nav.name;

export type EntitySetInfo = { name: string; kind: KindName; /** Listed in the projection's names, or only there as a navigation target. */ own: boolean };

export type ProjectionInfo = { name: string; entitySets: EntitySetInfo[] };

/**
 * Projections from the names: each holds its own entity sets plus those its navigations reach (read through
 * the projection as IFS projections include their reference entity sets), closed transitively.
 */
export const buildProjections = (names: IfsNames): Map<string, ProjectionInfo> => {
  const projections = new Map<string, ProjectionInfo>();
  for (const kind of Object.keys(KINDS) as KindName[]) {
    const { projection, entitySet } = names[kind];
    const info = projections.get(projection) ?? { name: projection, entitySets: [] };
    info.entitySets.push({ name: entitySet, kind, own: true });
    projections.set(projection, info);
  }
  for (const info of projections.values()) {
    for (let i = 0; i < info.entitySets.length; i += 1) {
      const set = info.entitySets[i]!;
      for (const nav of KINDS[set.kind].navigations) {
        if (info.entitySets.some((s) => s.kind === nav.target)) continue;
        info.entitySets.push({ name: names[nav.target].entitySet, kind: nav.target, own: false });
      }
    }
  }
  return projections;
};

export const propertyOf = (kind: KindName, name: string): PropertyDef | undefined => PROPERTY_INDEX.get(kind)?.get(name);

const PROPERTY_INDEX = new Map<KindName, Map<string, PropertyDef>>(
  (Object.values(KINDS) as KindDef[]).map((def) => [def.kind, new Map(def.properties.map((p) => [p.name, p]))]),
);
