import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../index";
import { specErrors, startZohoSandbox, zohoClient, type ZohoClient } from "./test-support";

/* API credits per rolling day and concurrency per edition (429 TOO_MANY_REQUESTS), injected faults in Zoho's shape, control state. */

describe("Zoho CRM sandbox: limits, faults and control", () => {
  let sandbox: RunningSandbox;
  let zoho: ZohoClient;
  beforeAll(async () => {
    sandbox = await startZohoSandbox();
    zoho = await zohoClient(sandbox);
  });
  afterAll(() => sandbox.close());

  it("counts 1 credit per call and 1 per 10 records written; past the day's credits answers 429 until the rolling window frees them", async () => {
    const before = Number((await sandbox.control.zohoCrm.stats()).creditsUsed);
    await zoho.call("POST", "/crm/v8/Accounts", { data: Array.from({ length: 25 }, (_, n) => ({ Account_Name: `Credit ${n}` })) });
    await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name");
    expect(Number((await sandbox.control.zohoCrm.stats()).creditsUsed) - before).toBe(4);
    await sandbox.control.zohoCrm.updateSettings({ creditsPerDay: before + 6 });
    const ok = await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-api-credits-remaining")).toBe("1");
    await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name");
    const refused = await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name");
    expect(refused).toMatchObject({ status: 429, body: { code: "TOO_MANY_REQUESTS", status: "error" } });
    expect(specErrors("error", refused.body)).toEqual([]);
    expect(refused.headers.get("retry-after")).toBeNull();
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 86_400 + 60 });
    const fresh = await zohoClient(sandbox);
    expect((await fresh.call("GET", "/crm/v8/Accounts?fields=Account_Name")).status).toBe(200);
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: -(86_400 + 60) });
    await sandbox.control.zohoCrm.updateSettings({ creditsPerDay: null });
  });

  it("the edition's credits grow with users up to its maximum", async () => {
    await sandbox.control.zohoCrm.updateSettings({ edition: "standard", users: 1_000 });
    expect((await sandbox.control.zohoCrm.stats()).creditsPerDay).toBe(100_000);
    await sandbox.control.zohoCrm.updateSettings({ edition: "professional", users: 20 });
    expect((await sandbox.control.zohoCrm.stats()).creditsPerDay).toBe(60_000);
    await sandbox.control.zohoCrm.updateSettings({ edition: "enterprise", users: 10 });
  });

  it("more parallel calls than the concurrency limit: the surplus gets 429 TOO_MANY_REQUESTS", async () => {
    await sandbox.control.zohoCrm.updateSettings({ concurrency: 2 });
    await sandbox.control.faults.add({ id: "slow-zoho", vendor: "zoho-crm", path: "/api/us/crm/v8/Accounts", action: { kind: "latency", ms: 1_000 } });
    const answers = await Promise.all(Array.from({ length: 5 }, () => zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name&per_page=1")));
    await sandbox.control.faults.remove("slow-zoho");
    await sandbox.control.zohoCrm.updateSettings({ concurrency: null });
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.body).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((await zoho.call("GET", "/crm/v8/Accounts?fields=Account_Name&per_page=1")).status).toBe(200);
  });

  it("injected 429 and 5xx answers carry Zoho's error shape", async () => {
    await sandbox.control.faults.add({ id: "z429", vendor: "zoho-crm", path: "/api/us/crm/v8/*", times: 1, action: { kind: "status", status: 429 } });
    await sandbox.control.faults.add({ id: "z500", vendor: "zoho-crm", path: "/api/us/crm/v8/*", times: 1, action: { kind: "status", status: 500 } });
    const first = await zoho.call("GET", "/crm/v8/Deals?fields=Deal_Name");
    const second = await zoho.call("GET", "/crm/v8/Deals?fields=Deal_Name");
    await sandbox.control.faults.clear();
    expect(first).toMatchObject({ status: 429, body: { code: "TOO_MANY_REQUESTS" } });
    expect(second).toMatchObject({ status: 500, body: { code: "INTERNAL_ERROR" } });
    expect(specErrors("error", first.body)).toEqual([]);
    expect(specErrors("error", second.body)).toEqual([]);
  });

  it("a connection dropped after the work: the retried upsert updates the record it already wrote, no duplicate", async () => {
    await sandbox.control.faults.add({ id: "drop-after", vendor: "zoho-crm", method: "POST", path: "/api/us/crm/v8/Accounts/upsert", times: 1, action: { kind: "drop", when: "after" } });
    const body = { data: [{ Account_Name: "Dropped Answer GmbH", Acumatica_Customer_ID: "DROP1" }], duplicate_check_fields: ["Acumatica_Customer_ID"] };
    await expect(zoho.call("POST", "/crm/v8/Accounts/upsert", body)).rejects.toThrow();
    const retried = await zoho.call("POST", "/crm/v8/Accounts/upsert", body);
    expect((await sandbox.control.faults.log()).map((f) => f.ruleId)).toEqual(["drop-after"]);
    await sandbox.control.faults.clear();
    expect(retried.body.data[0]).toMatchObject({ action: "update", duplicate_field: "Acumatica_Customer_ID" });
    expect((await sandbox.control.zohoCrm.records("Accounts")).filter((a) => a.Acumatica_Customer_ID === "DROP1")).toHaveLength(1);
  });

  it("snapshot, reset and restore bring back records, custom fields and channels; reset empties the org", async () => {
    await zoho.call("POST", "/crm/v8/actions/watch", { watch: [{ channel_id: 77, events: ["Deals.all"], notify_url: "http://127.0.0.1:9/x" }] });
    const snapshot = await sandbox.control.zohoCrm.snapshot();
    const accounts = (await sandbox.control.zohoCrm.records("Accounts")).length;
    await sandbox.control.zohoCrm.reset();
    expect(await sandbox.control.zohoCrm.records("Accounts")).toEqual([]);
    expect((await zohoClient(sandbox).then((c) => c.call("GET", "/crm/v8/settings/fields?module=Accounts"))).body.fields.map((f: { api_name: string }) => f.api_name)).not.toContain("Acumatica_Customer_ID");
    await sandbox.control.zohoCrm.restore(snapshot);
    expect((await sandbox.control.zohoCrm.records("Accounts")).length).toBe(accounts);
    expect(await sandbox.control.zohoCrm.channels()).toHaveLength(1);
    const again = await zoho.call("POST", "/crm/v8/Accounts", { data: [{ Account_Name: "After restore", Acumatica_Customer_ID: "R1" }, { Account_Name: "Dup", Acumatica_Customer_ID: "R1" }] });
    expect(again.body.data.map((r: { status: string }) => r.status)).toEqual(["success", "error"]);
    expect(await sandbox.control.zohoCrm.duplicates()).toEqual([]);
  });
});
