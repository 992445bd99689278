import autocannon from "autocannon";
import { startSandbox } from "../index";

/*
 * How fast the sandbox answers: `npx tsx sandbox/core/throughput.ts [seconds] [connections]`.
 * Seeds the demo company, runs a 10,000-invoice bill run (timed), then drives authenticated
 * keep-alive GET /v1/invoices/{key} over loopback with autocannon for a bounded time (default 8 s).
 */

const seconds = Math.min(10, Number(process.argv[2] ?? 8));
const connections = Number(process.argv[3] ?? 10);

const sandbox = await startSandbox({ port: 0, demo: true, zuora: { rateLimits: { perMinute: 10_000_000, perHour: 100_000_000, perDay: 1_000_000_000 } } });
let started = performance.now();
const run = await sandbox.control.zuora.billRun({ invoices: 10_000 });
const billRunMs = performance.now() - started;
const { clientId, clientSecret } = sandbox.credentials.zuora;
const tokenResponse = await fetch(`${sandbox.zuoraBaseUrl}/oauth/token`, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" }),
});
const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

started = performance.now();
let pages = 0;
let cursor: string | undefined;
do {
  const query = `pageSize=99&sort[]=updateddate.ASC&expand[]=invoiceitems${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
  const page = (await (await fetch(`${sandbox.zuoraBaseUrl}/object-query/invoices?${query}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { nextPage?: string };
  cursor = page.nextPage;
  pages += 1;
} while (cursor);
const pagingMs = performance.now() - started;

const keys = run.invoices.slice(0, 1_000).map((i) => i.number);
let n = 0;
const result = await autocannon({
  url: sandbox.zuoraBaseUrl,
  connections,
  duration: seconds,
  headers: { authorization: `Bearer ${token}` },
  requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/zuora/v1/invoices/${keys[n++ % keys.length]}` }) }],
});
await sandbox.close();

console.log(JSON.stringify({
  billRun10kMs: Math.round(billRunMs),
  objectQueryAllPagesMs: Math.round(pagingMs),
  objectQueryPages: pages,
  getInvoice: {
    seconds,
    connections,
    requestsPerSecondAvg: result.requests.average,
    latencyMsAvg: result.latency.average,
    latencyMsP99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  },
}, null, 2));
