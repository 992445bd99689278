/**
 * Contract tests of customer refunds and voided payments (refunds.ts): a refund takes a payment's
 * unapplied balance (never more), a void reverses a payment's applications and leaves a Voided Payment
 * document to release, and a refunded payment cannot be voided. Bodies and answers validate against
 * Acumatica's OpenAPI document of Default/24.200.001.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadSpecValidator } from "./spec-validator";
import { startAcumatica, type TestAcumatica, val, wrap } from "./test-server";

const spec = loadSpecValidator();
let acu: TestAcumatica;
type Entity = Record<string, unknown>;

const send = async (entity: string, method: string, path: string, body?: Entity) => {
  if (body) expect(spec.errors(entity, body), `request ${entity}`).toEqual([]);
  const res = await acu.api(method, path, body);
  if (res.status === 200 || res.status === 422) for (const item of Array.isArray(res.body) ? res.body : [res.body]) expect(spec.errors(entity, item), `response ${entity}`).toEqual([]);
  return res;
};
const ok = async (entity: string, body: Entity) => {
  const res = await send(entity, "PUT", `/${entity}`, body);
  expect(res.status, res.text).toBe(200);
  return res.body as Entity;
};
const action = (entity: string, name: string, keys: Record<string, unknown>) => send(entity, "POST", `/${entity}/${name}`, { entity: wrap(keys) });
const payment = async (type: string, ref: string) => (await send("Payment", "GET", `/Payment/${encodeURIComponent(type)}/${ref}`)).body as Entity;
const invoiceBalance = async (ref: string) => val((await send("Invoice", "GET", `/Invoice/Invoice/${ref}`)).body, "Balance");

/** A released invoice of `amount` and a released payment of `paid` applied to it for `amount`. */
const paidInvoice = async (amount: number, paid: number) => {
  const inv = await ok("Invoice", wrap({ Type: "Invoice", Customer: "ACME", Date: "2024-05-10T00:00:00+00:00", Hold: false, Details: [{ Account: "40100", UnitPrice: amount }] }));
  const invRef = String(val(inv, "ReferenceNbr"));
  expect((await action("Invoice", "ReleaseInvoice", { Type: "Invoice", ReferenceNbr: invRef })).status).toBe(204);
  const pay = await ok(
    "Payment",
    wrap({ Type: "Payment", CustomerID: "ACME", ApplicationDate: "2024-05-12T00:00:00+00:00", PaymentAmount: paid, CashAccount: "10200", ExternalRef: `P-${invRef}`, DocumentsToApply: [{ DocType: "Invoice", ReferenceNbr: invRef, AmountPaid: amount }] }),
  );
  const payRef = String(val(pay, "ReferenceNbr"));
  expect((await action("Payment", "ReleasePayment", { Type: "Payment", ReferenceNbr: payRef })).status).toBe(204);
  return { invRef, payRef };
};
const refund = (payRef: string, amount: number, applied = amount) =>
  send("Payment", "PUT", "/Payment", wrap({ Type: "Refund", CustomerID: "ACME", ApplicationDate: "2024-05-14T00:00:00+00:00", PaymentAmount: amount, CashAccount: "10200", ExternalRef: `R-${payRef}`, DocumentsToApply: [{ DocType: "Payment", ReferenceNbr: payRef, AmountPaid: applied }] }));

beforeAll(async () => {
  acu = await startAcumatica({ now: () => new Date("2024-05-15T12:00:00Z"), actionPolls: 0, actionMs: 0 });
});
afterAll(() => acu.close());
beforeEach(() => {
  acu.sandbox.control.reset();
  acu.forgetToken();
  acu.sandbox.control.seed({ customers: [{ CustomerID: "ACME", CustomerName: "Acme Corp", CurrencyID: "USD" }, { CustomerID: "GLOBEX", CustomerName: "Globex", CurrencyID: "USD" }] });
});

describe("customer refunds (Type Refund)", () => {
  it("takes the payment's available balance: the payment closes, the customer's credit is gone", async () => {
    const { payRef } = await paidInvoice(100, 130);
    expect(val(await payment("Payment", payRef), "AvailableBalance")).toBe(30);
    const created = await refund(payRef, 30);
    expect(created.status, created.text).toBe(200);
    const refRef = String(val(created.body, "ReferenceNbr"));
    expect(val(created.body, "Status")).toBe("Balanced");
    expect((await action("Payment", "ReleasePayment", { Type: "Refund", ReferenceNbr: refRef })).status).toBe(204);
    expect(await payment("Payment", payRef)).toMatchObject({ AvailableBalance: { value: 0 }, Status: { value: "Closed" } });
    expect(await payment("Refund", refRef)).toMatchObject({ Status: { value: "Closed" }, PaymentAmount: { value: 30 } });
    const { customers } = acu.sandbox.control.balances();
    expect(customers.find((c) => c.CustomerID === "ACME")?.openBalance).toBe(0);
  });

  it("refuses more than the payment has available, a payment of another customer, and an invoice", async () => {
    const { invRef, payRef } = await paidInvoice(100, 130);
    const tooMuch = await refund(payRef, 40);
    expect(tooMuch.status).toBe(422);
    expect(JSON.stringify(tooMuch.body)).toContain("exceeds the balance of the document (30)");
    const other = await send("Payment", "PUT", "/Payment", wrap({ Type: "Refund", CustomerID: "GLOBEX", PaymentAmount: 10, CashAccount: "10200", DocumentsToApply: [{ DocType: "Payment", ReferenceNbr: payRef, AmountPaid: 10 }] }));
    expect(other.status).toBe(422);
    const toInvoice = await send("Payment", "PUT", "/Payment", wrap({ Type: "Refund", CustomerID: "ACME", PaymentAmount: 10, CashAccount: "10200", DocumentsToApply: [{ DocType: "Invoice", ReferenceNbr: invRef, AmountPaid: 10 }] }));
    expect(toInvoice.status).toBe(422);
    expect(JSON.stringify(toInvoice.body)).toContain("only to a payment, a prepayment or a credit memo");
  });

  it("a refund not applied in full is not released", async () => {
    const { payRef } = await paidInvoice(100, 130);
    const created = await refund(payRef, 30, 20);
    expect(created.status, created.text).toBe(200);
    const release = await action("Payment", "ReleasePayment", { Type: "Refund", ReferenceNbr: String(val(created.body, "ReferenceNbr")) });
    expect(release.status).toBe(422);
    expect(val(await payment("Payment", payRef), "AvailableBalance")).toBe(30);
  });
});

describe("VoidPayment", () => {
  it("reverses the applications (the invoice is open again), the payment is Voided and a Voided Payment with its number is released", async () => {
    const { invRef, payRef } = await paidInvoice(100, 100);
    expect(await invoiceBalance(invRef)).toBe(0);
    expect((await action("Payment", "VoidPayment", { Type: "Payment", ReferenceNbr: payRef })).status).toBe(204);
    expect(await invoiceBalance(invRef)).toBe(100);
    expect(val(await payment("Payment", payRef), "Status")).toBe("Voided");
    expect(await payment("Voided Payment", payRef)).toMatchObject({ Status: { value: "Balanced" }, PaymentAmount: { value: -100 } });
    expect((await action("Payment", "ReleasePayment", { Type: "Voided Payment", ReferenceNbr: payRef })).status).toBe(204);
    expect(val(await payment("Voided Payment", payRef), "Status")).toBe("Closed");
    expect(acu.sandbox.control.balances().customers.find((c) => c.CustomerID === "ACME")?.openBalance).toBe(100);
    // a second void, and a Voided Payment entered by hand, are refused
    expect((await action("Payment", "VoidPayment", { Type: "Payment", ReferenceNbr: payRef })).status).toBe(422);
    expect((await send("Payment", "PUT", "/Payment", wrap({ Type: "Voided Payment", CustomerID: "ACME", PaymentAmount: 5 }))).status).toBe(422);
  });

  it("a refunded payment cannot be voided", async () => {
    const { invRef, payRef } = await paidInvoice(100, 130);
    const created = await refund(payRef, 30);
    await action("Payment", "ReleasePayment", { Type: "Refund", ReferenceNbr: String(val(created.body, "ReferenceNbr")) });
    const voided = await action("Payment", "VoidPayment", { Type: "Payment", ReferenceNbr: payRef });
    expect(voided.status).toBe(422);
    expect(voided.text).toContain("has been refunded");
    expect(await invoiceBalance(invRef)).toBe(0);
  });
});
