import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { seedSmall } from "./test-support";

type Received = { headers: IncomingHttpHeaders; body: string };

/** A callout receiver on a loopback port; `answer` decides each status. */
const startReceiver = async () => {
  const received: Received[] = [];
  let answer: (n: number) => number = () => 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(answer(received.length)).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/zuora-callouts`,
    received,
    setAnswer: (fn: (n: number) => number) => void (answer = fn),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const SECRET = "whsec-test-0123456789";

describe("Zuora callouts", () => {
  let sandbox: RunningSandbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    receiver = await startReceiver();
    await seedSmall(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(async () => {
    for (const t of await sandbox.control.zuora.callouts.templates()) await sandbox.control.zuora.callouts.removeTemplate(t.id);
    await sandbox.control.zuora.callouts.setMode({ hold: false, duplicate: false });
    receiver.received.length = 0;
    receiver.setAnswer(() => 200);
  });

  it("sends ID-only bodies signed with the template's HMAC, verifiable with the configured secret", async () => {
    await sandbox.control.zuora.callouts.addTemplate({
      url: receiver.url,
      events: ["InvoicePosted"],
      hmac: { algorithm: "SHA-256", secret: SECRET, headerName: "X-Signature", outputFormat: "BASE64" },
      headers: { "X-Tenant": "northwind" },
    });
    const run = await sandbox.control.zuora.billRun({ invoices: 3, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 });
    expect((await sandbox.control.zuora.callouts.drain(5_000)).idle).toBe(true);
    expect(receiver.received).toHaveLength(3);
    for (const { headers, body } of receiver.received) {
      const expected = createHmac("sha256", SECRET).update(body).digest();
      const given = Buffer.from(String(headers["x-signature"]), "base64");
      expect(given.length).toBe(expected.length);
      expect(timingSafeEqual(given, expected)).toBe(true);
      expect(createHmac("sha256", "wrong-secret").update(body).digest().equals(given)).toBe(false);
      expect(headers["zuora-notification-id"]).toMatch(/^[0-9a-f]{32}$/);
      expect(headers["zuora-request-id"]).toMatch(/^[0-9a-f]{32}$/);
      expect(headers["x-tenant"]).toBe("northwind");
      const parsed = JSON.parse(body) as Record<string, string>;
      expect(Object.keys(parsed).sort()).toEqual(["AccountId", "AccountNumber", "EventType", "InvoiceId", "InvoiceNumber"]);
      expect(parsed.EventType).toBe("InvoicePosted");
    }
    expect(receiver.received.map((r) => (JSON.parse(r.body) as { InvoiceId: string }).InvoiceId).sort()).toEqual(run.invoices.map((i) => i.id).sort());
  });

  it("signs a custom hmacData template in HEX (notification id + body)", async () => {
    await sandbox.control.zuora.callouts.addTemplate({
      url: receiver.url,
      events: ["InvoicePosted"],
      hmac: { algorithm: "SHA-512", secret: SECRET, data: "{{Request.Headers.Zuora-Notification-Id}}.{{Request.Body}}", headerName: "X-Zuora-Signature", value: "v1={{Request.HMAC.Signed}}", outputFormat: "HEX" },
    });
    await sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 });
    await sandbox.control.zuora.callouts.drain(5_000);
    const [{ headers, body }] = receiver.received as [Received];
    const expected = createHmac("sha512", SECRET).update(`${String(headers["zuora-notification-id"])}.${body}`).digest("hex");
    expect(headers["x-zuora-signature"]).toBe(`v1=${expected}`);
  });

  it("retries failures with the same Zuora-Notification-Id and a new Zuora-Request-Id, up to maxAttempts", async () => {
    await sandbox.control.zuora.callouts.addTemplate({ url: receiver.url, events: ["InvoicePosted"], retryIntervalMs: 20, maxAttempts: 3 });
    receiver.setAnswer((n) => (n < 3 ? 503 : 200));
    await sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 });
    await sandbox.control.zuora.callouts.drain(5_000);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers["zuora-notification-id"])).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.headers["zuora-request-id"])).size).toBe(3);
    const [delivery] = await sandbox.control.zuora.callouts.deliveries({ objectId: (JSON.parse(receiver.received[0]!.body) as { InvoiceId: string }).InvoiceId });
    expect(delivery?.state).toBe("delivered");
    expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
  });

  it("does not retry a 400 and gives up after maxAttempts on 500s", async () => {
    await sandbox.control.zuora.callouts.addTemplate({ url: receiver.url, events: ["InvoicePosted"], retryIntervalMs: 10, maxAttempts: 2 });
    receiver.setAnswer(() => 400);
    await sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 });
    await sandbox.control.zuora.callouts.drain(5_000);
    expect(receiver.received).toHaveLength(1);
    receiver.setAnswer(() => 500);
    await sandbox.control.zuora.billRun({ invoices: 1, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 });
    await sandbox.control.zuora.callouts.drain(5_000);
    expect(receiver.received).toHaveLength(3);
    expect((await sandbox.control.zuora.callouts.deliveries({ state: "failed" })).length).toBeGreaterThanOrEqual(2);
  });

  it("raises Payment Processed for electronic and only External Payment Processed for external payments", async () => {
    await sandbox.control.zuora.callouts.addTemplate({ url: receiver.url, events: ["PaymentProcessed", "ExternalPaymentProcessed", "CreditMemoPosted"] });
    const run = await sandbox.control.zuora.billRun({ invoices: 40, accounts: ["A00000001", "A00000002"], electronicPaymentRate: 0.5, externalPaymentRate: 0.5, creditMemoRate: 0.2, seed: 5 });
    await sandbox.control.zuora.callouts.drain(5_000);
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { EventType: string; PaymentId?: string; CreditMemoId?: string });
    const electronic = run.payments.filter((p) => p.type === "Electronic").map((p) => p.id).sort();
    const external = run.payments.filter((p) => p.type === "External").map((p) => p.id).sort();
    expect(electronic.length).toBeGreaterThan(0);
    expect(external.length).toBeGreaterThan(0);
    expect(bodies.filter((b) => b.EventType === "PaymentProcessed").map((b) => b.PaymentId).sort()).toEqual(electronic);
    expect(bodies.filter((b) => b.EventType === "ExternalPaymentProcessed").map((b) => b.PaymentId).sort()).toEqual(external);
    expect(bodies.filter((b) => b.EventType === "CreditMemoPosted").map((b) => b.CreditMemoId).sort()).toEqual(run.creditMemos.map((c) => c.id).sort());
  });

  it("delivers twice on request and out of order on request", async () => {
    await sandbox.control.zuora.callouts.addTemplate({ url: receiver.url, events: ["InvoicePosted"] });
    await sandbox.control.zuora.callouts.setMode({ duplicate: true, concurrency: 1 });
    await sandbox.control.zuora.billRun({ invoices: 2, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 });
    await sandbox.control.zuora.callouts.drain(5_000);
    const ids = receiver.received.map((r) => r.headers["zuora-notification-id"]);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(2);

    receiver.received.length = 0;
    await sandbox.control.zuora.callouts.setMode({ duplicate: false, hold: true });
    const run = await sandbox.control.zuora.billRun({ invoices: 5, electronicPaymentRate: 0, externalPaymentRate: 0, creditMemoRate: 0 });
    expect(receiver.received).toHaveLength(0);
    await sandbox.control.zuora.callouts.setMode({ hold: false });
    await sandbox.control.zuora.callouts.release("reverse");
    await sandbox.control.zuora.callouts.drain(5_000);
    const order = receiver.received.map((r) => (JSON.parse(r.body) as { InvoiceNumber: string }).InvoiceNumber);
    expect(order).toEqual(run.invoices.map((i) => i.number).reverse());

    const [first] = await sandbox.control.zuora.callouts.deliveries({ objectId: run.invoices[0]!.id });
    await sandbox.control.zuora.callouts.redeliver(first!.id);
    await sandbox.control.zuora.callouts.drain(5_000);
    expect(receiver.received.at(-1)?.headers["zuora-notification-id"]).toBe(first!.id);
  });
});
