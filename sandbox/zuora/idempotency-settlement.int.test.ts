import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, seedSmall, zuoraGet, zuoraPost } from "./test-support";

describe("Zuora Idempotency-Key on POST /v1/payments", () => {
  let sandbox: RunningSandbox;
  let token: string;
  let accountId: string;
  let invoiceId: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const { usd, charge } = await seedSmall(sandbox);
    accountId = usd.id;
    invoiceId = (await sandbox.control.zuora.postInvoice({ account: usd.accountNumber, lines: [{ chargeId: charge.id, quantity: 10 }] })).id;
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const payment = (amount: number) => ({ accountId, type: "External", amount, currency: "USD", referenceId: "CHK-1001", invoices: [{ invoiceId, amount }] });

  it("replays the first answer for the same key and creates one payment", async () => {
    const first = await zuoraPost(sandbox, token, "/v1/payments", payment(100), { "Idempotency-Key": "pay-1" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, type: "External", status: "Processed", amount: 100 });
    const again = await zuoraPost(sandbox, token, "/v1/payments", payment(100), { "Idempotency-Key": "pay-1" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("zuora-request-id")).not.toBe(first.headers.get("zuora-request-id"));
    const stats = await sandbox.control.zuora.stats();
    expect(stats.payments).toBe(1);
    const invoice = await zuoraGet(sandbox, token, `/v1/invoices/${invoiceId}`);
    expect(invoice.body.balance).toBe(400);
  });

  it("stores failures too: a replay of a rejected request is rejected the same way", async () => {
    const first = await zuoraPost(sandbox, token, "/v1/payments", payment(10_000), { "Idempotency-Key": "pay-too-much" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: false });
    const again = await zuoraPost(sandbox, token, "/v1/payments", payment(10), { "Idempotency-Key": "pay-too-much" });
    expect(again.body).toEqual(first.body);
  });

  it("answers 409 while the first request with the key is still in flight", async () => {
    await sandbox.control.faults.set({ rules: [{ vendor: "zuora", method: "POST", path: "/v1/payments", times: 1, action: { kind: "latency", ms: 400 } }] });
    const slow = zuoraPost(sandbox, token, "/v1/payments", payment(50), { "Idempotency-Key": "pay-2" });
    await new Promise((r) => setTimeout(r, 100));
    const concurrent = await zuoraPost(sandbox, token, "/v1/payments", payment(50), { "Idempotency-Key": "pay-2" });
    expect(concurrent.status).toBe(409);
    expect(concurrent.body).toMatchObject({ success: false });
    expect((await slow).status).toBe(200);
    const after = await zuoraPost(sandbox, token, "/v1/payments", payment(50), { "Idempotency-Key": "pay-2" });
    expect(after.body).toEqual((await slow).body);
    await sandbox.control.faults.clear();
  });

  it("answers 422 when the key comes back with another URL or method", async () => {
    const otherUrl = await zuoraPost(sandbox, token, "/v1/payments?dryRun=true", payment(1), { "Idempotency-Key": "pay-1" });
    expect(otherUrl.status).toBe(422);
    const otherMethod = await fetch(`${sandbox.zuoraBaseUrl}/v1/payments`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "Idempotency-Key": "pay-1" },
      body: "{}",
    });
    expect(otherMethod.status).toBe(422);
  });

  it("keeps the answer when the connection drops after the work: the retry with the key gets the payment, not a second one", async () => {
    await sandbox.control.faults.set({ rules: [{ vendor: "zuora", method: "POST", path: "/v1/payments", times: 1, action: { kind: "drop", when: "after" } }] });
    const before = (await sandbox.control.zuora.stats()).payments ?? 0;
    await expect(zuoraPost(sandbox, token, "/v1/payments", payment(25), { "Idempotency-Key": "pay-3" })).rejects.toThrow();
    const retry = await zuoraPost(sandbox, token, "/v1/payments", payment(25), { "Idempotency-Key": "pay-3" });
    expect(retry.body).toMatchObject({ success: true, amount: 25 });
    expect((await sandbox.control.zuora.stats()).payments).toBe(before + 1);
    await sandbox.control.faults.clear();
  });
});

describe("Zuora tenant without Invoice Settlement", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, zuora: { invoiceSettlement: false } });
    await seedSmall(sandbox);
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it("posts invoices and payments in a bill run but no credit memos", async () => {
    const run = await sandbox.control.zuora.billRun({ invoices: 20, creditMemoRate: 1, electronicPaymentRate: 0.5, externalPaymentRate: 0.5, seed: 3 });
    expect(run.invoices).toHaveLength(20);
    expect(run.creditMemos).toHaveLength(0);
    expect(run.payments.length).toBeGreaterThan(0);
  });

  it("answers the payment and credit-memo endpoints with Zuora's feature error", async () => {
    for (const path of ["/v1/payments/P-00000001", "/v1/creditmemos/CM00000001", "/v1/credit-memos/CM00000001"]) {
      const r = await zuoraGet(sandbox, token, path);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ success: false, reasons: [{ code: 50000010 }] });
    }
    const post = await zuoraPost(sandbox, token, "/v1/payments", { type: "External", amount: 1, currency: "USD" });
    expect(post.body).toMatchObject({ success: false, reasons: [{ code: 50000010 }] });
  });

  it("still serves invoices and lists payments through Object Query, and has no credit memos", async () => {
    expect((await zuoraGet(sandbox, token, "/v1/invoices/INV00000001")).body).toMatchObject({ success: true });
    const payments = await zuoraGet(sandbox, token, "/object-query/payments?pageSize=99");
    expect((payments.body.data as unknown[]).length).toBeGreaterThan(0);
    const memos = await zuoraGet(sandbox, token, "/object-query/credit-memos?pageSize=99");
    expect(memos.body.data).toEqual([]);
  });

  it("switches on per tenant through the control API", async () => {
    await sandbox.control.zuora.updateSettings({ invoiceSettlement: true });
    expect((await zuoraGet(sandbox, token, "/v1/payments/P-00000001")).body).toMatchObject({ success: true, number: "P-00000001" });
  });
});
