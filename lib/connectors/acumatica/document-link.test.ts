import { describe, expect, it } from "vitest";
import { buildAcumaticaDocumentLink } from "./document-link";

const instance = "https://erp.example.com/AcumaticaERP/";

describe("Acumatica document links (the document's entry screen by its key fields)", () => {
  it("opens AR invoices and credit memos on AR301000 by document type and reference number", () => {
    expect(buildAcumaticaDocumentLink({ objectType: "invoice", id: "0f6c…guid", ref: "AR007", baseUrl: instance })).toEqual({
      label: "AR invoice AR007 in Acumatica",
      href: "https://erp.example.com/AcumaticaERP/Main?ScreenId=AR301000&DocType=INV&RefNbr=AR007",
      bestEffort: false,
    });
    expect(buildAcumaticaDocumentLink({ objectType: "credit-memo", id: null, ref: "CM 1/2", baseUrl: "https://erp.example.com" })?.href).toBe(
      "https://erp.example.com/Main?ScreenId=AR301000&DocType=CRM&RefNbr=CM+1%2F2",
    );
  });

  it("opens payments and customer refunds on AR302000, customers on AR303000 by customer ID", () => {
    const href = (objectType: string, ref: string) => buildAcumaticaDocumentLink({ objectType, id: "guid", ref, baseUrl: instance })?.href;
    expect(href("payment", "PMT42")).toBe("https://erp.example.com/AcumaticaERP/Main?ScreenId=AR302000&DocType=PMT&RefNbr=PMT42");
    expect(href("refund", "REF9")).toBe("https://erp.example.com/AcumaticaERP/Main?ScreenId=AR302000&DocType=REF&RefNbr=REF9");
    expect(href("account", "Z-A00001")).toBe("https://erp.example.com/AcumaticaERP/Main?ScreenId=AR303000&AcctCD=Z-A00001");
    expect(href("customer", "C01")).toBe("https://erp.example.com/AcumaticaERP/Main?ScreenId=AR303000&AcctCD=C01");
  });

  it("links nothing without a document number (the entity GUID opens no screen), for objects without a screen, or for a base URL that is not http(s)", () => {
    expect(buildAcumaticaDocumentLink({ objectType: "account", id: "7c9e6679-7425-40de-944b-e07fc1f90ae7", ref: null, baseUrl: instance })).toBeNull();
    expect(buildAcumaticaDocumentLink({ objectType: "period", id: "012026", ref: "012026", baseUrl: instance })).toBeNull();
    expect(buildAcumaticaDocumentLink({ objectType: "constructor", id: null, ref: "X", baseUrl: instance })).toBeNull();
    expect(buildAcumaticaDocumentLink({ objectType: "invoice", id: null, ref: "AR007", baseUrl: "javascript:alert(1)" })).toBeNull();
    expect(buildAcumaticaDocumentLink({ objectType: "invoice", id: null, ref: "AR007", baseUrl: "not a url" })).toBeNull();
  });
});
