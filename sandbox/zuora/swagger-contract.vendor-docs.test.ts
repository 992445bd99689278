import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSwaggerValidator } from "../core/swagger-validator";
import { vendorSpecsDir } from "../core/vendor-specs-dir";
import type { RunningSandbox } from "../index";
import { firstPayments, getToken, payFirstOpenInvoice, requestToken, startContractSandbox, zuoraGet, zuoraPost, zuoraPut } from "./test-support";

/*
 * The sandbox's Zuora v1 answers checked against Zuora's own Swagger 2.0 documents, which the
 * repository does not hold (no licence stated): `npm run test:vendor-docs` with VENDOR_SPECS_DIR
 * (CI: .ci/run). `npm test` checks the same answers against our schemas (contract.int.test.ts).
 */

/** Read when the file loads, so without VENDOR_SPECS_DIR the file fails outright instead of reporting skipped tests. */
const SPECS = vendorSpecsDir("zuora");
const spec = (name: string) => loadSwaggerValidator(path.join(SPECS, `zuora-${name}.swagger2.yml`));

describe("Zuora v1 answers match Zuora's Swagger documents", () => {
  let sandbox: RunningSandbox;
  let token: string;
  let specs: Record<"oauth" | "accounts" | "invoices" | "payments" | "creditMemos", Awaited<ReturnType<typeof spec>>>;
  beforeAll(async () => {
    sandbox = await startContractSandbox();
    token = await getToken(sandbox);
    const [oauth, accounts, invoices, payments, creditMemos] = await Promise.all([spec("oauth"), spec("accounts"), spec("invoices"), spec("payments"), spec("credit-memos")]);
    specs = { oauth, accounts, invoices, payments, creditMemos };
  }, 120_000);
  afterAll(() => sandbox.close());

  it("the validator catches a wrong shape (so a pass means something)", () => {
    expect(specs.invoices.validate({ path: "/v1/invoices/{invoiceKey}", method: "get" }, { status: "Open", amount: true })).not.toEqual([]);
    expect(specs.payments.validate({ path: "/v1/payments/{paymentKey}", method: "get" }, { type: "Cash" })).not.toEqual([]);
  });

  it("POST /oauth/token", async () => {
    const response = await requestToken(sandbox);
    expect(specs.oauth.validate({ path: "/oauth/token", method: "post" }, await response.json())).toEqual([]);
    for (const header of specs.oauth.documentedHeaders({ path: "/oauth/token", method: "post" })) {
      if (header !== "Zuora-Track-Id") expect(response.headers.has(header), header).toBe(true);
    }
  });

  it("GET /v1/accounts/{account-key} for USD and EUR accounts", async () => {
    for (const key of ["A00000001", "A00000003"]) {
      const r = await zuoraGet(sandbox, token, `/v1/accounts/${key}`);
      expect(r.body.success).toBe(true);
      expect(specs.accounts.validate({ path: "/v1/accounts/{account-key}", method: "get" }, r.body)).toEqual([]);
    }
  });

  it("GET /v1/invoices/{invoiceKey} and /items, by id and by number", async () => {
    const byNumber = await zuoraGet(sandbox, token, "/v1/invoices/INV00000003");
    const byId = await zuoraGet(sandbox, token, `/v1/invoices/${String(byNumber.body.id)}`);
    expect(byId.body).toEqual(byNumber.body);
    expect(specs.invoices.validate({ path: "/v1/invoices/{invoiceKey}", method: "get" }, byNumber.body)).toEqual([]);
    for (const header of ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Zuora-Request-Id"]) {
      expect(specs.invoices.documentedHeaders({ path: "/v1/invoices/{invoiceKey}", method: "get" })).toContain(header);
      expect(byNumber.headers.has(header), header).toBe(true);
    }
    const items = await zuoraGet(sandbox, token, "/v1/invoices/INV00000003/items?pageSize=1");
    expect((items.body.invoiceItems as unknown[]).length).toBe(1);
    expect(specs.invoices.validate({ path: "/v1/invoices/{invoiceKey}/items", method: "get" }, items.body)).toEqual([]);
  });

  it("GET /v1/payments/{paymentKey} (electronic and external) and POST /v1/payments", async () => {
    const payments = await firstPayments(sandbox, token);
    expect(payments.length).toBeGreaterThan(2);
    for (const { body } of payments) expect(specs.payments.validate({ path: "/v1/payments/{paymentKey}", method: "get" }, body)).toEqual([]);
    expect(new Set(payments.map((p) => p.body.type))).toEqual(new Set(["Electronic", "External"]));
    const created = await payFirstOpenInvoice(sandbox, token);
    expect(created.body.success).toBe(true);
    expect(specs.payments.validate({ path: "/v1/payments", method: "post" }, created.body)).toEqual([]);
  });

  it("GET /v1/payments/{paymentKey}/parts", async () => {
    const parts = await zuoraGet(sandbox, token, "/v1/payments/P-00000001/parts?pageSize=2");
    expect(parts.status).toBe(200);
    expect(specs.payments.validate({ path: "/v1/payments/{paymentKey}/parts", method: "get" }, parts.body)).toEqual([]);
    expect(specs.payments.validate({ path: "/v1/payments/{paymentKey}/parts", method: "get" }, { parts: [{ amount: "ten", invoiceId: 3 }] })).not.toEqual([]);
  });

  it("POST /v1/payments/{paymentKey}/refunds, PUT /v1/payments/{paymentKey}/unapply and /cancel", async () => {
    const created = await payFirstOpenInvoice(sandbox, token);
    const number = String(created.body.number);
    const invoiceId = (await zuoraGet(sandbox, token, `/v1/payments/${number}/parts`)).body.parts as { invoiceId: string; amount: number }[];
    const unapplied = await zuoraPut(sandbox, token, `/v1/payments/${number}/unapply`, { invoices: [{ invoiceId: invoiceId[0]!.invoiceId, amount: 1 }] });
    expect(unapplied.body.success).toBe(true);
    expect(specs.payments.validate({ path: "/v1/payments/{paymentKey}/unapply", method: "put" }, unapplied.body)).toEqual([]);
    const refund = await zuoraPost(sandbox, token, `/v1/payments/${number}/refunds`, { type: "External", totalAmount: 1, methodType: "Check" });
    expect(refund.body.success).toBe(true);
    expect(specs.payments.validate({ path: "/v1/payments/{paymentKey}/refunds", method: "post" }, refund.body)).toEqual([]);
    const other = await payFirstOpenInvoice(sandbox, token);
    const canceled = await zuoraPut(sandbox, token, `/v1/payments/${String(other.body.number)}/cancel`, {});
    expect(canceled.body).toMatchObject({ success: true, status: "Canceled" });
    expect(specs.payments.validate({ path: "/v1/payments/{paymentKey}/cancel", method: "put" }, canceled.body)).toEqual([]);
  });

  it("GET /v1/creditmemos/{creditMemoKey} and its /v1/credit-memos alias", async () => {
    const memo = await zuoraGet(sandbox, token, "/v1/creditmemos/CM00000001");
    expect(memo.body.success).toBe(true);
    expect(specs.creditMemos.validate({ path: "/v1/creditmemos/{creditMemoKey}", method: "get" }, memo.body)).toEqual([]);
    expect((await zuoraGet(sandbox, token, "/v1/credit-memos/CM00000001")).body).toEqual(memo.body);
    const items = await zuoraGet(sandbox, token, "/v1/creditmemos/CM00000001/items");
    expect(specs.creditMemos.validate({ path: "/v1/creditmemos/{creditMemoKey}/items", method: "get" }, items.body)).toEqual([]);
  });

  it("answers an unknown key with success:false and a not-found code", async () => {
    const r = await zuoraGet(sandbox, token, "/v1/invoices/INV99999999");
    expect(r.body).toMatchObject({ success: false, reasons: [{ code: 50000040 }] });
    expect(specs.invoices.validate({ path: "/v1/invoices/{invoiceKey}", method: "get" }, r.body)).toEqual([]);
  });
});
