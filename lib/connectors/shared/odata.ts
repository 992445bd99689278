// Generic OData v4 helpers for connectors that speak OData (IFS Cloud; usable by others): literals
// and key predicates for URLs, the collection envelope with server paging, and reading every page
// of a collection up to a bound. Vendor-specific names and error bodies stay in the vendor folder.
import { z } from "zod";

/** A string literal for `$filter` and key predicates: single quotes doubled (OData ABNF SQUOTE-in-string). */
export const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;

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

/** The collection envelope: `value` and, when the server cut the result, `@odata.nextLink`. */
export const odataCollectionSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    value: z.array(item),
    "@odata.nextLink": z.string().optional(),
    "@odata.count": z.number().int().optional(),
  });

/** `@odata.etag` of an entity (weak or strong, passed back verbatim in If-Match). */
export const odataEtagSchema = z.string().min(1);

/**
 * Every entity of a paged collection: `readPage(nextLink)` is called with null first, then with each
 * `@odata.nextLink` until there is none or `maxItems` are read (the caller's result-size bound; more
 * is refused rather than read past it).
 */
export const readAllPages = async <T>({
  readPage,
  maxItems,
}: {
  readPage: (nextLink: string | null) => Promise<{ value: T[]; "@odata.nextLink"?: string }>;
  maxItems: number;
}): Promise<{ items: T[]; truncated: boolean }> => {
  const items: T[] = [];
  let next: string | null = null;
  do {
    const page = await readPage(next);
    items.push(...page.value);
    next = page["@odata.nextLink"] ?? null;
    if (items.length >= maxItems) return { items: items.slice(0, maxItems), truncated: next !== null || items.length > maxItems };
  } while (next);
  return { items, truncated: false };
};
