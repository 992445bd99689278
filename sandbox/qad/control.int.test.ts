import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox } from "../index";
import { QAD_DEMO_WORKSPACE_ID } from "./demo";
import { BROWSE, expectEnvelope, INVOICE_VIEW, startQad } from "./test-support";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("QAD demo company", () => {
  it("has customers for about 80 % of the Zuora demo accounts, found by number digits or by name", async () => {
    const sandbox = await startSandbox({ port: 0, demo: { accounts: 200 } });
    try {
      const zuoraAccounts: { accountNumber: string; name: string }[] = [];
      const token = await fetch(`${sandbox.zuoraBaseUrl}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ client_id: sandbox.credentials.zuora.clientId, client_secret: sandbox.credentials.zuora.clientSecret, grant_type: "client_credentials" }),
      }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
      let cursor: string | undefined;
      do {
        const url = `${sandbox.zuoraBaseUrl}/object-query/accounts?pageSize=99${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const page = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { accountNumber: string; name: string }[]; nextPage?: string };
        zuoraAccounts.push(...page.data);
        cursor = page.nextPage;
      } while (cursor);
      expect(zuoraAccounts).toHaveLength(200);

      const customers = (await sandbox.control.qad.documents("customerV2s", QAD_DEMO_WORKSPACE_ID)) as { customerCode: string; businessRelationName: string }[];
      const codes = new Set(customers.map((c) => c.customerCode));
      const names = new Set(customers.map((c) => c.businessRelationName.replace(/\./g, "").toLowerCase()));
      let byNumber = 0;
      let byName = 0;
      for (const account of zuoraAccounts) {
        if (codes.has(account.accountNumber.slice(1))) byNumber += 1;
        else if (names.has(account.name.replace(/\./g, "").toLowerCase())) byName += 1;
      }
      const matched = byNumber + byName;
      expect(matched / zuoraAccounts.length).toBeGreaterThan(0.7);
      expect(matched / zuoraAccounts.length).toBeLessThan(0.9);
      expect(byNumber).toBeGreaterThan(40);
      expect(byName).toBeGreaterThan(30);
      expect(customers.every((c) => c.customerCode.length <= 8)).toBe(true);

      const periods = (await sandbox.control.qad.documents("glPeriods", QAD_DEMO_WORKSPACE_ID)) as { periodYear: number; periodPeriod: number; periodStatus: string }[];
      const now = new Date();
      const current = periods.find((p) => p.periodYear === now.getUTCFullYear() && p.periodPeriod === now.getUTCMonth() + 1);
      expect(current?.periodStatus).toBe("OPEN");
      expect(periods.find((p) => p.periodYear === now.getUTCFullYear() - 1 && p.periodPeriod === 1)?.periodStatus).toBe("CLOSED");
      const accounts = (await sandbox.control.qad.documents("glAccounts", QAD_DEMO_WORKSPACE_ID)) as { glCode: string }[];
      expect(accounts.map((a) => a.glCode)).toEqual(expect.arrayContaining(["40000", "40100", "40200", "24000", "23200", "10200", "10250", "49000"]));
      expect((await sandbox.control.info()).qad.baseUrl).toBe(`${sandbox.url}/qad`);
    } finally {
      await sandbox.close();
    }
  });
});

describe("QAD demo seeded twice", () => {
  it("adds customers for the new Zuora accounts without overwriting the first ones", async () => {
    const sandbox = await startSandbox({ port: 0, demo: { accounts: 40 } });
    try {
      const before = (await sandbox.control.qad.documents("customerV2s", QAD_DEMO_WORKSPACE_ID)) as { customerCode: string; businessRelationName: string }[];
      await sandbox.control.seedDemo({ accounts: 40, seed: 7 });
      const after = (await sandbox.control.qad.documents("customerV2s", QAD_DEMO_WORKSPACE_ID)) as { customerCode: string; businessRelationName: string }[];
      const byCode = new Map(after.map((c) => [c.customerCode, c.businessRelationName]));
      for (const c of before) expect(byCode.get(c.customerCode), c.customerCode).toBe(c.businessRelationName);
      expect(after.length).toBeGreaterThan(before.length + 20);
    } finally {
      await sandbox.close();
    }
  });
});

describe("QAD control API", () => {
  it("keeps QAD state and tokens across a restart through the state file", async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), "mlc-qad-"));
    dirs.push(stateDir);
    const a = await startSandbox({ port: 0, stateDir });
    await a.control.qad.seed({ customers: [{ customerCode: "KEEP", businessRelationName: "Kept Corp" }] });
    const { baseUrl, clientId, username, password } = a.credentials.qad;
    const token = ((await (await fetch(`${baseUrl}/oauth/token`, { method: "POST", body: new URLSearchParams({ client_id: clientId, grant_type: "password", username, password }) })).json()) as { access_token: string }).access_token;
    const date = new Date().toISOString().slice(0, 10);
    const write = await fetch(`${baseUrl}/api/erp/customerInvoices?viewUri=${INVOICE_VIEW}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ customerInvoices: [{ customerCode: "KEEP", dInvoiceReference: "INV1", dInvoiceDate: date, currencyCode: "USD", customerInvoiceLines: [{ glCode: "40000", amountTC: 12 }] }] }),
    });
    expect(((await write.json()) as { submitResult: { success: boolean } }).submitResult.success).toBe(true);
    await a.close();

    const b = await startSandbox({ port: 0, stateDir });
    try {
      expect(await b.control.qad.customerBalances({ customer: "KEEP" })).toEqual([expect.objectContaining({ openBalance: 12, invoices: 1 })]);
      const browse = await fetch(`${b.credentials.qad.baseUrl}/api/qracore/browses?browseId=${BROWSE.invoices}&page=1&pageSize=10&pageAction=first`, { headers: { authorization: `Bearer ${token}` } });
      expect(browse.status).toBe(200);
      const body = await browse.json();
      expectEnvelope("browseResponse", body);
      expect((body as { data: unknown[] }).data).toHaveLength(1);
    } finally {
      await b.close();
    }
  });

  it("snapshots and restores, resets to a fresh tenant, counts requests and refuses bad input with 400", async () => {
    const qad = await startQad();
    try {
      const control = qad.sandbox.control.qad;
      await control.seed({ customers: [{ customerCode: "SNAP", businessRelationName: "Snap Inc" }] });
      const snapshot = await control.snapshot();
      await control.reset();
      expect(await control.documents("customerV2s")).toEqual([]);
      expect((await control.documents("glAccounts")).length).toBeGreaterThan(5);
      await control.restore(snapshot);
      expect((await control.documents("customerV2s")).map((c) => c.customerCode)).toEqual(["SNAP"]);
      await qad.browse(BROWSE.customers);
      const stats = await control.stats();
      expect(stats.customers).toBe(1);
      expect(stats.byRoute["GET /api/qracore/browses"]).toBe(1);
      await expect(control.seed({ customers: [{ customerCode: "TOO-LONG-CODE", businessRelationName: "X" }] })).rejects.toThrow(/400/);
      await expect(control.setPeriodStatus({ year: 2026, period: 13, status: "CLOSED" })).rejects.toThrow(/400/);
      await expect(control.setClock("not a date")).rejects.toThrow(/400/);
      await expect(control.restore({ format: "other" })).rejects.toThrow(/400/);
      await expect(control.customerBalances({ workspace: "NO_SUCH" })).rejects.toThrow(/400/);
    } finally {
      await qad.close();
    }
  });
});
