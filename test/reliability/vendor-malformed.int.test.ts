import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayRecord } from "../../lib/sync/replay-record";
import { syncFlowNow } from "../../lib/sync/sync-flow-now";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { createSandboxFlow, openJobs, spawnWorker, statusCounts, waitForSync, type WorkerProcess } from "../../bench/lib/stack";
import { createTestDb, type TestDb } from "../db";

/*
 * Malformed vendor answers: a small proxy in front of the sandbox forwards every call and, for the
 * routes a test names, replaces the vendor's answer (invalid JSON, missing fields, wrong types). The
 * record fails with a readable reason; the worker process keeps running; once the vendor answers
 * properly again, replay finishes the record without a second Acumatica document.
 */

type Corruption = { method: string; path: RegExp; status: number; body: string };

const startCorruptingProxy = async (upstream: string) => {
  const rules: Corruption[] = [];
  const hits: string[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k)) as [string, string][]);
    const answer = await fetch(`${upstream}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: "manual" });
    const text = (await answer.text()).replaceAll(upstream, self);
    const rule = rules.find((r) => r.method === req.method && r.path.test(req.url ?? ""));
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(k)) out[k] = v.replaceAll(upstream, self);
    });
    if (rule) {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(rule.status, { ...out, "content-type": "application/json" }).end(rule.body);
      return;
    }
    res.writeHead(answer.status, out).end(text);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    rules,
    hits,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
};

describe("malformed vendor answers fail the record with a clear reason, never the worker", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let proxy: Awaited<ReturnType<typeof startCorruptingProxy>>;
  let worker: WorkerProcess;
  let flowId: string;

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 4, existingCustomerRate: 1 } })]);
    proxy = await startCorruptingProxy(sandbox.url);
    ({ flowId } = await createSandboxFlow({
      db: t.db,
      sandbox,
      zuoraBaseUrl: sandbox.credentials.zuora.baseUrl.replace(sandbox.url, proxy.url),
      acumaticaBaseUrl: sandbox.credentials.acumatica.baseUrl.replace(sandbox.url, proxy.url),
      acumaticaLimits: { requestsPerMinute: 60_000, maxConcurrent: 8 },
    }));
    worker = spawnWorker({ databaseUrl: t.url, concurrency: 4 });
  }, 60_000);
  afterAll(async () => {
    await worker?.kill();
    await proxy?.close();
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  it("Acumatica answers the invoice create with invalid JSON, then with wrong types: failed with the reason; replay posts once", async () => {
    proxy.rules.push(
      { method: "PUT", path: /\/entity\/Default\/[^/]+\/Invoice\?/, status: 200, body: '{"id": "broken' },
    );
    const run = await sandbox.control.zuora.billRun({ invoices: 4, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 5 });
    await syncFlowNow({ db: t.db, flowId });
    await waitForSync({ db: t.db, flowId, timeoutMs: 90_000, done: (c) => (c["invoice/failed"] ?? 0) === 4 });
    expect(proxy.hits.length).toBeGreaterThanOrEqual(4);
    const failed = await t.db.syncRecord.findMany({ where: { flowId, objectType: "invoice" }, select: { id: true, status: true, lastError: true, naturalKey: true } });
    for (const r of failed) {
      expect(r.status).toBe("failed");
      expect(r.lastError, r.naturalKey ?? "").toMatch(/acumatica.*(expected shape|JSON|invalid)/i);
    }
    expect(worker.child.exitCode).toBeNull();

    // wrong types and missing fields: same outcome for a fresh invoice
    proxy.rules.splice(0, proxy.rules.length, { method: "PUT", path: /\/entity\/Default\/[^/]+\/Invoice\?/, status: 200, body: '{"id": 42, "ReferenceNbr": {"value": ["x"]}}' });
    await sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 6 });
    await syncFlowNow({ db: t.db, flowId });
    await waitForSync({ db: t.db, flowId, timeoutMs: 90_000, done: (c) => (c["invoice/failed"] ?? 0) === 5 });
    const typed = await t.db.syncRecord.findFirst({ where: { flowId, objectType: "invoice", naturalKey: { notIn: run.invoices.map((i) => i.number) } }, select: { lastError: true } });
    expect(typed?.lastError).toMatch(/expected shape: .*(id|ReferenceNbr)/);
    expect(worker.child.exitCode).toBeNull();

    // the vendor answers properly again: replay finishes every record, each document exactly once
    proxy.rules.splice(0);
    const all = await t.db.syncRecord.findMany({ where: { flowId, status: "failed" }, select: { id: true } });
    for (const r of all) expect(await replayRecord({ db: t.db, recordId: r.id, actorUserId: null })).toEqual({ status: "queued" });
    await waitForSync({ db: t.db, flowId, timeoutMs: 90_000, done: (c) => (c["invoice/posted"] ?? 0) === 5 });
    expect(await openJobs(t.db)).toBe(0);
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
    const docs = (await sandbox.control.acumatica.documents("Invoice")).filter((d) => d.Type === "Invoice");
    expect(docs).toHaveLength(5);
    const counts = await statusCounts(t.db, flowId);
    expect(counts["invoice/posted"]).toBe(5);
  }, 240_000);

  it("Zuora answers an invoice read with invalid JSON: the poll job reports it, the worker keeps running, and a later poll brings the invoice", async () => {
    await sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0, seed: 7 });
    // the poll reads invoices whole from the Object Query listing (items expanded): that read answers garbage
    proxy.rules.push({ method: "GET", path: /\/object-query\/invoices(\?|$)/, status: 200, body: "<html>gateway</html>" });
    await syncFlowNow({ db: t.db, flowId });
    const deadline = Date.now() + 60_000;
    let runError: string | null = null;
    while (Date.now() < deadline && !runError) {
      runError = (await t.db.flowRun.findFirst({ where: { flowId, objectType: "invoice", error: { not: null } }, orderBy: { startedAt: "desc" }, select: { error: true } }))?.error ?? null;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(runError).toMatch(/zuora.*(expected shape|JSON|invalid)/i);
    expect(worker.child.exitCode).toBeNull();
    proxy.rules.splice(0);
    await syncFlowNow({ db: t.db, flowId });
    await waitForSync({ db: t.db, flowId, timeoutMs: 120_000, done: (c) => (c["invoice/posted"] ?? 0) === 6 });
  }, 180_000);
});
