import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox } from "./index";
import { getToken, zuoraGet } from "./zuora/test-support";

describe("startSandbox", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("serves both vendors on one port with the demo company, and keeps state across a restart", async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), "mlc-sandbox-"));
    dirs.push(stateDir);
    const first = await startSandbox({ port: 0, stateDir, demo: { accounts: 30 } });
    const info = await first.control.info();
    expect(info.zuora.baseUrl).toBe(first.zuoraBaseUrl);
    expect(first.acumaticaBaseUrl).toBe(`${first.url}/acumatica`);
    const customers = await first.control.acumatica.documents("Customer");
    expect(customers.length).toBeGreaterThan(5);
    expect(customers.length).toBeLessThan(30);
    const run = await first.control.zuora.billRun({ invoices: 10 });
    const token = await getToken(first);
    const before = await zuoraGet(first, token, `/v1/invoices/${run.invoices[9]!.number}`);
    await first.close();

    const second = await startSandbox({ port: 0, stateDir, demo: { accounts: 30 } });
    const stats = await second.control.zuora.stats();
    expect(stats.accounts).toBe(30);
    expect(stats.invoices).toBe(10);
    // The token minted before the restart is still good, as a real tenant's would be.
    const after = await zuoraGet(second, token, `/v1/invoices/${run.invoices[9]!.number}`);
    expect(after.body).toEqual(before.body);
    expect(await second.control.acumatica.documents("Customer")).toHaveLength(customers.length);
    const next = await second.control.zuora.billRun({ invoices: 1 });
    expect(next.invoices[0]!.number).toBe("INV00000011");
    expect(run.invoices.map((i) => i.id)).not.toContain(next.invoices[0]!.id);
    await second.close();
  });

  it("gives each caller a fresh, isolated sandbox without options beyond the port", async () => {
    const a = await startSandbox({ port: 0 });
    const b = await startSandbox({ port: 0 });
    await a.control.zuora.addAccount({ name: "Only In A" });
    expect((await a.control.zuora.stats()).accounts).toBe(1);
    expect((await b.control.zuora.stats()).accounts).toBe(0);
    expect(a.url).not.toBe(b.url);
    await Promise.all([a.close(), b.close()]);
  });
});
