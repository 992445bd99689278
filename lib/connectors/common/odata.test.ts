import { describe, expect, it } from "vitest";
import { andFilters, anyOfFilter, followNextLinks, inBatches, odataDateTimeOffset, odataEqualsAll, odataKeyPredicate, odataString, readAllPages } from "./odata";

describe("OData query pieces", () => {
  it("escapes string literals and builds or-chains, combined with another filter", () => {
    expect(odataString("O'Neil & Sons")).toBe("'O''Neil & Sons'");
    expect(anyOfFilter("CustomerOrder", ["INV1", "it's"])).toBe("CustomerOrder eq 'INV1' or CustomerOrder eq 'it''s'");
    expect(andFilters(anyOfFilter("A", ["x", "y"]), "Type eq 'Invoice'")).toBe("(A eq 'x' or A eq 'y') and Type eq 'Invoice'");
    expect(andFilters(undefined, "Type eq 'Invoice'")).toBe("Type eq 'Invoice'");
    expect(odataDateTimeOffset(new Date("2026-12-01T10:00:00Z"))).toBe("datetimeoffset'2026-12-01T10:00:00.000Z'");
  });

  it("batches key lists without repeats", () => {
    expect(inBatches(["a", "b", "a", "c", "d", "e"], 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
  });

  it("reads $top/$skip pages until a short page or the cap, and nextLink pages until none", async () => {
    const rows = Array.from({ length: 25 }, (_, i) => i);
    const asked: { top: number; skip: number }[] = [];
    expect(await readAllPages(async (p) => (asked.push(p), rows.slice(p.skip, p.skip + p.top)), { pageSize: 10, max: 100 })).toEqual(rows);
    expect(asked).toEqual([{ top: 10, skip: 0 }, { top: 10, skip: 10 }, { top: 10, skip: 20 }]);
    expect(await readAllPages(async (p) => rows.slice(p.skip, p.skip + p.top), { pageSize: 10, max: 15 })).toHaveLength(15);
    const pages: Record<string, { value: number[]; nextLink: string | null }> = { first: { value: [1, 2], nextLink: "p2" }, p2: { value: [3], nextLink: null } };
    expect(await followNextLinks(async (link) => pages[link ?? "first"]!, { max: 10 })).toEqual([1, 2, 3]);
  });

  it("builds key predicates and conjunctions of equalities with typed literals", () => {
    expect(odataKeyPredicate({ Company: "10", AccountingYear: 2026, VoucherType: "I", VoucherNo: 7 })).toBe("(Company='10',AccountingYear=2026,VoucherType='I',VoucherNo=7)");
    expect(odataEqualsAll({ ReferenceNumber: "INV'1", RowNo: 1, Company: undefined })).toBe("ReferenceNumber eq 'INV''1' and RowNo eq 1");
  });
});
