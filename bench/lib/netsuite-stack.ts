import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createConnection } from "../../lib/connections/create-connection";
import type { Db } from "../../lib/db";
import { receiveCallout } from "../../lib/sync/receive-callout";
import { createNetsuiteZuoraFlowPair } from "../../prisma/seed/seed-netsuite-demo-flows";
import type { RunningSandbox } from "../../sandbox/index";

/*
 * NetSuite <-> Zuora on real connections to a running sandbox: both connections, both flows, the value
 * maps of the demo items, NetSuite data at scale, and a real HTTP receiver for callouts and webhooks.
 * Shared by the end-to-end test (test/e2e-sync/netsuite-zuora.int.test.ts) and the benchmark.
 */

/** The demo items (sandbox/netsuite/demo.ts) -> Zuora charge names and GL codes. */
export const DEMO_ITEM_MAPS = {
  "NW-PLAT-S": { charge: "Platform Starter", gl: "4000" },
  "NW-PLAT-B": { charge: "Platform Business", gl: "4000" },
  "NW-PLAT-E": { charge: "Platform Enterprise", gl: "4000" },
  "NW-SUP-P": { charge: "Premium Support", gl: "4100" },
  "NW-ONB": { charge: "Implementation", gl: "4200" },
  "NW-TRN": { charge: "Training", gl: "4200" },
} as const;
const ITEM_RATES: Record<keyof typeof DEMO_ITEM_MAPS, number> = { "NW-PLAT-S": 29, "NW-PLAT-B": 79, "NW-PLAT-E": 149, "NW-SUP-P": 499, "NW-ONB": 2500, "NW-TRN": 1200 };

export const CALLOUT_SECRET = "ns-e2e-callout-secret";
export const WEBHOOK_SECRET = "ns-e2e-webhook-secret-0123456789";
export const LINK_FIELD = "NetSuiteId__c";

/** Both connections and both flows; the Zuora tenant gets the link custom field defined. */
export const createNetsuiteZuoraFlows = async ({ db, sandbox, netsuiteMaxConcurrent = 6 }: { db: Db; sandbox: RunningSandbox; netsuiteMaxConcurrent?: number }) => {
  const suffix = randomBytes(3).toString("hex");
  await sandbox.control.zuora.updateSettings({ customFields: { Account: [LINK_FIELD], Invoice: [LINK_FIELD] } });
  const ns = sandbox.credentials.netsuite;
  const z = sandbox.credentials.zuora;
  const netsuite = await createConnection({
    db,
    input: {
      vendor: "netsuite",
      name: `NetSuite (sandbox ${suffix})`,
      baseUrl: ns.baseUrl,
      settings: { accountId: ns.accountId, certificateId: ns.certificateId, maxConcurrent: netsuiteMaxConcurrent, requestsPerSecond: 500 },
      secrets: { clientId: ns.clientId, privateKey: ns.privateKeyPem, webhookSecret: WEBHOOK_SECRET },
    },
  });
  const zuora = await createConnection({
    db,
    input: { vendor: "zuora", name: `Zuora (sandbox ${suffix})`, baseUrl: z.baseUrl, settings: { requestsPerSecond: 500, maxConcurrent: 20 }, secrets: { clientId: z.clientId, clientSecret: z.clientSecret, calloutHmacSecret: CALLOUT_SECRET } },
  });
  const flows = await createNetsuiteZuoraFlowPair({
    tx: db,
    netsuiteConnectionId: netsuite.id,
    zuoraConnectionId: zuora.id,
    backfillFrom: new Date(Date.now() - 86_400_000),
    schedule: null,
    names: [`NetSuite -> Zuora ${suffix}`, `Zuora subscriptions -> NetSuite ${suffix}`],
    itemMaps: Object.entries(DEMO_ITEM_MAPS).map(([item, m]) => [item, m.charge, m.gl] as const),
  });
  return { netsuiteConnectionId: netsuite.id, zuoraConnectionId: zuora.id, invoiceFlowId: flows.invoices, subscriptionFlowId: flows.subscriptions };
};

/** A deterministic generator (mulberry32), so runs are comparable. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/**
 * Adds customers and invoices to the NetSuite account until it holds `customers` and `invoices` (the demo
 * seed counts): every fourth customer in EUR (subsidiary 2), invoices of 1-3 lines on the demo items.
 */
export const seedNetsuiteVolume = async ({ sandbox, customers, invoices, seed = 7 }: { sandbox: RunningSandbox; customers: number; invoices: number; seed?: number }) => {
  const random = prng(seed);
  const counts = await sandbox.control.netsuite.stats();
  const stats = { customers: counts.customers ?? 0, invoices: counts.invoices ?? 0 };
  const items = (await sandbox.control.netsuite.records("serviceSaleItem")).map((i) => ({ id: String(i.id), itemId: String(i.itemId) as keyof typeof DEMO_ITEM_MAPS }));
  const addCustomers = Math.max(0, customers - stats.customers);
  for (let start = 0; start < addCustomers; start += 250) {
    const bodies = Array.from({ length: Math.min(250, addCustomers - start) }, (_, k) => {
      const n = stats.customers + start + k;
      const eur = n % 4 === 3;
      return { companyName: `Volume Customer ${n + 1}${eur ? " B.V." : " Inc."}`, email: `ap${n + 1}@volume.example`, subsidiary: { id: eur ? "2" : "1" }, currency: { id: eur ? "4" : "1" }, externalId: `VOL-C-${n + 1}` };
    });
    await sandbox.control.netsuite.seed({ customers: bodies });
  }
  const customerIds = (await sandbox.control.netsuite.records("customer")).map((c) => String(c.id));
  const addInvoices = Math.max(0, invoices - stats.invoices);
  for (let start = 0; start < addInvoices; start += 250) {
    const bodies = Array.from({ length: Math.min(250, addInvoices - start) }, (_, k) => {
      const customer = customerIds[Math.floor(random() * customerIds.length)]!;
      const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const item = items[Math.floor(random() * items.length)]!;
        return { item: { id: item.id }, quantity: 1 + Math.floor(random() * 12), rate: ITEM_RATES[item.itemId] };
      });
      return { entity: { id: customer }, memo: `Volume invoice ${stats.invoices + start + k + 1}`, externalId: `VOL-I-${stats.invoices + start + k + 1}`, item: { items: lines } };
    });
    await sandbox.control.netsuite.seed({ invoices: bodies });
  }
};

/** A real HTTP server handing each request's raw bytes, headers and URL to receiveCallout, as the webhook route does. */
export const startCalloutReceiver = async (db: Db) => {
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const [, , , vendor = "", connectionId = ""] = (req.url ?? "").split("?")[0]!.split("/");
      receiveCallout({ db, vendor, connectionId, rawBody: new Uint8Array(Buffer.concat(chunks)), headers, url: `http://${req.headers.host}${req.url}`, remoteAddress: req.socket.remoteAddress })
        .then((r) => {
          statuses.push(r.status);
          res.writeHead(r.status, { "content-type": "application/json" }).end(JSON.stringify({ success: r.status === 200 }));
        })
        .catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    statuses,
    /** the webhook URL of a connection: /api/webhooks/<vendor>/<connectionId> */
    urlOf: (vendor: string, connectionId: string) => `${origin}/api/webhooks/${vendor}/${connectionId}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};
