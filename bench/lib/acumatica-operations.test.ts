import { describe, expect, it } from "vitest";
import { acumaticaCallsByOperation, operationOfRoute } from "./acumatica-operations";

describe("Acumatica calls by operation", () => {
  it.each([
    ["GET Invoice?$filter=CustomerOrder,Type", "look-up"],
    ["GET Payment?$filter=ExternalRef", "look-up"],
    ["GET Customer?$filter=CustomerID", "look-up"],
    ["GET Invoice?$filter=ReferenceNbr", "status"],
    ["GET Payment?$filter=ReferenceNbr,Type", "status"],
    ["GET Invoice/ReleaseInvoice/status", "status"],
    ["GET Invoice?$filter=LastModifiedDateTime", "read"],
    ["GET FinancialPeriod", "read"],
    ["GET Invoice/{keys}", "read"],
    ["PUT Invoice", "create"],
    ["POST Invoice/ReleaseInvoice", "release"],
    ["POST identity/connect/token", "auth"],
    ["GET entity", "other"],
  ])("tells look-ups by natural key from status reads by document number: %s is %s", (route, operation) => {
    expect(operationOfRoute(route)).toBe(operation);
  });

  it("sums calls per document by operation", () => {
    const byRoute = { "GET Invoice?$filter=CustomerOrder,Type": 2, "GET Invoice?$filter=ReferenceNbr": 3, "PUT Invoice": 10, "POST Invoice/ReleaseInvoice": 10 };
    expect(acumaticaCallsByOperation(byRoute, 10)).toEqual({ "look-up": 0.2, create: 1, release: 1, status: 0.3 });
  });
});
