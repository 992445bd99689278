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

const customers = (rows: Partial<AcumaticaCustomer>[]): CustomerLookup => {
  const answered = new Map<string, AcumaticaCustomer[]>();
  return {
    find: async (id: string) => answered.get(id) ?? rows.filter((r) => r.CustomerID === id).map((r) => ({ id: `guid-${r.CustomerID}`, CustomerID: r.CustomerID!, ...r })),
    known: () => undefined,
    forget: () => {},
    answer: (id, found) => void (answered.has(id) || answered.set(id, found)),
  };
};
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

describe("payments after posting and refunds", () => {
  const maps: ValueMapEntry[] = [{ kind: "customer", sourceKey: "A00000001", targetValue: "ACME" }];
  const rows = [{ CustomerID: "ACME", CurrencyID: "USD" }];
  const payment = (over: Record<string, unknown> = {}) => ({
    id: "pay-1",
    number: "P-00000001",
    account: { id: "acc-1", accountNumber: "A00000001", name: "Acme Corp" },
    type: "External",
    status: "Processed",
    currency: "USD",
    amount: 130,
    effectiveDate: "2026-11-30",
    applications: [{ invoiceId: "inv-1", amount: 100 }],
    ...over,
  });
  const posted = { targetId: "guid-pay", targetRef: "000042", mappedPayload: { customerId: "ACME", externalRef: "P-00000001", amount: 130, applyTo: [{ docType: "Invoice", referenceNbr: "AR000007", amountPaid: 100 }] } };
  const refund = (over: Record<string, unknown> = {}) => ({
    id: "ref-1",
    number: "R-00000001",
    account: { id: "acc-1", accountNumber: "A00000001", name: "Acme Corp" },
    type: "External",
    methodType: "Check",
    status: "Processed",
    currency: "USD",
    amount: 30,
    refundDate: "2026-12-01",
    reasonCode: "Overpayment",
    sources: [{ paymentId: "pay-1", creditMemoId: null, amount: 30 }],
    ...over,
  });

  it("a payment canceled after posting is voided, or held for review by the setting; a map decides", async () => {
    const canceled = { objectType: "payment", sourceId: "pay-1", sourcePayload: payment({ status: "Canceled", applications: [] }), posted };
    expect(await run(planner({ rows }), canceled, { maps })).toEqual({
      action: "post",
      documents: [
        { entity: "Payment", naturalKey: "P-00000001", document: posted.mappedPayload },
        { entity: "PaymentVoid", naturalKey: "P-00000001", document: { paymentRef: "000042" } },
      ],
      mapped: { ...posted.mappedPayload, reversal: { paymentRef: "000042" } },
    });
    const held = planner({ rows, settings: { reversedPayments: "hold" } });
    expect(await run(held, canceled, { maps })).toMatchObject({ action: "hold", reason: "canceled-after-posting", missing: [{ kind: "reversed-payment", sourceKey: "P-00000001" }] });
    expect(await run(held, canceled, { maps: [...maps, { kind: "reversed-payment", sourceKey: "P-00000001", targetValue: "keep" }] })).toMatchObject({ action: "post", documents: [{ entity: "Payment" }] });
  });

  it("a posted payment refunded (applications unchanged) keeps what was posted; one unapplied after posting holds for an admin", async () => {
    expect(await run(planner({ rows }), { objectType: "payment", sourceId: "pay-1", sourcePayload: payment(), posted }, { maps })).toEqual({
      action: "post",
      documents: [{ entity: "Payment", naturalKey: "P-00000001", document: posted.mappedPayload }],
      mapped: posted.mappedPayload,
    });
    const unapplied = { objectType: "payment", sourceId: "pay-1", sourcePayload: payment({ applications: [{ invoiceId: "inv-1", amount: 60 }] }), posted };
    expect(await run(planner({ rows }), unapplied, { maps })).toMatchObject({
      action: "hold",
      reason: "applied-after-posting",
      missing: [{ kind: "changed-payment", sourceKey: "P-00000001", label: expect.stringMatching(/applied 60\.00 in Zuora, 100\.00 when it posted as payment 000042/) }],
    });
  });

  it("a refund becomes a customer refund applied to the posted payment, and waits for a payment not posted yet", async () => {
    const record = { objectType: "refund", sourceId: "ref-1", sourcePayload: refund() };
    expect(await run(planner({ rows }), record, { maps, ledger: ledgerOf({ "payment/pay-1": posted }) })).toMatchObject({
      action: "post",
      documents: [
        {
          entity: "Refund",
          naturalKey: "R-00000001",
          document: { customerId: "ACME", externalRef: "R-00000001", amount: 30, cashAccount: "10200", paymentMethod: "CHECK", currencyId: "USD", applyTo: [{ docType: "Payment", referenceNbr: "000042", amountPaid: 30 }] },
        },
      ],
    });
    expect(await run(planner({ rows }), record, { maps })).toEqual({
      action: "hold",
      reason: "waiting-for-payment",
      missing: [{ kind: "payment", sourceKey: "pay-1", label: "pay-1", dependency: true }],
      ensure: [{ objectType: "payment", sourceId: "pay-1" }],
    });
    // an electronic refund needs the payment method of electronic payments
    expect(await run(planner({ rows }), { ...record, sourcePayload: refund({ type: "Electronic", methodType: null }) }, { maps, ledger: ledgerOf({ "payment/pay-1": posted }) })).toMatchObject({
      action: "hold",
      reason: "mapping-missing",
      missing: [{ kind: "payment-method", sourceKey: "Electronic" }],
    });
  });
});
