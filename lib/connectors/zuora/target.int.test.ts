import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createKeyring, generateKey } from "../../crypto";
import type { ExchangeSummary } from "../../http";
import { createZuoraClient } from "./index";
import { createZuoraTarget } from "./target";
import { idempotencyKeyOf, type ZuoraAccountInput, type ZuoraStandaloneInvoiceInput } from "./writes";

// Contract tests of the Zuora target (accounts and standalone invoices linked by a custom field) against the sandbox.

const keyring = createKeyring({ key: generateKey() });
let sandbox: RunningSandbox;
let testDb: TestDb;

beforeAll(async () => {
  [sandbox, testDb] = await Promise.all([startSandbox({ port: 0 }), createTestDb()]);
  await sandbox.control.zuora.updateSettings({ customFields: { Account: ["NetSuiteId__c"], Invoice: ["NetSuiteId__c"] } });
}, 60_000);
afterAll(async () => {
  await Promise.all([sandbox?.close(), testDb?.drop()]);
});

const target = () => {
  const c = sandbox.credentials.zuora;
  const exchanges: ExchangeSummary[] = [];
  const client = createZuoraClient({ connectionId: randomUUID(), baseUrl: c.baseUrl, settings: { requestsPerSecond: 500 }, secrets: { clientId: c.clientId, clientSecret: c.clientSecret }, db: testDb.db, keyring, onExchange: (s) => exchanges.push(s) });
  return { port: createZuoraTarget(client, { linkField: "NetSuiteId__c" }), exchanges };
};

const account = (id: string): ZuoraAccountInput => ({ name: `Customer ${id}`, currency: "USD", billCycleDay: 1, billToContact: { firstName: "Accounts", lastName: `Customer ${id}` }, customFields: { NetSuiteId__c: id } });

describe("Zuora target against the sandbox", () => {
  it("the Idempotency-Key is stable for a record and body, new for another body, within 255 characters", () => {
    expect(idempotencyKeyOf("invoice", "9001", { a: 1 })).toBe(idempotencyKeyOf("invoice", "9001", { a: 1 }));
    expect(idempotencyKeyOf("invoice", "9001", { a: 2 })).not.toBe(idempotencyKeyOf("invoice", "9001", { a: 1 }));
    expect(idempotencyKeyOf("invoice", "x".repeat(400), {}).length).toBeLessThanOrEqual(255);
  });

  it("finds an account by the link field, creates it once, updates it with PUT", async () => {
    const { port, exchanges } = target();
    expect(await port.findDocument({ entity: "Account", naturalKey: "501" })).toBeNull();
    const created = await port.createDocument({ entity: "Account", naturalKey: "501", document: account("501") });
    expect(await port.findDocument({ entity: "Account", naturalKey: "501" })).toEqual(created);
    await port.updateDocument!({ entity: "Account", naturalKey: "501", ref: created, document: { ...account("501"), name: "Renamed 501" } });
    expect((await sandbox.control.zuora.accounts()).find((a) => a.id === created.targetId)).toMatchObject({ name: "Renamed 501", customFields: { NetSuiteId__c: "501" } });
    const writes = exchanges.filter((e) => e.method !== "GET" && !e.path.endsWith("/oauth/token"));
    expect(writes.map((e) => e.method)).toEqual(["POST", "PUT"]);
  });

  it("an invoice create whose answer is lost after the write is answered from its Idempotency-Key: one invoice", async () => {
    const { port } = target();
    const acct = await port.createDocument({ entity: "Account", naturalKey: "502", document: account("502") });
    const invoice: ZuoraStandaloneInvoiceInput = {
      accountId: acct.targetId,
      invoiceDate: "2026-12-01",
      customFields: { NetSuiteId__c: "INV-502" },
      lines: [{ chargeName: "Platform", quantity: 2, unitPrice: 50, amount: 100, serviceStartDate: "2026-12-01", accountingCode: "4000" }],
    };
    await sandbox.control.faults.set({ rules: [{ vendor: "zuora", method: "POST", path: "/v1/invoices", times: 1, action: { kind: "drop", when: "after" } }] });
    try {
      const created = await port.createDocument({ entity: "Invoice", naturalKey: "INV-502", document: invoice });
      expect((await sandbox.control.faults.log()).filter((f) => f.path === "/v1/invoices")).toHaveLength(1);
      const linked = (await sandbox.control.zuora.invoices()).filter((i) => i.customFields?.NetSuiteId__c === "INV-502");
      expect(linked).toHaveLength(1);
      expect(linked[0]).toMatchObject({ id: created.targetId, status: "Posted", amount: 100, currency: "USD" });
      expect(await port.findDocument({ entity: "Invoice", naturalKey: "INV-502" })).toEqual(created);
    } finally {
      await sandbox.control.faults.clear();
    }
  });

  it("refusals read in Zuora's words and are not retried", async () => {
    const { port } = target();
    await expect(port.createDocument({ entity: "Account", naturalKey: "503", document: { ...account("503"), customFields: { Unknown__c: "x" } } })).rejects.toThrow(/Unknown__c/);
    await expect(port.updateDocument!({ entity: "Invoice", naturalKey: "x", ref: { targetId: "x", targetRef: null }, document: {} })).rejects.toThrow(/never updated/);
  });
});
