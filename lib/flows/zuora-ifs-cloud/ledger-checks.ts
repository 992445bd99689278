import type { IfsCloudClient } from "../../connectors/ifs-cloud/client";
import { ifsCompanySchema } from "../../connectors/ifs-cloud/schemas";
import { odataEqualsAll } from "../../connectors/shared/odata";

/** How long a company's currency and a period's status are trusted before IFS is asked again. */
const TTL_MS = 60_000;

type Entry<T> = { value: Promise<T>; at: number };
const caches = new Map<string, Map<string, Entry<unknown>>>();

/**
 * Reads of IFS master data the planner checks before posting (the company exists and keeps its books
 * in the document's currency; the period of the voucher date is open), remembered per connection for
 * a minute across jobs, so a backfill asks once per company and month, not once per document. A
 * period reopened meanwhile is seen within that minute.
 */
export const createLedgerChecks = (client: IfsCloudClient, cacheKey: string) => {
  let cache = caches.get(cacheKey);
  if (!cache) caches.set(cacheKey, (cache = new Map()));
  const remember = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = read();
    value.catch(() => cache.delete(key));
    cache.set(key, { value, at: Date.now() });
    return value;
  };
  const s = client.settings;
  return {
    /** The company's accounting currency, or null when IFS has no such company. */
    companyCurrency: (company: string) =>
      remember(`company:${company}`, async () => {
        const page = await client.page({ projection: s.companyProjection, set: s.companySet, query: { $filter: odataEqualsAll({ Company: company }), $select: "Company,Name,CurrencyCode", $top: 1 }, item: ifsCompanySchema });
        const row = page.value[0];
        return row ? { currency: row.CurrencyCode ?? null } : null;
      }),
    /** "Open", "Closed" … of the period holding `date`, null when none is defined. */
    periodStatus: (company: string, date: string) => remember(`period:${company}:${date}`, () => client.periodStatus(company, date)),
    /** Forget what was read (after the admin reopened a period and replays). */
    clear: () => cache.clear(),
  };
};
export type LedgerChecks = ReturnType<typeof createLedgerChecks>;
