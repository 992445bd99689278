import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  zuoraCreditMemoDocumentSchema,
  zuoraInvoiceDocumentSchema,
  zuoraPaymentDocumentSchema,
  zuoraRefundDocumentSchema,
} from "../connectors/zuora/documents";
import type { AnyFlowKind } from "./types";
import { zuoraAcumatica } from "./zuora-acumatica/definition";
import { zuoraQad } from "./zuora-qad/definition";

/*
 * The ledger reads the Zuora flows name for their records' claims (FlowKind.ledgerReads), evaluated by
 * Postgres's own SQL/JSON path engine against documents as the Zuora source stores them: each path must
 * find the ids the planner reads, or the claim brings nothing and every read costs a statement again.
 */
const account = { id: "A1", accountNumber: "N1" };
const documents: Record<string, unknown> = {
  invoice: zuoraInvoiceDocumentSchema.parse({ id: "I9", invoiceNumber: "INV9", account, status: "Posted", currency: "USD", amount: 10, invoiceDate: "2026-11-01", lines: [] }),
  payment: zuoraPaymentDocumentSchema.parse({
    id: "P9",
    number: "PAY9",
    account,
    type: "Electronic",
    status: "Processed",
    currency: "USD",
    amount: 10,
    effectiveDate: "2026-11-02",
    applications: [
      { invoiceId: "I1", amount: 4 },
      { invoiceId: "I2", amount: 6 },
    ],
  }),
  "credit-memo": zuoraCreditMemoDocumentSchema.parse({ id: "M9", number: "CM9", account, status: "Posted", currency: "USD", amount: 3, memoDate: "2026-11-03", referredInvoiceId: "I3", lines: [] }),
  refund: zuoraRefundDocumentSchema.parse({
    id: "R9",
    number: "RF9",
    account,
    type: "External",
    status: "Processed",
    currency: "USD",
    amount: 5,
    refundDate: "2026-11-04",
    sources: [
      { paymentId: "P1", amount: 2 },
      { creditMemoId: "M1", amount: 3 },
    ],
  }),
};

describe("the Zuora flows' ledger reads", () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject("pgAdminUrl") });
    await client.connect();
  });
  afterAll(() => client.end());

  /** "objectType:sourceId" of every ledger record `kind` names for a record of `objectType`. */
  const keysRead = async (kind: AnyFlowKind, objectType: string) => {
    const keys: string[] = [];
    for (const read of kind.ledgerReads?.[objectType] ?? []) {
      const { rows } = await client.query<{ id: string }>("SELECT jsonb_path_query($1::jsonb, $2::jsonpath) #>> '{}' AS id", [JSON.stringify(documents[objectType]), read.path]);
      keys.push(...rows.map((r) => `${read.objectType}:${r.id}`));
    }
    return keys.sort();
  };

  it("name the account and the documents each Zuora -> Acumatica record refers to", async () => {
    expect(await keysRead(zuoraAcumatica, "invoice")).toEqual(["account:A1"]);
    expect(await keysRead(zuoraAcumatica, "payment")).toEqual(["account:A1", "invoice:I1", "invoice:I2"]);
    expect(await keysRead(zuoraAcumatica, "credit-memo")).toEqual(["account:A1", "invoice:I3"]);
    expect(await keysRead(zuoraAcumatica, "refund")).toEqual(["account:A1", "credit-memo:M1", "payment:P1"]);
  });

  it("name the invoices each Zuora -> QAD payment and credit memo refers to", async () => {
    expect(await keysRead(zuoraQad, "payment")).toEqual(["invoice:I1", "invoice:I2"]);
    expect(await keysRead(zuoraQad, "credit-memo")).toEqual(["invoice:I3"]);
  });
});
