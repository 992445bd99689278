import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadJsonSchemaValidator } from "../core/json-schema-validator";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, seedSmall, zuoraGet, zuoraPost, zuoraPut } from "./test-support";

/*
 * A processed payment afterwards: refunds of its unapplied amount, unapply, cancel (refund-routes.ts),
 * and the refunds in Object Query. Answers checked against our schemas (spec/refund*.schema.json).
 */

type Invoice = { id: string; invoiceNumber: string; balance: number; amount: number };
const reason = (body: Record<string, unknown>) => (body.reasons as { code: number; message: string }[] | undefined)?.[0];

describe("Zuora sandbox: refunds, unapply and cancel of payments", () => {
  let sandbox: RunningSandbox;
  let token: string;
  let account: string;
  let invoices: Invoice[];
  const refundSpec = loadJsonSchemaValidator(path.join(import.meta.dirname, "spec", "refund.schema.json"));
  const oqSpec = loadJsonSchemaValidator(path.join(import.meta.dirname, "spec", "refund-object-query.schema.json"));

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const { usd, charge } = await seedSmall(sandbox);
    account = usd.id;
    for (let i = 0; i < 4; i++) await sandbox.control.zuora.postInvoice({ account: usd.id, lines: [{ chargeId: charge.id, quantity: i + 1 }] });
    token = await getToken(sandbox);
    invoices = (await zuoraGet(sandbox, token, `/object-query/invoices?pageSize=10&sort[]=invoicenumber.ASC`)).body.data as Invoice[];
  }, 60_000);
  afterAll(() => sandbox.close());

  const pay = async (invoice: Invoice, extra: number, type: "External" | "Electronic" = "External") =>
    (await zuoraPost(sandbox, token, "/v1/payments", { accountId: account, type, amount: invoice.balance + extra, currency: "USD", invoices: [{ invoiceId: invoice.id, amount: invoice.balance }] })).body as { id: string; number: string };
  const invoice = async (id: string) => (await zuoraGet(sandbox, token, `/object-query/invoices/${id}`)).body as unknown as Invoice;

  it("the validators refuse a wrong shape (so a pass means something)", () => {
    expect(refundSpec.validate({ id: 1, amount: "ten" })).not.toEqual([]);
    expect(oqSpec.validate({ refundNumber: 5 })).not.toEqual([]);
  });

  it("refunds only the unapplied amount; an external refund needs methodType, an electronic one refuses it", async () => {
    const [first] = invoices as [Invoice];
    const payment = await pay(first, 25);
    const tooMuch = await zuoraPost(sandbox, token, `/v1/payments/${payment.number}/refunds`, { type: "External", totalAmount: 25.01, methodType: "Check" });
    expect(tooMuch.body.success).toBe(false);
    expect(reason(tooMuch.body)?.code).toBe(50000030);
    const noMethod = await zuoraPost(sandbox, token, `/v1/payments/${payment.number}/refunds`, { type: "External", totalAmount: 10 });
    expect(reason(noMethod.body)?.code).toBe(50000022);
    const electronicOfExternal = await zuoraPost(sandbox, token, `/v1/payments/${payment.number}/refunds`, { type: "Electronic", totalAmount: 10 });
    expect(reason(electronicOfExternal.body)?.code).toBe(50000030);

    const refund = await zuoraPost(sandbox, token, `/v1/payments/${payment.id}/refunds`, { type: "External", totalAmount: 25, methodType: "Check", reasonCode: "Overpayment" });
    expect(refund.body).toMatchObject({ success: true, paymentId: payment.id, amount: 25, type: "External", methodType: "Check", status: "Processed" });
    expect(refundSpec.validate(refund.body)).toEqual([]);
    expect((await zuoraGet(sandbox, token, `/v1/refunds/${String(refund.body.number)}`)).body).toMatchObject({ id: refund.body.id, paymentId: payment.id });
    const after = (await zuoraGet(sandbox, token, `/v1/payments/${payment.number}`)).body;
    expect(after).toMatchObject({ unappliedAmount: 0, refundAmount: 25, appliedAmount: first.balance, status: "Processed" });
    // the invoice it paid is untouched
    expect((await invoice(first.id)).balance).toBe(0);

    const listed = (await zuoraGet(sandbox, token, `/object-query/refunds?filter[]=refundnumber.EQ:${String(refund.body.number)}&expand[]=refundapplications&expand[]=account`)).body.data as Record<string, unknown>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ refundNumber: refund.body.number, amount: 25, currency: "USD", refundApplications: [{ paymentId: payment.id, applyAmount: 25 }], account: { id: account } });
    expect(oqSpec.validate(listed[0])).toEqual([]);
  });

  it("unapply gives the amount back to the invoice, which can then be refunded", async () => {
    const second = invoices[1]!;
    const payment = await pay(second, 0);
    expect((await invoice(second.id)).balance).toBe(0);
    const refused = await zuoraPut(sandbox, token, `/v1/payments/${payment.number}/unapply`, { invoices: [{ invoiceId: second.id, amount: second.balance + 1 }] });
    expect(reason(refused.body)?.code).toBe(50000030);
    const unapplied = await zuoraPut(sandbox, token, `/v1/payments/${payment.number}/unapply`, { invoices: [{ invoiceNumber: second.invoiceNumber, amount: 10 }] });
    expect(unapplied.body).toMatchObject({ success: true, unappliedAmount: 10, appliedAmount: second.balance - 10 });
    expect((await invoice(second.id)).balance).toBe(10);
    const refund = await zuoraPost(sandbox, token, `/v1/payments/${payment.number}/refunds`, { type: "External", totalAmount: 10, methodType: "WireTransfer" });
    expect(refund.body).toMatchObject({ success: true, amount: 10 });
  });

  it("cancel unapplies the payment from its invoices and marks it Canceled; a refunded payment cannot be canceled", async () => {
    const third = invoices[2]!;
    const payment = await pay(third, 0, "Electronic");
    const canceled = await zuoraPut(sandbox, token, `/v1/payments/${payment.number}/cancel`, {});
    expect(canceled.body).toMatchObject({ success: true, status: "Canceled", unappliedAmount: 0 });
    expect(canceled.body.cancelledOn).toEqual(expect.any(String));
    expect((await invoice(third.id)).balance).toBe(third.balance);
    const again = await zuoraPut(sandbox, token, `/v1/payments/${payment.number}/cancel`, {});
    expect(reason(again.body)?.code).toBe(50000030);

    const fourth = invoices[3]!;
    const overpaid = await pay(fourth, 5);
    await zuoraPost(sandbox, token, `/v1/payments/${overpaid.number}/refunds`, { type: "External", totalAmount: 5, methodType: "Check" });
    const refusedCancel = await zuoraPut(sandbox, token, `/v1/payments/${overpaid.number}/cancel`, {});
    expect(reason(refusedCancel.body)?.message).toMatch(/has refunds/);
  });

  it("without Invoice Settlement refunds, unapply and cancel answer that it is needed", async () => {
    await sandbox.control.zuora.updateSettings({ invoiceSettlement: false });
    try {
      const answer = await zuoraPut(sandbox, token, `/v1/payments/P-00000001/cancel`, {});
      expect(reason(answer.body)?.code).toBe(50000010);
    } finally {
      await sandbox.control.zuora.updateSettings({ invoiceSettlement: true });
    }
  });
});
