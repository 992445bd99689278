import { describe, expect, it } from "vitest";
import { diffFields } from "./diff-fields";

describe("diffFields", () => {
  it("sees no change in a nested object whose keys come back in another order (as Postgres jsonb returns them)", () => {
    const written = { name: "Acme", billTo: { firstName: "Ada", city: "Berlin", postalCode: "10115" } };
    const readBack = { billTo: { city: "Berlin", postalCode: "10115", firstName: "Ada" }, name: "Acme" };
    expect(diffFields(readBack, written)).toEqual([]);
    expect(diffFields(readBack, { ...written, billTo: { ...written.billTo, city: "Munich" } })).toEqual([{ field: "billTo", from: "(changed)", to: "(changed)" }]);
    expect(diffFields(readBack, { ...written, billTo: { ...written.billTo, city: "Munich" } }, { depth: 2 })).toEqual([{ field: "billTo.city", from: "Berlin", to: "Munich" }]);
  });
});
