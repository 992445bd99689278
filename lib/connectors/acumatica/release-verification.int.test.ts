import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../../sandbox/index";
import { DEFAULT_ACTION_MS } from "../../../sandbox/acumatica/index";
import { createTestDb, type TestDb } from "../../../test/db";
import { createKeyring, generateKey } from "../../crypto";
import { VendorHttpError } from "../../http";
import { createAcumaticaClient } from "./index";

const keyring = createKeyring({ key: generateKey() });
let sandbox: RunningSandbox;
let testDb: TestDb;
const DATE = "2026-11-01";

beforeAll(async () => {
  [sandbox, testDb] = await Promise.all([startSandbox({ port: 0 }), createTestDb()]);
  await sandbox.control.acumatica.seed({
    accounts: [{ AccountCD: "40000", Description: "Sales", Type: "Income" }],
    customers: [{ CustomerID: "C0001", CustomerName: "Existing Ltd", CurrencyID: "USD" }],
  });
});
afterAll(async () => {
  await Promise.all([sandbox?.close(), testDb?.drop()]);
});
beforeEach(() => {
  const control = sandbox.vendors.acumatica.control;
  control.setActionPolls(0);
  control.setActionMs(DEFAULT_ACTION_MS);
  control.setPeriodStatus(["11-2026"], "Open");
});

const client = (limits: { requestsPerMinute: number; maxConcurrent: number } = { requestsPerMinute: 60_000, maxConcurrent: 8 }) => {
  const c = sandbox.credentials.acumatica;
  return createAcumaticaClient({
    connectionId: randomUUID(),
    baseUrl: c.baseUrl,
    settings: { endpointVersion: c.endpointVersion, ...limits },
    secrets: { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password },
    db: testDb.db,
    keyring,
  });
};

/** The sandbox's own request counters, by route, since `before`. */
const callsSince = (before: Record<string, number>) => {
  const now = sandbox.vendors.acumatica.control.stats().byRoute;
  return Object.fromEntries(Object.keys(now).map((route) => [route, (now[route] ?? 0) - (before[route] ?? 0)]).filter(([, n]) => n !== 0));
};
const routes = () => sandbox.vendors.acumatica.control.stats().byRoute;

const statusOf = (entity: "Invoice" | "Payment", referenceNbr: string) =>
  sandbox.vendors.acumatica.control.documents(entity).find((d) => d.ReferenceNbr === referenceNbr && d.Type !== "Credit Memo")?.Status;

const newInvoice = (acu: ReturnType<typeof client>, amount = 10) => {
  const ref = `RV-${randomUUID().slice(0, 8)}`;
  return acu.createInvoice({ customerId: "C0001", externalRef: ref, date: DATE, lines: [{ account: "40000", description: "Fee", unitPrice: amount }] });
};

/**
 * `jobs` jobs (the `job`-th starting `job * staggerMs` late) each create and release `each` invoices in
 * turn, as the target posts (the create and its release counted in flight together); each comes out Open.
 */
const releaseInJobs = (acu: ReturnType<typeof client>, { jobs, each, staggerMs }: { jobs: number; each: number; staggerMs: number }) =>
  Promise.all(
    Array.from({ length: jobs }, async (_, job) => {
      await new Promise((resolve) => setTimeout(resolve, job * staggerMs));
      for (let i = 0; i < each; i++) {
        const invoice = await acu.postForRelease("Invoice", async () => {
          const created = await newInvoice(acu);
          await acu.releaseArDocument("Invoice", created.ReferenceNbr ?? "");
          return created;
        });
        expect(statusOf("Invoice", invoice.ReferenceNbr ?? "")).toBe("Open");
      }
    }),
  );

describe("release verification (Acumatica sandbox, releases running 20 ms as `npm start` runs them)", () => {
  it("confirms concurrently released invoices and payments with a few shared status reads, no Location polls", async () => {
    const acu = client();
    const n = 60;
    const invoices = await Promise.all(Array.from({ length: n }, () => newInvoice(acu)));
    const before = routes();
    await Promise.all(invoices.map((inv) => acu.releaseArDocument("Invoice", inv.ReferenceNbr ?? "")));
    const calls = callsSince(before);
    for (const inv of invoices) expect(statusOf("Invoice", inv.ReferenceNbr ?? "")).toBe("Open");
    const reads = calls["GET Invoice?$filter=ReferenceNbr"] ?? 0;
    console.info(`[acumatica] ${n} concurrent invoice releases: ${JSON.stringify(calls)}`);
    expect(calls["POST Invoice/ReleaseInvoice"]).toBe(n);
    expect(calls["GET Invoice/ReleaseInvoice/status"] ?? 0).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(n / 4);

    const payments = await Promise.all(
      invoices.slice(0, 20).map((inv, i) =>
        acu.createPayment({ customerId: "C0001", externalRef: `P-${randomUUID().slice(0, 8)}-${i}`, applicationDate: DATE, amount: 10, applyTo: [{ docType: "Invoice", referenceNbr: inv.ReferenceNbr ?? "", amountPaid: 10 }] }),
      ),
    );
    const beforePayments = routes();
    await Promise.all(payments.map((p) => acu.releasePayment(p.ReferenceNbr ?? "")));
    const paymentCalls = callsSince(beforePayments);
    console.info(`[acumatica] 20 concurrent payment releases: ${JSON.stringify(paymentCalls)}`);
    for (const p of payments) expect(statusOf("Payment", p.ReferenceNbr ?? "")).toBe("Closed");
    expect(paymentCalls["GET Payment/ReleasePayment/status"] ?? 0).toBe(0);
    expect(paymentCalls["GET Payment?$filter=ReferenceNbr"] ?? 0).toBeLessThanOrEqual(20 / 4);
  });

  it("jobs posting one invoice after another (8 at a time, as a worker runs them) share most status reads", async () => {
    const acu = client();
    const jobs = 8;
    const each = 10;
    const before = routes();
    await releaseInJobs(acu, { jobs, each, staggerMs: 37 }); // jobs out of step, as a worker's are
    const calls = callsSince(before);
    const n = jobs * each;
    console.info(`[acumatica] ${n} invoices created and released by ${jobs} jobs in turn: ${JSON.stringify(calls)}; ${((calls["GET Invoice?$filter=ReferenceNbr"] ?? 0) / n).toFixed(2)} status reads per invoice`);
    expect(calls["GET Invoice/ReleaseInvoice/status"] ?? 0).toBe(0);
    // One Location poll per release before; now a status read is shared by the releases in flight together.
    expect(calls["GET Invoice?$filter=ReferenceNbr"] ?? 0).toBeLessThan(0.4 * n);
  });

  it("under a licence's rate, a status read carries the releases that asked while it waited for its turn", async () => {
    // 1,200 requests a minute: the limiter, not the instance, paces the jobs (each call waits its turn)
    const acu = client({ requestsPerMinute: 1_200, maxConcurrent: 3 });
    const jobs = 6;
    const each = 5;
    const before = routes();
    await releaseInJobs(acu, { jobs, each, staggerMs: 0 });
    const calls = callsSince(before);
    const n = jobs * each;
    console.info(`[acumatica] ${n} invoices at 1,200/min by ${jobs} jobs: ${JSON.stringify(calls)}; ${((calls["GET Invoice?$filter=ReferenceNbr"] ?? 0) / n).toFixed(2)} status reads per invoice`);
    expect(calls["GET Invoice/ReleaseInvoice/status"] ?? 0).toBe(0);
    // a read that took its keys when it went out carried about one release in two here (0.43 reads per invoice)
    expect(calls["GET Invoice?$filter=ReferenceNbr"] ?? 0).toBeLessThanOrEqual(0.3 * n);
  }, 60_000);

  it("waits for a release that is still running: a document still Balanced is not released", async () => {
    const acu = client();
    sandbox.vendors.acumatica.control.setActionMs(2_000);
    const invoice = await newInvoice(acu);
    const ref = invoice.ReferenceNbr ?? "";
    const before = routes();
    const startedAt = Date.now();
    let settled = false;
    const release = acu.releaseArDocument("Invoice", ref).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(settled).toBe(false);
    expect(statusOf("Invoice", ref)).toBe("Balanced");
    await release;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
    expect(statusOf("Invoice", ref)).toBe("Open");
    const calls = callsSince(before);
    // Seen Balanced for longer than releaseLocationAfterMs: its own Location was asked, and said 202.
    expect(calls["GET Invoice/ReleaseInvoice/status"]).toBeGreaterThanOrEqual(1);
  });

  it("a retried release: while the first runs it waits for its outcome; after, it is confirmed released; a real refusal stays one", async () => {
    const acu = client();
    sandbox.vendors.acumatica.control.setActionMs(800);
    const invoice = await newInvoice(acu);
    const ref = invoice.ReferenceNbr ?? "";
    const before = routes();
    const first = acu.releaseArDocument("Invoice", ref);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Acumatica refuses a second operation on the document ("The previous operation has not been completed yet.").
    await Promise.all([first, acu.releaseArDocument("Invoice", ref)]);
    expect(statusOf("Invoice", ref)).toBe("Open");
    expect(callsSince(before)["POST Invoice/ReleaseInvoice"]).toBe(2);
    // Once released, a late retry's release is refused ("already released") and confirmed by the Status.
    await acu.releaseArDocument("Invoice", ref);
    expect(callsSince(before)["POST Invoice/ReleaseInvoice"]).toBe(3);
    // A refusal of a document that is not released stays a refusal, with Acumatica's reason.
    const held = await acu.createInvoice({ customerId: "C0001", externalRef: `RV-H-${randomUUID().slice(0, 8)}`, date: DATE, hold: true, lines: [{ account: "40000", unitPrice: 1 }] });
    const err = await acu.releaseArDocument("Invoice", held.ReferenceNbr ?? "").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VendorHttpError);
    expect((err as VendorHttpError).message).toMatch(/on hold and cannot be released/);
  });

  it("reports a release refused while it runs with Acumatica's reason, not retryable, and leaves the document Balanced", async () => {
    const acu = client();
    sandbox.vendors.acumatica.control.setActionMs(300);
    const invoice = await newInvoice(acu);
    const ref = invoice.ReferenceNbr ?? "";
    const release = acu.releaseArDocument("Invoice", ref).then(
      () => null,
      (err: unknown) => err,
    );
    // The period closes while the release runs: Acumatica's release process refuses the document.
    sandbox.vendors.acumatica.control.setPeriodStatus(["11-2026"], "Closed");
    const err = await release;
    expect(err).toBeInstanceOf(VendorHttpError);
    const failure = err as VendorHttpError;
    expect(failure.retryable).toBe(false);
    expect(failure.status).toBe(500);
    expect(failure.message).toMatch(/The 11-2026 financial period of the .* company is closed in Accounts Receivable/);
    expect(statusOf("Invoice", ref)).toBe("Balanced");
  });

  it("reports a payment release refused while it runs (its period closed meanwhile), and leaves the payment Balanced", async () => {
    const acu = client();
    const invoice = await newInvoice(acu, 10);
    await acu.releaseArDocument("Invoice", invoice.ReferenceNbr ?? "");
    const payment = await acu.createPayment({
      customerId: "C0001",
      externalRef: `P-${randomUUID().slice(0, 8)}`,
      applicationDate: DATE,
      amount: 10,
      applyTo: [{ docType: "Invoice", referenceNbr: invoice.ReferenceNbr ?? "", amountPaid: 10 }],
    });
    sandbox.vendors.acumatica.control.setActionMs(300);
    const release = acu.releasePayment(payment.ReferenceNbr ?? "").then(
      () => null,
      (e: unknown) => e,
    );
    sandbox.vendors.acumatica.control.setPeriodStatus(["11-2026"], "Closed");
    const err = await release;
    expect(err).toBeInstanceOf(VendorHttpError);
    expect((err as VendorHttpError).retryable).toBe(false);
    expect((err as VendorHttpError).message).toMatch(/The 11-2026 financial period of the .* company is closed in Accounts Receivable/);
    expect(statusOf("Payment", payment.ReferenceNbr ?? "")).toBe("Balanced");
    expect(statusOf("Invoice", invoice.ReferenceNbr ?? "")).toBe("Open");
  });
});
