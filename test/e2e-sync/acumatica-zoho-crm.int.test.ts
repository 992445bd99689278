import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { run, type Runner } from "graphile-worker";
import { toGraphileTask } from "../../jobs/define-task";
import { createRenewSubscriptionsTask } from "../../jobs/renew-subscriptions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../lib/connections/create-connection";
import type { Prisma } from "../../lib/db";
import { ACUMATICA_ZOHO_CRM, ZOHO_CRM_ACUMATICA } from "../../lib/flows/acumatica-zoho-crm/definition";
import { receiveCallout } from "../../lib/sync/receive-callout";
import { renewDueSubscriptions } from "../../lib/sync/renew-due-subscriptions";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createTestDb, type TestDb } from "../db";
import { pollAndSettle, settle, startWorker, statusCounts } from "./harness";

/*
 * Acumatica -> Zoho CRM and back, end to end: real sandboxes over HTTP, Postgres, a graphile-worker
 * runner, Acumatica push notifications and Zoho callbacks received by a real HTTP server handing the
 * raw bytes to receiveCallout (as the webhook route does). 500 customers, 200 items and 1,000 posted
 * invoices reach Zoho once each and reconcile per currency; a renamed customer updates its Account
 * once; a won deal creates one Acumatica customer and nothing echoes; the channel is renewed before it
 * expires on Zoho's clock; 429s, 5xx, expired tokens and duplicate callbacks change nothing.
 */

const CUSTOMERS = Number(process.env.E2E_ZOHO_CUSTOMERS ?? 500);
const ITEMS = Number(process.env.E2E_ZOHO_ITEMS ?? 200);
const INVOICES = Number(process.env.E2E_ZOHO_INVOICES ?? 1000);
const PUSH_SECRET = "e2e-push-secret-1";

type Doc = Record<string, unknown>;
const round2 = (n: number) => Math.round(n * 100) / 100;

describe("Acumatica -> Zoho CRM, and won deals back", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let worker: Runner;
  let renewer: Runner;
  let server: Server;
  let receiverUrl: string;
  const flows = { forward: "", reverse: "" };
  const connections = { acumatica: "", zoho: "" };
  const timings: Record<string, number> = {};

  const zohoRecords = (module: "Accounts" | "Products" | "Invoices" | "Deals") => sandbox.control.zohoCrm.records(module);
  const byKey = (rows: Doc[], field: string) => {
    const out = new Map<string, Doc[]>();
    for (const r of rows) if (typeof r[field] === "string") out.set(String(r[field]), [...(out.get(String(r[field])) ?? []), r]);
    return out;
  };

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0 })]);
    const zoho = sandbox.credentials["zoho-crm"];
    for (const field of [
      { module: "Accounts", api_name: "Acumatica_Customer_ID", data_type: "text", unique: true },
      { module: "Products", api_name: "Acumatica_Inventory_ID", data_type: "text", unique: true },
      { module: "Invoices", api_name: "Acumatica_Reference_Nbr", data_type: "text", unique: true },
      { module: "Invoices", api_name: "Balance", data_type: "currency" },
      // a multi-currency org's Currency field (Zoho adds it when multiple currencies are enabled)
      { module: "Invoices", api_name: "Currency", data_type: "text" },
    ] as const) {
      await sandbox.control.zohoCrm.addField({ ...field, field_label: field.api_name.replace(/_/g, " ") });
    }

    // Acumatica: customers in two currencies and classes, stock and non-stock items, released invoices
    const items = Array.from({ length: ITEMS }, (_, i) => ({ InventoryID: `ITEM${String(i).padStart(4, "0")}`, Description: `Item ${i}`, ItemClass: i % 2 ? "SERVICES" : "HARDWARE", DefaultPrice: 10 + (i % 17) }));
    const seeded = sandbox.vendors.acumatica.control.seed({
      customers: Array.from({ length: CUSTOMERS }, (_, i) => ({ CustomerID: `C${String(i).padStart(5, "0")}`, CustomerName: `Customer ${i}`, CurrencyID: i % 3 === 0 ? "EUR" : "USD", CustomerClass: i % 2 ? "RETAIL" : "WHOLESALE" })),
      stockItems: items.slice(0, ITEMS / 2),
      nonStockItems: items.slice(ITEMS / 2),
      invoices: Array.from({ length: INVOICES }, (_, i) => ({
        Customer: `C${String(i % CUSTOMERS).padStart(5, "0")}`,
        Date: "2026-12-01",
        Terms: "30D",
        lines: Array.from({ length: 1 + (i % 3) }, (_, l) => ({ InventoryID: items[(i * 7 + l * 13) % ITEMS]!.InventoryID, Qty: 1 + ((i + l) % 4), UnitPrice: 9.99 + ((i * 3 + l) % 50), Account: "40000" })),
      })),
    });
    expect(seeded.invoices).toHaveLength(INVOICES);

    // The receiver: a real HTTP server handing raw bytes and headers to receiveCallout, as the webhook route does.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const [, , , vendor, connectionId] = (req.url ?? "").split("/");
        receiveCallout({ db: t.db, connectionId: connectionId ?? "", vendor, rawBody: new Uint8Array(Buffer.concat(chunks)), headers, url: req.url ?? "" })
          .then((r) => res.writeHead(r.status).end())
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const a = sandbox.credentials.acumatica;
    connections.acumatica = (
      await createConnection({
        db: t.db,
        input: {
          vendor: "acumatica",
          name: "Acumatica (sandbox)",
          baseUrl: a.baseUrl,
          settings: { endpointVersion: a.endpointVersion, tenant: a.tenant, requestsPerMinute: 6000, maxConcurrent: 6, pushHeaderName: "CustomAuthorization" },
          secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password, pushSecret: PUSH_SECRET },
        },
      })
    ).id;
    connections.zoho = (
      await createConnection({ db: t.db, input: { vendor: "zoho-crm", name: "Zoho CRM (sandbox)", baseUrl: zoho.accountsUrl, settings: {}, secrets: { clientId: zoho.clientId, clientSecret: zoho.clientSecret, refreshToken: zoho.refreshToken } } })
    ).id;
    const backfillFrom = new Date(Date.now() - 86_400_000);
    flows.forward = (await t.db.flow.create({ data: { kind: ACUMATICA_ZOHO_CRM, name: "Acumatica → Zoho", sourceConnectionId: connections.acumatica, targetConnectionId: connections.zoho, enabled: true, backfillFrom, settings: {} as Prisma.InputJsonValue } })).id;
    flows.reverse = (await t.db.flow.create({ data: { kind: ZOHO_CRM_ACUMATICA, name: "Zoho → Acumatica", sourceConnectionId: connections.zoho, targetConnectionId: connections.acumatica, enabled: true, backfillFrom, settings: { currencyId: "USD" } as Prisma.InputJsonValue } })).id;
    await t.db.valueMap.createMany({
      data: [
        { flowId: flows.forward, kind: "customer-class", sourceKey: "WHOLESALE", targetValue: "Distributor" },
        { flowId: flows.forward, kind: "customer-class", sourceKey: "RETAIL", targetValue: "Customer" },
        // the class Acumatica gives a customer created without one (the won deals' customers)
        { flowId: flows.forward, kind: "customer-class", sourceKey: "DEFAULT", targetValue: "Customer" },
        { flowId: flows.forward, kind: "item-class", sourceKey: "HARDWARE", targetValue: "Hardware" },
        { flowId: flows.forward, kind: "item-class", sourceKey: "SERVICES", targetValue: "Services" },
        { flowId: flows.forward, kind: "payment-terms", sourceKey: "30D", targetValue: "Net 30 days" },
      ],
    });
    worker = await startWorker(t);
    // the engine's renewal job, with this test's receiver as the app's public URL
    renewer = await run({
      connectionString: t.url,
      concurrency: 1,
      pollInterval: 100,
      noHandleSignals: true,
      taskList: { "renew-subscriptions": toGraphileTask(createRenewSubscriptionsTask({ getDb: () => t.db, appUrl: () => receiverUrl })) },
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await renewer?.stop();
    await new Promise((r) => server?.close(r));
    await sandbox?.close();
    await t?.drop();
    console.log(`[acumatica-zoho-crm e2e] timings (ms): ${JSON.stringify(timings)}`);
  });

  it("500 customers, 200 items and 1,000 posted invoices reach Zoho once each; invoice totals and balances reconcile per currency", async () => {
    const started = performance.now();
    await pollAndSettle(t, flows.forward, 600_000);
    timings.backfill = Math.round(performance.now() - started);

    expect(await statusCounts(t, flows.forward)).toEqual({ "customer/posted": CUSTOMERS, "invoice/posted": INVOICES, "item/posted": ITEMS });
    const [accounts, products, invoices] = await Promise.all([zohoRecords("Accounts"), zohoRecords("Products"), zohoRecords("Invoices")]);
    const accountsByKey = byKey(accounts, "Acumatica_Customer_ID");
    expect(accountsByKey.size).toBe(CUSTOMERS);
    expect([...accountsByKey.values()].every((rows) => rows.length === 1)).toBe(true);
    expect(accounts.find((a) => a.Acumatica_Customer_ID === "C00001")).toMatchObject({ Account_Name: "Customer 1", Account_Type: "Customer" });
    expect(byKey(products, "Acumatica_Inventory_ID").size).toBe(ITEMS);
    expect(products.find((p) => p.Acumatica_Inventory_ID === "ITEM0001")).toMatchObject({ Product_Name: "Item 1", Product_Category: "Services" });
    const invoicesByKey = byKey(invoices, "Acumatica_Reference_Nbr");
    expect(invoicesByKey.size).toBe(INVOICES);
    expect(invoices).toHaveLength(INVOICES);
    expect(await sandbox.control.zohoCrm.duplicates()).toEqual([]);

    // Each Zoho invoice is on the Account of its Acumatica customer.
    const accountIdOf = new Map(accounts.map((a) => [String(a.Acumatica_Customer_ID), a.id]));
    const acumaticaInvoices = sandbox.vendors.acumatica.control.documents("Invoice");
    for (const inv of acumaticaInvoices) {
      const zohoInvoice = invoicesByKey.get(String(inv.ReferenceNbr))![0]!;
      expect((zohoInvoice.Account_Name as { id: string }).id).toBe(accountIdOf.get(String(inv.Customer)));
    }

    // Reconciliation per currency: Acumatica amount and balance (currency of the customer) against Zoho's Grand_Total and Balance.
    const currencyOf = new Map(sandbox.vendors.acumatica.control.documents("Customer").map((c) => [String(c.CustomerID), String(c.CurrencyID)]));
    const totals = (rows: { currency: string; amount: number; balance: number }[]) => {
      const out: Record<string, { amount: number; balance: number; count: number }> = {};
      for (const r of rows) {
        const x = (out[r.currency] ??= { amount: 0, balance: 0, count: 0 });
        x.amount = round2(x.amount + r.amount);
        x.balance = round2(x.balance + r.balance);
        x.count += 1;
      }
      return out;
    };
    const acumatica = totals(acumaticaInvoices.map((i) => ({ currency: currencyOf.get(String(i.Customer))!, amount: Number(i.Amount), balance: Number(i.Balance) })));
    const zohoTotals = totals(invoices.map((i) => ({ currency: String(i.Currency), amount: Number(i.Grand_Total), balance: Number(i.Balance) })));
    expect(Object.keys(acumatica).sort()).toEqual(["EUR", "USD"]);
    expect(zohoTotals).toEqual(acumatica);

    // A second poll finds nothing new to send.
    const calls = ((await sandbox.control.zohoCrm.stats()) as { requests: number }).requests;
    await pollAndSettle(t, flows.forward);
    const after = (await sandbox.control.zohoCrm.stats()) as { requests: number };
    expect(after.requests - calls).toBeLessThanOrEqual(2);
  }, 600_000);

  it("a renamed customer, pushed by Acumatica, updates its Zoho Account once", async () => {
    sandbox.vendors.acumatica.control.setPushNotifications([
      { url: `${receiverUrl}/api/webhooks/acumatica/${connections.acumatica}`, headerName: "CustomAuthorization", headerValue: PUSH_SECRET, entity: "Customer", retryDelayMs: 50 },
    ]);
    const record = await t.db.syncRecord.findFirstOrThrow({ where: { flowId: flows.forward, objectType: "customer", sourceId: "C00007" } });
    const started = performance.now();
    sandbox.vendors.acumatica.control.seed({ customers: [{ CustomerID: "C00007", CustomerName: "Renamed Seven GmbH" }] });
    await sandbox.vendors.acumatica.control.pushIdle();
    await settle(t);
    timings.pushToZoho = Math.round(performance.now() - started);
    const pushed = sandbox.vendors.acumatica.control.pushDeliveries().at(-1);
    expect(pushed).toMatchObject({ delivered: true, attempts: [200] });

    const accounts = (await zohoRecords("Accounts")).filter((a) => a.Acumatica_Customer_ID === "C00007");
    expect(accounts).toMatchObject([{ id: record.targetId, Account_Name: "Renamed Seven GmbH" }]);
    await pollAndSettle(t, flows.forward); // the poll catches up and sends nothing more
    const events = await t.db.recordEvent.findMany({ where: { recordId: record.id, kind: "updated" } });
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ changes: expect.arrayContaining([expect.objectContaining({ to: "Renamed Seven GmbH" })]) });
  }, 120_000);

  it("a deal marked won creates one Acumatica customer, linked to its Account; nothing echoes back into Zoho; duplicate callbacks change nothing", async () => {
    expect(await renewDueSubscriptions({ db: t.db })).toEqual({ queued: [connections.zoho] });
    await settle(t);
    expect(await t.db.connection.findUniqueOrThrow({ where: { id: connections.zoho } })).toMatchObject({ subscriptionError: null, subscriptionExpiresAt: expect.any(Date) });
    sandbox.vendors.acumatica.control.setPushNotifications([
      { url: `${receiverUrl}/api/webhooks/acumatica/${connections.acumatica}`, headerName: "CustomAuthorization", headerValue: PUSH_SECRET, entity: "Customer", retryDelayMs: 50 },
    ]);

    const [prospect] = await sandbox.control.zohoCrm.addRecords("Accounts", [{ Account_Name: "Harbor Freight Analytics Inc.", Billing_City: "Oakland" }]);
    const accountId = prospect!.status === "success" ? prospect!.details.id : "";
    const [deal] = await sandbox.control.zohoCrm.addRecords("Deals", [{ Deal_Name: "Harbor – Platform (40 seats)", Stage: "Negotiation/Review", Closing_Date: "2026-12-31", Account_Name: { id: accountId } }]);
    const dealId = deal!.status === "success" ? deal!.details.id : "";
    await sandbox.control.zohoCrm.drainCallbacks();
    await settle(t);
    const accountsBefore = (await zohoRecords("Accounts")).length;
    const customersBefore = sandbox.vendors.acumatica.control.documents("Customer").length;

    await sandbox.control.zohoCrm.setCallbackMode({ duplicate: true });
    await sandbox.control.zohoCrm.winDeal(dealId);
    await sandbox.control.zohoCrm.drainCallbacks();
    await settle(t);
    await sandbox.vendors.acumatica.control.pushIdle();
    await settle(t);
    await sandbox.control.zohoCrm.setCallbackMode({ duplicate: false });
    // both flows poll as the catch-up: nothing more happens
    await pollAndSettle(t, flows.reverse);
    await pollAndSettle(t, flows.forward);

    const customers = sandbox.vendors.acumatica.control.documents("Customer");
    expect(customers).toHaveLength(customersBefore + 1);
    expect(customers.filter((c) => c.CustomerID === `Z${accountId}`)).toMatchObject([{ CustomerName: "Harbor Freight Analytics Inc.", CurrencyID: "USD" }]);
    const accounts = await zohoRecords("Accounts");
    expect(accounts).toHaveLength(accountsBefore);
    expect(accounts.find((a) => a.id === accountId)).toMatchObject({ Acumatica_Customer_ID: `Z${accountId}`, Account_Name: "Harbor Freight Analytics Inc." });
    expect(await statusCounts(t, flows.reverse)).toEqual({ "deal/posted": 1 });
    const linked = await t.db.syncRecord.findFirstOrThrow({ where: { flowId: flows.forward, objectType: "customer", sourceId: `Z${accountId}` } });
    expect(linked).toMatchObject({ status: "posted", targetId: accountId });
    expect(await sandbox.control.zohoCrm.duplicates()).toEqual([]);
    const callbacks = await sandbox.control.zohoCrm.callbacks();
    expect(callbacks.some((c) => c.sends === 2)).toBe(true);
  }, 120_000);

  it("the channel is renewed before it expires on Zoho's clock, and callbacks keep coming after the first expiry", async () => {
    const first = await t.db.connection.findUniqueOrThrow({ where: { id: connections.zoho } });
    const firstExpiry = first.subscriptionExpiresAt!;
    const zohoNow = async () => new Date((await sandbox.control.zohoCrm.setClock({ advanceSeconds: 0 })).now);
    // 23 h later on Zoho's clock (tokens expired meanwhile): within the renewal window
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 23 * 3600 });
    expect(await renewDueSubscriptions({ db: t.db, now: await zohoNow() })).toEqual({ queued: [connections.zoho] });
    await settle(t);
    const renewed = (await t.db.connection.findUniqueOrThrow({ where: { id: connections.zoho } })).subscriptionExpiresAt!;
    expect(renewed.getTime() - firstExpiry.getTime()).toBeGreaterThan(22 * 3_600_000);
    // not due again an hour later
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 2 * 3600 });
    expect(await renewDueSubscriptions({ db: t.db, now: await zohoNow() })).toEqual({ queued: [] });
    expect((await zohoNow()).getTime()).toBeGreaterThan(firstExpiry.getTime());
    expect((await sandbox.control.zohoCrm.channels()).filter((c) => c.active)).toHaveLength(1);

    const [prospect] = await sandbox.control.zohoCrm.addRecords("Accounts", [{ Account_Name: "Lumen Robotics GmbH" }]);
    const accountId = prospect!.status === "success" ? prospect!.details.id : "";
    const [deal] = await sandbox.control.zohoCrm.addRecords("Deals", [{ Deal_Name: "Lumen – Enterprise", Stage: "Proposal/Price Quote", Closing_Date: "2026-12-31", Account_Name: { id: accountId } }]);
    await sandbox.control.zohoCrm.winDeal(deal!.status === "success" ? deal!.details.id : "");
    await sandbox.control.zohoCrm.drainCallbacks();
    await settle(t);
    expect(sandbox.vendors.acumatica.control.documents("Customer").filter((c) => c.CustomerID === `Z${accountId}`)).toHaveLength(1);
  }, 120_000);

  it("429s from credits, 5xx, expired tokens and duplicate callbacks change nothing: every change reaches Zoho once", async () => {
    sandbox.vendors.acumatica.control.setPushNotifications([]);
    await sandbox.control.faults.set({
      seed: 7,
      rules: [
        { vendor: "zoho-crm", path: "/api/*/crm/v8/*/upsert", times: 1, action: { kind: "expire-tokens" } },
        { vendor: "zoho-crm", path: "/api/*/crm/v8/*/upsert", probability: 0.3, action: { kind: "status", status: 429 } },
        { vendor: "zoho-crm", path: "/api/*/crm/v8/*/upsert", probability: 0.2, action: { kind: "status", status: 500 } },
        { vendor: "zoho-crm", path: "/api/*/crm/v8/*", probability: 0.05, action: { kind: "expire-tokens" } },
        { vendor: "zoho-crm", path: "/api/*/crm/v8/*/upsert", probability: 0.1, action: { kind: "drop", when: "after" } },
      ],
    });
    // the day's credits run out part-way: Zoho answers 429 until more are available
    const before = (await sandbox.control.zohoCrm.stats()) as { creditsUsed: number; rejected429: number; rejected401: number };
    const used = before.creditsUsed;
    await sandbox.control.zohoCrm.updateSettings({ creditsPerDay: used + 5 });
    // the org's admin buys more credits once Zoho has refused a call for want of them
    const restored = (async () => {
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && ((await sandbox.control.zohoCrm.stats()) as { rejected429: number }).rejected429 === before.rejected429) await new Promise((r) => setTimeout(r, 100));
      await sandbox.control.zohoCrm.updateSettings({ creditsPerDay: 5_000_000 });
    })();
    try {
      sandbox.vendors.acumatica.control.seed({ customers: Array.from({ length: 40 }, (_, i) => ({ CustomerID: `C${String(i + 100).padStart(5, "0")}`, CustomerName: `Faulted ${i}` })) });
      const { invoices: more } = sandbox.vendors.acumatica.control.seed({
        invoices: Array.from({ length: 30 }, (_, i) => ({ Customer: `C${String(i + 200).padStart(5, "0")}`, Date: "2026-12-02", Terms: "30D", lines: [{ InventoryID: "ITEM0003", Qty: 2, UnitPrice: 25, Account: "40000" }] })),
      });
      await pollAndSettle(t, flows.forward, 240_000);
      await restored;
      await pollAndSettle(t, flows.forward, 240_000);
      const log = await sandbox.control.faults.log();
      const fired = new Set(log.map((l) => l.ruleId));
      expect(fired.size).toBeGreaterThanOrEqual(3);
      const after = (await sandbox.control.zohoCrm.stats()) as { rejected429: number; rejected401: number };
      // 429s Zoho itself gave (credits), beside the injected ones, and 401s of expired tokens
      expect(after.rejected429).toBeGreaterThan(before.rejected429);
      expect(after.rejected401).toBeGreaterThan(before.rejected401);
      const accounts = await zohoRecords("Accounts");
      for (let i = 0; i < 40; i++) expect(accounts.filter((a) => a.Acumatica_Customer_ID === `C${String(i + 100).padStart(5, "0")}`)).toMatchObject([{ Account_Name: `Faulted ${i}` }]);
      const invoices = byKey(await zohoRecords("Invoices"), "Acumatica_Reference_Nbr");
      for (const ref of more) expect(invoices.get(ref)).toMatchObject([{ Grand_Total: 50 }]);
      expect(invoices.size).toBe(INVOICES + 30);
      expect(await sandbox.control.zohoCrm.duplicates()).toEqual([]);
      const counts = await statusCounts(t, flows.forward);
      expect(Object.keys(counts).filter((k) => !k.endsWith("/posted"))).toEqual([]);
    } finally {
      await sandbox.control.faults.clear();
      await sandbox.control.zohoCrm.updateSettings({ creditsPerDay: 5_000_000 });
    }
  }, 300_000);
});
