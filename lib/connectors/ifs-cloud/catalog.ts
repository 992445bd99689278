import { MAX_CATALOG_VALUES, type CatalogValue } from "../types";
import type { IfsCloudClient } from "./client";
import { ifsAccountSchema, ifsCodePartValueSchema, ifsCompanySchema } from "./schemas";

/** Companies, as `Company` with name and accounting currency. */
export const listIfsCompanies = async (client: IfsCloudClient): Promise<CatalogValue[]> => {
  const s = client.settings;
  const items = await client.listAll({ projection: s.companyProjection, set: s.companySet, query: { $select: "Company,Name,CurrencyCode", $orderby: "Company" }, item: ifsCompanySchema, maxItems: MAX_CATALOG_VALUES });
  return items.map((c) => ({ key: c.Company, label: [c.Name, c.CurrencyCode].filter(Boolean).join(" · ") || null }));
};

/** GL accounts of every company, keyed `<company> | <account>` (the flow's compound GL key). */
export const listIfsAccounts = async (client: IfsCloudClient): Promise<CatalogValue[]> => {
  const s = client.settings;
  const today = new Date().toISOString().slice(0, 10);
  const items = await client.listAll({ projection: s.accountProjection, set: s.accountSet, query: { $select: "Company,Account,Description,CodeBDemand,ValidUntil", $orderby: "Company,Account" }, item: ifsAccountSchema, maxItems: MAX_CATALOG_VALUES });
  return items.map((a) => ({ key: `${a.Company} | ${a.Account}`, label: a.Description ?? null, ...(a.ValidUntil && a.ValidUntil < today ? { inactive: true } : {}) }));
};

/** Cost centers (code part B) of every company, keyed by value (labelled with their companies). */
export const listIfsCostCenters = async (client: IfsCloudClient): Promise<CatalogValue[]> => {
  const s = client.settings;
  const items = await client.listAll({ projection: s.codePartProjection, set: s.codePartSet, query: { $filter: "CodePart eq 'B'", $select: "Company,CodePart,CodePartValue,Description", $orderby: "CodePartValue" }, item: ifsCodePartValueSchema, maxItems: MAX_CATALOG_VALUES });
  const byValue = new Map<string, { label: string | null; companies: string[] }>();
  for (const v of items) {
    const hit = byValue.get(v.CodePartValue) ?? { label: v.Description ?? null, companies: [] };
    hit.companies.push(v.Company);
    byValue.set(v.CodePartValue, hit);
  }
  return [...byValue].map(([key, v]) => ({ key, label: `${v.label ?? key} (company ${v.companies.join(", ")})` }));
};
