import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../lib/db";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import type { RunningSandbox } from "../../sandbox/index";
import { spawnWorker, waitForSync, type OwnPostgres, type WorkerProcess } from "../../bench/lib/stack";
import { startBillRunFlow, startChaosStack, stopChaosStack } from "./chaos-stack";

/*
 * The worst moment for exactly-once without a look-up before every create: Acumatica creates an
 * invoice, its answer never reaches the worker, and the worker dies (SIGKILL) before it writes the
 * attempt's outcome. The record's claim stamped the attempt before the create was sent, so the next
 * attempt (another worker process, once the dead one's claim ran out) looks the invoice up, finds it,
 * releases it and posts the record: one document in Acumatica, released, and a trail that says so.
 *
 * The invoice is past the flow's first pass (its record would be created without a look-up), and the
 * create is held in the sandbox for a few seconds before Acumatica handles it: the worker is killed in
 * that window, so the sandbox does the work for a client that is gone.
 */

const HOLD_MS = 6_000;

describe("an invoice created by Acumatica whose answer is lost while the worker dies", () => {
  let pgs: OwnPostgres;
  let db: Db;
  let sandbox: RunningSandbox;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ({ pgs, db, sandbox } = await startChaosStack({ accounts: 3 }));
  });
  afterAll(() => stopChaosStack({ pgs, db, sandbox, workers }));

  it("is found, released and posted by the next attempt: one document, no second create", async () => {
    const { flowId, run } = await startBillRunFlow({ pgs, db, sandbox }, { invoices: 1, seed: 23, rates: { electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 } });
    const [invoice] = run.invoices;
    expect(invoice).toBeDefined();
    await sandbox.control.faults.set({
      seed: 1,
      rules: [{ id: "hold-create", vendor: "acumatica", method: "PUT", path: "/entity/Default/*/Invoice", times: 1, action: { kind: "latency", ms: HOLD_MS } }],
    });
    const first = spawnWorker({ databaseUrl: pgs.url, concurrency: 2 });
    workers.push(first);
    await syncFlowNow({ db, flowId });

    // the create has left the worker and waits in the sandbox: kill the worker now
    const deadline = Date.now() + 120_000;
    while (!(await sandbox.control.faults.log()).some((f) => f.ruleId === "hold-create")) {
      if (Date.now() > deadline) throw new Error(`the invoice create never reached the sandbox; worker printed:\n${first.output().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await first.kill("SIGKILL");
    const record = await db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "invoice" } });
    // claimed and stamped (an invoice whose customer was not posted yet may have been held and released before: attempts >= 1)
    expect({ status: record.status, lookUpFirst: record.lookUpFirst, claimed: record.leaseOwner !== null }).toEqual({ status: "pending", lookUpFirst: true, claimed: true });
    const deadAttempt = record.attempts;
    expect(deadAttempt).toBeGreaterThanOrEqual(1);
    expect(await db.recordEvent.count({ where: { recordId: record.id, kind: "attempt" } }), "the dead attempt wrote no outcome").toBe(0);

    // Acumatica does the work for the dead client
    const heldUntil = Date.now() + HOLD_MS + 30_000;
    let created: Record<string, unknown>[] = [];
    while (Date.now() < heldUntil) {
      created = (await sandbox.control.acumatica.documents("Invoice")).filter((d) => String(d.CustomerOrder) === invoice!.number);
      if (created.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(created, "Acumatica created the invoice whose answer was lost").toHaveLength(1);
    expect(created[0]!.Status).toBe("Balanced"); // created, never released

    // the next worker process gives the dead one's job back; its claim runs out, then the record posts
    workers.push(spawnWorker({ databaseUrl: pgs.url, concurrency: 2 }));
    await waitForSync({ db, flowId, timeoutMs: 240_000, intervalMs: 500, done: (c) => c["invoice/posted"] === 1 });

    const invoices = (await sandbox.control.acumatica.documents("Invoice")).filter((d) => String(d.CustomerOrder) === invoice!.number);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.Status).toBe("Open"); // released by completeDocument
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
    const events = await db.recordEvent.findMany({ where: { recordId: record.id }, orderBy: { id: "asc" } });
    const attempts = events.filter((e) => e.kind === "attempt").map((e) => e.detail as { attempt: number; request: { operation: string }[] });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.attempt).toBe(deadAttempt + 1);
    expect(attempts[0]!.request.map((r) => r.operation)).toEqual(["find", "complete"]);
    expect(events.at(-1)!).toMatchObject({ kind: "posted", detail: { via: "found-existing", targetRef: invoices[0]!.ReferenceNbr } });
  });
});
