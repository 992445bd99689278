import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../lib/db";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import type { RunningSandbox } from "../../sandbox/index";
import { incompleteTrails, spawnWorker, statusCounts, waitForSync, type OwnPostgres, type WorkerProcess } from "../../bench/lib/stack";
import { startBillRunFlow, startChaosStack, stopChaosStack } from "./chaos-stack";

/*
 * Postgres restarted in the middle of a sync (fast shutdown: every session is cut, running
 * transactions roll back), down for a few seconds, then back on the same port and data. The worker
 * processes are NOT restarted: they must reconnect on their own, and the sync must end with every
 * record posted exactly once.
 */

const INVOICES = Number(process.env.CHAOS_INVOICES ?? 600);

describe(`Postgres restarted during a ${INVOICES}-invoice sync`, () => {
  let pgs: OwnPostgres;
  let db: Db;
  let sandbox: RunningSandbox;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ({ pgs, db, sandbox } = await startChaosStack({ accounts: 40 }));
  });
  afterAll(() => stopChaosStack({ pgs, db, sandbox, workers }));

  it("workers recover without a restart of their own and nothing is lost or doubled", async () => {
    const { flowId, expected } = await startBillRunFlow({ pgs, db, sandbox }, { invoices: INVOICES, seed: 9 });
    workers.push(spawnWorker({ databaseUrl: pgs.url, concurrency: 4 }), spawnWorker({ databaseUrl: pgs.url, concurrency: 4 }));
    const upDeadline = Date.now() + 60_000;
    while (workers.some((w) => !w.output().includes(" running ")) && Date.now() < upDeadline) await new Promise((r) => setTimeout(r, 100));
    await syncFlowNow({ db, flowId });

    // let it get going, then cut Postgres for 3 s
    const goingDeadline = Date.now() + 120_000;
    let before: Record<string, number> = {};
    while (Date.now() < goingDeadline) {
      before = await statusCounts(db, flowId);
      if ((before["invoice/posted"] ?? 0) >= 20) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const postedBefore = (before["invoice/posted"] ?? 0) + (before["payment/posted"] ?? 0);
    await pgs.restart(3_000);
    console.log(`[pg-restart] restarted with ${postedBefore} invoices+payments posted: ${JSON.stringify(before)}`);
    // the workers must still be up a while after the restart (a crash shows its output here)
    await new Promise((r) => setTimeout(r, 8_000));
    for (const w of workers) expect(w.child.exitCode, w.output().slice(-4000)).toBeNull();

    const counts = await waitForSync({
      db,
      flowId,
      timeoutMs: Number(process.env.CHAOS_TIMEOUT_MS ?? 600_000),
      intervalMs: 500,
      done: (c) => c["invoice/posted"] === expected.invoice && c["payment/posted"] === expected.payment && (c["credit-memo/posted"] ?? 0) === expected["credit-memo"],
    });
    console.log(`[pg-restart] done: ${JSON.stringify(counts)}`);
    expect(postedBefore, "the restart must land during the sync").toBeLessThan(expected.invoice + expected.payment);
    // the workers were never restarted
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
    expect(Object.keys(counts).filter((k) => !k.endsWith("/posted"))).toEqual([]);
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
    const invoices = await sandbox.control.acumatica.documents("Invoice");
    const payments = await sandbox.control.acumatica.documents("Payment");
    expect({
      invoice: invoices.filter((d) => d.Type === "Invoice").length,
      "credit-memo": invoices.filter((d) => d.Type === "Credit Memo").length,
      payment: payments.length,
    }).toEqual(expected);
    expect((await incompleteTrails(db, flowId)).slice(0, 5)).toEqual([]);
  });
});
