import { MAX_CATALOG_VALUES, type CatalogValue } from "../types";
import type { ZuoraClient } from "./client";

/** Zuora billing accounts (Object Query `accounts`, every page up to MAX_CATALOG_VALUES): account number, name. */
export const listZuoraBillingAccounts = async (client: ZuoraClient): Promise<CatalogValue[]> => {
  const values: CatalogValue[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof client.listChanged<"accounts">>> = await client.listChanged("accounts", { since: "1970-01-01T00:00:00Z", cursor });
    for (const a of page.records) values.push({ key: a.accountNumber, label: a.name ?? null });
    cursor = page.nextCursor;
  } while (cursor && values.length < MAX_CATALOG_VALUES);
  return values;
};
