import { describe, expect, it } from "vitest";
import { IfsHttpError } from "./errors";
import { compileFilter } from "./odata-filter";

const row = { Company: "10", Account: "3010", CodeB: "100", CurrencyDebetAmount: 1200, CurrencyCreditAmount: null, ReferenceNumber: "INV-0001", Text: "O'Brien", YearPeriod: 3 };
const voucher = { Company: "10", VoucherDate: "2024-03-31", DateReg: "2024-04-01T10:00:00Z", Objstate: "Confirmed", VoucherText: "Zuora INV-0001", AccountingYear: 2024 };

const refusal = (text: string, kind: "voucher" | "voucherRow" = "voucherRow") => {
  try {
    compileFilter(text, kind);
  } catch (error) {
    if (error instanceof IfsHttpError) return { status: error.status, body: error.body as { error: { code?: string; message: string } } };
    throw error;
  }
  throw new Error(`${text} was accepted`);
};

describe("$filter (IFS's supported subset)", () => {
  it("evaluates comparisons, logic, string functions and arithmetic", () => {
    const ok = (text: string, kind: "voucher" | "voucherRow" = "voucherRow", values: Record<string, unknown> = row) =>
      compileFilter(text, kind).test(values as never);
    expect(ok("Company eq '10' and Account eq '3010'")).toBe(true);
    expect(ok("Company eq '10' and (Account eq '1510' or CodeB eq '100')")).toBe(true);
    expect(ok("not (Company eq '10')")).toBe(false);
    expect(ok("CurrencyCreditAmount eq null and CurrencyDebetAmount ne null")).toBe(true);
    expect(ok("CurrencyDebetAmount gt 1000 and CurrencyDebetAmount le 1200")).toBe(true);
    expect(ok("CurrencyDebetAmount sub 200 eq 1000 and CurrencyDebetAmount div 2 eq 600")).toBe(true);
    expect(ok("CurrencyCreditAmount gt 0")).toBe(false);
    expect(ok("Text eq 'O''Brien' and contains(ReferenceNumber,'0001') and startswith(tolower(ReferenceNumber),'inv')")).toBe(true);
    expect(ok("length(Account) eq 4 and substring(Account,0,2) eq '30' and indexof(Account,'1') eq 2")).toBe(true);
    expect(ok("VoucherDate ge 2024-01-01 and VoucherDate lt 2024-04-01", "voucher", voucher)).toBe(true);
    expect(ok("year(VoucherDate) eq 2024 and month(VoucherDate) eq 3", "voucher", voucher)).toBe(true);
    expect(ok("DateReg gt 2024-03-31T23:59:59Z", "voucher", voucher)).toBe(true);
    expect(ok("Objstate eq IfsApp.ManualVoucherHandling.VoucherState'Confirmed'", "voucher", voucher)).toBe(true);
  });

  it("offers the eq conjuncts on indexed properties to the index", () => {
    expect(compileFilter("Company eq '10' and (ReferenceNumber eq 'INV-0001')", "voucherRow").indexHints).toEqual([
      { property: "Company", value: "10" },
      { property: "ReferenceNumber", value: "INV-0001" },
    ]);
    expect(compileFilter("Account eq '3010' and ReferenceNumber eq 'INV-0001'", "voucherRow").indexHints).toEqual([{ property: "ReferenceNumber", value: "INV-0001" }]);
    expect(compileFilter("Company eq '10' or ReferenceNumber eq 'INV-0001'", "voucherRow").indexHints).toEqual([]);
  });

  it("answers a syntax error the way IFS does, with its position", () => {
    // The raw IFS answer quoted in vendor-apis.md §5.5: an unquoted string is an unknown name, position 12.
    expect(refusal("Account eq ILER2")).toEqual({
      status: 400,
      body: { error: { code: "ODP_UNSUPPORTED_URL", message: "Malformed Request: syntax error at position 11 in 'Account eq ILER2'." } },
    });
    expect(refusal("Company eq '10").body.error.message).toMatch(/^Malformed Request: syntax error at position \d+ in 'Company eq '10'\.$/);
    expect(refusal("Company eq '10' and").status).toBe(400);
  });

  it("refuses unknown properties as a syntax error at the name, as IFS does", () => {
    expect(refusal("Amount gt 5").body).toEqual({ error: { code: "ODP_UNSUPPORTED_URL", message: "Malformed Request: syntax error at position 0 in 'Amount gt 5'." } });
  });

  it("refuses what IFS does not support: has, mod, lambdas, math functions, date arithmetic, type mismatches", () => {
    for (const text of [
      "CodeB has '1'",
      "YearPeriod mod 2 eq 0",
      "VoucherRowArray/any(r: r/Account eq '1')",
      "round(CurrencyDebetAmount) eq 1200",
      "floor(CurrencyDebetAmount) eq 1200",
      "ceiling(CurrencyDebetAmount) eq 1200",
      "totaloffsetminutes(DateReg) eq 0",
    ]) {
      expect(refusal(text, text.startsWith("VoucherRowArray") || text.includes("DateReg") ? "voucher" : "voucherRow").status, text).toBe(400);
    }
    expect(refusal("VoucherDate add 1 gt 2024-01-01", "voucher").body.error.message).toMatch(/Arithmetic on Date/);
    expect(refusal("Company eq 10").body.error.message).toMatch(/not compatible/);
    expect(refusal("VoucherDate eq duration'P1D'", "voucher").body.error.message).toMatch(/Duration/);
  });
});
