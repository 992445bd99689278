import { describe, expect, it } from "vitest";
import type { VendorErrorPaths } from "../connectors/types";
import { resolveVendorError, type ResolverValueMap } from "./resolve-vendor-error";

// A connector declaration in the shape vendors use: lines under "Details[n]" (1-based), a customer field.
const errorPaths: VendorErrorPaths = {
  lines: [{ pattern: /^Details\[(\d+)\]\.(\w+)$/, linesField: "lines", indexBase: 1, fields: { Account: "account" } }],
  fields: { CustomerID: "customerId" },
};

const mapped = {
  customerId: "ZC0042",
  lines: [
    { description: "Platform fee", account: "41000", unitPrice: 100 },
    { description: "API Calls usage", account: "40000", unitPrice: 12.5 },
    { description: "Storage", account: "40000", unitPrice: 3 },
  ],
};
const source = { invoiceNumber: "INV0001", lines: [{ chargeName: "Platform" }, { chargeName: "API Calls" }, { chargeName: "Storage" }] };
const map = (kind: string, sourceKey: string, targetValue: string): ResolverValueMap => ({ id: `${kind}:${sourceKey}`, kind, sourceKey, sourceLabel: null, targetValue, targetLabel: null });
const maps = [map("gl-account", "Platform", "41000"), map("gl-account", "API Calls", "40000"), map("gl-account", "Storage", "40000"), map("customer", "A-42", "ZC0042")];

describe("resolveVendorError", () => {
  it("names the line, the value sent and the one value map of that line's charge", () => {
    const [r, ...rest] = resolveVendorError({ message: "Acumatica (HTTP 422): Details[2].Account: Account '40000' is inactive.", errorPaths, mappedPayload: mapped, sourcePayload: source, valueMaps: maps });
    expect(rest).toEqual([]);
    expect(r).toEqual({
      path: "Details[2].Account",
      message: "Account '40000' is inactive.",
      line: { number: 2, linesField: "lines", description: "API Calls usage", amount: 12.5 },
      field: "account",
      value: "40000",
      maps: [maps[1]],
    });
  });

  it("reads every part of a multi-error message, document fields too, and skips paths it does not know", () => {
    const message = "Acumatica (HTTP 422): Details[3].Account: Account '40000' is inactive.; CustomerID 'ZC0042': cannot be found; Date: closed period";
    const found = resolveVendorError({ message, errorPaths, mappedPayload: mapped, sourcePayload: source, valueMaps: maps });
    expect(found.map((f) => [f.path, f.field, f.value, f.maps.map((m) => m.sourceKey)])).toEqual([
      ["Details[3].Account", "account", "40000", ["Storage"]],
      ["CustomerID", "customerId", "ZC0042", ["A-42"]],
    ]);
    expect(found[1]!.line).toBeUndefined();
    expect(found[1]!.message).toBe("cannot be found");
  });

  it("keeps every map of the value when the source cannot tell them apart, and nothing without a declaration", () => {
    const [r] = resolveVendorError({ message: "Details[2].Account: Account '40000' is inactive.", errorPaths, mappedPayload: mapped, sourcePayload: {}, valueMaps: maps });
    expect(r!.maps.map((m) => m.sourceKey)).toEqual(["API Calls", "Storage"]);
    expect(resolveVendorError({ message: "Details[2].Account: inactive", errorPaths: undefined, mappedPayload: mapped, sourcePayload: source, valueMaps: maps })).toEqual([]);
    expect(resolveVendorError({ message: "Details[9].Account: inactive", errorPaths, mappedPayload: mapped, sourcePayload: source, valueMaps: maps })).toEqual([]);
    expect(resolveVendorError({ message: "Service Unavailable", errorPaths, mappedPayload: mapped, sourcePayload: source, valueMaps: maps })).toEqual([]);
  });
});
