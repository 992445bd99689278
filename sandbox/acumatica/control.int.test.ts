import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PushNotificationBody } from "./push-notifications";
import { startAcumatica, type TestAcumatica, val, wrap } from "./test-server";

let acu: TestAcumatica;

const invoice = (customerOrder: string) =>
  wrap({
    Customer: "ACME",
    Date: "2024-05-10T00:00:00+00:00",
    CustomerOrder: customerOrder,
    Hold: false,
    Details: [{ Account: "40100", Qty: 1, UnitPrice: 10 }],
  });

const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${acu.origin}/_sandbox/acumatica${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
};

beforeAll(async () => {
  acu = await startAcumatica();
});
afterAll(async () => {
  await acu.close();
});
beforeEach(async () => {
  expect((await control("POST", "/reset")).status).toBe(204);
  acu.forgetToken();
  const seeded = await control("POST", "/seed", {
    customers: [{ CustomerID: "ACME", CustomerName: "Acme Corp", CurrencyID: "USD", AccountRef: "A00000001" }],
    accounts: [{ AccountCD: "40900", Description: "Legacy", Type: "Income", Active: false }],
    closedPeriods: ["2024-01"],
  });
  expect(seeded.status).toBe(204);
});

describe("control API", () => {
  it("seeds through HTTP and lists documents as flat JSON", async () => {
    const customers = (await control("GET", "/documents/Customer")).body as Record<string, unknown>[];
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ CustomerID: "ACME", CustomerName: "Acme Corp", Status: "Active", AccountRef: "A00000001" });
    const accounts = (await control("GET", "/documents/Account")).body as Record<string, unknown>[];
    expect(accounts.find((a) => a.AccountCD === "40900")).toMatchObject({ Active: false, Type: "Income" });

    const put = await acu.api("PUT", "/Invoice", invoice("INV-1"));
    expect(put.status).toBe(200);
    const invoices = (await control("GET", "/documents/Invoice")).body as Record<string, unknown>[];
    expect(invoices[0]).toMatchObject({ Type: "Invoice", ReferenceNbr: "AR000001", CustomerOrder: "INV-1", Amount: 10, Balance: 10 });
    expect((invoices[0]?.Details as Record<string, unknown>[])[0]).toMatchObject({ Account: "40100", Amount: 10 });

    const closed = await acu.api("PUT", "/Invoice", { ...invoice("INV-2"), Date: { value: "2024-01-15T00:00:00+00:00" } });
    expect(closed.status).toBe(422);
  });

  it("rejects a malformed seed and an unknown entity with 400", async () => {
    expect((await control("POST", "/seed", { customers: [{ CustomerName: "No id" }] })).status).toBe(400);
    expect((await control("POST", "/seed", { closedPeriods: ["13-13-13"] })).status).toBe(400);
    expect((await control("GET", "/documents/SalesOrder")).status).toBe(400);
  });

  it("reports documents sharing an external reference as duplicates", async () => {
    expect((await acu.api("PUT", "/Invoice", invoice("INV-DUP"))).status).toBe(200);
    expect((await acu.api("PUT", "/Invoice", invoice("INV-ONCE"))).status).toBe(200);
    expect((await control("GET", "/duplicates")).body).toEqual([]);
    expect((await acu.api("PUT", "/Invoice", invoice("inv-dup"))).status).toBe(200);
    expect(acu.sandbox.control.duplicates()).toEqual([{ entity: "Invoice", key: "Invoice:CustomerOrder=inv-dup", count: 2 }]);
    const memo = { ...invoice("INV-DUP"), Type: { value: "Credit Memo" } };
    expect((await acu.api("PUT", "/Invoice", memo)).status).toBe(200);
    expect(acu.sandbox.control.duplicates()).toHaveLength(1);
  });

  it("restores a snapshot into a fresh sandbox: documents, numbering and issued tokens survive", async () => {
    const put = await acu.api("PUT", "/Invoice", invoice("INV-SNAP"));
    const { access_token } = await acu.token();
    const snapshot = JSON.parse(JSON.stringify((await control("GET", "/snapshot")).body)) as unknown;

    const other = await startAcumatica();
    try {
      expect((await fetch(`${other.origin}/_sandbox/acumatica/restore`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(snapshot) })).status).toBe(204);
      const read = await other.call("GET", `/entity/Default/24.200.001/Invoice/Invoice/AR000001`, { bearer: access_token });
      expect(read.status).toBe(200);
      expect((read.body as { id: string }).id).toBe((put.body as { id: string }).id);
      const next = await other.api("PUT", "/Invoice", invoice("INV-AFTER"));
      expect(val(next.body, "ReferenceNbr")).toBe("AR000002");
      const filtered = await other.api("GET", `/Invoice?$filter=${encodeURIComponent("CustomerOrder eq 'INV-SNAP'")}`);
      expect(filtered.body).toHaveLength(1);
      const closed = await other.api("PUT", "/Invoice", { ...invoice("INV-C"), Date: { value: "2024-01-15T00:00:00+00:00" } });
      expect(closed.status).toBe(422);
      expect(() => other.sandbox.control.restore({ format: "something-else" })).toThrow();
    } finally {
      await other.close();
    }
  });
});

describe("push notifications", () => {
  let receiver: FastifyInstance;
  let receiverUrl: string;
  const received: { headers: Record<string, unknown>; body: PushNotificationBody }[] = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    receiver = Fastify();
    receiver.post("/hook", async (request, reply) => {
      if (failuresLeft > 0) {
        failuresLeft--;
        return reply.code(503).send();
      }
      received.push({ headers: request.headers, body: request.body as PushNotificationBody });
      return reply.code(200).send();
    });
    receiverUrl = `${await receiver.listen({ host: "127.0.0.1", port: 0 })}/hook`;
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    received.length = 0;
    failuresLeft = 0;
  });

  it("posts Inserted rows with the shared-secret header, and an update as a Deleted + Inserted pair", async () => {
    const set = await control("PUT", "/push-notifications", [
      { url: receiverUrl, headerName: "CustomAuthorization", headerValue: "s3cret", entity: "Customer", query: "Customers: Last Modified", retryDelayMs: 10 },
    ]);
    expect(set.status).toBe(204);
    await acu.api("PUT", "/Customer", wrap({ CustomerID: "PUSHED", CustomerName: "Pushed Inc" }));
    await acu.api("PUT", "/Customer", wrap({ CustomerID: "PUSHED", CustomerName: "Pushed Ltd" }));
    await acu.api("PUT", "/Invoice", invoice("INV-NO-PUSH"));
    await acu.sandbox.control.pushIdle();

    expect(received).toHaveLength(2);
    const [insert, update] = received;
    expect(insert?.headers.customauthorization).toBe("s3cret");
    expect(insert?.body).toMatchObject({ Query: "Customers: Last Modified", CompanyId: "Company", Deleted: [], AdditionalInfo: {} });
    expect(insert?.body.Inserted[0]).toMatchObject({ CustomerID: "PUSHED", CustomerName: "Pushed Inc" });
    expect(insert?.body.Id).toMatch(/^[0-9a-f-]{36}$/);
    expect(insert?.body.TimeStamp).toBeGreaterThan(6.3e17);
    expect(update?.body.Deleted[0]).toMatchObject({ CustomerName: "Pushed Inc" });
    expect(update?.body.Inserted[0]).toMatchObject({ CustomerName: "Pushed Ltd" });
    expect(update?.body.Id).not.toBe(insert?.body.Id);
  });

  it("retries a failed delivery, at most 5 attempts", async () => {
    acu.sandbox.control.setPushNotifications([{ url: receiverUrl, entity: "Customer", retryDelayMs: 5 }]);
    failuresLeft = 2;
    await acu.api("PUT", "/Customer", wrap({ CustomerID: "RETRY", CustomerName: "Retry" }));
    await acu.sandbox.control.pushIdle();
    expect(received).toHaveLength(1);
    expect(acu.sandbox.control.pushDeliveries().at(-1)).toMatchObject({ attempts: [503, 503, 200], delivered: true });

    failuresLeft = 10;
    await acu.api("PUT", "/Customer", wrap({ CustomerID: "GIVEUP", CustomerName: "Give up" }));
    await acu.sandbox.control.pushIdle();
    expect(acu.sandbox.control.pushDeliveries().at(-1)).toMatchObject({ attempts: [503, 503, 503, 503, 503], delivered: false });
  });
});
