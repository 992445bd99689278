import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createKeyring, generateKey } from "../../crypto";
import { startLoopbackServer } from "../../http/test-server";
import type { ExchangeSummary } from "../../http";
import { createZuoraClient, testZuoraConnection, type ZuoraChangesPage } from "./index";

/** A loopback URL where nothing listens any more (connection refused). */
const closedPortUrl = async () => {
  const s = await startLoopbackServer(() => {});
  await s.close();
  return s.url;
};

const keyring = createKeyring({ key: generateKey() });
let sandbox: RunningSandbox;
let testDb: TestDb;

beforeAll(async () => {
  [sandbox, testDb] = await Promise.all([startSandbox({ port: 0 }), createTestDb()]);
  const charge = await sandbox.control.zuora.addCharge({ productName: "Platform", chargeName: "Seats", prices: { USD: 25 } });
  for (let i = 0; i < 3; i++) {
    const account = await sandbox.control.zuora.addAccount({ name: `Customer ${i}` });
    for (let j = 0; j < 3; j++) {
      await sandbox.control.zuora.postInvoice({ account: account.id, lines: [{ chargeId: charge.id, quantity: j + 1 }] });
    }
  }
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), testDb?.drop()]);
});

const connection = () => {
  const c = sandbox.credentials.zuora;
  const exchanges: ExchangeSummary[] = [];
  const client = createZuoraClient({
    connectionId: randomUUID(),
    baseUrl: c.baseUrl,
    settings: { requestsPerSecond: 500 },
    secrets: { clientId: c.clientId, clientSecret: c.clientSecret },
    db: testDb.db,
    keyring,
    onExchange: (s) => exchanges.push(s),
  });
  return { client, exchanges, tokenCalls: () => exchanges.filter((e) => e.path.endsWith("/oauth/token")).length };
};

describe("Zuora connector against the sandbox", () => {
  it("polls invoices page by page with items expanded, oldest first, without repeats", async () => {
    const { client, exchanges } = connection();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let last = "";
    do {
      const page: ZuoraChangesPage<"invoices"> = await client.listChanged("invoices", { since: new Date("2000-01-01T00:00:00Z"), cursor, pageSize: 3 });
      for (const inv of page.records) {
        seen.push(inv.id);
        expect(Date.parse(inv.updatedDate)).toBeGreaterThanOrEqual(last ? Date.parse(last) : 0);
        last = inv.updatedDate;
        expect(inv.invoiceItems?.length ?? 0).toBeGreaterThan(0);
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen.length).toBeGreaterThan(3);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    // One token for the whole run; API calls per invoice stay low.
    const apiCalls = exchanges.filter((e) => !e.path.endsWith("/oauth/token")).length;
    expect(apiCalls / seen.length).toBeLessThanOrEqual(1.5);
    const first = seen[0];
    if (!first) throw new Error("no invoice");
    const { invoice, items } = await client.getInvoiceWithItems(first);
    expect(invoice.id).toBe(first);
    expect(items.length).toBeGreaterThan(0);
    const account = await client.getAccount(invoice.accountId);
    expect(account.basicInfo.id).toBe(invoice.accountId);
  });

  it("reads a payment's parts, a credit memo with its items and one account record, on the spec's paths", async () => {
    const { client, exchanges } = connection();
    const run = await sandbox.control.zuora.billRun({ invoices: 4, electronicPaymentRate: 0, externalPaymentRate: 1, creditMemoRate: 1, seed: 5 });
    const paymentId = run.payments[0]!.id;
    const payment = await client.getPayment(paymentId);
    const parts = await client.getPaymentParts(payment.number);
    const applied = parts.filter((p) => p.invoiceId);
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.reduce((s, p) => s + p.amount, 0)).toBeCloseTo(payment.appliedAmount ?? Number.NaN, 2);
    const paidInvoice = await client.getInvoice(applied[0]!.invoiceId!);
    expect(paidInvoice.accountId).toBe(payment.accountId);

    const memo = await client.getCreditMemo(run.creditMemos[0]!.number);
    const items = await client.getCreditMemoItems(memo.id);
    expect(items.length).toBeGreaterThan(0);
    expect(items.reduce((s, x) => s + x.amount, 0) + (memo.taxAmount ?? 0)).toBeCloseTo(memo.amount, 2);
    const credited = await client.getInvoiceItems(memo.referredInvoiceId!);
    expect(credited.map((x) => x.id)).toContain(items[0]!.sourceItemId);
    expect(exchanges.some((e) => e.path.includes("/v1/creditmemos/"))).toBe(true);
    expect(exchanges.some((e) => e.path.includes("/v1/credit-memos/"))).toBe(false);

    const account = await client.getAccountRecord(payment.accountId);
    expect(account).toMatchObject({ id: payment.accountId, accountNumber: payment.accountNumber });
    expect(Number.isNaN(Date.parse(account.updatedDate))).toBe(false);
    await expect(client.getPaymentParts("P-99999999")).rejects.toThrow(/Cannot find entity/);
  });

  it("reuses one token and refreshes once after the vendor expires it", async () => {
    const { client, tokenCalls, exchanges } = connection();
    await client.listChanged("accounts", { since: "2000-01-01T00:00:00Z", pageSize: 1 });
    await client.listChanged("accounts", { since: "2000-01-01T00:00:00Z", pageSize: 1 });
    expect(tokenCalls()).toBe(1);
    await sandbox.control.zuora.expireTokens();
    await client.listChanged("accounts", { since: "2000-01-01T00:00:00Z", pageSize: 1 });
    expect(tokenCalls()).toBe(2);
    expect(exchanges.some((e) => e.status === 401)).toBe(true);
  });

  it("testConnection: good settings pass; wrong secret, wrong path and a refused port say what is wrong", async () => {
    const c = sandbox.credentials.zuora;
    const ok = await testZuoraConnection({ baseUrl: c.baseUrl, settings: {}, secrets: { clientId: c.clientId, clientSecret: c.clientSecret } });
    expect(ok.map((s) => [s.step, s.ok])).toEqual([
      ["auth", true],
      ["read", true],
    ]);
    const wrongSecret = await testZuoraConnection({ baseUrl: c.baseUrl, settings: {}, secrets: { clientId: c.clientId, clientSecret: "wrong" } });
    expect(wrongSecret).toEqual([{ step: "auth", ok: false, message: expect.stringMatching(/refused the client ID or secret/) }]);
    const wrongPath = await testZuoraConnection({ baseUrl: `${sandbox.url}/nowhere`, settings: {}, secrets: { clientId: c.clientId, clientSecret: c.clientSecret } });
    expect(wrongPath[0]).toMatchObject({ ok: false, message: expect.stringMatching(/404|not found/i) });
    const refused = await testZuoraConnection({ baseUrl: await closedPortUrl(), settings: {}, secrets: { clientId: c.clientId, clientSecret: c.clientSecret } });
    expect(refused[0]).toMatchObject({ ok: false, message: expect.stringMatching(/refused/) });
    expect(JSON.stringify([wrongSecret, wrongPath, refused])).not.toContain(c.clientSecret);
  });
});
