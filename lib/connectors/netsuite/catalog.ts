import { MAX_CATALOG_VALUES, type CatalogValue } from "../types";
import type { NetsuiteClient } from "./client";
import { netsuiteConfig } from "./config";
import { netsuiteItemRowSchema } from "./schemas";

/** Items (SuiteQL `item`: every item type in one id space): item name (SKU), display name, inactive ones marked. */
export const listNetsuiteItems = async (client: NetsuiteClient): Promise<CatalogValue[]> => {
  const values: CatalogValue[] = [];
  const limit = netsuiteConfig.maxPageSize;
  for (let offset = 0; offset < MAX_CATALOG_VALUES; offset += limit) {
    const page = await client.suiteql("SELECT id, itemid, displayname, isinactive FROM item ORDER BY itemid", netsuiteItemRowSchema, { limit, offset });
    values.push(...page.items.map((i) => ({ key: i.itemid, label: i.displayname ?? null, ...(i.isinactive === "T" ? { inactive: true } : {}) })));
    if (!page.hasMore) break;
  }
  return values;
};
