import { MAX_CATALOG_VALUES, type CatalogValue } from "../types";
import type { QadClient } from "./client";
import { qadCustomerSchema, qadGlAccountSchema, type QadCustomer } from "./schemas";

/** Every customer of the workspace's shared set (up to MAX_CATALOG_VALUES). */
export const listQadCustomerRows = (client: QadClient): Promise<QadCustomer[]> => client.browseAll("customer", qadCustomerSchema, { max: MAX_CATALOG_VALUES });

/** Customers: code, "name · currency", inactive ones marked. */
export const listQadCustomers = async (client: QadClient): Promise<CatalogValue[]> =>
  (await listQadCustomerRows(client)).map((c) => ({
    key: c.customerCode,
    label: [c.businessRelationName, c.currencyCode].filter(Boolean).join(" · ") || null,
    ...(c.isActive === false ? { inactive: true } : {}),
  }));

/** GL accounts of `types` (all when omitted): code, "description · type · currency", inactive ones marked. */
export const listQadGlAccounts = async (client: QadClient, types?: readonly string[]): Promise<CatalogValue[]> =>
  (await client.browseAll("glAccount", qadGlAccountSchema, { max: MAX_CATALOG_VALUES }))
    .filter((g) => !types || types.includes(g.glType ?? ""))
    .map((g) => ({
      key: g.glCode,
      label: [g.glDescription, g.glType, g.currencyCode].filter(Boolean).join(" · ") || null,
      ...(g.isActive === false ? { inactive: true } : {}),
    }));

/** Open GL periods, keyed by their first day (a posting date for documents of a closed period). */
export const listQadOpenPeriods = async (client: QadClient): Promise<CatalogValue[]> =>
  (await client.glPeriods())
    .filter((p) => p.periodStatus.toUpperCase() === "OPEN")
    .map((p) => ({ key: p.periodStartDate.slice(0, 10), label: `Open period ${p.periodYear}/${String(p.periodPeriod).padStart(2, "0")} (${p.periodStartDate.slice(0, 10)} to ${p.periodEndDate.slice(0, 10)})` }));
