import { describe, expect, it } from "vitest";
import { envelopeErrors } from "./test-support";

/* The contract tests lean on envelopeErrors; these make sure the copied schema really refuses wrong shapes. */
describe("the IFS envelope schema copy (spec/ifs-odata-envelopes.schema.json)", () => {
  it("accepts IFS-shaped answers", () => {
    expect(envelopeErrors("entity", { "@odata.etag": 'W/"Vy8iQUFBOjEi"', luname: "Voucher", keyref: "COMPANY=10^", Objgrants: null })).toEqual([]);
    expect(envelopeErrors("collection", { "@odata.context": "x/$metadata#Vouchers", "@odata.count": 0, value: [] })).toEqual([]);
    expect(envelopeErrors("error", { error: { message: "Unauthorized" } })).toEqual([]);
    expect(envelopeErrors("iamTokenResponse", { access_token: "a.b.c", expires_in: 180, token_type: "Bearer" })).toEqual([]);
  });

  it("refuses a strong ETag, a collection without value, an error without message and a token without expiry", () => {
    expect(envelopeErrors("entity", { "@odata.etag": '"strong"' })).not.toEqual([]);
    expect(envelopeErrors("collection", { "@odata.context": "x" })).not.toEqual([]);
    expect(envelopeErrors("error", { error: { code: "DATABASE_ERROR" } })).not.toEqual([]);
    expect(envelopeErrors("iamTokenResponse", { access_token: "a", token_type: "Bearer" })).not.toEqual([]);
    expect(envelopeErrors("iamErrorResponse", { error_description: "no error member" })).not.toEqual([]);
  });
});
