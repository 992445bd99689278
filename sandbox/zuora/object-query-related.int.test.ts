import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, seedSmall, zuoraGet, zuoraPost } from "./test-support";

/* GET /object-query/payment-applications, /invoice-items and /products (related objects a poll page reads in one call). */

type Application = { id: string; paymentId: string; invoiceId?: string; applyAmount: number; effectiveDate: string; paymentApplicationStatus: string };

describe("Object Query payment applications and products", () => {
  let sandbox: RunningSandbox;
  let token: string;
  let payments: { id: string; invoices: { invoiceId: string; amount: number }[] }[];
  let productId: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const { usd, charge } = await seedSmall(sandbox);
    const invoices = [];
    for (let i = 0; i < 3; i++) invoices.push(await sandbox.control.zuora.postInvoice({ account: usd.id, lines: [{ chargeId: charge.id, quantity: i + 1 }] }));
    token = await getToken(sandbox);
    const [a, b, c] = invoices as [(typeof invoices)[number], (typeof invoices)[number], (typeof invoices)[number]];
    const plan = [[{ invoiceId: a.id, amount: a.amount }, { invoiceId: b.id, amount: 10 }], [{ invoiceId: c.id, amount: c.amount }], []];
    payments = [];
    for (const invoicesPaid of plan) {
      const created = await zuoraPost(sandbox, token, "/v1/payments", { accountId: usd.id, type: "External", amount: invoicesPaid.reduce((s, x) => s + x.amount, 0) + 5, currency: "USD", invoices: invoicesPaid });
      expect(created.body.success).toBe(true);
      payments.push({ id: String(created.body.id), invoices: invoicesPaid });
    }
    const page = await zuoraGet(sandbox, token, `/object-query/invoices?pageSize=1&expand[]=invoiceitems`);
    productId = String((page.body.data as { invoiceItems: { productId: string }[] }[])[0]!.invoiceItems[0]!.productId);
  }, 60_000);
  afterAll(() => sandbox.close());

  it("lists the applications of several payments in one call (paymentid.IN), one per invoice applied, as the parts say", async () => {
    const ids = payments.map((p) => p.id);
    const r = await zuoraGet(sandbox, token, `/object-query/payment-applications?pageSize=99&filter[]=${encodeURIComponent(`paymentid.IN:[${ids.join(",")}]`)}`);
    expect(r.status).toBe(200);
    const rows = r.body.data as Application[];
    expect(r.body.nextPage).toBeUndefined();
    for (const p of payments) {
      const mine = rows.filter((x) => x.paymentId === p.id);
      expect(mine.map((x) => ({ invoiceId: x.invoiceId, amount: x.applyAmount }))).toEqual(expect.arrayContaining(p.invoices.map((i) => ({ invoiceId: i.invoiceId, amount: i.amount }))));
      expect(mine).toHaveLength(p.invoices.length);
      const parts = (await zuoraGet(sandbox, token, `/v1/payments/${p.id}/parts`)).body.parts as { invoiceId?: string | null; amount: number }[];
      expect(mine.map((x) => [x.invoiceId, x.applyAmount]).sort()).toEqual(parts.filter((x) => x.invoiceId).map((x) => [x.invoiceId, x.amount]).sort());
    }
    const one = rows[0]!;
    expect((await zuoraGet(sandbox, token, `/object-query/payment-applications/${one.id}`)).body).toMatchObject({ id: one.id, paymentId: one.paymentId, applyAmount: one.applyAmount });
    // paged like every Object Query list
    const first = await zuoraGet(sandbox, token, `/object-query/payment-applications?pageSize=2&filter[]=${encodeURIComponent(`paymentid.IN:[${ids.join(",")}]`)}`);
    expect((first.body.data as unknown[]).length).toBe(2);
    expect(first.body.nextPage).toBeTypeOf("string");
  });

  it("has no payment applications without Invoice Settlement", async () => {
    await sandbox.control.zuora.updateSettings({ invoiceSettlement: false });
    try {
      expect((await zuoraGet(sandbox, token, `/object-query/payment-applications?pageSize=99`)).body.data).toEqual([]);
    } finally {
      await sandbox.control.zuora.updateSettings({ invoiceSettlement: true });
    }
  });

  it("reads the product an expanded invoice item names", async () => {
    const r = await zuoraGet(sandbox, token, `/object-query/products?filter[]=${encodeURIComponent(`id.IN:[${productId}]`)}`);
    expect(r.body.data).toEqual([{ id: productId, name: "Platform" }]);
    expect((await zuoraGet(sandbox, token, `/object-query/products?filter[]=${encodeURIComponent("bogus.EQ:1")}`)).status).toBe(400);
  });

  it("lists the items of several invoices in one call (invoiceid.IN), as v1 lists them, with their productId", async () => {
    const invoices = (await zuoraGet(sandbox, token, `/object-query/invoices?pageSize=2`)).body.data as { id: string }[];
    const r = await zuoraGet(sandbox, token, `/object-query/invoice-items?pageSize=99&filter[]=${encodeURIComponent(`invoiceid.IN:[${invoices.map((i) => i.id).join(",")}]`)}`);
    expect(r.status).toBe(200);
    const rows = r.body.data as { id: string; invoiceId: string; chargeName: string; chargeAmount: number; productId: string }[];
    for (const inv of invoices) {
      const v1 = (await zuoraGet(sandbox, token, `/v1/invoices/${inv.id}/items`)).body.invoiceItems as { id: string; chargeName: string; chargeAmount: number }[];
      expect(rows.filter((x) => x.invoiceId === inv.id).map((x) => [x.id, x.chargeName, x.chargeAmount])).toEqual(v1.map((x) => [x.id, x.chargeName, x.chargeAmount]));
    }
    expect(new Set(rows.map((x) => x.productId))).toEqual(new Set([productId]));
  });
});
