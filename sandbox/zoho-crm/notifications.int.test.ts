import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../index";
import { specErrors, startReceiver, startZohoSandbox, zohoClient, type ZohoClient } from "./test-support";

/* Notification (watch) channels: enable/list/disable, batched callbacks with ids, affected fields and the token, expiry on the org clock. */

describe("Zoho CRM sandbox: notification channels", () => {
  let sandbox: RunningSandbox;
  let zoho: ZohoClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sandbox = await startZohoSandbox();
    zoho = await zohoClient(sandbox);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  afterEach(async () => {
    await zoho.call("DELETE", "/crm/v8/actions/watch?channel_ids=1000000068001");
    await sandbox.control.zohoCrm.drainCallbacks();
    receiver.received.length = 0;
  });

  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
  const enable = (extra: Record<string, unknown> = {}) =>
    zoho.call("POST", "/crm/v8/actions/watch", {
      watch: [{ channel_id: 1000000068001, events: ["Accounts.all", "Deals.edit"], notify_url: `${receiver.url}?connection=7`, token: "TOKEN_FOR_VERIFICATION_OF_1000000068001", channel_expiry: inHours(24), return_affected_field_values: true, ...extra }],
    });

  it("enables a channel for a day (201) and lists it with its token and expiry", async () => {
    const answer = await enable();
    expect(answer.status).toBe(201);
    expect(specErrors("watch", answer.body)).toEqual([]);
    expect(answer.body.watch[0]).toMatchObject({ code: "SUCCESS", status: "success", details: { events: [{ resource_name: "Accounts", channel_id: "1000000068001" }, { resource_name: "Deals" }] } });
    const expiry = Date.parse(answer.body.watch[0].details.events[0].channel_expiry);
    expect(Math.abs(expiry - Date.now() - 86_400_000)).toBeLessThan(5_000);
    const list = await zoho.call("GET", "/crm/v8/actions/watch");
    expect(specErrors("watch", list.body)).toEqual([]);
    expect(list.body.watch).toHaveLength(2);
    expect(list.body.watch[0]).toMatchObject({ token: "TOKEN_FOR_VERIFICATION_OF_1000000068001", events: ["Accounts.all"] });
  });

  it("refuses a missing channel_id or notify_url, a token over 50 characters and an unknown module; an expiry beyond a week becomes one hour", async () => {
    const bad = await zoho.call("POST", "/crm/v8/actions/watch", {
      watch: [
        { events: ["Accounts.all"], notify_url: receiver.url },
        { channel_id: 2, events: ["Accounts.all"] },
        { channel_id: 3, events: ["Accounts.all"], notify_url: receiver.url, token: "x".repeat(51) },
        { channel_id: 4, events: ["Leads.all"], notify_url: receiver.url },
      ],
    });
    expect(bad.status).toBe(400);
    expect(specErrors("watch", bad.body)).toEqual([]);
    expect(bad.body.watch.map((w: { code: string; details: { api_name: string } }) => `${w.code}:${w.details.api_name}`)).toEqual([
      "MANDATORY_NOT_FOUND:channel_id",
      "MANDATORY_NOT_FOUND:notify_url",
      "INVALID_DATA:token",
      "INVALID_DATA:events",
    ]);
    const long = await enable({ channel_expiry: inHours(24 * 8) });
    const expiry = Date.parse(long.body.watch[0].details.events[0].channel_expiry);
    expect(Math.abs(expiry - Date.now() - 3_600_000)).toBeLessThan(5_000);
  });

  it("batches changes into one callback per module and operation, carrying ids, the token and query_params", async () => {
    await enable();
    const upsert = await zoho.call("POST", "/crm/v8/Accounts/upsert", {
      data: [{ Account_Name: "One", Acumatica_Customer_ID: "N1" }, { Account_Name: "Two", Acumatica_Customer_ID: "N2" }, { Account_Name: "Three", Acumatica_Customer_ID: "N3" }],
      duplicate_check_fields: ["Acumatica_Customer_ID"],
    });
    const ids = upsert.body.data.map((r: { details: { id: string } }) => r.details.id);
    await sandbox.control.zohoCrm.drainCallbacks();
    expect(receiver.received).toHaveLength(1);
    const [callback] = receiver.received;
    expect(callback?.url).toBe("/zoho/notify?connection=7");
    expect(specErrors("watch", callback?.body)).toEqual([]);
    expect(callback?.body).toMatchObject({ module: "Accounts", operation: "insert", ids, channel_id: "1000000068001", token: "TOKEN_FOR_VERIFICATION_OF_1000000068001", query_params: { connection: "7" }, affected_fields: [] });
  });

  it("an update callback names the affected fields per record; a deal won in the CRM calls back with Stage and Probability", async () => {
    await enable();
    const created = await zoho.call("POST", "/crm/v8/Accounts", { data: [{ Account_Name: "Four" }] });
    const id = created.body.data[0].details.id;
    const deal = await zoho.call("POST", "/crm/v8/Deals", { data: [{ Deal_Name: "Four – renewal", Stage: "Negotiation/Review", Closing_Date: "2027-02-01", Account_Name: { id } }] });
    await sandbox.control.zohoCrm.drainCallbacks();
    receiver.received.length = 0;
    await zoho.call("PUT", "/crm/v8/Accounts", { data: [{ id, Phone: "+1 555 0100" }] });
    await sandbox.control.zohoCrm.winDeal(deal.body.data[0].details.id);
    await sandbox.control.zohoCrm.drainCallbacks();
    const byModule = Object.fromEntries(receiver.received.map((r) => [String(r.body.module), r.body]));
    expect(byModule.Accounts).toMatchObject({ operation: "update", ids: [id], affected_fields: [{ [id]: ["Phone"] }], affected_values: [{ record_id: id, values: { Phone: "+1 555 0100" } }] });
    expect(byModule.Deals).toMatchObject({ operation: "update", ids: [deal.body.data[0].details.id] });
    expect(new Set((byModule.Deals?.affected_fields as Record<string, string[]>[])[0]?.[deal.body.data[0].details.id])).toEqual(new Set(["Stage", "Probability"]));
    for (const r of receiver.received) expect(specErrors("watch", r.body)).toEqual([]);
  });

  it("sends nothing after channel_expiry on the org clock, and no longer lists the channel", async () => {
    await enable({ channel_expiry: inHours(2) });
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: 2 * 3_600 + 1 });
    await zoho.call("POST", "/crm/v8/Accounts", { data: [{ Account_Name: "After expiry" }] }).catch(() => undefined);
    const fresh = await zohoClient(sandbox);
    await fresh.call("POST", "/crm/v8/Accounts", { data: [{ Account_Name: "After expiry, new token" }] });
    await sandbox.control.zohoCrm.drainCallbacks();
    expect(receiver.received).toEqual([]);
    expect((await fresh.call("GET", "/crm/v8/actions/watch")).status).toBe(204);
    await sandbox.control.zohoCrm.setClock({ advanceSeconds: -(2 * 3_600 + 1) });
  });

  it("renewing with PUT before expiry moves channel_expiry; duplicate mode sends each callback twice; DELETE disables", async () => {
    await enable({ channel_expiry: inHours(1) });
    const renewed = await zoho.call("PUT", "/crm/v8/actions/watch", { watch: [{ channel_id: 1000000068001, events: ["Accounts.edit"], notify_url: receiver.url, token: "T2", channel_expiry: inHours(24) }] });
    expect(renewed.status).toBe(200);
    const [channel] = (await zoho.call("GET", "/crm/v8/actions/watch")).body.watch;
    expect(channel).toMatchObject({ events: ["Accounts.edit"], token: "T2" });
    await sandbox.control.zohoCrm.setCallbackMode({ duplicate: true });
    const account = (await sandbox.control.zohoCrm.records("Accounts"))[0];
    await zoho.call("PUT", `/crm/v8/Accounts/${account?.id}`, { data: [{ Website: "https://dup.example" }] });
    await sandbox.control.zohoCrm.drainCallbacks();
    await sandbox.control.zohoCrm.setCallbackMode({ duplicate: false });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]?.body).toEqual(receiver.received[1]?.body);
    const off = await zoho.call("DELETE", "/crm/v8/actions/watch?channel_ids=1000000068001");
    expect(off.body.watch[0]).toMatchObject({ code: "SUCCESS" });
    expect((await zoho.call("GET", "/crm/v8/actions/watch")).status).toBe(204);
  });
});
