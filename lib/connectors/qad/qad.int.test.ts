import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { VendorHttpError } from "../../http";
import { createQadClient, createQadTarget, isPeriodClosedRefusal, listQadCustomers, listQadOpenPeriods, qadRefusalsOf, testQadConnection, type QadClient } from "./index";

/*
 * Contract tests of the QAD connector against the QAD sandbox over real HTTP, with the token cache in a
 * real Postgres: Test connection (right, wrong workspace, wrong password, wrong client), browse paging,
 * look-up by reference before create, writes and refusals by field, token refresh after a 401.
 */

describe("QAD connector against the sandbox", () => {
  let t: TestDb;
  let sandbox: RunningSandbox;
  let client: QadClient;
  const today = new Date().toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));

  const ctx = (over: { settings?: Record<string, unknown>; secrets?: Record<string, unknown> } = {}) => {
    const q = sandbox.credentials.qad;
    const [domainCode, entityCode] = q.workspaceId.split("_");
    return {
      baseUrl: q.baseUrl,
      settings: { domainCode, entityCode, ...over.settings },
      secrets: { clientId: q.clientId, username: q.username, password: q.password, ...over.secrets },
    };
  };

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDb(), startSandbox({ port: 0 })]);
    const connection = await t.db.connection.create({ data: { vendor: "qad", name: "QAD contract", baseUrl: sandbox.credentials.qad.baseUrl, settings: {}, credentials: "unused" } });
    client = createQadClient({ ...ctx(), connectionId: connection.id, db: t.db });
    await sandbox.control.qad.seed({
      customers: [
        { customerCode: "C100", businessRelationName: "Acme Analytics Inc", currencyCode: "USD" },
        { customerCode: "C101", businessRelationName: "Blue Labs GmbH", currencyCode: "EUR" },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([sandbox?.close(), t?.drop()]);
  });

  it("Test connection: every step passes with the right settings", async () => {
    const steps = await testQadConnection(ctx());
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ["auth", true],
      ["version", true],
      ["read", true],
    ]);
    expect(steps[1]!.message).toMatch(/Workspace 10USA_10USACO is available: 36 of 36 GL periods open/);
  });

  it("Test connection: a wrong workspace, password or client each say what is wrong", async () => {
    const workspace = await testQadConnection(ctx({ settings: { entityCode: "99XXCO" } }));
    expect(workspace.map((s) => [s.step, s.ok])).toEqual([
      ["auth", true],
      ["version", false],
    ]);
    expect(workspace[1]!.message).toMatch(/QAD denied access to workspace 10USA_99XXCO \(Access is denied\)\. Check the domain and entity/);

    const password = await testQadConnection(ctx({ secrets: { password: "wrong" } }));
    expect(password).toEqual([{ step: "auth", ok: false, message: "QAD refused the username or password (invalid_grant). Check the integration user's credentials." }]);

    const clientId = await testQadConnection(ctx({ secrets: { clientId: "nobody" } }));
    expect(clientId[0]!.message).toMatch(/does not know this OAuth client ID \(invalid_client\)/);

    const incomplete = await testQadConnection(ctx({ settings: { domainCode: "" } }));
    expect(incomplete[0]).toMatchObject({ step: "auth", ok: false, message: expect.stringMatching(/^Settings incomplete: domainCode/) });
  });

  it("browses page by page to the end, and reads catalogues", async () => {
    await sandbox.control.qad.seed({ customers: Array.from({ length: 1_050 }, (_, i) => ({ customerCode: `P${String(i).padStart(5, "0")}`, businessRelationName: `Paging ${i}` })) });
    const customers = await listQadCustomers(client);
    expect(customers.filter((c) => c.key.startsWith("P"))).toHaveLength(1_050);
    expect(customers.find((c) => c.key === "C101")).toEqual({ key: "C101", label: "Blue Labs GmbH · EUR" });
    const periods = await listQadOpenPeriods(client);
    expect(periods).toHaveLength(36);
    expect(periods[0]!.key).toBe(`${year - 1}-01-01`);
  });

  it("finds customers from one directory read, and a customer created after that read by its code alone", async () => {
    expect(await client.findCustomer("c100")).toMatchObject({ customerCode: "C100", businessRelationName: "Acme Analytics Inc" });
    const before = (await sandbox.control.qad.stats()).requests!;
    expect(await client.findCustomer("C101")).toMatchObject({ customerCode: "C101", currencyCode: "EUR" });
    expect((await sandbox.control.qad.stats()).requests! - before).toBe(0);
    await sandbox.control.qad.seed({ customers: [{ customerCode: "NEW1", businessRelationName: "Created Later Ltd" }] });
    expect(await client.findCustomer("NEW1")).toMatchObject({ customerCode: "NEW1" });
    expect(await client.findCustomer("NOPE")).toBeNull();
  });

  it("looks a document up by reference before creating it; creates invoice, receipt and adjustment with allocations", async () => {
    const target = createQadTarget(client);
    expect(await target.findDocument({ entity: "invoice", naturalKey: "INV90000001" })).toBeNull();
    const invoice = await target.createDocument({
      entity: "invoice",
      naturalKey: "INV90000001",
      document: { customerCode: "C100", reference: "INV90000001", date: today, currencyCode: "USD", lines: [{ glCode: "40100", amountTC: 90 }, { glCode: "23100", amountTC: 10 }] },
    });
    expect(invoice.targetId).toMatch(/^\d{4}\/SINV\/\d{6}$/);
    expect(await target.findDocument({ entity: "invoice", naturalKey: "inv90000001" })).toEqual(invoice);

    const adjustment = await target.createDocument({
      entity: "adjustment",
      naturalKey: "CM90000001",
      document: { customerCode: "C100", reference: "CM90000001", date: today, currencyCode: "USD", lines: [{ glCode: "40100", amountTC: 20 }], allocations: [{ invoiceVoucher: invoice.targetId, amount: 20 }] },
    });
    const receipt = await target.createDocument({
      entity: "receipt",
      naturalKey: "P-90000001",
      document: { customerCode: "C100", reference: "P-90000001", date: today, currencyCode: "USD", bankGLCode: "10200", amount: 80, allocations: [{ invoiceVoucher: invoice.targetId, amount: 80 }] },
    });
    expect(await target.findDocument({ entity: "receipt", naturalKey: "P-90000001" })).toEqual(receipt);
    expect(await target.findDocument({ entity: "adjustment", naturalKey: "CM90000001" })).toEqual(adjustment);
    const [balance] = await sandbox.control.qad.invoiceBalances({ customer: "C100" });
    expect(balance).toMatchObject({ dInvoiceReference: "INV90000001", originalAmount: 100, openBalance: 0, isOpen: false });
  });

  it("a refused write is final and names the field; a closed period is recognised by its field", async () => {
    const refused = await client.createInvoice({ customerCode: "NOPE", reference: "INV90000002", date: today, currencyCode: "USD", lines: [{ glCode: "40100", amountTC: 5 }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VendorHttpError);
    expect((refused as VendorHttpError).retryable).toBe(false);
    expect((refused as VendorHttpError).reason).toMatch(/QAD refused the document: CustomerCode: Customer 'NOPE' does not exist/);
    expect(qadRefusalsOf(refused).map((r) => r.fieldName)).toEqual(["CustomerCode"]);

    // the calendar as the client read it (and keeps for a minute), then the period closes in QAD
    const periodsBefore = await client.glPeriods();
    expect(periodsBefore.find((p) => p.periodYear === year - 1 && p.periodPeriod === 6)?.periodStatus).toBe("OPEN");
    await sandbox.control.qad.setPeriodStatus({ year: year - 1, period: 6, status: "CLOSED" });
    const closed = await client.createInvoice({ customerCode: "C100", reference: "INV90000003", date: `${year - 1}-06-15`, currencyCode: "USD", lines: [{ glCode: "40100", amountTC: 5 }] }).catch((e: unknown) => e);
    expect(qadRefusalsOf(closed).some(isPeriodClosedRefusal)).toBe(true);
    expect(qadRefusalsOf(refused).some(isPeriodClosedRefusal)).toBe(false);
    // through the target, a period closed since the calendar was read is retried (the calendar read again), not failed
    const viaTarget = await createQadTarget(client)
      .createDocument({ entity: "invoice", naturalKey: "INV90000004", document: { customerCode: "C100", reference: "INV90000004", date: `${year - 1}-06-16`, currencyCode: "USD", lines: [{ glCode: "40100", amountTC: 5 }] } })
      .catch((e: unknown) => e);
    expect(viaTarget).toMatchObject({ retryable: true, reason: expect.stringMatching(/closed for posting.*read again before the retry/) });
    expect((await client.glPeriods()).find((p) => p.periodYear === year - 1 && p.periodPeriod === 6)?.periodStatus).toBe("CLOSED");
  });

  it("an expired token is refreshed once and the call goes through", async () => {
    await client.findByReference("invoice", "INV90000001");
    const before = await sandbox.control.qad.stats();
    await sandbox.control.qad.expireTokens();
    expect(await client.findByReference("invoice", "INV90000001")).toHaveLength(1);
    const after = await sandbox.control.qad.stats();
    expect(after.tokenRequests! - before.tokenRequests!).toBe(1);
    expect(after.rejected401! - before.rejected401!).toBe(1);

    // refused again with the fresh token (tokens ended twice in a row): retryable, and the next call goes through
    await sandbox.control.faults.set({ rules: [{ id: "twice", vendor: "qad", path: "/api/*", times: 2, action: { kind: "expire-tokens" } }] });
    const twice = await client.findByReference("invoice", "INV90000001").catch((e: unknown) => e);
    expect(twice).toMatchObject({ code: "unauthorized", status: 401, retryable: true });
    await sandbox.control.faults.set({ rules: [] });
    expect(await client.findByReference("invoice", "INV90000001")).toHaveLength(1);
  });
});
