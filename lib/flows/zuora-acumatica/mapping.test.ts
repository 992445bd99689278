import { describe, expect, it } from "vitest";
import { indexValueMaps, type ValueMapEntry } from "../../mapping/value-map-index";
import type { ZuoraDocumentLine, ZuoraInvoiceDocument } from "../../connectors/zuora/documents";
import { deriveCustomerId } from "../../mapping/derive-customer-id";
import {
  mapAccountToCustomer,
  mapCreditMemo,
  mapInvoice,
  mapPayment,
  zuoraAcumaticaSettingsSchema,
} from "./mapping";

const settings = (over: Record<string, unknown> = {}) => zuoraAcumaticaSettingsSchema.parse(over);
const gl = (entries: [string, string][]): ValueMapEntry[] => entries.map(([sourceKey, targetValue]) => ({ kind: "gl-account", sourceKey, targetValue }));

const line = (over: Partial<ZuoraDocumentLine> = {}): ZuoraDocumentLine => ({
  id: "L1",
  chargeName: "Platform Fee",
  productName: "Platform",
  accountingCode: "4000-SaaS",
  description: "Platform Fee May",
  quantity: 1,
  amount: 100,
  taxAmount: 0,
  ...over,
});

const invoice = (over: Partial<ZuoraInvoiceDocument> = {}): ZuoraInvoiceDocument => ({
  id: "inv-1",
  invoiceNumber: "INV00000001",
  account: { id: "acc-1", accountNumber: "A00000001", name: "Acme" },
  status: "Posted",
  currency: "USD",
  amount: 100,
  taxAmount: 0,
  balance: 100,
  invoiceDate: "2026-11-01",
  dueDate: "2026-12-01",
  lines: [line()],
  ...over,
});

const customer = { customerId: "C001", currency: "USD" };

describe("mapInvoice", () => {
  const cases: {
    name: string;
    input: Partial<ZuoraInvoiceDocument>;
    maps: ValueMapEntry[];
    settings?: Record<string, unknown>;
    customer?: typeof customer | null;
    missing?: { kind: string; sourceKey: string; label?: string; dependency?: boolean }[];
    invalid?: RegExp;
    accounts?: string[];
  }[] = [
    { name: "maps each line by charge name (default)", input: {}, maps: gl([["Platform Fee", "40100"]]), accounts: ["40100"] },
    { name: "keys by product name", input: {}, settings: { glAccountKey: "product" }, maps: gl([["Platform", "40200"]]), accounts: ["40200"] },
    { name: "keys by Zuora accounting code", input: {}, settings: { glAccountKey: "account" }, maps: gl([["4000-SaaS", "40300"]]), accounts: ["40300"] },
    {
      name: "names each missing GL key once",
      input: { amount: 300, lines: [line(), line({ id: "L2", chargeName: "Seats" }), line({ id: "L3" })] },
      maps: [],
      missing: [
        { kind: "gl-account", sourceKey: "Platform Fee", label: "charge" },
        { kind: "gl-account", sourceKey: "Seats", label: "charge" },
      ],
    },
    {
      name: "Zuora's tax needs the tax of the document's currency",
      input: { amount: 110, lines: [line({ taxAmount: 10 })] },
      maps: gl([["Platform Fee", "40100"]]),
      missing: [{ kind: "tax", sourceKey: "USD", label: "tax of USD documents" }],
    },
    {
      name: "Zuora's tax goes into the tax details, never a line",
      input: { amount: 110, lines: [line({ taxAmount: 10 })] },
      maps: [...gl([["Platform Fee", "40100"]]), { kind: "tax", sourceKey: "USD", targetValue: "VAT19" }],
      accounts: ["40100"],
    },
    {
      name: "tax mode acumatica: a taxed line needs its tax category",
      input: { amount: 110, lines: [line({ taxAmount: 10 })] },
      settings: { taxMode: "acumatica" },
      maps: gl([["Platform Fee", "40100"]]),
      missing: [{ kind: "tax-category", sourceKey: "Platform Fee", label: "tax category" }],
    },
    {
      name: "unresolved customer with createCustomers on is a dependency",
      input: {},
      maps: gl([["Platform Fee", "40100"]]),
      customer: null,
      missing: [{ kind: "customer", sourceKey: "A00000001", label: "Acme", dependency: true }],
    },
    {
      name: "unresolved customer with createCustomers off is a missing mapping",
      input: {},
      settings: { createCustomers: false },
      maps: gl([["Platform Fee", "40100"]]),
      customer: null,
      missing: [{ kind: "customer", sourceKey: "A00000001", label: "Acme" }],
    },
    { name: "lines must add up to the amount", input: { amount: 120 }, maps: gl([["Platform Fee", "40100"]]), invalid: /add up to 100 but the invoice amount is 120/ },
    { name: "a line without the key field is invalid", input: { lines: [line({ chargeName: null })] }, maps: [], invalid: /has no charge name/ },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = mapInvoice({
        invoice: invoice(c.input),
        customer: c.customer === undefined ? customer : c.customer,
        maps: indexValueMaps(c.maps),
        settings: settings(c.settings),
      });
      if (c.accounts) {
        expect(result.issues).toEqual([]);
        expect(result.output?.lines.map((d) => d.account)).toEqual(c.accounts);
        expect(result.output).toMatchObject({ customerId: "C001", externalRef: "INV00000001", hold: false });
        const taxes = (result.output!.taxDetails ?? []).reduce((s, t) => s + t.taxAmount, 0);
        expect(result.output!.lines.reduce((s, d) => s + d.unitPrice * (d.quantity ?? 1), 0) + taxes).toBeCloseTo(invoice(c.input).amount, 2);
      } else {
        expect(result.output).toBeNull();
        if (c.missing) expect(result.issues.flatMap((i) => (i.type === "missing" ? [i.missing] : []))).toEqual(c.missing);
        if (c.invalid) expect(result.issues.some((i) => i.type === "invalid" && c.invalid!.test(i.message))).toBe(true);
      }
    });
  }
});

describe("mapPayment", () => {
  const payment = {
    id: "pay-1",
    number: "P-00000001",
    account: { id: "acc-1", accountNumber: "A00000001", name: "Acme" },
    type: "External",
    status: "Processed",
    currency: "USD",
    amount: 100,
    effectiveDate: "2026-11-05",
    applications: [{ invoiceId: "inv-1", invoiceNumber: "INV00000001", amount: 100 }],
  };
  const maps = indexValueMaps([
    { kind: "cash-account", sourceKey: "USD", targetValue: "10200" },
    { kind: "cash-account", sourceKey: "EUR", targetValue: "10250" },
    { kind: "payment-method", sourceKey: "External", targetValue: "CHECK" },
    { kind: "payment-method", sourceKey: "Electronic", targetValue: "CARD" },
  ]);
  it("applies to the posted invoice's Acumatica reference, on the cash account and method mapped", () => {
    const r = mapPayment({ payment, customer, invoiceRefs: new Map([["inv-1", "AR000123"]]), maps, settings: settings() });
    expect(r.output).toMatchObject({
      customerId: "C001",
      amount: 100,
      paymentMethod: "CHECK",
      cashAccount: "10200",
      externalRef: "P-00000001",
      applyTo: [{ docType: "Invoice", referenceNbr: "AR000123", amountPaid: 100 }],
    });
    const eur = mapPayment({ payment: { ...payment, type: "Electronic", currency: "EUR" }, customer: { customerId: "C002", currency: "EUR" }, invoiceRefs: new Map([["inv-1", "AR1"]]), maps, settings: settings() });
    expect(eur.output).toMatchObject({ cashAccount: "10250", paymentMethod: "CARD", currencyId: "EUR" });
  });
  it("waits for an invoice that is not posted yet", () => {
    const r = mapPayment({ payment, customer, invoiceRefs: new Map(), maps, settings: settings() });
    expect(r.output).toBeNull();
    expect(r.issues).toEqual([{ type: "missing", missing: { kind: "invoice", sourceKey: "inv-1", label: "INV00000001", dependency: true } }]);
  });
  it("a currency without a cash account, or a type without a method, is a missing mapping naming it", () => {
    const r = mapPayment({ payment: { ...payment, currency: "GBP" }, customer: { customerId: "C003", currency: "GBP" }, invoiceRefs: new Map([["inv-1", "AR1"]]), maps: new Map(), settings: settings() });
    expect(r.issues).toEqual([
      { type: "missing", missing: { kind: "cash-account", sourceKey: "GBP", label: "cash account for GBP payments" } },
      { type: "missing", missing: { kind: "payment-method", sourceKey: "External", label: "payment method for External payments" } },
    ]);
  });
  it("refuses applications above the payment amount", () => {
    const r = mapPayment({ payment: { ...payment, amount: 50 }, customer, invoiceRefs: new Map([["inv-1", "AR1"]]), maps, settings: settings() });
    expect(r.issues[0]).toMatchObject({ type: "invalid", field: "applications" });
  });
});

describe("mapCreditMemo, mapAccountToCustomer", () => {
  it("maps a credit memo's lines like an invoice's", () => {
    const r = mapCreditMemo({
      memo: {
        id: "cm-1",
        number: "CM00000001",
        account: { id: "acc-1", accountNumber: "A00000001", name: "Acme" },
        status: "Posted",
        currency: "USD",
        amount: 20,
        memoDate: "2026-11-03",
        referredInvoiceId: "inv-1",
        appliedAmount: 15,
        reasonCode: "Correcting invoice error",
        lines: [line({ amount: 20 })],
      },
      customer,
      invoiceRef: "AR000007",
      maps: indexValueMaps(gl([["Platform Fee", "40100"]])),
      settings: settings(),
    });
    // applied to its invoice for what Zuora applied; the other 5 stays open on the memo
    expect(r.output).toMatchObject({ externalRef: "CM00000001", lines: [{ account: "40100", unitPrice: 20 }], applyTo: [{ docType: "Invoice", referenceNbr: "AR000007", amountPaid: 15 }] });
  });

  it("derives the same CustomerID for the same account every time, or uses the mapped one", () => {
    const account = { id: "acc-1", accountNumber: "A00000001", name: "Acme", currency: "USD" };
    expect(mapAccountToCustomer({ account, maps: new Map(), settings: settings() }).output?.customerId).toBe("ZA00000001");
    expect(deriveCustomerId({ accountNumber: "A00000001" })).toBe("ZA00000001");
    const long = deriveCustomerId({ accountNumber: "ACCOUNT-NUMBER-THAT-IS-VERY-LONG-1234" });
    expect(long.length).toBeLessThanOrEqual(20);
    expect(long).toBe(deriveCustomerId({ accountNumber: "ACCOUNT-NUMBER-THAT-IS-VERY-LONG-1234" }));
    expect(long).not.toBe(deriveCustomerId({ accountNumber: "ACCOUNT-NUMBER-THAT-IS-VERY-LONG-1235" }));
    const mapped = indexValueMaps([{ kind: "customer", sourceKey: "A00000001", targetValue: "ACME" }]);
    expect(mapAccountToCustomer({ account, maps: mapped, settings: settings() }).output?.customerId).toBe("ACME");
    expect(mapAccountToCustomer({ account: { ...account, currency: "" }, maps: new Map(), settings: settings() }).output).toBeNull();
  });

  const billTo = {
    firstName: "Ada",
    lastName: "Lovelace",
    workEmail: "ada@acme.test",
    workPhone: "+1 415 555 0100",
    address1: "1 Market Street",
    address2: null,
    city: "San Francisco",
    state: "CA",
    postalCode: "94105",
    country: "United States",
  };

  it("sends the bill-to contact as the customer's MainContact fields, the country as Acumatica's country ID", () => {
    const account = { id: "acc-1", accountNumber: "A00000001", name: "Acme", currency: "USD", billTo };
    expect(mapAccountToCustomer({ account, maps: new Map(), settings: settings() }).output).toEqual({
      customerId: "ZA00000001",
      name: "Acme",
      currencyId: "USD",
      accountRef: "acc-1",
      attention: "Ada Lovelace",
      email: "ada@acme.test",
      phone: "+1 415 555 0100",
      addressLine1: "1 Market Street",
      addressLine2: "",
      city: "San Francisco",
      state: "CA",
      postalCode: "94105",
      country: "US",
    });
    // an ISO code passes as it is; a "country" value map wins over the runtime's names
    expect(mapAccountToCustomer({ account: { ...account, billTo: { ...billTo, country: "de" } }, maps: new Map(), settings: settings() }).output?.country).toBe("DE");
    const mapped = indexValueMaps([{ kind: "country", sourceKey: "Korea, Republic of", targetValue: "KR" }]);
    expect(mapAccountToCustomer({ account: { ...account, billTo: { ...billTo, country: "Korea, Republic of" } }, maps: mapped, settings: settings() }).output?.country).toBe("KR");
  });

  it("refuses a bill-to country Acumatica has no code for, and sends no contact fields for an account read without its bill-to", () => {
    const account = { id: "acc-1", accountNumber: "A00000001", name: "Acme", currency: "USD" };
    const refused = mapAccountToCustomer({ account: { ...account, billTo: { ...billTo, country: "Atlantis" } }, maps: new Map(), settings: settings() });
    expect(refused.output).toBeNull();
    expect(refused.issues).toEqual([{ type: "invalid", field: "country", message: expect.stringContaining('"Atlantis"') }]);
    expect(Object.keys(mapAccountToCustomer({ account, maps: new Map(), settings: settings() }).output ?? {}).sort()).toEqual(["accountRef", "currencyId", "customerId", "name"]);
  });
});
