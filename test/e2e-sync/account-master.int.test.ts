import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchAcumaticaToken } from "../../lib/connectors/acumatica/auth";
import { acumaticaSecretsSchema, acumaticaSettingsSchema } from "../../lib/connectors/acumatica/schemas";
import { replayRecord } from "../../lib/sync/replay-record";
import { startSandbox, type RunningSandbox } from "../../sandbox/index";
import { getToken } from "../../sandbox/zuora/test-support";
import { createTestDb, type TestDb } from "../db";
import { createFlow, pollAndSettle, settle, startWorker } from "./harness";

/*
 * Zuora billing accounts are master data of the Zuora -> Acumatica flow: a posted account whose name
 * or bill-to contact changes in Zuora updates its Acumatica customer (name, MainContact), once, with an
 * `updated` event naming the change;
 * an update Acumatica refuses fails with Acumatica's own message and replays once the cause is fixed.
 * Against the real sandboxes over HTTP, with a real worker.
 */

type ZuoraSnapshot = { store: { accounts: { id: string; accountNumber: string; name: string; updatedDate: number }[] } };

describe("Zuora account -> Acumatica customer updates (master mode)", () => {
  let t: TestDb;
  let worker: Runner;
  let sandbox: RunningSandbox;
  let flowId: string;

  /** An edit in the Zuora UI: the account's name changes and its updatedDate moves (the sandbox has no account-edit API; its snapshot does). */
  const renameZuoraAccount = async (accountId: string, name: string) => {
    const state = (await sandbox.control.zuora.snapshot()) as ZuoraSnapshot;
    const account = state.store.accounts.find((a) => a.id === accountId)!;
    account.name = name;
    account.updatedDate = Date.now();
    await sandbox.control.zuora.restore(state);
  };
  const customer = async (customerId: string) => (await sandbox.control.acumatica.documents("Customer")).find((c) => c.CustomerID === customerId);
  const trail = async (recordId: string) => (await t.db.recordEvent.findMany({ where: { recordId }, orderBy: { id: "asc" } })).map((e) => ({ kind: e.kind, detail: e.detail as Record<string, unknown> }));

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0, demo: { accounts: 4, existingCustomerRate: 0 } })]);
    worker = await startWorker(t);
    ({ flowId } = await createFlow({ t, sandbox }));
    await pollAndSettle(t, flowId);
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await sandbox?.close();
    await t?.drop();
  });

  it("a renamed Zuora account updates its Acumatica customer once, and the trail shows the change", async () => {
    const record = await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "account", status: "posted" }, orderBy: { naturalKey: "asc" } });
    const customerId = record.targetRef!;
    const before = await customer(customerId);
    expect(before).toBeDefined();
    const oldName = String(before!.CustomerName);
    const customersBefore = (await sandbox.control.acumatica.documents("Customer")).length;

    await renameZuoraAccount(record.sourceId, "Renamed Holdings GmbH");
    await pollAndSettle(t, flowId);
    // a second poll with no further change sends nothing more
    await pollAndSettle(t, flowId);

    expect(await customer(customerId)).toMatchObject({ CustomerName: "Renamed Holdings GmbH", CurrencyID: before!.CurrencyID });
    expect((await sandbox.control.acumatica.documents("Customer")).length).toBe(customersBefore);
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
    const events = await trail(record.id);
    expect(events.filter((e) => e.kind === "updated")).toEqual([
      { kind: "updated", detail: { entity: "Customer", targetId: record.targetId, targetRef: customerId, via: "updated", changes: [{ field: "name", from: oldName, to: "Renamed Holdings GmbH" }] } },
    ]);
    expect(events.find((e) => e.kind === "source-updated")?.detail).toMatchObject({ action: "update", changes: [{ field: "name", from: oldName, to: "Renamed Holdings GmbH" }] });
    expect(await t.db.syncRecord.findUniqueOrThrow({ where: { id: record.id } })).toMatchObject({ status: "posted", targetId: record.targetId, mappedPayload: expect.objectContaining({ name: "Renamed Holdings GmbH" }) });
  });

  it("a Zuora bill-to address and e-mail change updates the customer's MainContact once, and a second poll sends nothing", async () => {
    const record = (await t.db.syncRecord.findMany({ where: { flowId, objectType: "account", status: "posted" }, orderBy: { naturalKey: "asc" } }))[1]!;
    const customerId = record.targetRef!;
    const before = (await customer(customerId)) as { MainContact?: { Email?: string; Address?: Record<string, unknown> } } | undefined;
    // posted with the bill-to contact the sandbox seeded
    expect(before?.MainContact).toMatchObject({ Email: expect.stringMatching(/@/), Address: { AddressLine1: "1 Market Street" } });
    const oldEmail = before!.MainContact!.Email!;
    const customerPuts = async () => (await sandbox.control.acumatica.stats()).byRoute["PUT Customer"] ?? 0;
    const putsBefore = await customerPuts();

    // The change as Zuora's "Update an account" takes it (PUT /v1/accounts/{account-key} with billToContact).
    const token = await getToken(sandbox);
    const put = await fetch(`${sandbox.zuoraBaseUrl}/v1/accounts/${record.sourceId}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ billToContact: { workEmail: "ap@moved.example", address1: "500 Howard Street", address2: "Floor 4", zipCode: "94110" } }),
    });
    expect(await put.json()).toEqual({ success: true });

    await pollAndSettle(t, flowId);
    const eventsAfterUpdate = await trail(record.id);
    await pollAndSettle(t, flowId);

    expect(await customer(customerId)).toMatchObject({
      CurrencyID: (before as { CurrencyID?: unknown }).CurrencyID,
      MainContact: { Email: "ap@moved.example", Address: { AddressLine1: "500 Howard Street", AddressLine2: "Floor 4", PostalCode: "94110", City: "San Francisco", Country: "US" } },
    });
    expect(await customerPuts()).toBe(putsBefore + 1);
    const updated = eventsAfterUpdate.filter((e) => e.kind === "updated");
    expect(updated).toHaveLength(1);
    expect(updated[0]!.detail).toMatchObject({ entity: "Customer", targetRef: customerId, via: "updated" });
    expect([...(updated[0]!.detail.changes as { field: string }[])].sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { field: "addressLine1", from: "1 Market Street", to: "500 Howard Street" },
      { field: "addressLine2", from: "", to: "Floor 4" },
      { field: "email", from: oldEmail, to: "ap@moved.example" },
      { field: "postalCode", from: "94105", to: "94110" },
    ]);
    // the second poll found nothing new: no further event on the record, no further customer write
    expect(await trail(record.id)).toEqual(eventsAfterUpdate);
    expect(await t.db.syncRecord.findUniqueOrThrow({ where: { id: record.id } })).toMatchObject({ status: "posted", mappedPayload: expect.objectContaining({ email: "ap@moved.example", addressLine1: "500 Howard Street" }) });
  });

  it("an update Acumatica refuses fails with Acumatica's message, and replays once the cause is fixed", async () => {
    const record = await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "account", status: "posted" }, orderBy: { naturalKey: "desc" } });
    const customerId = record.targetRef!;
    const kept = (await customer(customerId))!;

    // Someone deletes the customer in Acumatica; Acumatica then refuses the update (If-Match: * on a record that is gone).
    const target = await t.db.connection.findFirstOrThrow({ where: { vendor: "acumatica", targetFlows: { some: { id: flowId } } } });
    const a = sandbox.credentials.acumatica;
    const settings = acumaticaSettingsSchema.parse({ endpointVersion: a.endpointVersion, tenant: a.tenant });
    const token = await fetchAcumaticaToken({ instanceUrl: target.baseUrl, settings, secrets: acumaticaSecretsSchema.parse({ clientId: a.clientId, clientSecret: a.clientSecret, username: a.username, password: a.password }) });
    const deleted = await fetch(`${target.baseUrl}/entity/Default/${a.endpointVersion}/Customer/${encodeURIComponent(customerId)}`, { method: "DELETE", headers: { authorization: `Bearer ${token.accessToken}` } });
    expect(deleted.status).toBe(204);

    await renameZuoraAccount(record.sourceId, "Refused Renaming Ltd");
    await pollAndSettle(t, flowId);
    const failed = await t.db.syncRecord.findUniqueOrThrow({ where: { id: record.id } });
    expect(failed).toMatchObject({ status: "failed", statusReason: "target-rejected", targetId: record.targetId });
    expect(failed.lastError).toMatch(/^Acumatica \(HTTP 412\): /);
    const refusal = (await trail(record.id)).filter((e) => e.kind === "failed").at(-1);
    expect(refusal?.detail).toEqual({ reason: failed.lastError, retryable: false });

    // The admin restores the customer in Acumatica and replays: the update goes through.
    await sandbox.control.acumatica.seed({ customers: [{ CustomerID: customerId, CustomerName: String(kept.CustomerName), CurrencyID: String(kept.CurrencyID) }] });
    expect(await replayRecord({ db: t.db, recordId: record.id, actorUserId: null })).toMatchObject({ status: "queued" });
    await settle(t);
    expect(await t.db.syncRecord.findUniqueOrThrow({ where: { id: record.id } })).toMatchObject({ status: "posted", lastError: null });
    expect(await customer(customerId)).toMatchObject({ CustomerName: "Refused Renaming Ltd" });
    const events = await trail(record.id);
    expect(events.map((e) => e.kind).slice(-3)).toEqual(["mapped", "attempt", "updated"]);
    expect(events.at(-1)?.detail).toMatchObject({ via: "updated", changes: [{ field: "name", from: kept.CustomerName, to: "Refused Renaming Ltd" }] });
  });
});
