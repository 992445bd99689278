import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadJsonSchemaValidator } from "../core/json-schema-validator";
import type { RunningSandbox } from "../index";
import { firstPayments, getToken, payFirstOpenInvoice, requestToken, startContractSandbox, zuoraGet } from "./test-support";

/*
 * The sandbox's Zuora v1 answers checked against our own schemas of them (spec/*.schema.json, each
 * field with its source in Zuora's public reference). The check against Zuora's own Swagger documents
 * is swagger-contract.vendor-docs.test.ts (npm run test:vendor-docs).
 */

const schema = (name: string) => loadJsonSchemaValidator(path.join(import.meta.dirname, "spec", `${name}.schema.json`));

/** Headers every /v1 answer carries: Zuora's error-handling and rate-limit guides (docs/vendors/zuora.md). */
const V1_HEADERS = ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "Concurrency-Limit-Type", "Concurrency-Limit-Limit", "Concurrency-Limit-Remaining", "Zuora-Request-Id"];

describe("Zuora v1 answers match our schemas of Zuora's reference", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startContractSandbox();
    token = await getToken(sandbox);
  }, 120_000);
  afterAll(() => sandbox.close());

  it("the schemas catch a wrong shape (so a pass means something)", () => {
    expect(schema("invoice").validate({ success: true, id: "x", invoiceNumber: "INV1", accountId: "a", status: "Open", amount: true, invoiceDate: "2026-01-01" })).not.toEqual([]);
    expect(schema("payment").validate({ success: true, type: "Cash" })).not.toEqual([]);
    expect(schema("error").validate({ success: false, reasons: [{ code: "oops", message: "x" }] })).not.toEqual([]);
  });

  it("POST /oauth/token", async () => {
    const response = await requestToken(sandbox);
    expect(schema("oauth-token").validate(await response.json())).toEqual([]);
    expect(response.headers.has("Zuora-Request-Id")).toBe(true);
  });

  it("GET /v1/accounts/{account-key} for USD and EUR accounts", async () => {
    for (const key of ["A00000001", "A00000003"]) {
      const r = await zuoraGet(sandbox, token, `/v1/accounts/${key}`);
      expect(r.body.success).toBe(true);
      expect(schema("account").validate(r.body)).toEqual([]);
    }
  });

  it("GET /v1/invoices/{invoiceKey} and /items, by id and by number, with the v1 headers", async () => {
    const byNumber = await zuoraGet(sandbox, token, "/v1/invoices/INV00000003");
    const byId = await zuoraGet(sandbox, token, `/v1/invoices/${String(byNumber.body.id)}`);
    expect(byId.body).toEqual(byNumber.body);
    expect(schema("invoice").validate(byNumber.body)).toEqual([]);
    for (const header of V1_HEADERS) expect(byNumber.headers.has(header), header).toBe(true);
    const items = await zuoraGet(sandbox, token, "/v1/invoices/INV00000003/items?pageSize=1");
    expect((items.body.invoiceItems as unknown[]).length).toBe(1);
    expect(schema("invoice-items").validate(items.body)).toEqual([]);
  });

  it("GET /v1/payments/{paymentKey} (electronic and external), its parts, and POST /v1/payments", async () => {
    const payments = await firstPayments(sandbox, token);
    expect(payments.length).toBeGreaterThan(2);
    for (const { number, body } of payments) {
      expect(schema("payment").validate(body)).toEqual([]);
      expect(schema("payment-parts").validate((await zuoraGet(sandbox, token, `/v1/payments/${number}/parts`)).body)).toEqual([]);
    }
    expect(new Set(payments.map((p) => p.body.type))).toEqual(new Set(["Electronic", "External"]));
    const created = await payFirstOpenInvoice(sandbox, token);
    expect(created.body.success).toBe(true);
    expect(schema("payment-create").validate(created.body)).toEqual([]);
  });

  it("GET /v1/creditmemos/{creditMemoKey} and /items", async () => {
    const memo = await zuoraGet(sandbox, token, "/v1/creditmemos/CM00000001");
    expect(memo.body.success).toBe(true);
    expect(schema("credit-memo").validate(memo.body)).toEqual([]);
    expect(schema("credit-memo-items").validate((await zuoraGet(sandbox, token, "/v1/creditmemos/CM00000001/items")).body)).toEqual([]);
  });

  it("answers an unknown key with success:false and a not-found code", async () => {
    const r = await zuoraGet(sandbox, token, "/v1/invoices/INV99999999");
    expect(r.body).toMatchObject({ success: false, reasons: [{ code: 50000040 }] });
    expect(schema("error").validate(r.body)).toEqual([]);
  });
});
