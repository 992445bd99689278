// OData query pieces shared by the OData vendors (Acumatica's contract API now, IFS Cloud next):
// literal escaping, `or`-chains of equalities in batches that keep URLs short, date-time filters, and
// paging by `$top`/`$skip` or by the server's `@odata.nextLink`; for OData v4 servers (IFS Cloud) also
// key predicates, conjunctions of equalities, the collection envelope and the ETag.
import { z } from "zod";

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

/** A primitive literal: strings quoted, numbers and booleans as written. */
export const odataLiteral = (value: string | number | boolean) => (typeof value === "string" ? odataString(value) : String(value));

/** `(Company='10',AccountingYear=2026)` from the key properties in order; a single key is still named. */
export const odataKeyPredicate = (keys: Record<string, string | number>) =>
  `(${Object.entries(keys)
    .map(([name, value]) => `${name}=${odataLiteral(value)}`)
    .join(",")})`;

/** `A eq 'x' and B eq 2` (values as literals); undefined values are left out. */
export const odataEqualsAll = (fields: Record<string, string | number | boolean | undefined>) =>
  Object.entries(fields)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([name, value]) => `${name} eq ${odataLiteral(value)}`)
    .join(" and ");

/** The OData v4 collection envelope: `value` and, when the server cut the result, `@odata.nextLink`. */
export const odataCollectionSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    value: z.array(item),
    "@odata.nextLink": z.string().optional(),
    "@odata.count": z.number().int().optional(),
  });

/** `@odata.etag` of an entity (weak or strong, sent back verbatim in If-Match). */
export const odataEtagSchema = z.string().min(1);
