import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, seedSmall } from "../zuora/test-support";

describe("fault injection", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const { usd, charge } = await seedSmall(sandbox);
    await sandbox.control.zuora.postInvoice({ account: usd.accountNumber, lines: [{ chargeId: charge.id, quantity: 1 }] });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const statuses = async (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const r = await fetch(`${sandbox.zuoraBaseUrl}/v1/invoices/INV00000001`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      out.push(r.status);
    }
    return out;
  };
  const rule = { vendor: "zuora" as const, method: "GET", path: "/v1/invoices/*", probability: 0.3, action: { kind: "status" as const, status: 503 as const } };

  it("is deterministic for a seed: the same seed and rules replay the same faults, another seed differs", async () => {
    await sandbox.control.faults.set({ seed: 7, rules: [rule] });
    const first = await statuses(60);
    const log = await sandbox.control.faults.log();
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(5);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(20);
    expect(log.map((e) => e.n)).toEqual(first.flatMap((s, i) => (s === 503 ? [i] : [])));

    await sandbox.control.faults.set({ seed: 7, rules: [rule] });
    expect(await statuses(60)).toEqual(first);
    await sandbox.control.faults.set({ seed: 8, rules: [rule] });
    expect(await statuses(60)).not.toEqual(first);
    await sandbox.control.faults.clear();
  });

  it("answers injected 429s with Retry-After and 5xx in Zuora's error shape, only on the matching route", async () => {
    await sandbox.control.faults.set({ rules: [{ vendor: "zuora", path: "/v1/invoices/*", times: 2, action: { kind: "status", status: 429, retryAfterSeconds: 7 } }] });
    const r = await fetch(`${sandbox.zuoraBaseUrl}/v1/invoices/INV00000001`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(429);
    expect(r.headers.get("retry-after")).toBe("7");
    expect(await r.json()).toMatchObject({ success: false, reasons: [{ code: 50000070 }] });
    const other = await fetch(`${sandbox.zuoraBaseUrl}/v1/accounts/A00000001`, { headers: { authorization: `Bearer ${token}` } });
    expect(other.status).toBe(200);
    expect(await statuses(2)).toEqual([429, 200]);
    await sandbox.control.faults.set({ rules: [{ vendor: "acumatica", times: 1, action: { kind: "status", status: 502 } }] });
    const acumatica = await fetch(`${sandbox.acumaticaBaseUrl}/entity`);
    expect(acumatica.status).toBe(502);
    expect(await statuses(1)).toEqual([200]);
    await sandbox.control.faults.clear();
  });

  it("drops connections, adds latency and expires tokens on request", async () => {
    await sandbox.control.faults.set({ rules: [{ vendor: "zuora", path: "/v1/invoices/*", times: 1, action: { kind: "drop" } }] });
    await expect(fetch(`${sandbox.zuoraBaseUrl}/v1/invoices/INV00000001`, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
    expect(await statuses(1)).toEqual([200]);

    await sandbox.control.faults.set({ rules: [], latencyMs: { zuora: 120 } });
    let started = performance.now();
    await statuses(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    await sandbox.control.setLatency({ zuora: 0 });
    started = performance.now();
    await statuses(1);
    expect(performance.now() - started).toBeLessThan(100);

    await sandbox.control.faults.set({ rules: [{ vendor: "zuora", times: 1, action: { kind: "expire-tokens" } }] });
    expect(await statuses(1)).toEqual([401]);
    token = await getToken(sandbox);
    expect(await statuses(1)).toEqual([200]);
    await sandbox.control.expireTokens("zuora");
    expect(await statuses(1)).toEqual([401]);
    token = await getToken(sandbox);
    await sandbox.control.faults.clear();
  });

  it("rejects malformed rules with 400", async () => {
    await expect(sandbox.control.faults.add({ action: { kind: "status", status: 418 as 503 } })).rejects.toThrow(/400/);
    await expect(sandbox.control.faults.add({ probability: 2, action: { kind: "drop" } })).rejects.toThrow(/400/);
  });
});
