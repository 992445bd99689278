import type { CatalogValue } from "../types";
import type { ZohoCrmClient } from "./client";
import type { ZohoModule } from "./config";

/** The values of a picklist field (e.g. Accounts.Account_Type, Products.Product_Category), "-None-" left out. */
export const listZohoPicklistValues = async (client: ZohoCrmClient, { module, field }: { module: ZohoModule; field: string }): Promise<CatalogValue[]> => {
  const found = (await client.fields(module)).find((f) => f.api_name === field);
  return (found?.pick_list_values ?? [])
    .map((v) => ({ key: v.actual_value ?? v.display_value, label: v.display_value }))
    .filter((v) => v.key !== "-None-");
};
