import { describe, expect, it } from "vitest";
import { registerConnector } from "../connectors/registry";
import type { Connector } from "../connectors/types";
import { buildRecordLinks } from "./build-record-links";

/** A vendor of this test only: its links name the side they were built from. */
const linked = {
  id: "links-test-vendor",
  label: "Links Test Vendor",
  documentLink: ({ objectType, id, ref, baseUrl }) => {
    if (objectType === "broken") throw new Error("no scheme for this object");
    return { label: `${objectType} ${id}/${ref}`, href: `${baseUrl}/doc/${id}`, bestEffort: false };
  },
} as Connector;
registerConnector(linked);
registerConnector({ id: "links-test-unlinked", label: "Unlinked" } as Connector);

const base = { objectType: "invoice", sourceId: "S1", naturalKey: "N1", targetId: "T1", targetRef: "R1", sourceBaseUrl: "https://src.example", targetBaseUrl: "https://tgt.example" };

describe("record links (each connector builds its own UI's links)", () => {
  it("asks the source connector with the source id and number, then the target connector with what the target returned", () => {
    expect(buildRecordLinks({ ...base, sourceVendor: "links-test-vendor", targetVendor: "links-test-vendor" })).toEqual([
      { system: "Links Test Vendor", label: "invoice S1/N1", href: "https://src.example/doc/S1", bestEffort: false },
      { system: "Links Test Vendor", label: "invoice T1/R1", href: "https://tgt.example/doc/T1", bestEffort: false },
    ]);
  });

  it("links nothing for a connector without a link scheme, an unknown vendor, or a connector that throws", () => {
    expect(buildRecordLinks({ ...base, sourceVendor: "links-test-unlinked", targetVendor: "no-such-vendor" })).toEqual([]);
    expect(buildRecordLinks({ ...base, objectType: "broken", sourceVendor: "links-test-vendor", targetVendor: "links-test-unlinked" })).toEqual([]);
  });

  it("Zuora -> Acumatica: the Zuora invoice (best effort) and the AR invoice on its entry screen", () => {
    const links = buildRecordLinks({ ...base, sourceId: "8ad0", targetRef: "AR007", sourceVendor: "zuora", sourceBaseUrl: "https://rest.na.zuora.com", targetVendor: "acumatica", targetBaseUrl: "https://erp.example.com/" });
    expect(links).toEqual([
      { system: "Zuora", label: "Invoice in Zuora", href: "https://na.zuora.com/platform/invoices/8ad0", bestEffort: true },
      { system: "Acumatica", label: "AR invoice AR007 in Acumatica", href: "https://erp.example.com/Main?ScreenId=AR301000&DocType=INV&RefNbr=AR007", bestEffort: false },
    ]);
  });

  it("a document not yet written to the target links only its source", () => {
    const links = buildRecordLinks({ ...base, targetId: null, targetRef: null, sourceVendor: "zuora", sourceBaseUrl: "https://rest.zuora.com", targetVendor: "acumatica", targetBaseUrl: "https://erp.example.com" });
    expect(links.map((l) => l.system)).toEqual(["Zuora"]);
  });
});
