import { createConnection } from "../../lib/connections/create-connection";
import { ACUMATICA_ZOHO_CRM, ZOHO_CRM_ACUMATICA } from "../../lib/flows/acumatica-zoho-crm/definition";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import { mb, type BenchContext } from "../lib/context";
import { spawnWorker, waitForSync } from "../lib/stack";

export type ZohoCrmBenchResult = {
  scenario: string;
  latencyMs: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  acumaticaCallsPerRecord: number;
  zohoCallsPerRecord: number;
  zohoCreditsPerRecord: number;
  zoho429: number;
  failedRecords: number;
  peakWorkerRssMb: number;
  complete: boolean;
  note?: string;
};

type ZohoStats = { requests: number; rejected429?: number; creditsUsed?: number };
const zohoStats = async (ctl: { stats: () => Promise<Record<string, unknown>> }): Promise<ZohoStats> => {
  const s = await ctl.stats();
  return { requests: Number(s.requests ?? 0), rejected429: Number(s.rejected429 ?? s.tooManyRequests ?? 0), creditsUsed: Number(s.creditsUsed ?? 0) };
};

/**
 * Acumatica -> Zoho CRM backfill (customers, items, released invoices: Accounts, Products, Invoices by
 * upsert), then the way back: `deals` deals marked won in Zoho become Acumatica customers, and the
 * forward flow links each to its Account. Worker processes as in production; figures from the
 * sandboxes' own counters.
 */
export const zohoCrmRoundTrip = async (
  ctx: BenchContext,
  { customers, items, invoices, deals, latencyMs, timeoutMs = 900_000, workers = 2, concurrency = 8 }: { customers: number; items: number; invoices: number; deals: number; latencyMs: number; timeoutMs?: number; workers?: number; concurrency?: number },
): Promise<ZohoCrmBenchResult[]> => {
  const { url, db } = await ctx.freshDb(`zoho_${latencyMs}ms`);
  const sandbox = await ctx.freshSandbox({ latencyMs, accounts: 1 });
  await sandbox.control.setLatency({ acumatica: latencyMs, "zoho-crm": latencyMs });
  // the demo org (seeded with the sandbox) has the key fields already; an empty org gets them here
  for (const [module, api_name] of [["Accounts", "Acumatica_Customer_ID"], ["Products", "Acumatica_Inventory_ID"], ["Invoices", "Acumatica_Reference_Nbr"]] as const) {
    await sandbox.control.zohoCrm.addField({ module, api_name, field_label: api_name, data_type: "text", unique: true }).catch((err: unknown) => {
      if ((err as { status?: number }).status !== 409) throw err;
    });
  }
  const itemIds = Array.from({ length: items }, (_, i) => `BENCH${String(i).padStart(5, "0")}`);
  sandbox.vendors.acumatica.control.seed({
    customers: Array.from({ length: customers }, (_, i) => ({ CustomerID: `B${String(i).padStart(6, "0")}`, CustomerName: `Bench customer ${i}`, CurrencyID: i % 3 ? "USD" : "EUR" })),
    stockItems: itemIds.slice(0, items / 2).map((InventoryID) => ({ InventoryID, DefaultPrice: 10 })),
    nonStockItems: itemIds.slice(items / 2).map((InventoryID) => ({ InventoryID, DefaultPrice: 20 })),
    invoices: Array.from({ length: invoices }, (_, i) => ({
      Customer: `B${String(i % customers).padStart(6, "0")}`,
      Date: "2026-12-01",
      lines: [{ InventoryID: itemIds[i % items]!, Qty: 1 + (i % 3), UnitPrice: 15, Account: "40000" }],
    })),
  });
  const a = sandbox.credentials.acumatica;
  const z = sandbox.credentials["zoho-crm"];
  const acumatica = await createConnection({
    db,
    input: { vendor: "acumatica", name: "Acumatica", baseUrl: a.baseUrl, settings: { endpointVersion: a.endpointVersion, tenant: a.tenant, requestsPerMinute: 600_000, maxConcurrent: 16 }, secrets: { clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password } },
  });
  const zoho = await createConnection({ db, input: { vendor: "zoho-crm", name: "Zoho CRM", baseUrl: z.accountsUrl, settings: { maxConcurrent: 15, requestsPerSecond: 100 }, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, refreshToken: z.refreshToken } } });
  const backfillFrom = new Date(Date.now() - 86_400_000);
  const forward = (await db.flow.create({ data: { kind: ACUMATICA_ZOHO_CRM, name: "forward", sourceConnectionId: acumatica.id, targetConnectionId: zoho.id, enabled: true, backfillFrom, settings: {} } })).id;
  await db.valueMap.createMany({
    data: [
      { flowId: forward, kind: "customer-class", sourceKey: "DEFAULT", targetValue: "Customer" },
      { flowId: forward, kind: "item-class", sourceKey: "HARDWARE", targetValue: "Hardware" },
      { flowId: forward, kind: "item-class", sourceKey: "SERVICES", targetValue: "Services" },
    ],
  });
  const reverse = (await db.flow.create({ data: { kind: ZOHO_CRM_ACUMATICA, name: "reverse", sourceConnectionId: zoho.id, targetConnectionId: acumatica.id, enabled: true, backfillFrom, settings: { currencyId: "USD" } } })).id;

  const procs = Array.from({ length: workers }, () => spawnWorker({ databaseUrl: url, concurrency }));
  const upDeadline = Date.now() + 60_000;
  while (procs.some((p) => !p.output().includes(" running ")) && Date.now() < upDeadline) await new Promise((r) => setTimeout(r, 100));

  const measure = async (label: string, flowId: string, expected: Record<string, number>, start: () => Promise<void>): Promise<ZohoCrmBenchResult> => {
    const a0 = await sandbox.control.acumatica.stats();
    const z0 = await zohoStats(sandbox.control.zohoCrm);
    const started = Date.now();
    let complete = true;
    let note: string | undefined;
    let counts: Record<string, number> = {};
    try {
      await start();
      let lastLog = 0;
      counts = await waitForSync({
        db,
        flowId,
        timeoutMs,
        intervalMs: 500,
        done: (c) => Object.entries(expected).every(([k, n]) => (c[k] ?? 0) >= n),
        onTick: (c) => {
          if (Date.now() - lastLog < 10_000) return;
          lastLog = Date.now();
          console.log(`  [${label}-${latencyMs}ms] ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(c)}`);
        },
      });
    } catch (err) {
      complete = false;
      note = String(err).split("\n")[0]!.slice(0, 300);
      console.log(String(err).slice(0, 3000));
      for (const p of procs) console.log(p.output().slice(-3000));
    }
    const seconds = (Date.now() - started) / 1000;
    const a1 = await sandbox.control.acumatica.stats();
    const z1 = await zohoStats(sandbox.control.zohoCrm);
    const records = Object.entries(counts).filter(([k]) => k.endsWith("/posted")).reduce((n, [, v]) => n + v, 0);
    const per = (n: number) => Number((n / Math.max(1, records)).toFixed(2));
    return {
      scenario: `${label}-${latencyMs}ms`,
      latencyMs,
      records,
      seconds: Number(seconds.toFixed(1)),
      recordsPerSecond: Number((records / seconds).toFixed(1)),
      acumaticaCallsPerRecord: per(a1.requests - a0.requests),
      zohoCallsPerRecord: per(z1.requests - z0.requests),
      zohoCreditsPerRecord: per((z1.creditsUsed ?? 0) - (z0.creditsUsed ?? 0)),
      zoho429: (z1.rejected429 ?? 0) - (z0.rejected429 ?? 0),
      failedRecords: Object.entries(counts).filter(([k]) => k.endsWith("/failed")).reduce((n, [, v]) => n + v, 0),
      peakWorkerRssMb: Math.max(...procs.map((p) => mb(p.peakRss()))),
      complete,
      ...(note ? { note } : {}),
    };
  };

  try {
    const backfill = await measure("acumatica-zoho-crm", forward, { "customer/posted": customers, "item/posted": items, "invoice/posted": invoices }, () => syncFlowNow({ db, flowId: forward }).then(() => undefined));
    const accounts = await sandbox.control.zohoCrm.addRecords("Accounts", Array.from({ length: deals }, (_, i) => ({ Account_Name: `Prospect ${i}` })));
    const accountIds = accounts.flatMap((r) => (r.status === "success" ? [r.details.id] : []));
    const created = await sandbox.control.zohoCrm.addRecords(
      "Deals",
      accountIds.map((id, i) => ({ Deal_Name: `Bench deal ${i}`, Stage: "Negotiation/Review", Closing_Date: "2026-12-31", Account_Name: { id } })),
    );
    const won = await measure("zoho-crm-acumatica", reverse, { "deal/posted": deals }, async () => {
      for (const d of created) if (d.status === "success") await sandbox.control.zohoCrm.winDeal(d.details.id);
      await syncFlowNow({ db, flowId: reverse });
    });
    return [backfill, won];
  } finally {
    await Promise.all(procs.map((p) => p.kill("SIGTERM")));
  }
};
