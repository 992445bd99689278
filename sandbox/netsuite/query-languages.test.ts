import { describe, expect, it } from "vitest";
import { NsError } from "./errors";
import { compileFilter } from "./q-filter";
import { CUSTOMER } from "./record-types";
import { createNetsuiteStore } from "./store";
import { runSuiteql } from "./suiteql";
import { accountDate, oracleFormat, oracleParse, parseAccountDateTime, zonedToMs } from "./time";

const LA = "America/Los_Angeles";

describe("account time zone arithmetic", () => {
  it("maps wall-clock times to instants across daylight saving changes", () => {
    expect(new Date(zonedToMs({ year: 2026, month: 1, day: 15, hour: 0, minute: 0, second: 0 }, LA)).toISOString()).toBe("2026-01-15T08:00:00.000Z");
    expect(new Date(zonedToMs({ year: 2026, month: 7, day: 15, hour: 0, minute: 0, second: 0 }, LA)).toISOString()).toBe("2026-07-15T07:00:00.000Z");
    expect(accountDate(Date.parse("2026-03-01T07:59:59Z"), LA)).toBe("2/28/2026");
  });

  it("formats and parses Oracle date formats, and the account's q date format", () => {
    const ms = Date.parse("2026-12-01T12:34:56Z");
    expect(oracleFormat(ms, 'YYYY-MM-DD"T"HH24:MI:SS', LA)).toBe("2026-12-01T04:34:56");
    expect(oracleFormat(ms, "MM/DD/YYYY HH:MI AM", "UTC")).toBe("12/01/2026 12:34 PM");
    expect(oracleParse("2026-12-01 04:34:56", "YYYY-MM-DD HH24:MI:SS", LA)).toBe(ms);
    expect(oracleParse("2026-13-01", "YYYY-MM-DD", LA)).toBeUndefined();
    expect(parseAccountDateTime("12/1/2026 4:34 am", LA)).toEqual({ ms: ms - 56_000, hasTime: true });
    expect(parseAccountDateTime("2026-12-01", LA)).toBeUndefined();
  });
});

const storeWith = (now: number) => {
  const store = createNetsuiteStore({ now: () => now, timeZone: () => LA, closedPeriodsBefore: () => null });
  const a = store.create("customer", { companyName: "Alpha Co", subsidiary: { id: "1" }, email: "a@alpha.example" });
  const b = store.create("customer", { companyName: "Beta GmbH", subsidiary: { id: "2" }, currency: { id: "4" }, isInactive: true });
  return { store, a, b };
};

describe("q filters", () => {
  const { store, a, b } = storeWith(Date.parse("2026-12-01T07:30:00Z"));
  const ids = (q: string) => store.table("customer").order.filter(compileFilter(q, CUSTOMER, LA)).map((r) => r.id);

  it("applies each operator family and its _NOT form", () => {
    expect(ids('companyName IS "alpha co"')).toEqual([a.id]);
    expect(ids('companyName IS_NOT "alpha co"')).toEqual([b.id]);
    expect(ids("currency ANY_OF [1, 4]")).toEqual([a.id, b.id]);
    expect(ids(`id BETWEEN_NOT [${a.id}, ${a.id}]`)).toEqual([b.id]);
    expect(ids("isInactive IS true")).toEqual([b.id]);
    expect(ids("email EMPTY")).toEqual([b.id]);
    // 07:30Z on Dec 1 is 11:30 pm on Nov 30 in Los Angeles.
    expect(ids('dateCreated ON "11/30/2026"')).toEqual([a.id, b.id]);
    expect(ids('dateCreated AFTER "11/30/2026 11:00 pm"')).toEqual([a.id, b.id]);
    expect(ids('dateCreated ON_OR_AFTER "12/1/2026"')).toEqual([]);
    expect(ids('companyName IS "x" OR (email START_WITH "a@" AND currency EQUAL 4)')).toEqual([]);
  });

  it("refuses operators of the wrong type, unknown fields and broken syntax", () => {
    const refusal = (q: string) => {
      try {
        compileFilter(q, CUSTOMER, LA);
      } catch (error) {
        return error instanceof NsError ? `${error.code}: ${error.detail}` : String(error);
      }
      return "accepted";
    };
    expect(refusal('companyName GREATER "a"')).toMatch(/^INVALID_PARAMETER: .*GREATER is not valid/);
    expect(refusal('comments IS "a"')).toMatch(/^NONEXISTENT_FIELD/);
    expect(refusal('(companyName IS "a"')).toMatch(/^INVALID_PARAMETER/);
    expect(refusal("companyName IS")).toMatch(/Unexpected end/);
  });
});

describe("SuiteQL", () => {
  const { store, a, b } = storeWith(Date.parse("2026-12-01T07:30:00Z"));
  const run = (q: string) => runSuiteql(q, store, LA, Date.parse("2026-12-02T00:00:00Z"));

  it("filters, sorts with nulls last, projects TO_CHAR and shows booleans as T/F", () => {
    expect(run("SELECT id, email FROM customer ORDER BY email")).toEqual([{ id: a.id, email: "a@alpha.example" }, { id: b.id }]);
    expect(run("SELECT id FROM customer WHERE isinactive = 'T'")).toEqual([{ id: b.id }]);
    expect(run(`SELECT TO_CHAR(datecreated, 'YYYY-MM-DD HH24:MI') AS created FROM customer WHERE id = ${a.id}`)).toEqual([{ created: "2026-11-30 23:30" }]);
    expect(run("SELECT id FROM customer WHERE datecreated < SYSDATE AND NOT (companyname LIKE 'Beta%')")).toEqual([{ id: a.id }]);
    expect(run("SELECT companyname FROM customer WHERE companyname IN ('Beta GmbH', 'Gamma')")).toEqual([{ companyname: "Beta GmbH" }]);
  });
});
