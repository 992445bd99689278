import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadJsonSchemaValidator } from "../core/json-schema-validator";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, zuoraGet, zuoraPost } from "./test-support";

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
    sandbox = await startSandbox({ port: 0, demo: { accounts: 12 } });
    await sandbox.control.zuora.billRun({ invoices: 30, electronicPaymentRate: 0.4, externalPaymentRate: 0.4, creditMemoRate: 0.3, seed: 2 });
    token = await getToken(sandbox);
  }, 120_000);
  afterAll(() => sandbox.close());

  it("the schemas catch a wrong shape (so a pass means something)", () => {
    expect(schema("invoice").validate({ success: true, id: "x", invoiceNumber: "INV1", accountId: "a", status: "Open", amount: true, invoiceDate: "2026-01-01" })).not.toEqual([]);
    expect(schema("payment").validate({ success: true, type: "Cash" })).not.toEqual([]);
    expect(schema("error").validate({ success: false, reasons: [{ code: "oops", message: "x" }] })).not.toEqual([]);
  });

  it("POST /oauth/token", async () => {
    const { clientId, clientSecret } = sandbox.credentials.zuora;
    const response = await fetch(`${sandbox.zuoraBaseUrl}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" }),
    });
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
    const stats = await sandbox.control.zuora.stats();
    expect(stats.payments).toBeGreaterThan(2);
    const types = new Set<string>();
    for (let n = 1; n <= Math.min(stats.payments ?? 0, 8); n += 1) {
      const r = await zuoraGet(sandbox, token, `/v1/payments/P-${String(n).padStart(8, "0")}`);
      types.add(String(r.body.type));
      expect(schema("payment").validate(r.body)).toEqual([]);
      expect(schema("payment-parts").validate((await zuoraGet(sandbox, token, `/v1/payments/P-${String(n).padStart(8, "0")}/parts`)).body)).toEqual([]);
    }
    expect(types).toEqual(new Set(["Electronic", "External"]));
    const open = (await zuoraGet(sandbox, token, `/object-query/invoices?pageSize=1&filter[]=balance.GT:0`)).body.data as { id: string; accountId: string; balance: number; currency: string }[];
    const invoice = open[0]!;
    const created = await zuoraPost(sandbox, token, "/v1/payments", {
      accountId: invoice.accountId,
      type: "External",
      amount: invoice.balance,
      currency: invoice.currency,
      invoices: [{ invoiceId: invoice.id, amount: invoice.balance }],
    });
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
