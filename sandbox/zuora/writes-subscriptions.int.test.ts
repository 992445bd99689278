import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, zuoraGet, zuoraPost } from "./test-support";

const zuoraPut = async (sandbox: RunningSandbox, token: string, path: string, body: unknown) => {
  const response = await fetch(`${sandbox.zuoraBaseUrl}${path}`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const account = (over: object = {}) => ({ name: "Northwind Traders", currency: "USD", billCycleDay: 1, billToContact: { firstName: "Ada", lastName: "Lovelace", country: "United States" }, NetSuiteId__c: "101", ...over });

describe("Zuora writes: accounts and standalone invoices with custom fields and Idempotency-Key", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it("refuses a custom field the tenant has not defined, then creates the account once per Idempotency-Key", async () => {
    const refused = await zuoraPost(sandbox, token, "/v1/accounts", account(), { "Idempotency-Key": "acct-undefined" });
    expect(refused.body).toMatchObject({ success: false, reasons: [{ code: 50000020, message: expect.stringContaining("NetSuiteId__c") }] });
    await sandbox.control.zuora.updateSettings({ customFields: { Account: ["NetSuiteId__c"], Invoice: ["NetSuiteId__c"] } });
    const missing = await zuoraPost(sandbox, token, "/v1/accounts", { ...account(), billToContact: undefined }, { "Idempotency-Key": "acct-missing" });
    expect(missing.body).toMatchObject({ success: false, reasons: [{ code: 50000022 }] });

    const first = await zuoraPost(sandbox, token, "/v1/accounts", account(), { "Idempotency-Key": "acct-101" });
    expect(first.body).toMatchObject({ success: true, accountId: expect.any(String), accountNumber: expect.any(String) });
    const again = await zuoraPost(sandbox, token, "/v1/accounts", account(), { "Idempotency-Key": "acct-101" });
    expect(again.body).toEqual(first.body);
    const accountId = String(first.body.accountId);
    expect((await sandbox.control.zuora.accounts()).filter((a) => a.customFields?.NetSuiteId__c === "101")).toHaveLength(1);

    // Object Query finds it by the custom field (any case) and shows the field.
    const found = await zuoraGet(sandbox, token, "/object-query/accounts?filter[]=netsuiteid__c.EQ:101");
    expect(found.body.data).toMatchObject([{ id: accountId, NetSuiteId__c: "101" }]);

    const updated = await zuoraPut(sandbox, token, `/v1/accounts/${accountId}`, { name: "Northwind Traders Ltd", NetSuiteId__c: "101" });
    expect(updated.body).toEqual({ success: true });
    const read = await zuoraGet(sandbox, token, `/v1/accounts/${accountId}`);
    expect(read.body.basicInfo).toMatchObject({ name: "Northwind Traders Ltd", NetSuiteId__c: "101" });
    expect((await zuoraPut(sandbox, token, `/v1/accounts/${accountId}`, { currency: "EUR" })).body).toMatchObject({ success: false });
  });

  it("creates a posted standalone invoice with its lines and the NetSuite id, once per Idempotency-Key", async () => {
    const [acct] = (await sandbox.control.zuora.accounts()).filter((a) => a.customFields?.NetSuiteId__c === "101");
    const body = {
      accountId: acct!.id,
      invoiceDate: "2026-12-01",
      status: "Posted",
      NetSuiteId__c: "INV-9001",
      invoiceItems: [
        { amount: 300, quantity: 3, unitPrice: 100, chargeName: "Platform", serviceStartDate: "2026-12-01", accountingCode: "4000" },
        { amount: 49.5, chargeName: "Support", serviceStartDate: "2026-12-01" },
      ],
    };
    const first = await zuoraPost(sandbox, token, "/v1/invoices", body, { "Idempotency-Key": "inv-9001" });
    expect(first.body).toMatchObject({ success: true, status: "Posted", amount: 349.5, balance: 349.5, currency: "USD", NetSuiteId__c: "INV-9001" });
    expect((await zuoraPost(sandbox, token, "/v1/invoices", body, { "Idempotency-Key": "inv-9001" })).body).toEqual(first.body);
    expect((await sandbox.control.zuora.invoices()).filter((i) => i.customFields?.NetSuiteId__c === "INV-9001")).toHaveLength(1);
    const items = await zuoraGet(sandbox, token, `/v1/invoices/${String(first.body.id)}/items`);
    expect((items.body.invoiceItems as unknown[]).length).toBe(2);
    const listed = await zuoraGet(sandbox, token, "/object-query/invoices?filter[]=NetSuiteId__c.EQ:INV-9001");
    expect(listed.body.data).toMatchObject([{ id: first.body.id, NetSuiteId__c: "INV-9001" }]);
    expect((await zuoraPost(sandbox, token, "/v1/invoices", { ...body, invoiceItems: [{ amount: 1, serviceStartDate: "2026-12-01" }] }, { "Idempotency-Key": "inv-x" })).body).toMatchObject({ success: false, reasons: [{ code: 50000022 }] });
  });
});

describe("Zuora subscription lifecycle callouts", () => {
  let sandbox: RunningSandbox;
  let receiver: Server;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200, { "content-type": "application/json" }).end('{"success":true}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((r) => receiver.close(r));
  });

  it("sends new, amended and cancelled events with the subscription's state, signed with HMAC-SHA256", async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await sandbox.control.zuora.callouts.addTemplate({ url, events: ["SubscriptionCreated", "SubscriptionAmended", "SubscriptionCancelled"], hmac: { secret: "sub-secret", algorithm: "SHA-256" } });
    const acct = await sandbox.control.zuora.addAccount({ name: "Subscriber Ltd", currency: "EUR" });
    const sub = await sandbox.control.zuora.createSubscription({ account: acct.accountNumber, mrr: 100, contractEffectiveDate: "2026-12-01" });
    await sandbox.control.zuora.amendSubscription(sub.subscriptionNumber, { mrr: 150, effectiveDate: "2026-12-15" });
    const cancelled = await sandbox.control.zuora.amendSubscription(sub.id, { cancel: true, effectiveDate: "2026-12-31" });
    expect(cancelled).toMatchObject({ status: "Cancelled", version: 3, mrr: 150, cancelledDate: "2026-12-31" });
    await expect(sandbox.control.zuora.amendSubscription(sub.id, { mrr: 1 })).rejects.toThrow(/cancelled/);
    await sandbox.control.zuora.callouts.drain();
    const bodies = received.map((r) => JSON.parse(r.body) as Record<string, string>);
    expect(bodies.map((b) => [b.EventType, b.SubscriptionVersion, b.SubscriptionStatus, b.MRR, b.Currency])).toEqual([
      ["SubscriptionCreated", "1", "Active", "100", "EUR"],
      ["SubscriptionAmended", "2", "Active", "150", "EUR"],
      ["SubscriptionCancelled", "3", "Cancelled", "150", "EUR"],
    ]);
    expect(bodies[2]).toMatchObject({ SubscriptionNumber: sub.subscriptionNumber, AmendmentType: "Cancellation", CancelledDate: "2026-12-31", AccountNumber: acct.accountNumber });
    for (const r of received) {
      expect(r.headers["x-zuora-signature"]).toBe(createHmac("sha256", "sub-secret").update(r.body).digest("base64"));
      expect(r.headers["zuora-notification-id"]).toEqual(expect.any(String));
    }
  });
});
