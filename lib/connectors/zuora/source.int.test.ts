import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createZuoraClient } from ".";
import { createKeyring, generateKey } from "../../crypto";
import type { ExchangeSummary } from "../../http";
import type { ChangedItem } from "../ports";
import { getToken, zuoraGet, zuoraPost } from "../../../sandbox/zuora/test-support";
import { createZuoraSource, type ObjectType } from "./source";

/*
 * The Zuora side against the sandbox over HTTP: a change listing carries whole documents (accounts,
 * invoices with their items and account, payments with their applications) at a fixed number of
 * calls per page, and each is exactly the document fetchDocument builds for the same record.
 */

const keyring = createKeyring({ key: generateKey() });
let sandbox: RunningSandbox;
let t: TestDb;

beforeAll(async () => {
  [sandbox, t] = await Promise.all([startSandbox({ port: 0, demo: { accounts: 8 } }), createTestDb()]);
  await sandbox.control.zuora.billRun({ invoices: 40, electronicPaymentRate: 0.4, externalPaymentRate: 0.3, creditMemoRate: 0.2, seed: 5 });
}, 60_000);
afterAll(async () => {
  await Promise.all([sandbox?.close(), t?.drop()]);
});

const sourceFor = ({ invoiceSettlement = true }: { invoiceSettlement?: boolean } = {}) => {
  const c = sandbox.credentials.zuora;
  const exchanges: ExchangeSummary[] = [];
  const client = createZuoraClient({
    connectionId: randomUUID(),
    baseUrl: c.baseUrl,
    settings: { requestsPerSecond: 1000 },
    secrets: { clientId: c.clientId, clientSecret: c.clientSecret },
    db: t.db,
    keyring,
    onExchange: (s) => exchanges.push(s),
  });
  const source = createZuoraSource(client, { invoiceSettlement });
  /** vendor calls since the last look, by path from "v1/" or "object-query/" on, without query or ids (token calls left out) */
  const calls = () =>
    exchanges
      .splice(0)
      .map((e) => /(?:v1|object-query)\/[^?]*/.exec(e.path)?.[0] ?? e.path)
      .filter((p) => !p.endsWith("oauth/token"))
      .map((p) => p.replace(/[0-9a-f]{32}/g, "{id}"));
  return { source, calls, client };
};

/** Every page of one object type: its items and the calls each page cost. */
const listAll = async (source: ReturnType<typeof createZuoraSource>, calls: () => string[], objectType: ObjectType, pageSize: number) => {
  const pages: { items: ChangedItem[]; calls: string[] }[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof source.listChanged>> = await source.listChanged({ objectType, since: new Date("2000-01-01T00:00:00Z"), cursor, pageSize });
    pages.push({ items: page.items, calls: calls() });
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
};

describe("Zuora source: documents from the change listing", () => {
  it("lists refunds with what they took from which payment at one call per page, equal to a fetch", async () => {
    const token = await getToken(sandbox);
    const paid = (await zuoraGet(sandbox, token, "/object-query/payments?pageSize=20&filter[]=status.EQ:Processed")).body.data as { accountId: string; type: string; currency: string }[];
    const payers = [paid.find((p) => p.type === "Electronic")!, ...paid.filter((p) => p.type === "External").slice(0, 2)];
    // a payment on account each (all unapplied), refunded: electronic and external
    const refunds: { id: string; number: string; amount: number; currency: string; type: string; paymentId: string }[] = [];
    for (const [i, p] of payers.entries()) {
      const extra = (await zuoraPost(sandbox, token, "/v1/payments", { accountId: p.accountId, type: p.type, amount: 20 + i, currency: p.currency })).body as { number: string };
      const body = p.type === "Electronic" ? { type: "Electronic", totalAmount: 20 + i } : { type: "External", totalAmount: 20 + i, methodType: "Check" };
      const refund = (await zuoraPost(sandbox, token, `/v1/payments/${extra.number}/refunds`, body)).body;
      refunds.push({ ...(refund as { id: string; number: string; amount: number; type: string; paymentId: string }), currency: p.currency });
    }
    const { source, calls } = sourceFor();
    const pages = await listAll(source, calls, "refund", 2);
    expect(pages.map((p) => p.calls)).toEqual(pages.map(() => ["object-query/refunds"]));
    const items = pages.flatMap((p) => p.items);
    expect(items.map((i) => i.sourceId).sort()).toEqual(refunds.map((r) => r.id).sort());
    for (const item of items) {
      const refund = refunds.find((r) => r.id === item.sourceId)!;
      expect(item.document).toMatchObject({
        objectType: "refund",
        naturalKey: refund.number,
        amount: refund.amount,
        currency: refund.currency,
        payload: { number: refund.number, type: refund.type, amount: refund.amount, sources: [{ paymentId: refund.paymentId, creditMemoId: null, amount: refund.amount }] },
      });
      expect(item.document).toEqual(await source.fetchDocument({ objectType: "refund", sourceId: item.sourceId }));
    }
  });

  it("lists accounts, invoices and payments with their documents at one or two calls per page, equal to a fetch", async () => {
    const { source, calls } = sourceFor();

    const accounts = await listAll(source, calls, "account", 5);
    expect(accounts.map((p) => p.calls)).toEqual(accounts.map(() => ["object-query/accounts"]));

    const invoices = await listAll(source, calls, "invoice", 15);
    expect(invoices.length).toBeGreaterThan(1);
    // products are read once for the job, then remembered
    expect(invoices[0]!.calls).toEqual(["object-query/invoices", "object-query/products"]);
    for (const p of invoices.slice(1)) expect(p.calls.filter((c) => c !== "object-query/products")).toEqual(["object-query/invoices"]);

    const payments = await listAll(source, calls, "payment", 10);
    expect(payments.length).toBeGreaterThan(1);
    for (const p of payments) expect(p.calls).toEqual(["object-query/payments", "object-query/payment-applications"]);

    for (const [objectType, pages] of [["account", accounts], ["invoice", invoices], ["payment", payments]] as const) {
      const items = pages.flatMap((p) => p.items);
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        expect(item.document, `${objectType} ${item.sourceId}`).toBeDefined();
        expect(item.document!.sourceVersion).toBe(item.sourceVersion);
        // the same input for the mapping, whichever way the document was read
        expect(item.document).toEqual(await source.fetchDocument({ objectType, sourceId: item.sourceId }));
      }
    }
    const applied = payments.flatMap((p) => p.items).filter((i) => (i.document!.payload as { applications: unknown[] }).applications.length > 0);
    expect(applied.length).toBeGreaterThan(0);
  });

  it("leaves credit memos to a fetch of their own items (credited invoice items read per page), equal to a full fetch", async () => {
    const { source, calls } = sourceFor();
    const fresh = sourceFor().source;
    let cursor: string | null = null;
    let memos = 0;
    do {
      const page: Awaited<ReturnType<typeof source.listChanged>> = await source.listChanged({ objectType: "credit-memo", since: new Date("2000-01-01T00:00:00Z"), cursor, pageSize: 4 });
      expect(calls().filter((c) => c !== "object-query/products")).toEqual(["object-query/credit-memos", "object-query/invoice-items"]);
      for (const item of page.items) {
        expect(item.document).toBeUndefined();
        const fetched = await source.fetchDocument({ objectType: "credit-memo", sourceId: item.sourceId });
        expect(calls()).toEqual(["v1/creditmemos/{id}/items"]);
        expect(fetched!.sourceVersion).toBe(item.sourceVersion);
        // the same document a runtime that did not list it reads through v1 (memo, items, credited invoice's items)
        expect(fetched).toEqual(await fresh.fetchDocument({ objectType: "credit-memo", sourceId: item.sourceId }));
        memos += 1;
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(memos).toBeGreaterThan(1);
    // fetched again (a replay): the full read
    const [any] = (await source.listChanged({ objectType: "credit-memo", since: new Date("2000-01-01T00:00:00Z"), cursor: null, pageSize: 1 })).items;
    calls();
    await source.fetchDocument({ objectType: "credit-memo", sourceId: any!.sourceId });
    await source.fetchDocument({ objectType: "credit-memo", sourceId: any!.sourceId });
    expect(calls().slice(1)).toEqual(["v1/creditmemos/{id}", "v1/creditmemos/{id}/items", "v1/invoices/{id}/items"]);
  });

  it("fetches an invoice whose items may be cut off at the page size", async () => {
    const { source, calls } = sourceFor();
    const charge = await sandbox.control.zuora.addCharge({ productName: "Wide", chargeName: "Many lines", prices: { USD: 1, EUR: 1 } });
    const account = await sandbox.control.zuora.addAccount({ name: "Lines Ltd", currency: "USD" });
    const wide = await sandbox.control.zuora.postInvoice({ account: account.id, lines: [1, 2, 3].map((quantity) => ({ chargeId: charge.id, quantity })) });
    const narrow = await sandbox.control.zuora.postInvoice({ account: account.id, lines: [{ chargeId: charge.id, quantity: 1 }] });
    const items = (await listAll(source, calls, "invoice", 3)).flatMap((p) => p.items);
    expect(items.find((i) => i.sourceId === wide.id)?.document).toBeUndefined();
    calls();
    // fetched as a listing carries it, in one call (product names already known to this runtime)
    const fetched = await source.fetchDocument({ objectType: "invoice", sourceId: wide.id });
    expect(calls()).toEqual(["object-query/invoices/{id}"]);
    expect((fetched!.payload as { lines: unknown[] }).lines).toHaveLength(3);
    expect(items.find((i) => i.sourceId === narrow.id)?.document).toEqual(await source.fetchDocument({ objectType: "invoice", sourceId: narrow.id }));
    // a runtime of another client that listed nothing reads the product names too ...
    const fresh = sourceFor();
    expect(await fresh.source.fetchDocument({ objectType: "invoice", sourceId: wide.id })).toEqual(fetched);
    expect(fresh.calls()).toEqual(["object-query/invoices/{id}", "object-query/products"]);
    // ... and the next runtime (job) of that client reuses them: a callout's fetch is one Zuora call
    const nextJob = createZuoraSource(fresh.client, { invoiceSettlement: true });
    fresh.calls();
    expect(await nextJob.fetchDocument({ objectType: "invoice", sourceId: narrow.id })).toEqual(items.find((i) => i.sourceId === narrow.id)?.document);
    expect(fresh.calls()).toEqual(["object-query/invoices/{id}"]);

    // past Object Query's limit of expanded items: every item through v1
    const huge = await sandbox.control.zuora.postInvoice({ account: account.id, lines: Array.from({ length: 100 }, (_, n) => ({ chargeId: charge.id, quantity: n + 1 })) });
    calls();
    const all = await source.fetchDocument({ objectType: "invoice", sourceId: huge.id });
    expect((all!.payload as { lines: unknown[] }).lines).toHaveLength(100);
    expect(calls()).toEqual(["object-query/invoices/{id}", "v1/invoices/{id}/items", "v1/invoices/{id}/items", "v1/invoices/{id}/items"]);
    expect(all).toMatchObject({ sourceId: huge.id, naturalKey: huge.number, amount: huge.amount });
  });

  it("without Invoice Settlement builds payments from the listing alone, as the Object Query fetch does", async () => {
    await sandbox.control.zuora.updateSettings({ invoiceSettlement: false });
    try {
      const { source, calls } = sourceFor({ invoiceSettlement: false });
      const pages = await listAll(source, calls, "payment", 50);
      expect(pages.map((p) => p.calls)).toEqual(pages.map(() => ["object-query/payments"]));
      const items = pages.flatMap((p) => p.items);
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(item.document).toEqual(await source.fetchDocument({ objectType: "payment", sourceId: item.sourceId }));
    } finally {
      await sandbox.control.zuora.updateSettings({ invoiceSettlement: true });
    }
  });
});
