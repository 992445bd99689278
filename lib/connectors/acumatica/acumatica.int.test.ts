import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createKeyring, generateKey } from "../../crypto";
import { startLoopbackServer } from "../../http/test-server";
import { VendorHttpError, type ExchangeSummary } from "../../http";
import { createAcumaticaClient, testAcumaticaConnection } from "./index";
import { createAcumaticaTarget, createCustomerLookup } from "./target";

/** A loopback URL where nothing listens any more (connection refused). */
const closedPortUrl = async () => {
  const s = await startLoopbackServer(() => {});
  await s.close();
  return s.url;
};

const keyring = createKeyring({ key: generateKey() });
let sandbox: RunningSandbox;
let testDb: TestDb;

beforeAll(async () => {
  [sandbox, testDb] = await Promise.all([startSandbox({ port: 0 }), createTestDb()]);
  await sandbox.control.acumatica.seed({
    accounts: [
      { AccountCD: "40000", Description: "Sales", Type: "Income" },
      { AccountCD: "40900", Description: "Old sales", Type: "Income", Active: false },
    ],
    customers: [{ CustomerID: "C0001", CustomerName: "Existing Ltd", CurrencyID: "USD" }],
  });
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), testDb?.drop()]);
});

const creds = () => sandbox.credentials.acumatica;
const connection = (overrides: { secrets?: object; settings?: object } = {}) => {
  const c = creds();
  const exchanges: ExchangeSummary[] = [];
  const client = createAcumaticaClient({
    connectionId: randomUUID(),
    baseUrl: c.baseUrl,
    settings: { endpointVersion: c.endpointVersion, requestsPerMinute: 6000, ...overrides.settings },
    secrets: { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password, ...overrides.secrets },
    db: testDb.db,
    keyring,
    onExchange: (s) => exchanges.push(s),
  });
  return { client, exchanges, tokenCalls: () => exchanges.filter((e) => e.path.endsWith("/identity/connect/token")).length };
};

const vendorError = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof VendorHttpError) return err;
    throw err;
  }
  throw new Error("expected a VendorHttpError");
};

describe("Acumatica connector against the sandbox", () => {
  it("reuses one token, and after the instance expires it refreshes once", async () => {
    const { client, tokenCalls } = connection();
    await client.findCustomers(["C0001"]);
    await client.findCustomers(["C0001"]);
    expect(tokenCalls()).toBe(1);
    await sandbox.control.acumatica.expireTokens();
    const found = await client.findCustomers(["C0001"]);
    expect(found.get("C0001")?.[0]?.CustomerName).toBe("Existing Ltd");
    expect(tokenCalls()).toBe(2);
  });

  it("creates a customer and an invoice with wrapped values, then finds it by natural key in one batch call", async () => {
    const { client, exchanges } = connection();
    const customer = await client.createCustomer({ customerId: "ZA-0042", name: "Acme GmbH", currencyId: "USD" });
    expect(customer.CustomerID).toBe("ZA-0042");
    const ref = `INV-${randomUUID().slice(0, 8)}`;
    const invoice = await client.createInvoice({
      customerId: "ZA-0042",
      externalRef: ref,
      date: "2026-11-01",
      description: `Zuora ${ref}`,
      lines: [{ account: "40000", description: "Subscription", quantity: 2, unitPrice: 50 }],
    });
    expect(invoice.Type).toBe("Invoice");
    expect(invoice.CustomerOrder).toBe(ref);
    expect(invoice.ReferenceNbr).toBeTruthy();
    const before = exchanges.length;
    const found = await client.findArDocuments([ref, "INV-NOT-THERE"]);
    expect(exchanges.length - before).toBe(1);
    expect(found.get(ref)?.map((d) => d.ReferenceNbr)).toEqual([invoice.ReferenceNbr]);
    expect(found.get("INV-NOT-THERE")).toEqual([]);
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
  });


  it("look-ups asked for by concurrent jobs share calls, and each still sees a document created just before it asked", async () => {
    const { client, exchanges } = connection();
    await client.createCustomer({ customerId: "ZA-0043", name: "Coalesce Ltd", currencyId: "USD" });
    const refs = Array.from({ length: 60 }, (_, i) => `CO-${randomUUID().slice(0, 8)}-${i}`);
    const create = (ref: string) =>
      client.createInvoice({ customerId: "ZA-0043", externalRef: ref, date: "2026-11-01", description: ref, lines: [{ account: "40000", description: "Fee", unitPrice: 10 }] });
    await Promise.all(refs.filter((_, i) => i % 3 === 0).map(create));

    const lookUps = () => exchanges.filter((e) => e.method === "GET" && /\/Invoice(\?|$)/.test(e.path)).length;
    const before = lookUps();
    const found = await Promise.all(refs.map((ref) => client.lookUpArDocument(ref, "Invoice")));
    expect(found.map((rows) => rows.length)).toEqual(refs.map((_, i) => (i % 3 === 0 ? 1 : 0)));
    // 60 keys asked for at once: at most 25 per call, so 3 calls instead of 60
    expect(lookUps() - before).toBe(3);

    // A key asked for while a look-up is in flight waits for it, and is sent after its document exists.
    const late = refs[1]!;
    const inFlight = client.lookUpArDocument(refs[2]!, "Invoice");
    await create(late);
    expect((await client.lookUpArDocument(late, "Invoice")).map((d) => d.CustomerOrder)).toEqual([late]);
    expect(await inFlight).toEqual([]);
    // and nothing is remembered: a second ask is a new call
    const again = lookUps();
    expect((await client.lookUpArDocument(refs[0]!, "Invoice")).map((d) => d.CustomerOrder)).toEqual([refs[0]]);
    expect(lookUps() - again).toBe(1);
  });
  it("creates customers insert-only: one keyed in meanwhile is never overwritten; this account's is adopted, another's is planned again", async () => {
    const { client, exchanges } = connection();
    const target = createAcumaticaTarget(client, createCustomerLookup(client));
    const puts = () => exchanges.filter((e) => e.method === "PUT" && /\/Customer$/.test(e.path)).map((e) => e.status);
    const doc = (customerId: string, accountRef: string) => ({ customerId, name: "Zuora name", currencyId: "USD", accountRef });

    // created at once: one PUT, If-None-Match: * (the sandbox answers 412 to it for an existing key)
    expect(await target.createDocument({ entity: "Customer", naturalKey: "ZA-0100", document: doc("ZA-0100", "acc-100") })).toMatchObject({ targetRef: "ZA-0100" });
    expect(puts()).toEqual([200]);

    // keyed in by someone after the planner looked (no Account Ref): refused, read fresh, claimed for this account, its name kept
    await sandbox.control.acumatica.seed({ customers: [{ CustomerID: "ZA-0101", CustomerName: "Keyed in by hand", CurrencyID: "USD" }] });
    expect(await target.createDocument({ entity: "Customer", naturalKey: "ZA-0101", document: doc("ZA-0101", "acc-101") })).toMatchObject({ targetRef: "ZA-0101" });
    const adopted = (await sandbox.control.acumatica.documents("Customer")).find((c) => c.CustomerID === "ZA-0101");
    expect(adopted).toMatchObject({ CustomerName: "Keyed in by hand", AccountRef: "acc-101" });

    // another account's customer: nothing written, a retryable error (the planner then sees it and holds the record)
    await sandbox.control.acumatica.seed({ customers: [{ CustomerID: "ZA-0102", CustomerName: "Someone else", CurrencyID: "USD", AccountRef: "acc-other" }] });
    const err = await target.createDocument({ entity: "Customer", naturalKey: "ZA-0102", document: doc("ZA-0102", "acc-102") }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ retryable: true, written: false, message: expect.stringContaining("belongs to account acc-other") });
    expect((await sandbox.control.acumatica.documents("Customer")).find((c) => c.CustomerID === "ZA-0102")).toMatchObject({ CustomerName: "Someone else", AccountRef: "acc-other" });
    expect(puts().slice(1)).toEqual([412, 200, 412]); // the refusals, and the Account Ref claim of the adopted one
    expect(await sandbox.control.acumatica.duplicates()).toEqual([]);
  });

  it("turns field errors into readable, non-retryable messages", async () => {
    const { client } = connection();
    const missingCustomer = await vendorError(
      client.createInvoice({ customerId: "C0042", externalRef: `X-${randomUUID()}`, date: "2026-11-01", lines: [{ account: "40000", unitPrice: 1 }] }),
    );
    expect(missingCustomer.retryable).toBe(false);
    expect(missingCustomer.reason).toContain("C0042");
    expect(missingCustomer.reason).not.toMatch(/stackTrace|at PX\./);
    const inactive = await vendorError(
      client.createInvoice({ customerId: "C0001", externalRef: `X-${randomUUID()}`, date: "2026-11-01", lines: [{ account: "40900", unitPrice: 1 }] }),
    );
    expect(inactive.retryable).toBe(false);
    expect(inactive.reason).toContain("40900");
  });

  it("testConnection: all steps pass with good settings", async () => {
    const c = creds();
    const steps = await testAcumaticaConnection({
      baseUrl: c.baseUrl,
      settings: { endpointVersion: c.endpointVersion },
      secrets: { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password },
    });
    expect(steps.map((s) => [s.step, s.ok])).toEqual([
      ["auth", true],
      ["version", true],
      ["read", true],
    ]);
  });

  it("testConnection: a wrong endpoint version lists the versions the instance offers", async () => {
    const c = creds();
    const steps = await testAcumaticaConnection({
      baseUrl: c.baseUrl,
      settings: { endpointVersion: "25.100.001" },
      secrets: { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password },
    });
    const version = steps.find((s) => s.step === "version");
    expect(version?.ok).toBe(false);
    expect(version?.message).toContain("25.100.001");
    expect(version?.message).toContain("24.200.001");
  });

  it("testConnection: wrong password, wrong secret and wrong URL give clear messages", async () => {
    const c = creds();
    const secrets = { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password };
    const wrongPassword = await testAcumaticaConnection({ baseUrl: c.baseUrl, settings: {}, secrets: { ...secrets, password: "nope" } });
    expect(wrongPassword).toEqual([{ step: "auth", ok: false, message: expect.stringMatching(/username or password/) }]);
    const wrongSecret = await testAcumaticaConnection({ baseUrl: c.baseUrl, settings: {}, secrets: { ...secrets, clientSecret: "nope" } });
    expect(wrongSecret[0]?.message).toMatch(/client ID or secret/);
    const wrongPath = await testAcumaticaConnection({ baseUrl: `${sandbox.url}/not-acumatica`, settings: {}, secrets });
    expect(wrongPath[0]?.message).toMatch(/404|not found/i);
    const refused = await testAcumaticaConnection({ baseUrl: await closedPortUrl(), settings: {}, secrets });
    expect(refused[0]?.message).toMatch(/refused/);
    for (const step of [...wrongPassword, ...wrongSecret, ...wrongPath, ...refused]) {
      expect(step.message).not.toContain(c.password);
      expect(step.message).not.toContain(c.clientSecret);
    }
  });
});
