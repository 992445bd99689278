import { describe, expect, it } from "vitest";
import { indexValueMaps } from "../../mapping/value-map-index";
import type { LedgerReader } from "../types";
import { netsuiteZuoraSettingsSchema } from "./mapping";
import { createPlanner } from "./planner";

const settings = netsuiteZuoraSettingsSchema.parse({});
const customer = { id: "101", externalId: "NWC-0001", entityId: "NWC-0001", companyName: "Northwind Ltd", email: "ap@northwind.example", currency: "EUR", subsidiary: "2", isInactive: false };
const invoice = {
  id: "9001",
  tranId: "INV-9001",
  customerId: "101",
  customerName: "NWC-0001",
  currency: "EUR",
  subsidiary: "2",
  tranDate: "2026-12-01",
  dueDate: "2026-12-31",
  memo: null,
  total: 349.5,
  lines: [
    { line: 1, itemId: "55", itemName: "NW-PLAT-S", description: "Platform", quantity: 3, rate: 100, amount: 300 },
    { line: 2, itemId: "56", itemName: "NW-SUP-P", description: null, quantity: 1, rate: 49.5, amount: 49.5 },
  ],
};
const allMaps = indexValueMaps([
  { kind: "item-charge", sourceKey: "NW-PLAT-S", targetValue: "Platform Standard" },
  { kind: "item-charge", sourceKey: "NW-SUP-P", targetValue: "Premium Support" },
  { kind: "item-gl", sourceKey: "NW-PLAT-S", targetValue: "4000" },
  { kind: "item-gl", sourceKey: "NW-SUP-P", targetValue: "4100" },
]);
const ledger = (posted: Record<string, { targetId: string; mappedPayload: unknown }> = {}): LedgerReader => ({
  postedRecord: async ({ objectType, sourceId }) => {
    const hit = posted[`${objectType}/${sourceId}`];
    return hit ? { targetId: hit.targetId, targetRef: null, mappedPayload: hit.mappedPayload } : null;
  },
  partnerRecordByTarget: async () => null,
  partnerRecord: async () => null,
});
const record = (objectType: string, sourcePayload: unknown) => ({ id: "r1", objectType, sourceId: String((sourcePayload as { id: string }).id), naturalKey: null, sourcePayload });
const plan = createPlanner(settings);

describe("NetSuite -> Zuora planner", () => {
  it("a customer becomes a Zuora account with the NetSuite id in the link field", async () => {
    const p = await plan({ record: record("customer", customer), maps: allMaps, ledger: ledger(), partnerMaps: new Map() });
    expect(p).toMatchObject({
      action: "post",
      documents: [{ entity: "Account", naturalKey: "101", document: { name: "Northwind Ltd", currency: "EUR", billCycleDay: 1, billToContact: { firstName: "Accounts", lastName: "Northwind Ltd", workEmail: "ap@northwind.example" }, customFields: { NetSuiteId__c: "101" } } }],
    });
  });

  it("a customer whose currency name is not an ISO code waits for a currency map; an inactive one is skipped", async () => {
    const p = await plan({ record: record("customer", { ...customer, currency: "Euro" }), maps: allMaps, ledger: ledger(), partnerMaps: new Map() });
    expect(p).toMatchObject({ action: "hold", reason: "mapping-missing", missing: [{ kind: "currency", sourceKey: "Euro" }] });
    expect(await plan({ record: record("customer", { ...customer, isInactive: true }), maps: allMaps, ledger: ledger(), partnerMaps: new Map() })).toMatchObject({ action: "skip" });
  });

  it("an invoice waits for its customer's account, then posts on it with mapped charges and GL codes", async () => {
    const held = await plan({ record: record("invoice", invoice), maps: allMaps, ledger: ledger(), partnerMaps: new Map() });
    expect(held).toMatchObject({ action: "hold", reason: "waiting-for-customer", missing: [{ kind: "customer", sourceKey: "101", dependency: true }], ensure: [{ objectType: "customer", sourceId: "101" }] });
    const posted = ledger({ "customer/101": { targetId: "zacct1", mappedPayload: { currency: "EUR" } } });
    const p = await plan({ record: record("invoice", invoice), maps: allMaps, ledger: posted, partnerMaps: new Map() });
    expect(p).toMatchObject({
      action: "post",
      documents: [
        {
          entity: "Invoice",
          naturalKey: "9001",
          document: {
            accountId: "zacct1",
            invoiceDate: "2026-12-01",
            customFields: { NetSuiteId__c: "9001" },
            lines: [
              { chargeName: "Platform Standard", accountingCode: "4000", quantity: 3, unitPrice: 100, amount: 300, serviceStartDate: "2026-12-01" },
              { chargeName: "Premium Support", accountingCode: "4100", quantity: 1, amount: 49.5 },
            ],
          },
        },
      ],
    });
  });

  it("an unmapped item holds the invoice naming both missing maps; nothing is posted half-mapped", async () => {
    const posted = ledger({ "customer/101": { targetId: "zacct1", mappedPayload: { currency: "EUR" } } });
    const p = await plan({ record: record("invoice", { ...invoice, lines: [...invoice.lines, { line: 3, itemId: "57", itemName: "NW-ONB", description: null, quantity: 1, rate: 10, amount: 10 }], total: 359.5 }), maps: allMaps, ledger: posted, partnerMaps: new Map() });
    expect(p).toMatchObject({ action: "hold", reason: "mapping-missing", missing: [{ kind: "item-charge", sourceKey: "NW-ONB" }, { kind: "item-gl", sourceKey: "NW-ONB" }] });
  });

  it("fails an invoice whose currency is not its account's, or whose lines do not add up", async () => {
    const posted = ledger({ "customer/101": { targetId: "zacct1", mappedPayload: { currency: "USD" } } });
    expect(await plan({ record: record("invoice", invoice), maps: allMaps, ledger: posted, partnerMaps: new Map() })).toMatchObject({ action: "fail", reason: expect.stringContaining("bills in USD") });
    const eur = ledger({ "customer/101": { targetId: "zacct1", mappedPayload: { currency: "EUR" } } });
    expect(await plan({ record: record("invoice", { ...invoice, total: 1 }), maps: allMaps, ledger: eur, partnerMaps: new Map() })).toMatchObject({ action: "fail", reason: expect.stringContaining("add up to 349.5") });
  });
});
