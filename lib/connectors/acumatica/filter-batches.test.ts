import { describe, expect, it } from "vitest";
import { buildQuery } from "../../http";
import { filterBatches } from "./client";
import { acumaticaConfig } from "./config";

/** The query string as fetch sends it (its URL parser percent-encodes the quotes). */
const sent = (filter: string, select?: string) => buildQuery({ $filter: filter, $select: select }).replaceAll("'", "%27");

describe("filterBatches (a poll page's look-up in as few calls as the query string allows)", () => {
  const keys = Array.from({ length: 99 }, (_, i) => `INV${String(i).padStart(8, "0")}`);

  it("puts as many keys in each `or` filter as fit in 2,048 bytes of query string, each key once, in order", () => {
    const select = "Type,ReferenceNbr,Status,CustomerOrder";
    const filters = filterBatches("CustomerOrder", [...keys, keys[0]!], { batchSize: 100, extraFilter: "Type eq 'Invoice'", select });
    // 99 Zuora numbers take 3 calls, not the 4 of 25-key batches
    expect(filters.length).toBe(3);
    for (const f of filters) {
      expect(sent(f, select).length).toBeLessThanOrEqual(acumaticaConfig.maxQueryStringBytes);
      expect(f).toMatch(/^\(CustomerOrder eq '.+'( or CustomerOrder eq '.+')*\) and Type eq 'Invoice'$/);
    }
    const asked = filters.flatMap((f) => [...f.matchAll(/CustomerOrder eq '([^']+)'/g)].map((m) => m[1]));
    expect(asked).toEqual(keys);
    // one more key in the first filter would not have fitted
    const firstCount = filters[0]!.split(" or ").length;
    const longer = filterBatches("CustomerOrder", keys.slice(0, firstCount + 1), { batchSize: firstCount + 1, extraFilter: "Type eq 'Invoice'", select });
    expect(longer.length).toBe(2);
  });

  it("keeps the count limit of concurrent look-ups and escapes quotes", () => {
    expect(filterBatches("ExternalRef", keys.slice(0, 30), { batchSize: 25 }).map((f) => f.split(" or ").length)).toEqual([25, 5]);
    expect(filterBatches("ExternalRef", ["O'Brien"], { batchSize: 25 })).toEqual(["ExternalRef eq 'O''Brien'"]);
    expect(filterBatches("ExternalRef", [], { batchSize: 25 })).toEqual([]);
  });

  it("fills each filter exactly to the limit with keys that percent-encode to several bytes, quotes and the word `or`", () => {
    const select = "Type,ReferenceNbr";
    const odd = Array.from({ length: 300 }, (_, i) => [`INV${i}`, `Café ${i}`, `O'Neil or ${i}`, `€${i} 😀`, `a&b=${i}/?`][i % 5]!);
    for (const extraFilter of [undefined, "Type eq 'Invoice'"]) {
      const filters = filterBatches("CustomerOrder", odd, { batchSize: 100, extraFilter, select });
      const asked = filters.flatMap((f) => [...f.matchAll(/CustomerOrder eq '((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'")));
      expect(asked).toEqual(odd);
      for (const [i, f] of filters.entries()) {
        expect(sent(f, select).length).toBeLessThanOrEqual(acumaticaConfig.maxQueryStringBytes);
        if (i === filters.length - 1) continue;
        // the next key would not have fitted: the batch with it measured as a whole query string
        const batch = [...f.matchAll(/CustomerOrder eq '((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"));
        const next = odd[odd.indexOf(batch.at(-1)!) + 1]!;
        const whole = [...batch, next].map((v) => `CustomerOrder eq '${v.replaceAll("'", "''")}'`).join(" or ");
        expect(sent(extraFilter ? `(${whole}) and ${extraFilter}` : whole, select).length).toBeGreaterThan(acumaticaConfig.maxQueryStringBytes);
      }
    }
  });
});
