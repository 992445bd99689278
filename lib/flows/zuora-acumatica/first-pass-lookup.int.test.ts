import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createFlow, pollAndSettle, settle, startWorker, statusCounts } from "../../../test/e2e-sync/harness";
import { pollFlow } from "../../sync/poll-flow";

/*
 * A flow's first pass over an Acumatica that already holds some of its documents (another flow on the
 * same tenants posted them before this one existed), real worker, real HTTP to the sandbox: each poll
 * page's new invoices and payments are looked up in ONE batched call; the documents found are adopted
 * (their records still look up once before posting: a document the flow did not write may have changed
 * since the page was read), those absent are created without a look-up of their own; nothing is doubled.
 */

type Attempt = { request?: { operation: string }[] };

describe("first pass: a poll page's documents looked up in one batched call (Zuora -> Acumatica sandbox)", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let worker: Runner | undefined;

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 6, existingCustomerRate: 0.5 } })]);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  const routes = async () => (await sandbox.control.acumatica.stats()).byRoute;
  const delta = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.keys(after).map((r) => [r, (after[r] ?? 0) - (before[r] ?? 0)]).filter(([, n]) => n !== 0));

  it("adopts what Acumatica already holds, creates the rest, one batched look-up per page, no duplicates", async () => {
    // Before: flow A posts a first bill run, so Acumatica holds its invoices and payments.
    const first = await sandbox.control.zuora.billRun({ invoices: 9, electronicPaymentRate: 0.5, externalPaymentRate: 0, creditMemoRate: 0, seed: 5 });
    const a = await createFlow({ t, sandbox });
    worker = await startWorker(t);
    await pollAndSettle(t, a.flowId, 120_000);
    expect((await statusCounts(t, a.flowId))["invoice/posted"]).toBe(9);
    await worker.stop();
    worker = undefined;

    // A second bill run; then flow B, new, on the same tenants: its first pass meets both.
    const second = await sandbox.control.zuora.billRun({ invoices: 7, electronicPaymentRate: 0.5, externalPaymentRate: 0, creditMemoRate: 0, seed: 6 });
    const b = await createFlow({ t, sandbox, settings: { pollPageSize: 5 } });
    const invoicesBefore = (await sandbox.control.acumatica.documents("Invoice")).filter((d) => d.Type === "Invoice").length;
    expect(invoicesBefore).toBe(9);

    // The polls alone (no worker yet): the only Acumatica calls of the invoice and payment polls are the batched look-ups.
    const looked: Record<string, { calls: Record<string, number>; pages: number }> = {};
    for (const objectType of ["period", "account", "invoice", "payment", "credit-memo", "refund"]) {
      const before = await routes();
      let pages = 0;
      for (let round = 0; round < 20; round++) {
        const result = await pollFlow({ db: t.db, flowId: b.flowId, objectType });
        if ("pages" in result) pages += result.pages;
        if (result.status === "done") break;
      }
      looked[objectType] = { calls: delta(before, await routes()), pages };
    }
    // 16 invoices, 5 a page: one `CustomerOrder eq … or …` call per page with new documents (a page that
    // only re-lists a version tie of the page before has none), nothing else
    const invoiceLookUps = looked.invoice!.calls["GET Invoice?$filter=CustomerOrder,Type"] ?? 0;
    expect(Object.keys(looked.invoice!.calls)).toEqual(["GET Invoice?$filter=CustomerOrder,Type"]);
    expect(invoiceLookUps).toBeGreaterThanOrEqual(Math.ceil(16 / 5));
    expect(invoiceLookUps).toBeLessThanOrEqual(looked.invoice!.pages);
    const payments = first.payments.length + second.payments.length;
    expect(payments).toBeGreaterThan(0);
    const paymentLookUps = looked.payment!.calls["GET Payment?$filter=ExternalRef"] ?? 0;
    expect(Object.keys(looked.payment!.calls)).toEqual(["GET Payment?$filter=ExternalRef"]);
    expect(paymentLookUps).toBeGreaterThanOrEqual(Math.ceil(payments / 5));
    expect(paymentLookUps).toBeLessThanOrEqual(looked.payment!.pages);
    // a page's accounts: their customers (the account number and the id a new customer gets) in one call per page
    const customerLookUps = looked.account!.calls["GET Customer?$filter=CustomerID"] ?? 0;
    expect(Object.keys(looked.account!.calls)).toEqual(["GET Customer?$filter=CustomerID"]);
    expect(customerLookUps).toBeGreaterThanOrEqual(1);
    expect(customerLookUps).toBeLessThanOrEqual(looked.account!.pages);

    const firstNumbers = new Set([...first.invoices, ...first.payments].map((d) => d.number));
    const flags = await t.db.syncRecord.findMany({ where: { flowId: b.flowId, objectType: { in: ["invoice", "payment"] } }, select: { naturalKey: true, lookUpFirst: true } });
    expect(flags).toHaveLength(16 + payments);
    // held by Acumatica: looked up before posting; absent: created at once
    for (const r of flags) expect(r.lookUpFirst, r.naturalKey ?? "").toBe(firstNumbers.has(r.naturalKey ?? ""));

    worker = await startWorker(t);
    await settle(t, 120_000);
    const counts = await statusCounts(t, b.flowId);
    expect({ invoices: counts["invoice/posted"], payments: counts["payment/posted"] }).toEqual({ invoices: 16, payments });

    const records = await t.db.syncRecord.findMany({
      where: { flowId: b.flowId, objectType: { in: ["invoice", "payment"] } },
      select: { naturalKey: true, events: { where: { kind: { in: ["attempt", "posted"] } }, orderBy: { id: "asc" }, select: { kind: true, detail: true } } },
    });
    for (const r of records) {
      const found = firstNumbers.has(r.naturalKey ?? "");
      const operations = r.events.filter((e) => e.kind === "attempt").flatMap((e) => ((e.detail as Attempt).request ?? []).map((c) => c.operation));
      const via = (r.events.find((e) => e.kind === "posted")?.detail as { via?: string } | undefined)?.via;
      expect({ key: r.naturalKey, operations, via }).toEqual(found ? { key: r.naturalKey, operations: ["find", "complete"], via: "found-existing" } : { key: r.naturalKey, operations: ["create"], via: "created" });
    }

    // one document per Zuora document, none doubled
    const invoices = (await sandbox.control.acumatica.documents("Invoice")).filter((d) => d.Type === "Invoice");
    expect(invoices.length).toBe(16);
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
  }, 300_000);
});
