import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../lib/db";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import type { RunningSandbox } from "../../sandbox/index";
import { incompleteTrails, statusCounts, waitForSync, type OwnPostgres, type WorkerProcess } from "../../bench/lib/stack";
import { prng, startBillRunFlow, startChaosStack, startWorkerPair, stopChaosStack } from "./chaos-stack";

/*
 * SIGKILL the worker processes at random moments while they sync a 2,000-invoice bill run (with its
 * payments and credit memos) from Zuora to Acumatica, restarting them each time. At the end Acumatica
 * holds exactly one document per Zuora document, every record is posted, and every trail is complete.
 * Recovery needs no manual step: a restarted worker gives back the dead one's locked jobs (jobs/worker-liveness.ts).
 */

const INVOICES = Number(process.env.CHAOS_INVOICES ?? 2_000);
const KILLS = Number(process.env.CHAOS_KILLS ?? 12);
const SEED = Number(process.env.CHAOS_SEED ?? 6);

describe(`worker SIGKILLed ${KILLS} times during a ${INVOICES}-invoice sync`, () => {
  let pgs: OwnPostgres;
  let db: Db;
  let sandbox: RunningSandbox;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ({ pgs, db, sandbox } = await startChaosStack({ accounts: 60 }));
  });
  afterAll(() => stopChaosStack({ pgs, db, sandbox, workers }));

  it("ends with one Acumatica document per Zuora document, every record posted, every trail complete", async () => {
    const { flowId, run, expected } = await startBillRunFlow({ pgs, db, sandbox }, { invoices: INVOICES, seed: SEED });
    const rnd = prng(SEED);

    const pair = startWorkerPair({ pgs, workers, rnd });
    await syncFlowNow({ db, flowId });

    const kills: { at: number; posted: number }[] = [];
    const started = Date.now();
    for (let k = 0; k < KILLS; k++) {
      // spread over the sync's first minute or so (two workers post ~30-50 records/s on a shared 2-core machine)
      await new Promise((r) => setTimeout(r, 1_000 + Math.floor(rnd() * 5_000)));
      await pair.killOne();
      const counts = await statusCounts(db, flowId);
      kills.push({ at: Date.now() - started, posted: Object.entries(counts).filter(([key]) => key.endsWith("/posted")).reduce((n, [, v]) => n + v, 0) });
    }
    const posting = (c: Record<string, number>) => Object.entries(c).filter(([k]) => k.endsWith("/posted")).reduce((n, [, v]) => n + v, 0);
    console.log(`[crash] ${KILLS} SIGKILLs at ${kills.map((k) => `${(k.at / 1000).toFixed(1)}s/${k.posted} posted`).join(", ")}`);
    const documents = Object.values(expected).reduce((n, v) => n + v, 0);
    expect(kills.at(-1)!.posted, "the kills must land during the sync, not after it").toBeLessThan(documents);

    const counts = await waitForSync({
      db,
      flowId,
      timeoutMs: Number(process.env.CHAOS_TIMEOUT_MS ?? 600_000),
      done: (c) => c["invoice/posted"] === expected.invoice && c["payment/posted"] === expected.payment && (c["credit-memo/posted"] ?? 0) === expected["credit-memo"],
    });
    console.log(`[crash] done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}; ${posting(counts)} records posted`);

    // nothing but posted records
    expect(Object.keys(counts).filter((k) => !k.endsWith("/posted"))).toEqual([]);
    // exactly one Acumatica document per Zuora document
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
    const invoices = await sandbox.control.acumatica.documents("Invoice");
    const payments = await sandbox.control.acumatica.documents("Payment");
    expect({
      invoice: invoices.filter((d) => d.Type === "Invoice").length,
      "credit-memo": invoices.filter((d) => d.Type === "Credit Memo").length,
      payment: payments.length,
    }).toEqual(expected);
    const acuInvoiceKeys = new Set(invoices.filter((d) => d.Type === "Invoice").map((d) => String(d.CustomerOrder)));
    expect(run.invoices.filter((i) => !acuInvoiceKeys.has(i.number))).toEqual([]);
    const acuPaymentKeys = new Set(payments.map((d) => String(d.ExternalRef)));
    expect(run.payments.filter((p) => !acuPaymentKeys.has(p.number))).toEqual([]);
    // every record's trail is complete
    expect((await incompleteTrails(db, flowId)).slice(0, 5)).toEqual([]);
    // the liveness sweep is what recovered the killed workers' jobs
    expect(workers.some((w) => w.output().includes("gave back the jobs of"))).toBe(true);
  });
});
