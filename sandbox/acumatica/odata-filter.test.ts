import { describe, expect, it } from "vitest";
import type { FieldKind } from "./entity-shapes";
import { compileFilter, type FieldResolver, FilterSyntaxError, parseFilter, planIndexLookups } from "./odata-filter";

const KINDS: Record<string, FieldKind> = { Name: "string", Amount: "decimal", Modified: "datetime", Hold: "boolean", Ref: "string" };
const resolve: FieldResolver = (name) => (KINDS[name] ? { kind: KINDS[name], get: (r) => r[name] } : undefined);
const matches = (filter: string, record: Record<string, unknown>) => compileFilter(parseFilter(filter), resolve)(record);

const row = { Name: "O'Brien Ltd", Amount: 12.5, Modified: "2024-05-15T12:00:00.000+00:00", Hold: false, Ref: "INV00000123" };

describe("$filter dialect", () => {
  it.each([
    ["Ref eq 'INV00000123'", true],
    ["Ref eq 'inv00000123'", true],
    ["Ref ne 'INV00000123'", false],
    ["Name eq 'O''Brien Ltd'", true],
    ["Amount gt 12", true],
    ["Amount gt 12.5m", false],
    ["Amount ge 12.5 and Amount le 12.5", true],
    ["Amount lt 1 or Hold eq false", true],
    ["not (Hold eq false)", false],
    ["Modified gt datetimeoffset'2024-05-15T11:59:59.999Z'", true],
    ["Modified gt datetimeoffset'2024-05-15T12:00:00Z'", false],
    ["Modified ge datetime'2024-05-15T12:00:00'", true],
    ["Modified lt datetimeoffset'2024-05-15T14:00:01%2B02:00'".replace("%2B", "+"), true],
    ["startswith(Ref,'INV')", true],
    ["endswith(Ref,'124')", false],
    ["substringof('brien', Name)", true],
    ["substringof('brien', Name) eq false", false],
    ["tolower(Name) eq 'o''brien ltd'", true],
    ["Ref eq null", false],
    ["(Amount gt 100 or Ref eq 'INV00000123') and Hold eq false", true],
  ])("%s -> %s", (filter, expected) => {
    expect(matches(filter, row)).toBe(expected);
  });

  it("treats comparisons with an empty field as false, except eq/ne null", () => {
    expect(matches("Ref gt 'A'", {})).toBe(false);
    expect(matches("Ref eq null", {})).toBe(true);
    expect(matches("Ref ne null", {})).toBe(false);
  });

  it.each(["Ref eq", "Ref eq 'x' and", "Ref 'x'", "Ref eq 'unterminated", "(Ref eq 'x'", "Ref eq 'x')", "Ref eq bogus'x'", "Ref ~ 'x'", ""])(
    "rejects %j",
    (filter) => {
      expect(() => compileFilter(parseFilter(filter), resolve)).toThrow(FilterSyntaxError);
    },
  );

  it("rejects a field the entity does not have", () => {
    expect(() => compileFilter(parseFilter("Nope eq 'x'"), resolve)).toThrow(/Nope/);
  });

  it("plans index lookups for eq conjuncts and same-field or-chains only", () => {
    const indexed = (f: string) => f === "Ref" || f === "Name";
    expect(planIndexLookups(parseFilter("Ref eq 'A'"), indexed)).toEqual([{ field: "Ref", values: ["A"] }]);
    expect(planIndexLookups(parseFilter("Amount gt 1 and Ref eq 'A'"), indexed)).toEqual([{ field: "Ref", values: ["A"] }]);
    expect(planIndexLookups(parseFilter("Ref eq 'A' or Ref eq 'B'"), indexed)).toEqual([{ field: "Ref", values: ["A", "B"] }]);
    expect(planIndexLookups(parseFilter("Ref eq 'A' or Name eq 'B'"), indexed)).toBeUndefined();
    expect(planIndexLookups(parseFilter("Ref eq 'A' or Amount gt 1"), indexed)).toBeUndefined();
    expect(planIndexLookups(parseFilter("not (Ref eq 'A')"), indexed)).toBeUndefined();
    expect(planIndexLookups(parseFilter("Amount eq 1"), indexed)).toBeUndefined();
  });
});
