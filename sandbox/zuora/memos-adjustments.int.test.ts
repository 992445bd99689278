import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadJsonSchemaValidator } from "../core/json-schema-validator";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, zuoraGet } from "./test-support";

/*
 * Debit memos and invoice item adjustments of a bill run, as Object Query lists them, checked against
 * our schemas (spec/debit-memo-object-query.schema.json, spec/invoice-item-adjustment-object-query.schema.json),
 * and their effect on the invoices they concern.
 */

describe("Zuora sandbox: debit memos and invoice item adjustments", () => {
  let sandbox: RunningSandbox;
  let token: string;
  let run: Awaited<ReturnType<RunningSandbox["control"]["zuora"]["billRun"]>>;
  const memoSpec = loadJsonSchemaValidator(path.join(import.meta.dirname, "spec", "debit-memo-object-query.schema.json"));
  const adjustmentSpec = loadJsonSchemaValidator(path.join(import.meta.dirname, "spec", "invoice-item-adjustment-object-query.schema.json"));

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 6 } });
    run = await sandbox.control.zuora.billRun({ invoices: 30, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, debitMemoRate: 0.5, adjustmentRate: 0.5, seed: 4 });
    token = await getToken(sandbox);
  }, 60_000);
  afterAll(() => sandbox.close());

  it("the validators refuse a wrong shape (so a pass means something)", () => {
    expect(memoSpec.validate({ memoNumber: 1, totalAmount: "x" })).not.toEqual([]);
    expect(adjustmentSpec.validate({ type: "Debit" })).not.toEqual([]);
  });

  it("lists posted debit memos with their items; lines and tax add up to the total", async () => {
    expect(run.debitMemos.length).toBeGreaterThan(3);
    const memos = (await zuoraGet(sandbox, token, "/object-query/debit-memos?pageSize=99&expand[]=debitmemoitems&expand[]=account")).body.data as Record<string, unknown>[];
    expect(memos.map((m) => m.memoNumber).sort()).toEqual(run.debitMemos.map((m) => m.number).sort());
    for (const m of memos) {
      expect(memoSpec.validate(m), String(m.memoNumber)).toEqual([]);
      const items = m.debitMemoItems as { amount: number }[];
      expect(Math.round(items.reduce((s, i) => s + i.amount, 0) * 100)).toBe(Math.round((m.totalAmount as number) * 100));
      expect(m).toMatchObject({ status: "Posted", balance: m.totalAmount, invoiceId: expect.any(String), account: { id: m.accountId } });
    }
    const one = (await zuoraGet(sandbox, token, `/object-query/debit-memos/${run.debitMemos[0]!.number}`)).body;
    expect(one).toMatchObject({ memoNumber: run.debitMemos[0]!.number });
  });

  it("lists adjustments; a credit lowers its invoice's balance and a charge raises it", async () => {
    const adjustments = (await zuoraGet(sandbox, token, "/object-query/invoice-item-adjustments?pageSize=99")).body.data as { adjustmentNumber: string; invoiceId: string; type: string; amount: number }[];
    expect(adjustments.map((a) => a.adjustmentNumber).sort()).toEqual(run.adjustments.map((a) => a.number).sort());
    expect(new Set(adjustments.map((a) => a.type))).toEqual(new Set(["Credit", "Charge"]));
    for (const a of adjustments) {
      expect(adjustmentSpec.validate(a), a.adjustmentNumber).toEqual([]);
      const invoice = (await zuoraGet(sandbox, token, `/object-query/invoices/${a.invoiceId}`)).body as { amount: number; balance: number };
      // nothing paid these invoices: the balance is the amount moved by the adjustment
      expect(Math.round(invoice.balance * 100)).toBe(Math.round((invoice.amount + (a.type === "Credit" ? -a.amount : a.amount)) * 100));
    }
  });
});
