import { describe, expect, it } from "vitest";
import type { LedgerReader, PlannedRecord } from "../types";
import { createPlanner, zohoAcumaticaSettingsSchema } from "./planner";

const plan = createPlanner(zohoAcumaticaSettingsSchema.parse({ customerClass: "DEFAULT" }));
const account = { id: "5725767000000999001", name: "Harbor Freight Analytics Inc.", acumaticaCustomerId: null, phone: null, website: null, billingCity: null, billingCountry: null };
const deal = { id: "d1", dealName: "Harbor – 40 seats", stage: "Closed Won", amount: 100, closingDate: "2026-12-31", account };
const ledger = (partner: Record<string, string> = {}): LedgerReader => ({
  postedRecord: async () => null,
  partnerRecordByTarget: async ({ objectType, targetId }) => (partner[`${objectType}:${targetId}`] ? { sourceId: partner[`${objectType}:${targetId}`]!, targetId, targetRef: null, mappedPayload: {} } : null),
  partnerRecord: async () => null,
});
const record = (payload: unknown, objectType = "deal"): PlannedRecord => ({ id: "r", objectType, sourceId: "d1", naturalKey: null, sourcePayload: payload });
const none = new Map();

describe("Zoho CRM -> Acumatica planner", () => {
  it("a won deal's account becomes one customer keyed by the account id", async () => {
    expect(await plan({ record: record(deal), maps: none, ledger: ledger(), partnerMaps: none })).toEqual({
      action: "post",
      documents: [{ entity: "Customer", naturalKey: "Z5725767000000999001", document: { customerId: "Z5725767000000999001", name: "Harbor Freight Analytics Inc.", customerClass: "DEFAULT" } }],
      mapped: { customer: { customerId: "Z5725767000000999001", name: "Harbor Freight Analytics Inc.", customerClass: "DEFAULT" }, zohoAccountId: account.id },
    });
  });

  it("deals not won, accounts already linked and accounts created from Acumatica are skipped: nothing echoes", async () => {
    expect(await plan({ record: record({ ...deal, stage: "Negotiation/Review" }), maps: none, ledger: ledger(), partnerMaps: none })).toMatchObject({ action: "skip", reason: expect.stringContaining("Negotiation/Review") });
    expect(await plan({ record: record({ ...deal, account: { ...account, acumaticaCustomerId: "C000001" } }), maps: none, ledger: ledger(), partnerMaps: none })).toMatchObject({ action: "skip", reason: expect.stringContaining("already Acumatica customer C000001") });
    expect(await plan({ record: record(deal), maps: none, ledger: ledger({ [`customer:${account.id}`]: "C000002" }), partnerMaps: none })).toMatchObject({ action: "skip", reason: expect.stringContaining("created from Acumatica customer C000002") });
  });

  it("a won deal without an account fails with what to do; other object types are never written", async () => {
    expect(await plan({ record: record({ ...deal, account: null }), maps: none, ledger: ledger(), partnerMaps: none })).toMatchObject({ action: "fail" });
    expect(await plan({ record: record({}, "invoice"), maps: none, ledger: ledger(), partnerMaps: none })).toMatchObject({ action: "skip", reason: expect.stringContaining("never financial postings") });
  });
});
