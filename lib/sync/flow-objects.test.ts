import { describe, expect, it } from "vitest";
import { ZUORA_ACUMATICA } from "../flows/zuora-acumatica/definition";
import { getFlowKind } from "../flows/registry";
import { alwaysLooksUp, batchLookUpEntity } from "./flow-objects";

describe("alwaysLooksUp", () => {
  it("looks up master data others create too, and documents only the source creates only when unsure", () => {
    const flow = getFlowKind(ZUORA_ACUMATICA);
    // customers may be entered in Acumatica by anyone, but are created insert-only (a CustomerID that exists is refused): only when unsure
    expect(alwaysLooksUp(flow, "account")).toBe(false);
    // a master type that declares nothing looks up always
    expect(alwaysLooksUp({ ...flow, objects: [{ type: "account", label: "Accounts", mode: "master" }] }, "account")).toBe(true);
    // invoices are master (to follow a cancel) but only Zuora creates them; payments are documents
    expect(alwaysLooksUp(flow, "invoice")).toBe(false);
    expect(alwaysLooksUp(flow, "payment")).toBe(false);
    expect(alwaysLooksUp(flow, "credit-memo")).toBe(false);
    // a type the flow does not declare is a document
    expect(alwaysLooksUp(flow, "unknown")).toBe(false);
  });
});

describe("batchLookUpEntity", () => {
  it("names the target entity of types looked up only when unsure, whose first document carries the source's number", () => {
    const flow = getFlowKind(ZUORA_ACUMATICA);
    expect(["account", "invoice", "payment", "credit-memo", "refund"].map((t) => batchLookUpEntity(flow, t))).toEqual(["Customer", "Invoice", "Payment", "CreditMemo", "Refund"]);
    // periods and undeclared types have no batched look-up
    expect(["period", "unknown"].map((t) => batchLookUpEntity(flow, t))).toEqual([undefined, undefined]);
  });
});
