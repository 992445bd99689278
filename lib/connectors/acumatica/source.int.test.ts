import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createAcumaticaClient } from "./index";
import { createAcumaticaSource } from "./source";
import { verifyAcumaticaPush } from "./webhooks";

/*
 * The Acumatica source against the Acumatica sandbox over HTTP: records changed at or after a time
 * (inclusive), `$top`/`$skip` pages with the run's largest version reported on the last page only,
 * invoices with their lines and their customer's currency; push notifications verified by their
 * shared-secret header.
 */
describe("Acumatica source", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let source: ReturnType<typeof createAcumaticaSource>;
  let invoices: string[];

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0 })]);
    const a = sandbox.credentials.acumatica;
    ({ invoices } = sandbox.vendors.acumatica.control.seed({
      customers: Array.from({ length: 7 }, (_, i) => ({ CustomerID: `C${i}`, CustomerName: `Customer ${i}`, CurrencyID: i % 2 ? "EUR" : "USD" })),
      stockItems: [{ InventoryID: "WIDGET", Description: "Widget", ItemClass: "HARDWARE", DefaultPrice: 12.5 }],
      nonStockItems: [{ InventoryID: "SUPPORT", Description: "Support hour", ItemClass: "SERVICES" }],
      invoices: [{ Customer: "C1", Date: "2026-12-01", lines: [{ InventoryID: "WIDGET", Qty: 2, UnitPrice: 12.5, Account: "40000" }] }],
    }));
    const client = createAcumaticaClient({
      connectionId: "0c9e0e59-7a51-4b1b-9d7e-3d3b0c7c0a01",
      baseUrl: a.baseUrl,
      settings: { endpointVersion: a.endpointVersion, tenant: a.tenant },
      secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password },
      db: t.db,
    });
    source = createAcumaticaSource(client);
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await t?.drop();
  });

  it("lists every customer changed at or after a time in $skip pages; the largest version comes with the last page", async () => {
    const pages = [];
    let cursor: string | null = null;
    do {
      const page = await source.listChanged({ objectType: "customer", since: new Date(Date.now() - 60_000), cursor, pageSize: 3 });
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.slice(0, -1).map((p) => p.maxVersion)).toEqual([null, null]);
    const versions = pages.flatMap((p) => p.items.map((i) => i.sourceVersion)).sort();
    expect(pages.at(-1)!.maxVersion).toBe(versions.at(-1));
    expect(pages[0]!.items[1]!.document?.payload).toMatchObject({ customerId: "C1", name: "Customer 1", currency: "EUR" });
    // inclusive: a record modified exactly at `since` is listed
    const exactly = await source.listChanged({ objectType: "customer", since: new Date(versions.at(-1)!), cursor: null, pageSize: 100 });
    expect(exactly.items.length).toBeGreaterThanOrEqual(1);
  });

  it("reads items and posted invoices with lines and the customer's currency", async () => {
    const first = await source.listChanged({ objectType: "item", since: new Date(0), cursor: null, pageSize: 1 });
    expect(first.items.map((i) => i.document?.payload)).toEqual([{ id: expect.any(String), inventoryId: "WIDGET", kind: "stock", description: "Widget", itemClass: "HARDWARE", defaultPrice: 12.5, status: "Active" }]);
    const items = [...first.items];
    for (let cursor = first.nextCursor; cursor; ) {
      const page = await source.listChanged({ objectType: "item", since: new Date(0), cursor, pageSize: 1 });
      items.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(items.map((i) => [i.sourceId, (i.document?.payload as { kind: string }).kind])).toEqual([["WIDGET", "stock"], ["SUPPORT", "non-stock"]]);
    expect(await source.fetchDocument({ objectType: "item", sourceId: "SUPPORT" })).toMatchObject({ payload: { kind: "non-stock", itemClass: "SERVICES" } });
    const invoice = await source.fetchDocument({ objectType: "invoice", sourceId: invoices[0]! });
    expect(invoice).toMatchObject({ sourceId: invoices[0], currency: "EUR", amount: 25, payload: { customerId: "C1", status: "Open", balance: 25, lines: [{ inventoryId: "WIDGET", quantity: 2, unitPrice: 12.5, amount: 25 }] } });
    expect(await source.fetchDocument({ objectType: "customer", sourceId: "NOPE" })).toBeNull();
  });

  it("push notifications are accepted only with the shared secret in the configured header, one event per changed record", () => {
    const connection = { id: "c", baseUrl: "", settings: { pushHeaderName: "CustomAuthorization" }, secrets: { pushSecret: "s3cret" } };
    const body = new TextEncoder().encode(JSON.stringify({ Id: "n1", Query: "Customer: Last Modified", Inserted: [{ CustomerID: "C1" }], Deleted: [{ CustomerID: "C1" }], CompanyId: "Company", TimeStamp: 1, AdditionalInfo: {} }));
    const ok = verifyAcumaticaPush({ rawBody: body, headers: new Headers({ CustomAuthorization: "s3cret" }), url: "", connection });
    expect(ok).toEqual({ ok: true, ack: { status: 200 }, events: [{ vendorEventId: "n1:0", eventType: "Updated", objectType: "customer", objectId: "C1", payload: { query: "Customer: Last Modified", id: "n1", key: "C1" } }] });
    expect(verifyAcumaticaPush({ rawBody: body, headers: new Headers({ CustomAuthorization: "wrong!" }), url: "", connection })).toMatchObject({ ok: false });
    expect(verifyAcumaticaPush({ rawBody: body, headers: new Headers(), url: "", connection: { ...connection, secrets: {} } })).toMatchObject({ ok: false });
  });
});
