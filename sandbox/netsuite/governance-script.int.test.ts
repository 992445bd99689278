import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { envelopeErrors, errorDetail, getToken, ns } from "./test-support";

const R = "/services/rest/record/v1";

type Received = { url: string; body: Record<string, unknown> };

/** A receiver for the outbound script: records every POST and answers with `status()`. */
const startReceiver = async (status: () => number) => {
  const received: Received[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => {
      received.push({ url: request.url ?? "", body: JSON.parse(text) as Record<string, unknown> });
      response.statusCode = status();
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

describe("NetSuite concurrency governance and faults", () => {
  let sandbox: RunningSandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 3 } });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it("answers 429 CONCURRENCY_LIMIT_EXCEEDED (title Bad Request, no Retry-After) beyond the account's parallel-request limit", async () => {
    await sandbox.control.netsuite.updateSettings({ concurrencyLimit: 2 });
    await sandbox.control.setLatency({ netsuite: 300 });
    const responses = await Promise.all(Array.from({ length: 6 }, () => ns(sandbox, token, "GET", `${R}/customer?limit=1`)));
    await sandbox.control.setLatency({ netsuite: 0 });
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
    const refused = responses.find((r) => r.status === 429);
    expect(refused?.body).toEqual({
      type: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
      title: "Bad Request",
      status: 429,
      "o:errorDetails": [{ detail: "Concurrent request limit exceeded. Request blocked.", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED" }],
    });
    expect(refused?.headers.get("retry-after")).toBeNull();
    const stats = await sandbox.control.netsuite.stats();
    expect(stats).toMatchObject({ inFlight: 0, maxInFlight: 2, rejected429: 4 });
    // The token endpoint is not governed.
    expect(await getToken(sandbox)).toMatch(/\./);
    await sandbox.control.netsuite.updateSettings({ concurrencyLimit: 15 });
  });

  it("frees the slot of a request whose connection is dropped after the work", async () => {
    await sandbox.control.faults.add({ vendor: "netsuite", method: "POST", path: "/services/rest/record/v1/customer", times: 1, action: { kind: "drop", when: "after" } });
    await expect(ns(sandbox, token, "POST", `${R}/customer`, { companyName: "Dropped Answer Inc.", subsidiary: { id: "1" } })).rejects.toThrow();
    const q = encodeURIComponent('companyName IS "Dropped Answer Inc."');
    expect((await ns(sandbox, token, "GET", `${R}/customer?q=${q}`)).body?.totalResults).toBe(1);
    expect((await sandbox.control.netsuite.stats()).inFlight).toBe(0);
    await sandbox.control.faults.clear();
  });

  it("injects 429 and 5xx in NetSuite's error shape", async () => {
    await sandbox.control.faults.add({ vendor: "netsuite", path: "/services/rest/record/v1/invoice*", times: 2, action: { kind: "status", status: 503 } });
    const injected = await ns(sandbox, token, "GET", `${R}/invoice`);
    expect(injected.status).toBe(503);
    expect(errorDetail(injected)["o:errorCode"]).toBe("UNEXPECTED_ERROR");
    expect(injected.headers.get("content-type")).toContain("type=error");
    await sandbox.control.faults.set({ rules: [{ vendor: "netsuite", times: 1, action: { kind: "status", status: 429 } }] });
    expect(errorDetail(await ns(sandbox, token, "GET", `${R}/invoice`))["o:errorCode"]).toBe("CONCURRENCY_LIMIT_EXCEEDED");
    expect((await ns(sandbox, token, "GET", `${R}/invoice`)).status).toBe(200);
    await sandbox.control.faults.clear();
  });
});

describe("NetSuite outbound script (User Event afterSubmit -> N/https.post)", () => {
  let sandbox: RunningSandbox;
  let token: string;
  let status = 200;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, demo: { accounts: 3 } });
    token = await getToken(sandbox);
    receiver = await startReceiver(() => status);
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });

  it("POSTs customer and invoice changes to the deployment URL with the shared secret in the query string", async () => {
    const deployment = await sandbox.control.netsuite.script.deploy({ url: `${receiver.url}/api/webhooks/netsuite/conn-1`, secret: "s3cr3t-0123456789", recordTypes: ["customer", "invoice"] });
    const customers = await sandbox.control.netsuite.records("customer");
    const customer = String(customers[0]?.id);
    await sandbox.control.netsuite.change("customer", customer, { email: "changed@example.com" });
    const created = await ns(sandbox, token, "POST", `${R}/customer`, { companyName: "Webhook Newco", subsidiary: { id: "1" }, externalId: "WH-1" });
    const newId = created.headers.get("location")?.split("/").pop();
    const invoices = await ns(sandbox, token, "GET", `${R}/invoice?limit=1`);
    const invoice = (invoices.body?.items as { id: string }[])[0]?.id ?? "";
    expect((await ns(sandbox, token, "PATCH", `${R}/invoice/${invoice}`, { memo: "changed over REST" })).status).toBe(204);
    // Items are not in the deployment's record types.
    await sandbox.control.netsuite.seed({ items: [{ itemId: "NOT-WATCHED" }] });
    expect((await sandbox.control.netsuite.script.drain()).idle).toBe(true);

    expect(receiver.received.map((r) => [r.body.recordType, r.body.id, r.body.eventType])).toEqual([
      ["customer", customer, "edit"],
      ["customer", newId, "create"],
      ["invoice", invoice, "edit"],
    ]);
    for (const { url, body } of receiver.received) {
      expect(url).toBe("/api/webhooks/netsuite/conn-1?secret=s3cr3t-0123456789");
      expect(body).toMatchObject({ accountId: "1234567_SB1", eventId: expect.stringMatching(/^[0-9a-f-]{36}$/), lastModifiedDate: expect.stringMatching(/Z$/) });
    }
    expect(receiver.received[1]?.body.externalId).toBe("WH-1");
    await sandbox.control.netsuite.script.undeploy(deployment.id);
  });

  it("tries once: a refused POST is logged, not retried", async () => {
    receiver.received.length = 0;
    status = 500;
    await sandbox.control.netsuite.script.deploy({ url: `${receiver.url}/hook`, secret: "x", recordTypes: ["customer"] });
    const customer = String((await sandbox.control.netsuite.records("customer"))[1]?.id);
    await sandbox.control.netsuite.change("customer", customer, { phone: "555-0199" });
    await sandbox.control.netsuite.script.drain();
    expect(receiver.received).toHaveLength(1);
    const deliveries = await sandbox.control.netsuite.script.deliveries({ recordType: "customer", id: customer });
    expect(deliveries.at(-1)).toMatchObject({ attempts: [500], delivered: false });
    status = 200;
  });
});

describe("NetSuite sandbox state", () => {
  it("survives snapshot/reset/restore and a restart from the state file, tokens included", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ns-state-"));
    try {
      const first = await startSandbox({ port: 0, stateDir: dir, demo: { accounts: 3 } });
      const token = await getToken(first);
      const before = await first.control.netsuite.stats();
      expect(before.customers).toBe(40);
      // Seeding the demo again adds nothing to NetSuite (matched by external id).
      await first.control.seedDemo({ accounts: 3 });
      expect(await first.control.netsuite.stats()).toMatchObject({ customers: 40, items: 6, invoices: 12 });
      const snapshot = await first.control.netsuite.snapshot();
      await first.control.netsuite.reset();
      expect((await first.control.netsuite.stats()).customers).toBe(0);
      expect((await ns(first, token, "GET", `${R}/customer`)).status).toBe(401);
      await first.control.netsuite.restore(snapshot);
      const page = await ns(first, token, "GET", `${R}/customer?limit=5`);
      expect(envelopeErrors("nsResourceCollection", page.body)).toEqual([]);
      expect(page.body?.totalResults).toBe(40);
      await ns(first, token, "POST", `${R}/customer`, { companyName: "Persisted Inc.", subsidiary: { id: "1" } });
      await first.close();

      const second = await startSandbox({ port: 0, stateDir: dir, demo: { accounts: 3 } });
      expect((await second.control.netsuite.stats()).customers).toBe(41);
      expect(second.credentials.netsuite.certificateId).toBe(first.credentials.netsuite.certificateId);
      // A token from before the restart is still valid on the restarted sandbox (same account, same token store).
      const q = encodeURIComponent('companyName IS "Persisted Inc."');
      expect((await ns(second, token, "GET", `${R}/customer?q=${q}`)).body?.totalResults).toBe(1);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
