import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../lib/db";
import { db as appDb } from "../../lib/db";
import { answerCalloutRequest } from "../../lib/sync/answer-callout-request";
import type { RunningSandbox } from "../../sandbox/index";
import { BENCH_CALLOUT_SECRET, createSandboxFlow, incompleteTrails, statusCounts, waitForSync, type OwnPostgres, type WorkerProcess } from "../../bench/lib/stack";
import { prng, startChaosStack, startWorkerPair, stopChaosStack } from "./chaos-stack";
import { serveNodeRoute } from "./http-helpers";

/*
 * SIGKILL the worker processes at random moments while Zuora's Invoice Posted callouts stream in
 * through the webhook route, restarting them each time. Callouts that queue behind busy workers are
 * taken over in batches by one process-callout job (lib/sync/process-callout.ts), so a kill can land
 * on a job that holds other callouts' jobs pushed ahead, on one whose ingest committed but whose posts
 * are in flight, or on one posting. At the end every callout is processed and every invoice is in
 * Acumatica exactly once, with a complete trail.
 */

const CALLOUTS = Number(process.env.CHAOS_CALLOUTS ?? 400);
const RATE = Number(process.env.CHAOS_CALLOUT_RATE ?? 20);
const KILLS = Number(process.env.CHAOS_KILLS ?? 6);
const SEED = Number(process.env.CHAOS_SEED ?? 11);

describe(`worker SIGKILLed ${KILLS} times while ${CALLOUTS} callouts arrive at ${RATE}/s`, () => {
  let pgs: OwnPostgres;
  let db: Db;
  let sandbox: RunningSandbox;
  const workers: WorkerProcess[] = [];
  let served: Awaited<ReturnType<typeof serveNodeRoute>> | undefined;
  const g = globalThis as unknown as { mlConnectorDb?: unknown };

  beforeAll(async () => {
    ({ pgs, db, sandbox } = await startChaosStack({ accounts: 50 }));
  });
  afterAll(async () => {
    await served?.close();
    delete g.mlConnectorDb;
    await stopChaosStack({ pgs, db, sandbox, workers });
  });

  it("processes every callout and posts each invoice exactly once, with a complete trail", async () => {
    const { sourceConnectionId, flowId } = await createSandboxFlow({ db, sandbox, acumaticaLimits: { requestsPerMinute: 600_000, maxConcurrent: 16 } });
    // the webhook route as the app serves it, against this test's database
    g.mlConnectorDb = db;
    served = await serveNodeRoute((req, res, { vendor = "", connectionId = "" }) => answerCalloutRequest({ db: appDb, req, res, vendor, connectionId }), /^\/api\/webhooks\/(?<vendor>[^/]*)\/(?<connectionId>[^/]*)$/);
    await sandbox.control.zuora.callouts.addTemplate({ url: `${served.url}/api/webhooks/zuora/${sourceConnectionId}`, events: ["InvoicePosted"], hmac: { secret: BENCH_CALLOUT_SECRET } });
    const rnd = prng(SEED);

    const pair = startWorkerPair({ pgs, workers, rnd });

    // callouts at a steady rate (one invoice per bill run), while a kill lands every 1-4 s
    const numbers: string[] = [];
    const started = Date.now();
    const sending = (async () => {
      for (let i = 0; i < CALLOUTS; i++) {
        const wait = started + (i * 1000) / RATE - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const run = await sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 5000 + i });
        numbers.push(...run.invoices.map((inv) => inv.number));
      }
    })();
    const kills: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 1_000 + Math.floor(rnd() * 3_000)));
      await pair.killOne();
      kills.push(Date.now() - started);
    }
    await sending;
    const sentMs = Date.now() - started;
    console.log(`[callout-crash] ${KILLS} SIGKILLs at ${kills.map((ms) => `${(ms / 1000).toFixed(1)}s`).join(", ")}; ${numbers.length} callouts sent in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(kills.at(-1)!, "the kills must land while callouts arrive").toBeLessThan(sentMs);

    const counts = await waitForSync({ db, flowId, timeoutMs: Number(process.env.CHAOS_TIMEOUT_MS ?? 600_000), done: (c) => c["invoice/posted"] === numbers.length });
    console.log(`[callout-crash] done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);

    expect(await db.inboundEvent.count({ where: { processedAt: null } })).toBe(0);
    expect(await db.inboundEvent.count()).toBe(numbers.length);
    expect(Object.keys(await statusCounts(db, flowId)).filter((k) => !k.endsWith("/posted"))).toEqual([]);
    // exactly one Acumatica invoice per Zuora invoice
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
    const invoices = (await sandbox.control.acumatica.documents("Invoice")).filter((d) => d.Type === "Invoice");
    const inAcumatica = new Set(invoices.map((d) => String(d.CustomerOrder)));
    expect(numbers.filter((n) => !inAcumatica.has(n))).toEqual([]);
    expect(invoices.filter((d) => numbers.includes(String(d.CustomerOrder))).length).toBe(numbers.length);
    expect((await incompleteTrails(db, flowId)).slice(0, 5)).toEqual([]);
    // the liveness sweep is what recovered the killed workers' jobs
    expect(workers.some((w) => w.output().includes("gave back the jobs of"))).toBe(true);
  });
});
