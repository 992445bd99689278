import { describe, expect, it } from "vitest";
import { odataEqualsAll, odataKeyPredicate, odataString, readAllPages } from "./odata";

describe("OData helpers", () => {
  it("quotes string literals and builds key predicates and eq filters", () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(odataKeyPredicate({ Company: "10", AccountingYear: 2026, VoucherType: "I", VoucherNo: 7 })).toBe("(Company='10',AccountingYear=2026,VoucherType='I',VoucherNo=7)");
    expect(odataEqualsAll({ ReferenceNumber: "INV'1", RowNo: 1, Company: undefined })).toBe("ReferenceNumber eq 'INV''1' and RowNo eq 1");
  });

  it("follows nextLinks and stops at the bound, saying the result was cut", async () => {
    const pages: Record<string, { value: number[]; "@odata.nextLink"?: string }> = {
      first: { value: [1, 2], "@odata.nextLink": "p2" },
      p2: { value: [3, 4], "@odata.nextLink": "p3" },
      p3: { value: [5] },
    };
    const asked: (string | null)[] = [];
    const readPage = async (link: string | null) => (asked.push(link), pages[link ?? "first"]!);
    expect(await readAllPages({ readPage, maxItems: 10 })).toEqual({ items: [1, 2, 3, 4, 5], truncated: false });
    expect(asked).toEqual([null, "p2", "p3"]);
    expect(await readAllPages({ readPage, maxItems: 3 })).toEqual({ items: [1, 2, 3], truncated: true });
    expect(await readAllPages({ readPage, maxItems: 5 })).toEqual({ items: [1, 2, 3, 4, 5], truncated: false });
  });
});
