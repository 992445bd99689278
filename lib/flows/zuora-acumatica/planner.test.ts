import { describe, expect, it } from "vitest";
import type { CustomerLookup } from "../../connectors/acumatica/target";
import { indexValueMaps } from "../../mapping/value-map-index";
import type { LedgerReader } from "../types";
import { zuoraAcumaticaSettingsSchema } from "./mapping";
import { createPlanner } from "./planner";

/*
 * The account planner for a posted account whose Zuora version changed (accounts are master data):
 * the customer it posted to is updated with the mapped fields; a changed currency fails with the reason.
 */

/** A look-up that must not be asked: an update keeps the customer it posted to. */
const noLookup: CustomerLookup = {
  find: async () => {
    throw new Error("an update does not look customers up");
  },
  forget: () => {},
};
const ledger: LedgerReader = { postedRecord: async () => null, partnerRecord: async () => null, partnerRecordByTarget: async () => null };
const plan = createPlanner(zuoraAcumaticaSettingsSchema.parse({}), noLookup);
const account = (over: Record<string, unknown> = {}) => ({ id: "acc-1", accountNumber: "A00000001", name: "Acme Corp", currency: "USD", status: "Active", ...over });
const posted = { targetId: "guid-1", targetRef: "ACME", mappedPayload: { customerId: "ACME", name: "Acme Corp", currencyId: "USD" } };
const planFor = (payload: Record<string, unknown>) =>
  plan({ record: { id: "r1", objectType: "account", sourceId: "acc-1", naturalKey: "A00000001", sourcePayload: payload, posted }, maps: indexValueMaps([]), ledger, partnerMaps: new Map() });

describe("Zuora account updates", () => {
  it("updates the customer it posted to (kept even without a customer map) with the new name", async () => {
    expect(await planFor(account({ name: "Acme Holdings" }))).toEqual({
      action: "post",
      documents: [{ entity: "Customer", naturalKey: "ACME", document: { customerId: "ACME", name: "Acme Holdings", currencyId: "USD" } }],
      mapped: { customerId: "ACME", name: "Acme Holdings", currencyId: "USD" },
    });
  });

  it("fails a currency change with the reason instead of updating the customer", async () => {
    expect(await planFor(account({ currency: "EUR" }))).toEqual({ action: "fail", reason: expect.stringMatching(/changed its currency from USD to EUR; Acumatica customer ACME keeps USD/) });
  });
});
