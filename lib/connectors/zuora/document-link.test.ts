import { describe, expect, it } from "vitest";
import { buildZuoraDocumentLink } from "./document-link";

const id = "8ad09b7d8f5e4b1a018f5e6a2b3c0042";

describe("Zuora document links (best effort: Zuora documents no stable UI URLs)", () => {
  it("points at the UI host of the tenant's REST host, by object and Zuora id", () => {
    expect(buildZuoraDocumentLink({ objectType: "invoice", id, ref: "INV00000042", baseUrl: "https://rest.na.zuora.com" })).toEqual({
      label: "Invoice in Zuora",
      href: `https://na.zuora.com/platform/invoices/${id}`,
      bestEffort: true,
    });
    expect(buildZuoraDocumentLink({ objectType: "payment", id, ref: null, baseUrl: "https://rest.zuora.com/" })?.href).toBe(`https://www.zuora.com/platform/payments/${id}`);
    expect(buildZuoraDocumentLink({ objectType: "credit-memo", id, ref: null, baseUrl: "https://rest.apisandbox.zuora.com" })?.href).toBe(
      `https://apisandbox.zuora.com/platform/credit-memos/${id}`,
    );
    expect(buildZuoraDocumentLink({ objectType: "account", id, ref: "A00001", baseUrl: "https://rest.eu.zuora.com" })?.label).toBe("Billing account in Zuora");
    expect(buildZuoraDocumentLink({ objectType: "customer", id, ref: "A00001", baseUrl: "https://rest.eu.zuora.com" })?.href).toBe(`https://eu.zuora.com/platform/customer-accounts/${id}`);
  });

  it("keeps a host that is not Zuora's REST host with its path (the sandbox), and encodes the id", () => {
    expect(buildZuoraDocumentLink({ objectType: "invoice", id: "a/b c", ref: null, baseUrl: "http://127.0.0.1:4110/zuora/" })?.href).toBe("http://127.0.0.1:4110/zuora/platform/invoices/a%2Fb%20c");
  });

  it("links nothing without the Zuora id, for objects without a page here, or for a base URL that is not http(s)", () => {
    expect(buildZuoraDocumentLink({ objectType: "invoice", id: null, ref: "INV00000042", baseUrl: "https://rest.zuora.com" })).toBeNull();
    expect(buildZuoraDocumentLink({ objectType: "subscription-event", id, ref: null, baseUrl: "https://rest.zuora.com" })).toBeNull();
    expect(buildZuoraDocumentLink({ objectType: "toString", id, ref: null, baseUrl: "https://rest.zuora.com" })).toBeNull();
    expect(buildZuoraDocumentLink({ objectType: "invoice", id, ref: null, baseUrl: "javascript:alert(1)" })).toBeNull();
    expect(buildZuoraDocumentLink({ objectType: "invoice", id, ref: null, baseUrl: "rest.zuora.com" })).toBeNull();
  });
});
