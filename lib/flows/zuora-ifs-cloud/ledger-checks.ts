import type { IfsCloudClient } from "../../connectors/ifs-cloud/client";
import { ifsCompanySchema } from "../../connectors/ifs-cloud/schemas";
import { odataEqualsAll } from "../../connectors/common/odata";

/** How long a company's currency and a period's status are trusted before IFS is asked again. */
const TTL_MS = 60_000;

type Entry<T> = { value: Promise<T>; at: number };
const caches = new Map<string, Map<string, Entry<unknown>>>();

/**
 * Reads of IFS master data the planner checks before posting (the company exists and keeps its books
 * in the document's currency; the period of the voucher date is open). A good answer (company found,
 * period open) is remembered per connection for a minute across jobs, so a backfill asks once per
 * company and date, not once per document; a bad one is asked again every time, so a period reopened
 * (or a company created) is seen by the very next replay.
 */
export const createLedgerChecks = (client: IfsCloudClient, cacheKey: string) => {
  let cache = caches.get(cacheKey);
  if (!cache) caches.set(cacheKey, (cache = new Map()));
  const remember = <T>(key: string, read: () => Promise<T>, good: (value: T) => boolean): Promise<T> => {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = read();
    const forget = () => void (cache.get(key)?.value === value && cache.delete(key));
    value.then((v) => !good(v) && forget(), forget);
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
      }, (company) => company !== null),
    /** "Open", "Closed" … of the period holding `date`, null when none is defined. */
    periodStatus: (company: string, date: string) => remember(`period:${company}:${date}`, () => client.periodStatus(company, date), (status) => status === "Open"),
    /** Forget what was read (after the admin reopened a period and replays). */
    clear: () => cache.clear(),
  };
};
export type LedgerChecks = ReturnType<typeof createLedgerChecks>;
