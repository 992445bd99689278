/**
 * Contract tests of what an accountant checks after close (issue 11): credit memo applications, cash
 * accounts in a currency, tax zones and categories, financial periods, reversals, the balances the control
 * API reports, and the protocol facts around them (endpoint versions, form-only token endpoint, `$expand`
 * of every detail). Every request body sent and every answer received is validated against Acumatica's
 * OpenAPI document of Default/24.200.001.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandboxControlClient } from "../core/control-client";
import { ENTITIES, ENTITY_NAMES } from "./entities";
import { ACUMATICA_SANDBOX_DEFAULTS } from "./index";
import { loadSpecValidator } from "./spec-validator";
import { startAcumatica, type TestAcumatica, val, wrap } from "./test-server";

const spec = loadSpecValidator();
const nowMs = Date.parse("2024-05-15T12:00:00Z");
let acu: TestAcumatica;

type Entity = Record<string, unknown>;

const checked = async (entity: string, method: string, path: string, body?: Entity) => {
  if (body) expect(spec.errors(entity, body), `request ${entity}`).toEqual([]);
  const res = await acu.api(method, path, body);
  if (res.status === 200 || res.status === 422) {
    const items = Array.isArray(res.body) ? res.body : [res.body];
    for (const item of items) expect(spec.errors(entity, item), `response ${entity}`).toEqual([]);
  } else if (res.status >= 400) {
    expect(spec.errors("HttpError", res.body), "HttpError").toEqual([]);
  }
  return res;
};

const put = async (entity: string, body: Entity, expand = "") => {
  const res = await checked(entity, "PUT", `/${entity}${expand ? `?$expand=${expand}` : ""}`, body);
  return res;
};

const ok = async (entity: string, body: Entity, expand = "") => {
  const res = await put(entity, body, expand);
  expect(res.status, res.text).toBe(200);
  return res.body as Entity;
};

/** Runs an action; with actionPolls and actionMs 0 it answers 204 with the Location of the current record. */
const action = async (entity: string, name: string, keys: Record<string, unknown>) => {
  const body = { entity: wrap(keys) };
  const res = await acu.api("POST", `/${entity}/${name}`, body);
  if (res.status === 422) expect(spec.errors(entity, res.body)).toEqual([]);
  return res;
};

const fieldError = (entity: unknown, path: (string | number)[]): string | undefined => {
  let at: unknown = entity;
  for (const p of path) at = (at as Record<string | number, unknown>)?.[p];
  return (at as { error?: string } | undefined)?.error;
};

const invoice = (customer: string, order: string, lines: Record<string, unknown>[], over: Record<string, unknown> = {}) =>
  wrap({ Type: "Invoice", Customer: customer, Date: "2024-05-10T00:00:00+00:00", CustomerOrder: order, Hold: false, Details: lines, ...over });

const releasedInvoice = async (customer: string, order: string, amount: number, type = "Invoice") => {
  const created = await ok("Invoice", invoice(customer, order, [{ Account: "40100", UnitPrice: amount }], { Type: type }));
  const ref = String(val(created, "ReferenceNbr"));
  expect((await action("Invoice", "ReleaseInvoice", { Type: type, ReferenceNbr: ref })).status).toBe(204);
  return ref;
};

const getInvoice = async (type: string, ref: string, expand = "") =>
  (await checked("Invoice", "GET", `/Invoice/${encodeURIComponent(type)}/${ref}${expand ? `?$expand=${expand}` : ""}`)).body as Entity;

beforeAll(async () => {
  acu = await startAcumatica({ now: () => new Date(nowMs), actionPolls: 0, actionMs: 0 });
});
afterAll(async () => {
  await acu.close();
});
beforeEach(() => {
  acu.sandbox.control.reset();
  acu.forgetToken();
  acu.sandbox.control.seed({
    customers: [
      { CustomerID: "ACME", CustomerName: "Acme Corp", CurrencyID: "USD" },
      { CustomerID: "GLOBEX", CustomerName: "Globex", CurrencyID: "USD" },
      { CustomerID: "EUROCO", CustomerName: "Euro Co", CurrencyID: "EUR" },
    ],
  });
});

describe("endpoint versions of a 2024 R2 build", () => {
  it("serves 20.200.001 without the fields that version lacks (Payment.ExternalRef)", async () => {
    await releasedInvoice("ACME", "INV-V", 50);
    const { access_token } = await acu.token();
    const body = wrap({ Type: "Payment", CustomerID: "ACME", PaymentAmount: 50, ExternalRef: "P-1", CashAccount: "10200" });
    for (const version of ["20.200.001", "22.200.001", "23.200.001", "24.200.001"]) {
      const res = await acu.call("PUT", `/entity/Default/${version}/Payment`, { body, bearer: access_token });
      expect(res.status, `${version}: ${res.text}`).toBe(200);
      expect(val(res.body, "ExternalRef")).toBe(version === "20.200.001" ? undefined : "P-1");
    }
    const filtered = await acu.call("GET", `/entity/Default/20.200.001/Payment?$filter=${encodeURIComponent("ExternalRef eq 'P-1'")}`, { bearer: access_token });
    expect(filtered.status).toBe(400);
  });
});

describe("OAuth token endpoint", () => {
  it("reads only a form body: the same grant as JSON answers 400 invalid_request", async () => {
    const grant = {
      grant_type: "password",
      client_id: ACUMATICA_SANDBOX_DEFAULTS.client.clientId,
      client_secret: ACUMATICA_SANDBOX_DEFAULTS.client.clientSecret,
      username: ACUMATICA_SANDBOX_DEFAULTS.user.username,
      password: ACUMATICA_SANDBOX_DEFAULTS.user.password,
      scope: "api",
    };
    const json = await acu.call("POST", "/identity/connect/token", { body: grant });
    expect(json.status).toBe(400);
    expect(json.body).toEqual({ error: "invalid_request" });
    const form = await acu.call("POST", "/identity/connect/token", { form: grant });
    expect(form.status).toBe(200);
  });
});

describe("$expand of every detail and linked entity of the contract", () => {
  it("accepts each name, answers [] for a detail without lines, and stays valid", async () => {
    await releasedInvoice("ACME", "INV-X", 10);
    await ok("Payment", wrap({ Type: "Payment", CustomerID: "ACME", PaymentAmount: 5, CashAccount: "10200" }));
    acu.sandbox.control.seed({
      taxes: [{ TaxID: "VAT20", TaxRate: 20 }],
      taxZones: [{ TaxZoneID: "EU", taxes: ["VAT20"] }],
      taxCategories: [{ TaxCategoryID: "STD", taxes: ["VAT20"] }],
      stockItems: [{ InventoryID: "GADGET" }],
      nonStockItems: [{ InventoryID: "SERVICE" }],
    });
    await ok("JournalTransaction", wrap({ Description: "J", Details: [{ Account: "40100", CreditAmount: 1 }] }));
    for (const name of ENTITY_NAMES) {
      const shape = ENTITIES[name].shape;
      const names = [...Object.keys(shape.details), ...Object.keys(shape.links)];
      const res = await checked(name, "GET", `/${name}?$expand=${names.join(",")}`);
      expect(res.status, `${name}: ${res.text}`).toBe(200);
      const first = (res.body as Entity[])[0];
      expect(first, name).toBeDefined();
      for (const detail of Object.keys(shape.details)) expect(Array.isArray(first?.[detail]), `${name}.${detail}`).toBe(true);
    }
    expect(Object.keys(ENTITIES.Invoice.shape.details).sort()).toEqual(["ApplicationsCreditMemo", "ApplicationsDefault", "Details", "DiscountDetails", "TaxDetails"]);
  });
});

describe("financial periods", () => {
  it("refuses a document dated in a closed period with Acumatica's message, and takes it once the period is reopened", async () => {
    await createSandboxControlClient(acu.origin).acumatica.setPeriodStatus(["05-2024"], "Closed");
    const year = await checked("FinancialPeriod", "GET", "/FinancialPeriod/2024?$expand=Details");
    const may = ((year.body as { Details: Entity[] }).Details ?? []).find((d) => val(d, "PeriodNbr") === "05");
    expect([val(may, "Status"), val(may, "ClosedInAR")]).toEqual(["Closed", true]);

    const refused = await put("Invoice", invoice("ACME", "INV-P", [{ Account: "40100", UnitPrice: 10 }]));
    expect(refused.status).toBe(422);
    expect(fieldError(refused.body, ["PostPeriod"])).toBe("The 05-2024 financial period of the Company company is closed in Accounts Receivable.");
    const payment = await put("Payment", wrap({ Type: "Payment", CustomerID: "ACME", PaymentAmount: 5, ApplicationDate: "2024-05-02T00:00:00+00:00", CashAccount: "10200" }));
    expect(fieldError(payment.body, ["ApplicationDate"])).toBe("The 05-2024 financial period of the Company company is closed in Accounts Receivable.");

    await createSandboxControlClient(acu.origin).acumatica.setPeriodStatus(["2024-05"], "Open");
    expect((await put("Invoice", invoice("ACME", "INV-P", [{ Account: "40100", UnitPrice: 10 }]))).status).toBe(200);
    expect((await createSandboxControlClient(acu.origin).acumatica.periods()).find((p) => p.period === "052024")?.status).toBe("Open");
  });

  it("refuses to release a balanced document whose period was closed after it was entered", async () => {
    const created = await ok("Invoice", invoice("ACME", "INV-R", [{ Account: "40100", UnitPrice: 10 }]));
    acu.sandbox.control.setPeriodStatus(["052024"], "Closed");
    const res = await action("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: String(val(created, "ReferenceNbr")) });
    expect(res.status).toBe(422);
    expect(fieldError(res.body, ["PostPeriod"])).toBe("The 05-2024 financial period of the Company company is closed in Accounts Receivable.");
  });
});

describe("cash accounts carry a currency", () => {
  it("refuses a EUR payment on the USD cash account and takes it on the EUR one", async () => {
    await releasedInvoice("EUROCO", "INV-E", 80);
    const wrong = await put("Payment", wrap({ Type: "Payment", CustomerID: "EUROCO", CurrencyID: "EUR", PaymentAmount: 80, CashAccount: "10200" }));
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.body, ["CashAccount"])).toBe("The currency of the cash account 10200 (USD) differs from the currency of the document (EUR).");
    const right = await ok("Payment", wrap({ Type: "Payment", CustomerID: "EUROCO", CurrencyID: "EUR", PaymentAmount: 80, CashAccount: "10250" }));
    expect(val(right, "CurrencyID")).toBe("EUR");
  });

  it("defaults the cash account of the payment's currency and refuses an account that is not a cash account", async () => {
    acu.sandbox.control.seed({ accounts: [{ AccountCD: "10260", Description: "Lockbox EUR", Type: "Asset", CashAccount: true, CurrencyID: "EUR" }] });
    const defaulted = await ok("Payment", wrap({ Type: "Payment", CustomerID: "EUROCO", PaymentAmount: 5 }));
    expect(val(defaulted, "CashAccount")).toBe("10250");
    acu.sandbox.control.seed({ customers: [{ CustomerID: "GBCO", CustomerName: "GB Co", CurrencyID: "GBP" }] });
    const none = await put("Payment", wrap({ Type: "Payment", CustomerID: "GBCO", PaymentAmount: 5 }));
    expect(fieldError(none.body, ["CashAccount"])).toBe("'Cash Account' cannot be empty.");
    const notCash = await put("Payment", wrap({ Type: "Payment", CustomerID: "ACME", PaymentAmount: 5, CashAccount: "40100" }));
    expect(fieldError(notCash.body, ["CashAccount"])).toBe("Cash Account '40100' cannot be found in the system.");
  });

  it("accepts the mismatch when the instance's cashAccountCurrency rule is off", async () => {
    await createSandboxControlClient(acu.origin).acumatica.setRules({ cashAccountCurrency: false });
    expect((await put("Payment", wrap({ Type: "Payment", CustomerID: "EUROCO", PaymentAmount: 5, CashAccount: "10200" }))).status).toBe(200);
  });
});

describe("control accounts", () => {
  it("refuses tax sent as an ordinary line on the tax payable account, and a manual journal to AR", async () => {
    const vatLine = await put("Invoice", invoice("EUROCO", "INV-VAT", [{ Account: "40100", UnitPrice: 100 }, { Account: "23100", UnitPrice: 19, TransactionDescription: "Tax" }]));
    expect(vatLine.status).toBe(422);
    expect(fieldError(vatLine.body, ["Details", 1, "Account"])).toBe("The 23100 account is a control account for the TX subledger and cannot be used for direct posting.");
    const journal = await put("JournalTransaction", wrap({ Description: "Zuora INV-VAT revenue", Hold: false, Details: [{ Account: "11000", DebitAmount: 119 }, { Account: "40100", CreditAmount: 119 }] }));
    expect(fieldError(journal.body, ["Details", 0, "Account"])).toBe("The 11000 account is a control account for the AR subledger and cannot be used for direct posting.");
  });

  it("takes the line when the account allows manual entry, or when the instance's controlAccounts rule is off", async () => {
    acu.sandbox.control.seed({ accounts: [{ AccountCD: "23100", Description: "Sales Tax Payable", Type: "Liability", AllowManualEntry: true }] });
    expect((await put("Invoice", invoice("EUROCO", "INV-VAT", [{ Account: "23100", UnitPrice: 19 }]))).status).toBe(200);
    acu.sandbox.control.reset();
    acu.forgetToken();
    acu.sandbox.control.seed({ customers: [{ CustomerID: "EUROCO", CustomerName: "Euro Co", CurrencyID: "EUR" }] });
    await createSandboxControlClient(acu.origin).acumatica.setRules({ controlAccounts: false });
    expect((await put("Invoice", invoice("EUROCO", "INV-VAT2", [{ Account: "23100", UnitPrice: 19 }]))).status).toBe(200);
  });
});

describe("credit memo applications", () => {
  it("applies a credit memo's Documents to Apply on release: both balances fall", async () => {
    const inv = await releasedInvoice("ACME", "INV-1", 100);
    const memo = await ok(
      "Invoice",
      invoice("ACME", "CM-1", [{ Account: "40100", UnitPrice: 30 }], { Type: "Credit Memo", ApplicationsCreditMemo: [{ DocType: "Invoice", ReferenceNbr: inv, AmountPaid: 30 }] }),
      "ApplicationsCreditMemo",
    );
    const memoRef = String(val(memo, "ReferenceNbr"));
    const rows = (memo as { ApplicationsCreditMemo: Entity[] }).ApplicationsCreditMemo;
    expect(rows.map((r) => [val(r, "ReferenceNbr"), val(r, "AmountPaid"), val(r, "Customer")])).toEqual([[inv, 30, "ACME"]]);
    expect(val(await getInvoice("Invoice", inv), "Balance")).toBe(100);
    expect((await action("Invoice", "ReleaseInvoice", { Type: "Credit Memo", ReferenceNbr: memoRef })).status).toBe(204);
    const after = await getInvoice("Invoice", inv, "ApplicationsDefault");
    expect([val(after, "Balance"), val(after, "Status")]).toEqual([70, "Open"]);
    expect((after as { ApplicationsDefault: Entity[] }).ApplicationsDefault.map((a) => [val(a, "DocType"), val(a, "ReferenceNbr"), val(a, "AmountPaid")])).toEqual([["Credit Memo", memoRef, 30]]);
    const memoAfter = await getInvoice("Credit Memo", memoRef);
    expect([val(memoAfter, "Balance"), val(memoAfter, "Status")]).toEqual([0, "Closed"]);
  });

  it("refuses an application larger than the invoice's balance, larger than the memo, or to another customer's invoice", async () => {
    const small = await releasedInvoice("ACME", "INV-S", 20);
    const other = await releasedInvoice("GLOBEX", "INV-G", 500);
    const memoOf = (apps: Record<string, unknown>[], amount = 50) =>
      invoice("ACME", "CM-X", [{ Account: "40100", UnitPrice: amount }], { Type: "Credit Memo", ApplicationsCreditMemo: apps });
    const tooMuch = await put("Invoice", memoOf([{ DocType: "Invoice", ReferenceNbr: small, AmountPaid: 25 }]));
    expect(tooMuch.status).toBe(422);
    expect(fieldError(tooMuch.body, ["ApplicationsCreditMemo", 0, "AmountPaid"])).toBe("The amount paid (25) exceeds the balance of the document (20).");
    const foreign = await put("Invoice", memoOf([{ DocType: "Invoice", ReferenceNbr: other, AmountPaid: 10 }]));
    expect(fieldError(foreign.body, ["ApplicationsCreditMemo", 0, "ReferenceNbr"])).toBe(`Reference Nbr. '${other}' cannot be found in the system.`);
    const big = await releasedInvoice("ACME", "INV-B", 500);
    const overMemo = await put("Invoice", memoOf([{ DocType: "Invoice", ReferenceNbr: big, AmountPaid: 60 }]));
    expect(val(overMemo.body, "error") ?? (overMemo.body as { error?: string }).error).toBe("Total application amount cannot exceed document amount.");
  });

  it("applies a released credit memo later on the payments screen (Payment of Type Credit Memo)", async () => {
    const inv = await releasedInvoice("ACME", "INV-2", 100);
    const memoRef = await releasedInvoice("ACME", "CM-2", 40, "Credit Memo");
    expect([val(await getInvoice("Credit Memo", memoRef), "Balance"), val(await getInvoice("Credit Memo", memoRef), "Status")]).toEqual([40, "Open"]);
    const over = await put("Payment", wrap({ Type: "Credit Memo", ReferenceNbr: memoRef, DocumentsToApply: [{ DocType: "Invoice", ReferenceNbr: inv, AmountPaid: 45 }] }));
    expect(over.status).toBe(422);
    expect((over.body as { error?: string }).error).toBe("Total application amount cannot exceed document amount.");
    const screen = await ok("Payment", wrap({ Type: "Credit Memo", ReferenceNbr: memoRef, DocumentsToApply: [{ DocType: "Invoice", ReferenceNbr: inv, AmountPaid: 25 }] }), "DocumentsToApply");
    expect([val(screen, "CustomerID"), val(screen, "PaymentAmount"), val(screen, "AvailableBalance")]).toEqual(["ACME", 40, 15]);
    expect((await action("Payment", "ReleasePayment", { Type: "Credit Memo", ReferenceNbr: memoRef })).status).toBe(204);
    expect(val(await getInvoice("Invoice", inv), "Balance")).toBe(75);
    expect([val(await getInvoice("Credit Memo", memoRef), "Balance"), val(await getInvoice("Credit Memo", memoRef), "Status")]).toEqual([15, "Open"]);
    // The rest later: a new row on the same screen, released again.
    await ok("Payment", wrap({ Type: "Credit Memo", ReferenceNbr: memoRef, DocumentsToApply: [{ DocType: "Invoice", ReferenceNbr: inv, AmountPaid: 15 }] }));
    expect((await action("Payment", "ReleasePayment", { Type: "Credit Memo", ReferenceNbr: memoRef })).status).toBe(204);
    expect([val(await getInvoice("Invoice", inv), "Balance"), val(await getInvoice("Credit Memo", memoRef), "Status")]).toEqual([60, "Closed"]);
    const history = await checked("Payment", "GET", `/Payment/Credit%20Memo/${memoRef}?$expand=ApplicationHistory`);
    expect((history.body as { ApplicationHistory: Entity[] }).ApplicationHistory.map((h) => val(h, "AmountPaid"))).toEqual([25, 15]);
  });

  it("opens a credit memo on the payments screen before choosing what to apply", async () => {
    const inv = await releasedInvoice("ACME", "INV-4", 30);
    const memoRef = await releasedInvoice("ACME", "CM-4", 10, "Credit Memo");
    const opened = await ok("Payment", wrap({ Type: "Credit Memo", ReferenceNbr: memoRef }));
    expect([val(opened, "Status"), val(opened, "AvailableBalance")]).toEqual(["Open", 10]);
    await ok("Payment", wrap({ Type: "Credit Memo", ReferenceNbr: memoRef, DocumentsToApply: [{ DocType: "Invoice", ReferenceNbr: inv }] }));
    expect((await action("Payment", "ReleasePayment", { Type: "Credit Memo", ReferenceNbr: memoRef })).status).toBe(204);
    expect(val(await getInvoice("Invoice", inv), "Balance")).toBe(20);
    const foreign = await releasedInvoice("GLOBEX", "CM-5", 10, "Credit Memo");
    const wrongCustomer = await put("Payment", wrap({ Type: "Credit Memo", ReferenceNbr: foreign, CustomerID: "ACME" }));
    expect(fieldError(wrongCustomer.body, ["ReferenceNbr"])).toBe(`Reference Nbr. '${foreign}' cannot be found in the system.`);
  });

  it("refuses a credit memo among a payment's documents to apply with Acumatica's message", async () => {
    const memoRef = await releasedInvoice("ACME", "CM-3", 10, "Credit Memo");
    const res = await put("Payment", wrap({ Type: "Payment", CustomerID: "ACME", PaymentAmount: 10, CashAccount: "10200", DocumentsToApply: [{ DocType: "Credit Memo", ReferenceNbr: memoRef, AmountPaid: 10 }] }));
    expect(fieldError(res.body, ["DocumentsToApply", 0, "DocType"])).toBe("Only a document of the Invoice, Debit Memo, Overdue Charge or Credit Write-Off type can be selected for the payment.");
  });
});

describe("tax zones and categories", () => {
  beforeEach(() => {
    acu.sandbox.control.seed({
      accounts: [{ AccountCD: "40300", Description: "EU subscriptions", Type: "Income", TaxCategory: "STANDARD" }],
      taxes: [
        { TaxID: "VAT20", TaxRate: 20, TaxType: "VAT", TaxPayableAccount: "23100" },
        { TaxID: "VAT05", TaxRate: 5, TaxType: "VAT" },
      ],
      taxZones: [{ TaxZoneID: "EU", taxes: ["VAT20", "VAT05"] }],
      taxCategories: [
        { TaxCategoryID: "STANDARD", taxes: ["VAT20"] },
        { TaxCategoryID: "REDUCED", taxes: ["VAT05"] },
        { TaxCategoryID: "EXEMPT", taxes: [] },
      ],
      customers: [{ CustomerID: "EUROCO", CustomerName: "Euro Co", CurrencyID: "EUR", TaxZone: "EU" }],
    });
  });

  it("computes tax details from the customer's zone and each line's category; tax is in the total and the balance", async () => {
    const created = await ok(
      "Invoice",
      invoice("EUROCO", "INV-T", [
        { Account: "40100", UnitPrice: 100, TaxCategory: "STANDARD" },
        { Account: "40100", UnitPrice: 50.05, TaxCategory: "STANDARD" },
        { Account: "40100", UnitPrice: 10, TaxCategory: "REDUCED" },
        { Account: "40100", UnitPrice: 7, TaxCategory: "EXEMPT" },
      ]),
      "TaxDetails",
    );
    const taxes = (created as { TaxDetails: Entity[] }).TaxDetails.map((t) => [val(t, "TaxID"), val(t, "TaxRate"), val(t, "TaxableAmount"), val(t, "TaxAmount")]);
    expect(taxes).toEqual([
      ["VAT20", 20, 150.05, 30.01],
      ["VAT05", 5, 10, 0.5],
    ]);
    expect([val(created, "TaxTotal"), val(created, "Amount")]).toEqual([30.51, 197.56]);
    const ref = String(val(created, "ReferenceNbr"));
    expect((await action("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: ref })).status).toBe(204);
    expect(val(await getInvoice("Invoice", ref), "Balance")).toBe(197.56);
  });

  it("takes a line's category from its account, so VAT sent as an ordinary line on a taxable account is taxed again", async () => {
    const created = await ok("Invoice", invoice("EUROCO", "INV-D", [{ Account: "40300", UnitPrice: 100 }, { Account: "40300", UnitPrice: 20, TransactionDescription: "Tax" }]), "Details,TaxDetails");
    expect((created as { Details: Entity[] }).Details.map((d) => val(d, "TaxCategory"))).toEqual(["STANDARD", "STANDARD"]);
    expect([val(created, "TaxTotal"), val(created, "Amount")]).toEqual([24, 144]);
  });

  it("keeps a tax amount sent in TaxDetails (the source's tax) and refuses a tax outside the zone", async () => {
    const kept = await ok("Invoice", invoice("EUROCO", "INV-K", [{ Account: "40100", UnitPrice: 100, TaxCategory: "STANDARD" }], { TaxDetails: [{ TaxID: "VAT20", TaxAmount: 19.99 }] }), "TaxDetails");
    expect([val(kept, "TaxTotal"), val(kept, "Amount")]).toEqual([19.99, 119.99]);
    acu.sandbox.control.seed({ taxes: [{ TaxID: "USSALES", TaxRate: 8 }] });
    const refused = await put("Invoice", invoice("EUROCO", "INV-U", [{ Account: "40100", UnitPrice: 100 }], { TaxDetails: [{ TaxID: "USSALES", TaxAmount: 8 }] }));
    expect(fieldError(refused.body, ["TaxDetails", 0, "TaxID"])).toBe("Tax ID 'USSALES' cannot be found in the system.");
  });

  it("a re-seeded tax zone replaces its taxes", async () => {
    acu.sandbox.control.seed({ taxZones: [{ TaxZoneID: "EU", taxes: ["VAT05"] }] });
    const zone = await checked("TaxZone", "GET", "/TaxZone/EU?$expand=ApplicableTaxes");
    expect((zone.body as { ApplicableTaxes: Entity[] }).ApplicableTaxes.map((t) => val(t, "TaxID"))).toEqual(["VAT05"]);
  });

  it("serves the tax set-up over the API", async () => {
    const zone = await checked("TaxZone", "GET", "/TaxZone/EU?$expand=ApplicableTaxes");
    expect((zone.body as { ApplicableTaxes: Entity[] }).ApplicableTaxes.map((t) => val(t, "TaxID"))).toEqual(["VAT20", "VAT05"]);
    const tax = await checked("Tax", "GET", "/Tax/VAT20?$expand=TaxSchedule");
    expect((tax.body as { TaxSchedule: Entity[] }).TaxSchedule.map((t) => val(t, "TaxRate"))).toEqual([20]);
  });
});

describe("reversing a released invoice", () => {
  it("ReverseInvoiceAndApplyToMemo creates a credit memo applied to it; releasing it zeroes the invoice", async () => {
    const inv = await releasedInvoice("ACME", "INV-C", 120);
    const res = await action("Invoice", "ReverseInvoiceAndApplyToMemo", { Type: "Invoice", ReferenceNbr: inv });
    expect(res.status).toBe(204);
    const memo = await checked("Invoice", "GET", `${String(res.headers.get("location")).replace(/^.*\/Invoice/, "/Invoice")}?$expand=Details,ApplicationsCreditMemo`);
    const m = memo.body as Entity & { ApplicationsCreditMemo: Entity[] };
    expect([val(m, "Type"), val(m, "Status"), val(m, "Amount"), val(m, "CustomerOrder")]).toEqual(["Credit Memo", "On Hold", 120, "INV-C"]);
    expect(m.ApplicationsCreditMemo.map((a) => [val(a, "ReferenceNbr"), val(a, "AmountPaid")])).toEqual([[inv, 120]]);
    const memoRef = String(val(m, "ReferenceNbr"));
    await ok("Invoice", wrap({ Type: "Credit Memo", ReferenceNbr: memoRef, Hold: false }));
    expect((await action("Invoice", "ReleaseInvoice", { Type: "Credit Memo", ReferenceNbr: memoRef })).status).toBe(204);
    expect([val(await getInvoice("Invoice", inv), "Balance"), val(await getInvoice("Invoice", inv), "Status")]).toEqual([0, "Closed"]);
  });

  it("ReverseInvoice alone leaves the memo unapplied", async () => {
    const inv = await releasedInvoice("ACME", "INV-D", 10);
    const res = await action("Invoice", "ReverseInvoice", { Type: "Invoice", ReferenceNbr: inv });
    expect(res.status).toBe(204);
    const memo = await acu.api("GET", `${String(res.headers.get("location")).replace(/^.*\/Invoice/, "/Invoice")}?$expand=ApplicationsCreditMemo`);
    expect((memo.body as { ApplicationsCreditMemo: Entity[] }).ApplicationsCreditMemo).toEqual([]);
  });
});

describe("balances for reconciliation", () => {
  it("reports each document's balance and each customer's open balance per currency over the control API", async () => {
    const inv = await releasedInvoice("ACME", "INV-B1", 100);
    await releasedInvoice("ACME", "INV-B2", 50);
    await releasedInvoice("EUROCO", "INV-B3", 70);
    const pay = await ok("Payment", wrap({ Type: "Payment", CustomerID: "ACME", PaymentAmount: 60, CashAccount: "10200", ExternalRef: "P-9", DocumentsToApply: [{ DocType: "Invoice", ReferenceNbr: inv, AmountPaid: 40 }] }));
    expect((await action("Payment", "ReleasePayment", { Type: "Payment", ReferenceNbr: String(val(pay, "ReferenceNbr")) })).status).toBe(204);
    await ok("Invoice", invoice("ACME", "INV-UNRELEASED", [{ Account: "40100", UnitPrice: 999 }]));
    const body = await createSandboxControlClient(acu.origin).acumatica.balances();
    expect(body.documents.find((d) => d.externalRef === "INV-B1")).toMatchObject({ entity: "Invoice", Balance: 60, Status: "Open", CurrencyID: "USD" });
    expect(body.documents.find((d) => d.externalRef === "P-9")).toMatchObject({ entity: "Payment", Balance: 20, Status: "Open" });
    const customers = Object.fromEntries(body.customers.map((c) => [`${c.CustomerID}/${c.CurrencyID}`, c.openBalance]));
    expect(customers).toEqual({ "ACME/USD": 90, "EUROCO/EUR": 70 });
  });
});
