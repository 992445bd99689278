import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadJsonSchemaValidator } from "../core/json-schema-validator";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, seedSmall, zuoraGet, zuoraPost } from "./test-support";

/*
 * GET /v1/payments/{paymentKey}/parts checked against our schema of Zuora's answer (spec/payment-parts.schema.json);
 * against Zuora's own Swagger document in swagger-contract.vendor-docs.test.ts.
 */

describe("GET /v1/payments/{paymentKey}/parts", () => {
  let sandbox: RunningSandbox;
  let token: string;
  let spec: ReturnType<typeof loadJsonSchemaValidator>;
  let invoices: { id: string; balance: number }[];
  let account: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const { usd, charge } = await seedSmall(sandbox);
    account = usd.id;
    for (let i = 0; i < 3; i++) await sandbox.control.zuora.postInvoice({ account: usd.id, lines: [{ chargeId: charge.id, quantity: i + 1 }] });
    token = await getToken(sandbox);
    spec = loadJsonSchemaValidator(path.join(import.meta.dirname, "spec", "payment-parts.schema.json"));
    invoices = (await zuoraGet(sandbox, token, `/object-query/invoices?pageSize=10&sort[]=invoicenumber.ASC`)).body.data as { id: string; balance: number }[];
  }, 60_000);
  afterAll(() => sandbox.close());

  it("the validator refuses a wrong shape (so a pass means something)", () => {
    expect(spec.validate({ parts: [{ amount: "ten", invoiceId: 3 }] })).not.toEqual([]);
  });

  it("lists one part per invoice applied and the unapplied rest, by id or number, paged with nextPage", async () => {
    const [a, b] = invoices as [(typeof invoices)[number], (typeof invoices)[number]];
    const created = await zuoraPost(sandbox, token, "/v1/payments", {
      accountId: account,
      type: "External",
      amount: a.balance + b.balance + 7,
      currency: "USD",
      invoices: [
        { invoiceId: a.id, amount: a.balance },
        { invoiceId: b.id, amount: b.balance },
      ],
    });
    expect(created.body.success).toBe(true);
    const byNumber = await zuoraGet(sandbox, token, `/v1/payments/${String(created.body.number)}/parts`);
    expect(byNumber.status).toBe(200);
    expect(spec.validate(byNumber.body)).toEqual([]);
    const parts = byNumber.body.parts as { id: string; invoiceId: string | null; debitMemoId: string | null; amount: number }[];
    expect(parts.map((p) => [p.invoiceId, p.amount])).toEqual([
      [a.id, a.balance],
      [b.id, b.balance],
      [null, 7],
    ]);
    expect(new Set(parts.map((p) => p.id)).size).toBe(3);
    expect(byNumber.body.nextPage).toBeUndefined();
    expect((await zuoraGet(sandbox, token, `/v1/payments/${String(created.body.id)}/parts`)).body).toEqual(byNumber.body);

    const first = await zuoraGet(sandbox, token, `/v1/payments/${String(created.body.number)}/parts?pageSize=2`);
    expect(spec.validate(first.body)).toEqual([]);
    expect((first.body.parts as unknown[]).length).toBe(2);
    const next = String(first.body.nextPage);
    expect(next).toMatch(/\/v1\/payments\/P-\d+\/parts\?page=2&pageSize=2$/);
    const second = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
    expect(((await second.json()) as { parts: { id: string }[] }).parts.map((p) => p.id)).toEqual([parts[2]!.id]);
  });

  it("answers an unknown payment with success:false, a bad pageSize with 400, and needs Invoice Settlement", async () => {
    expect((await zuoraGet(sandbox, token, "/v1/payments/P-99999999/parts")).body).toMatchObject({ success: false, reasons: [{ code: 50000040 }] });
    expect((await zuoraGet(sandbox, token, "/v1/payments/P-00000001/parts?pageSize=41")).status).toBe(400);
    await sandbox.control.zuora.updateSettings({ invoiceSettlement: false });
    const off = await zuoraGet(sandbox, token, "/v1/payments/P-00000001/parts");
    expect(off.body).toMatchObject({ success: false, reasons: [{ code: 50000010 }] });
    await sandbox.control.zuora.updateSettings({ invoiceSettlement: true });
  });
});
