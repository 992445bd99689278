import { describe, expect, it } from "vitest";
import type { LedgerReader, PlannedRecord } from "../types";
import { acumaticaZohoSettingsSchema } from "./mapping";
import { createPlanner } from "./planner";

const settings = acumaticaZohoSettingsSchema.parse({});
const maps = (entries: Record<string, Record<string, string>> = {}) => new Map(Object.entries(entries).map(([k, v]) => [k, new Map(Object.entries(v))]));
const ledger = (posted: Record<string, string> = {}, partner: Record<string, unknown> = {}): LedgerReader => ({
  postedRecord: async ({ objectType, sourceId }) => (posted[`${objectType}:${sourceId}`] ? { targetId: posted[`${objectType}:${sourceId}`]!, targetRef: sourceId, mappedPayload: {} } : null),
  partnerRecordByTarget: async ({ objectType, targetId }) => (partner[`${objectType}:${targetId}`] ? { sourceId: "deal-1", targetId, targetRef: null, mappedPayload: partner[`${objectType}:${targetId}`] } : null),
  partnerRecord: async () => null,
});
const record = (objectType: string, sourcePayload: unknown, posted: PlannedRecord["posted"] = null): PlannedRecord => ({ id: "r", objectType, sourceId: "x", naturalKey: null, sourcePayload, posted });

const customer = { id: "guid-1", customerId: "C001", name: "Contoso", customerClass: "WHOLESALE", currency: "USD", terms: null, status: "Active" };
const invoice = {
  id: "guid-i",
  referenceNbr: "AR000001",
  customerId: "C001",
  status: "Open",
  date: "2026-12-01",
  dueDate: "2026-12-31",
  description: null,
  terms: "30D",
  currency: "EUR",
  amount: 90,
  balance: 40,
  lines: [{ inventoryId: "WIDGET", description: null, quantity: 2, unitPrice: 50, amount: 90 }],
};

describe("Acumatica -> Zoho CRM planner", () => {
  const plan = createPlanner(settings);

  it("a customer of an unmapped class waits for the class mapping; mapped, it becomes an Account keyed by its CustomerID", async () => {
    expect(await plan({ record: record("customer", customer), maps: maps(), ledger: ledger(), partnerMaps: maps() })).toEqual({
      action: "hold",
      reason: "mapping-missing",
      missing: [{ kind: "customer-class", sourceKey: "WHOLESALE" }],
    });
    expect(await plan({ record: record("customer", customer), maps: maps({ "customer-class": { WHOLESALE: "Customer" } }), ledger: ledger(), partnerMaps: maps() })).toEqual({
      action: "post",
      documents: [{ entity: "Accounts", naturalKey: "C001", document: { record: { Account_Name: "Contoso", Account_Number: "C001", Account_Type: "Customer" } } }],
      mapped: { record: { Account_Name: "Contoso", Account_Number: "C001", Account_Type: "Customer" } },
    });
  });

  it("a customer the partner created from a won deal is written onto that deal's Account (the link), not created again", async () => {
    const result = await plan({ record: record("customer", { ...customer, customerClass: null }), maps: maps(), ledger: ledger({}, { "deal:guid-1": { zohoAccountId: "5725767000001" } }), partnerMaps: maps() });
    expect(result).toMatchObject({ action: "post", documents: [{ entity: "Accounts", naturalKey: "C001", document: { zohoId: "5725767000001" } }] });
  });

  it("an invoice waits for its customer and items, then posts on their Zoho ids with the discount, balance and currency", async () => {
    const m = maps({ "payment-terms": { "30D": "Net 30" } });
    expect(await plan({ record: record("invoice", invoice), maps: m, ledger: ledger(), partnerMaps: maps() })).toEqual({
      action: "hold",
      reason: "waiting-for-customer",
      missing: [
        { kind: "customer", sourceKey: "C001", dependency: true },
        { kind: "item", sourceKey: "WIDGET", dependency: true },
      ],
      ensure: [{ objectType: "customer", sourceId: "C001" }],
    });
    const posted = await plan({ record: record("invoice", invoice), maps: m, ledger: ledger({ "customer:C001": "acc-1", "item:WIDGET": "prod-1" }), partnerMaps: maps() });
    expect(posted).toMatchObject({
      action: "post",
      documents: [
        {
          entity: "Invoices",
          naturalKey: "AR000001",
          document: {
            record: {
              Account_Name: { id: "acc-1" },
              Currency: "EUR",
              Balance: 40,
              Terms_and_Conditions: "Net 30",
              Invoiced_Items: [{ Product_Name: { id: "prod-1" }, Quantity: 2, List_Price: 50, Discount: 10 }],
            },
          },
        },
      ],
    });
  });

  it("unreleased invoices are skipped; a line without an item fails with the reason", async () => {
    expect(await plan({ record: record("invoice", { ...invoice, status: "Balanced" }), maps: maps(), ledger: ledger(), partnerMaps: maps() })).toMatchObject({ action: "skip" });
    expect(await plan({ record: record("invoice", { ...invoice, lines: [{ ...invoice.lines[0]!, inventoryId: null }] }), maps: maps(), ledger: ledger(), partnerMaps: maps() })).toEqual({
      action: "fail",
      reason: expect.stringContaining("line 1 of invoice AR000001 has no inventory item"),
    });
    const withDefault = createPlanner(acumaticaZohoSettingsSchema.parse({ defaultInventoryId: "SERVICE" }));
    const noItem = { ...invoice, terms: null, lines: [{ ...invoice.lines[0]!, inventoryId: null }] };
    expect(await withDefault({ record: record("invoice", noItem), maps: maps(), ledger: ledger({ "customer:C001": "acc-1" }), partnerMaps: maps() })).toMatchObject({
      action: "hold",
      missing: [{ kind: "item", sourceKey: "SERVICE", dependency: true }],
    });
  });
});
