// OData query pieces shared by the OData vendors (Acumatica's contract API now, IFS Cloud next):
// literal escaping, `or`-chains of equalities in batches that keep URLs short, date-time filters, and
// paging by `$top`/`$skip` or by the server's `@odata.nextLink`.

/** A string literal: single quotes doubled (OData ABNF `SQUOTE-in-string`). */
export const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A date-time literal as `datetimeoffset'…'` (Acumatica's contract API wants the prefix; OData v4 servers accept the bare form too). */
export const odataDateTimeOffset = (at: Date, { prefixed = true }: { prefixed?: boolean } = {}) => (prefixed ? `datetimeoffset'${at.toISOString()}'` : at.toISOString());

/** `Field eq 'a' or Field eq 'b' ...` (servers without `in`, such as Acumatica's contract API). */
export const anyOfFilter = (field: string, values: readonly string[]) => values.map((v) => `${field} eq ${odataString(v)}`).join(" or ");

/** Both filters, each parenthesised where it has an `or`; an empty one is left out. */
export const andFilters = (...filters: (string | undefined)[]) => {
  const parts = filters.filter((f): f is string => Boolean(f && f.trim()));
  return parts.length <= 1 ? parts[0] : parts.map((f) => (/\bor\b/.test(f) ? `(${f})` : f)).join(" and ");
};

/** `values` without repeats, in slices of `size` (one `$filter` each). */
export const inBatches = <T>(values: readonly T[], size: number): T[][] => {
  const unique = [...new Set(values)];
  const out: T[][] = [];
  for (let i = 0; i < unique.length; i += size) out.push(unique.slice(i, i + size));
  return out;
};

/**
 * Every row of a `$top`/`$skip` listing, page by page, until a short page or `max` rows. `$skip`
 * paging over a set that changes meanwhile can skip or repeat rows: callers that must see every
 * change page by a modification stamp instead and keep an overlap.
 */
export const readAllPages = async <T>(readPage: (page: { top: number; skip: number }) => Promise<T[]>, { pageSize, max }: { pageSize: number; max: number }): Promise<T[]> => {
  const rows: T[] = [];
  for (let skip = 0; skip < max; skip += pageSize) {
    const page = await readPage({ top: Math.min(pageSize, max - skip), skip });
    rows.push(...page);
    if (page.length < pageSize) break;
  }
  return rows;
};

/** Every row of a listing that pages by `@odata.nextLink` (OData v4, e.g. IFS Cloud), up to `max` rows. */
export const followNextLinks = async <T>(readPage: (nextLink: string | null) => Promise<{ value: T[]; nextLink: string | null }>, { max }: { max: number }): Promise<T[]> => {
  const rows: T[] = [];
  let link: string | null = null;
  do {
    const page = await readPage(link);
    rows.push(...page.value);
    link = page.nextLink;
  } while (link && rows.length < max);
  return rows;
};
