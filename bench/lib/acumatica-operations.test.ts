import { describe, expect, it } from "vitest";
import { acumaticaCallsByOperation, operationOfRoute } from "./acumatica-operations";

describe("Acumatica calls by operation", () => {
  it("tells look-ups by natural key from status reads by document number on the same entity", () => {
    expect(operationOfRoute("GET Invoice?$filter=CustomerOrder,Type")).toBe("look-up");
    expect(operationOfRoute("GET Payment?$filter=ExternalRef")).toBe("look-up");
    expect(operationOfRoute("GET Customer?$filter=CustomerID")).toBe("look-up");
    expect(operationOfRoute("GET Invoice?$filter=ReferenceNbr")).toBe("status");
    expect(operationOfRoute("GET Payment?$filter=ReferenceNbr,Type")).toBe("status");
    expect(operationOfRoute("GET Invoice/ReleaseInvoice/status")).toBe("status");
    expect(operationOfRoute("GET Invoice?$filter=LastModifiedDateTime")).toBe("read");
    expect(operationOfRoute("GET FinancialPeriod")).toBe("read");
    expect(operationOfRoute("GET Invoice/{keys}")).toBe("read");
    expect(operationOfRoute("PUT Invoice")).toBe("create");
    expect(operationOfRoute("POST Invoice/ReleaseInvoice")).toBe("release");
    expect(operationOfRoute("POST identity/connect/token")).toBe("auth");
    expect(operationOfRoute("GET entity")).toBe("other");
  });

  it("sums calls per document by operation", () => {
    const byRoute = { "GET Invoice?$filter=CustomerOrder,Type": 2, "GET Invoice?$filter=ReferenceNbr": 3, "PUT Invoice": 10, "POST Invoice/ReleaseInvoice": 10 };
    expect(acumaticaCallsByOperation(byRoute, 10)).toEqual({ "look-up": 0.2, create: 1, release: 1, status: 0.3 });
  });
});
