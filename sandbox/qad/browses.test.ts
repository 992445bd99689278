import { describe, expect, it } from "vitest";
import { BROWSES, BrowseError, parseFilter, toRow } from "./browses";

const customers = BROWSES["urn:browse:bebrowse:com.qad.erp.base.customers"]!;
const invoices = BROWSES["urn:browse:bebrowse:com.qad.erp.financials.customerInvoices"]!;

describe("parseFilter", () => {
  it("reads field,op,value with a qualified or bare field and an optional literal flag or trailing comma", () => {
    expect(parseFilter("customer.customerCode,eq,C001,literal", customers)).toEqual({ column: "customerCode", op: "eq", value: "C001" });
    expect(parseFilter("customerCode,EQ,C001,", customers)).toEqual({ column: "customerCode", op: "eq", value: "C001" });
    expect(parseFilter("customer.businessRelationName,begins,Acme, Inc", customers)).toEqual({ column: "businessRelationName", op: "begins", value: "Acme, Inc" });
    expect(parseFilter("customerInvoice.lastModifiedDateTime,gt,2026-01-01T00:00:00.000Z", invoices).op).toBe("gt");
  });

  it("refuses unknown fields and operators and values of the wrong type", () => {
    for (const raw of ["customer.nope,eq,1", "customer.customerCode,like,x", "customer.isActive,eq,perhaps", "customerCode,eq", "invoice.customerCode,eq,x"]) {
      expect(() => parseFilter(raw, customers), raw).toThrow(BrowseError);
    }
    expect(() => parseFilter("customerInvoice.dInvoiceBalanceTC,gt,abc", invoices)).toThrow(/numeric/);
    expect(() => parseFilter("customerInvoice.dInvoiceDate,ge,yesterday", invoices)).toThrow(/date/);
  });
});

describe("toRow", () => {
  it("keys every column by the browse's table prefix", () => {
    const row = toRow(customers, {
      sharedSetCode: "S",
      customerCode: "C1",
      businessRelationCode: "C1",
      businessRelationName: "Acme",
      addressSearchName: "Acme",
      currencyCode: "USD",
      creditTermsCode: "30D",
      EMail: "",
      countryCode: "US",
      isActive: true,
    });
    expect(Object.keys(row).every((k) => k.startsWith("customer."))).toBe(true);
    expect(row["customer.customerCode"]).toBe("C1");
  });
});
