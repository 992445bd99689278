import { describe, expect, it } from "vitest";
import type { AcumaticaCustomer } from "../../connectors/acumatica/schemas";
import type { CustomerLookup, PeriodLookup, PeriodState } from "../../connectors/acumatica/target";
import { indexValueMaps, type ValueMapEntry } from "../../mapping/value-map-index";
import type { LedgerReader, PlannedRecord } from "../types";
import { zuoraAcumaticaSettingsSchema } from "./mapping";
import { createPlanner } from "./planner";

/*
 * The planner's decisions that depend on Acumatica's state: customers compared with the account and
 * document (currency, Account Ref), closed periods, canceled invoices, account updates. Acumatica's
 * answers are given as tables; the end-to-end tests run the same decisions against the sandbox.
 */

const customers = (rows: Partial<AcumaticaCustomer>[]): CustomerLookup => ({
  find: async (id: string) => rows.filter((r) => r.CustomerID === id).map((r) => ({ id: `guid-${r.CustomerID}`, CustomerID: r.CustomerID!, ...r })),
  forget: () => {},
});
const calendar = (states: Record<string, PeriodState>): PeriodLookup => ({
  state: async (id: string) => states[id] ?? "absent",
  all: async () => Object.entries(states),
  nextOpen: async (id: string) => Object.keys(states).find((p) => states[p] === "Open" && `${p.slice(2)}${p.slice(0, 2)}` > `${id.slice(2)}${id.slice(0, 2)}`) ?? null,
});
const ledgerOf = (posted: Record<string, { targetId: string; targetRef: string | null; mappedPayload: unknown }> = {}): LedgerReader => ({
  postedRecord: async ({ objectType, sourceId }) => posted[`${objectType}/${sourceId}`] ?? null,
  partnerRecord: async () => null,
  partnerRecordByTarget: async () => null,
});
const DEMO_MAPS: ValueMapEntry[] = [
  { kind: "gl-account", sourceKey: "Platform Fee", targetValue: "40100" },
  { kind: "cash-account", sourceKey: "USD", targetValue: "10200" },
  { kind: "payment-method", sourceKey: "External", targetValue: "CHECK" },
];
const planner = ({ rows = [], periods = {}, settings = {} }: { rows?: Partial<AcumaticaCustomer>[]; periods?: Record<string, PeriodState>; settings?: Record<string, unknown> } = {}) =>
  createPlanner(zuoraAcumaticaSettingsSchema.parse(settings), customers(rows), calendar(periods));
const run = (plan: ReturnType<typeof planner>, record: Omit<PlannedRecord, "id" | "naturalKey">, { maps = [], ledger = ledgerOf() }: { maps?: ValueMapEntry[]; ledger?: LedgerReader } = {}) =>
  plan({ record: { id: "r1", naturalKey: null, ...record }, maps: indexValueMaps([...DEMO_MAPS, ...maps]), ledger, partnerMaps: new Map() });

const account = (over: Record<string, unknown> = {}) => ({ id: "acc-1", accountNumber: "A00000001", name: "Acme Corp", currency: "USD", status: "Active", ...over });
const invoice = (over: Record<string, unknown> = {}) => ({
  id: "inv-1",
  invoiceNumber: "INV00000001",
  account: { id: "acc-1", accountNumber: "A00000001", name: "Acme Corp" },
  status: "Posted",
  currency: "USD",
  amount: 100,
  balance: 100,
  invoiceDate: "2026-11-30",
  lines: [{ id: "L1", chargeName: "Platform Fee", amount: 100, taxAmount: 0 }],
  ...over,
});

describe("customers: found or mapped ones are compared with what the plan needs", () => {
  it("an existing customer (matched by account number) in another currency holds customer-mismatch naming both sides", async () => {
    const plan = planner({ rows: [{ CustomerID: "A00000001", CurrencyID: "USD" }] });
    expect(await run(plan, { objectType: "account", sourceId: "acc-1", sourcePayload: account({ currency: "EUR" }) })).toEqual({
      action: "hold",
      reason: "customer-mismatch",
      missing: [{ kind: "customer", sourceKey: "A00000001", label: "Zuora account A00000001 bills in EUR; Acumatica customer A00000001 is in USD" }],
    });
    // its documents hold the same way, before the account would post
    expect(await run(plan, { objectType: "invoice", sourceId: "inv-1", sourcePayload: invoice({ currency: "EUR" }) })).toMatchObject({ action: "hold", reason: "customer-mismatch" });
  });

  it("a matched customer with no Account Ref is claimed; one holding another account's id is refused", async () => {
    const free = await run(planner({ rows: [{ CustomerID: "A00000001", CurrencyID: "USD" }] }), { objectType: "account", sourceId: "acc-1", sourcePayload: account() });
    expect(free).toMatchObject({ action: "post", documents: [{ entity: "Customer", naturalKey: "A00000001", document: { accountRef: "acc-1" } }] });
    const taken = await run(planner({ rows: [{ CustomerID: "A00000001", CurrencyID: "USD", AccountRef: "acc-9" }] }), { objectType: "account", sourceId: "acc-1", sourcePayload: account() });
    expect(taken).toMatchObject({ action: "hold", reason: "customer-mismatch", missing: [{ label: expect.stringMatching(/belongs to Zuora account id acc-9, not to A00000001/) }] });
  });

  it("A-100.5 and A-1005 derive two customers; a derived id already holding another account holds", async () => {
    const plan = planner({ settings: { matchExistingCustomers: false } });
    const first = await run(plan, { objectType: "account", sourceId: "a1", sourcePayload: account({ id: "a1", accountNumber: "A-100.5" }) });
    const second = await run(plan, { objectType: "account", sourceId: "a2", sourcePayload: account({ id: "a2", accountNumber: "A-1005" }) });
    const idOf = (p: unknown) => (p as { documents: { naturalKey: string }[] }).documents[0]!.naturalKey;
    expect(idOf(second)).toBe("ZA-1005");
    expect(idOf(first)).toMatch(/^ZA-1005-[0-9A-F]{6}$/);
    const collided = planner({ rows: [{ CustomerID: "ZA-1005", CurrencyID: "USD", AccountRef: "a1" }], settings: { matchExistingCustomers: false } });
    expect(await run(collided, { objectType: "account", sourceId: "a2", sourcePayload: account({ id: "a2", accountNumber: "A-1005" }) })).toMatchObject({ action: "hold", reason: "customer-mismatch" });
  });

  it("a mapped customer in another currency holds until the map names another customer", async () => {
    const plan = planner({ rows: [{ CustomerID: "ACME", CurrencyID: "USD" }] });
    const maps: ValueMapEntry[] = [{ kind: "customer", sourceKey: "A00000001", targetValue: "ACME" }];
    expect(await run(plan, { objectType: "invoice", sourceId: "inv-1", sourcePayload: invoice({ currency: "EUR" }) }, { maps })).toMatchObject({
      action: "hold",
      reason: "customer-mismatch",
      missing: [{ kind: "customer", sourceKey: "A00000001", refusedTarget: "ACME", label: expect.stringMatching(/EUR.*ACME is in USD/) }],
    });
  });

  it("a changed Zuora currency holds the account instead of updating its customer", async () => {
    const posted = { targetId: "guid-1", targetRef: "ACME", mappedPayload: { customerId: "ACME", name: "Acme Corp", currencyId: "USD" } };
    const plan = planner();
    expect(await run(plan, { objectType: "account", sourceId: "acc-1", sourcePayload: account({ name: "Acme Holdings" }), posted })).toMatchObject({
      action: "post",
      documents: [{ entity: "Customer", naturalKey: "ACME", document: { customerId: "ACME", name: "Acme Holdings", currencyId: "USD", accountRef: "acc-1" } }],
    });
    expect(await run(plan, { objectType: "account", sourceId: "acc-1", sourcePayload: account({ currency: "EUR" }), posted })).toMatchObject({
      action: "hold",
      reason: "customer-mismatch",
      missing: [{ refusedTarget: "ACME", label: expect.stringMatching(/changed its currency from USD to EUR; Acumatica customer ACME keeps USD/) }],
    });
  });
});

describe("periods, time zone and cancellations", () => {
  const maps: ValueMapEntry[] = [{ kind: "customer", sourceKey: "A00000001", targetValue: "ACME" }];
  const rows = [{ CustomerID: "ACME", CurrencyID: "USD" }];

  it("a document in a closed period holds period-closed and asks for the period record", async () => {
    const plan = planner({ rows, periods: { "112026": "Closed", "122026": "Open" } });
    expect(await run(plan, { objectType: "invoice", sourceId: "inv-1", sourcePayload: invoice() }, { maps })).toEqual({
      action: "hold",
      reason: "period-closed",
      missing: [{ kind: "period", sourceKey: "112026", label: "11-2026 is closed in Acumatica's Accounts Receivable" }],
      ensure: [{ objectType: "period", sourceId: "112026" }],
    });
  });

  it("with the setting, it posts into the next open period with its own date in the description", async () => {
    const plan = planner({ rows, periods: { "112026": "Closed", "122026": "Open" }, settings: { closedPeriods: "next-open-period" } });
    expect(await run(plan, { objectType: "invoice", sourceId: "inv-1", sourcePayload: invoice() }, { maps })).toMatchObject({
      action: "post",
      documents: [{ document: { date: "2026-11-30", postPeriod: "122026", description: expect.stringMatching(/dated 2026-11-30, posted in 12-2026/) } }],
    });
  });

  it("a date-time of 23:30 on the last day of the month in the tenant's zone stays in that month", async () => {
    const plan = planner({ rows, periods: { "112026": "Open", "122026": "Closed" }, settings: { tenantTimeZone: "America/Los_Angeles" } });
    // 2026-11-30 23:30 in Los Angeles is 2026-12-01 07:30 UTC
    const result = await run(plan, { objectType: "invoice", sourceId: "inv-1", sourcePayload: invoice({ invoiceDate: "2026-12-01T07:30:00Z" }) }, { maps });
    expect(result).toMatchObject({ action: "post", documents: [{ document: { date: "2026-11-30" } }] });
  });

  it("an invoice canceled after posting is reversed (the trail keeps both), or held for review by the setting", async () => {
    const posted = { targetId: "guid-inv", targetRef: "AR000007", mappedPayload: { customerId: "ACME", externalRef: "INV00000001" } };
    const canceled = { objectType: "invoice", sourceId: "inv-1", sourcePayload: invoice({ status: "Canceled" }), posted };
    expect(await run(planner(), canceled)).toEqual({
      action: "post",
      documents: [
        { entity: "Invoice", naturalKey: "INV00000001", document: posted.mappedPayload },
        { entity: "InvoiceReversal", naturalKey: "INV00000001", document: { invoiceRef: "AR000007", reason: "canceled in Zuora" } },
      ],
      mapped: { ...posted.mappedPayload, reversal: { invoiceRef: "AR000007", reason: "canceled in Zuora" } },
    });
    expect(await run(planner({ settings: { canceledInvoices: "hold" } }), canceled)).toMatchObject({ action: "hold", reason: "canceled-after-posting", missing: [{ kind: "canceled-invoice", sourceKey: "INV00000001" }] });
    // a posted invoice that only changed otherwise (a payment lowered its balance) keeps what was posted
    expect(await run(planner(), { ...canceled, sourcePayload: invoice({ balance: 0 }) })).toMatchObject({ action: "post", mapped: posted.mappedPayload, documents: [{ entity: "Invoice" }] });
  });
});
