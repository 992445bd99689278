import http from "node:http";
import net from "node:net";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../connections/create-connection";
import { createTestDb, type TestDb } from "../../test/db";
import { serveNodeRoute, type ServedRoute } from "../../test/reliability/http-helpers";
import { answerCalloutRequest } from "./answer-callout-request";

/*
 * The webhook route's answer on the wire, served over real HTTP on loopback by its own handler against
 * a real Postgres: what Zuora receives (status, headers, body) and which headers the verifier reads.
 */

const SECRET = "answer-callout-secret-7Q";
const sign = (body: string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("base64");

/** One request with `headers` spelled as given (an array: the header repeated), answered with its status, headers and body. */
const post = (url: string, headers: Record<string, string | string[]>, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });

describe("the webhook route's answer", () => {
  let t: TestDb;
  let served: ServedRoute;
  let connectionId: string;
  const url = () => `${served.url}/api/webhooks/zuora/${connectionId}`;
  const body = (n: number) => JSON.stringify({ EventType: "InvoicePosted", InvoiceId: `inv-answer-${n}` });

  beforeAll(async () => {
    t = await createTestDb();
    connectionId = (
      await createConnection({
        db: t.db,
        input: { vendor: "zuora", name: "answers", baseUrl: "http://127.0.0.1:9/zuora", settings: {}, secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: SECRET } },
      })
    ).id;
    served = await serveNodeRoute(
      // called a turn after the request arrives, as after Next's routing: a small body is then already parsed
      async (req, res, { vendor = "", connectionId: id = "" }) => {
        await new Promise((r) => setImmediate(r));
        // a query string `?floor` stands for BENCH_INTAKE_FLOOR on the server (the bench floor served)
        await answerCalloutRequest({ db: () => t.db, req, res, vendor, connectionId: id, benchFloor: (req.url ?? "").endsWith("?floor") });
      },
      /^\/api\/webhooks\/(?<vendor>[^/]*)\/(?<connectionId>[^/]*)$/,
    );
  });
  afterAll(async () => {
    await served?.close();
    await t?.drop();
  });

  it("acknowledges a recorded callout with Zuora's JSON and its declared length, not a chunked body", async () => {
    const b = body(1);
    const answer = await post(url(), { "Content-Type": "application/json", "Zuora-Notification-Id": "answer-1", "X-Zuora-Signature": sign(b) }, b);
    expect(answer).toMatchObject({ status: 200, body: '{"success":true}' });
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["content-length"]).toBe(String(Buffer.byteLength('{"success":true}')));
    expect(answer.headers["transfer-encoding"]).toBeUndefined();
    expect(await t.db.inboundEvent.count({ where: { vendorEventId: "answer-1" } })).toBe(1);

    // a refusal's body declares its length too; the 405 stays as it was (no body)
    const refused = await post(url(), { "Zuora-Notification-Id": "answer-2", "X-Zuora-Signature": sign(b, "wrong") }, b);
    expect(refused).toMatchObject({ status: 401, body: '{"success":false,"error":"unauthorized"}' });
    expect(refused.headers["content-length"]).toBe(String(refused.body.length));
    const get = await fetch(url());
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
  });

  it("reads a body that arrives after its headers, in parts, as one sent with them", async () => {
    const b = body(4);
    const { port } = new URL(served.url);
    const socket = net.connect(Number(port), "127.0.0.1");
    const answered = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (d: Buffer) => (text += d.toString("utf8")));
      socket.on("end", () => resolve(text));
    });
    const head = `POST /api/webhooks/zuora/${connectionId} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nZuora-Notification-Id: answer-late\r\nX-Zuora-Signature: ${sign(b)}\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n`;
    socket.write(head);
    await new Promise((r) => setTimeout(r, 100));
    socket.write(b.slice(0, 10));
    await new Promise((r) => setTimeout(r, 100));
    socket.write(b.slice(10)); // the server closes after answering (Connection: close)
    expect(await answered).toMatch(/^HTTP\/1\.1 200 [\s\S]*\r\n\r\n\{"success":true\}$/);
    expect((await t.db.inboundEvent.findFirstOrThrow({ where: { vendorEventId: "answer-late" } })).payload).toEqual(JSON.parse(b));
  });

  it("reads a header as web Headers would: any spelling of its name, repeated values joined by a comma", async () => {
    const b = body(2);
    // the notification id in upper case is still the dedupe key
    expect(await post(url(), { "ZUORA-NOTIFICATION-ID": "answer-case", "x-zuora-signature": sign(b) }, b)).toMatchObject({ status: 200 });
    expect(await t.db.inboundEvent.count({ where: { vendorEventId: "answer-case" } })).toBe(1);
    // a repeated notification id is one value "a, b"; a repeated signature header is no longer the signature
    expect(await post(url(), { "Zuora-Notification-Id": ["answer-a", "answer-b"], "X-Zuora-Signature": sign(b) }, b)).toMatchObject({ status: 200 });
    expect(await t.db.inboundEvent.count({ where: { vendorEventId: "answer-a, answer-b" } })).toBe(1);
    expect(await post(url(), { "Zuora-Notification-Id": "answer-3", "X-Zuora-Signature": [sign(b), sign(b)] }, b)).toMatchObject({ status: 401 });
    expect(await t.db.inboundEvent.count({ where: { vendorEventId: "answer-3" } })).toBe(0);
  });

  it("serves the bench's floor only when the server is told to: a body read and answered as a callout's, nothing stored", async () => {
    const b = body(5);
    const floorUrl = `${served.url}/api/webhooks/bench-floor/${connectionId}`;
    const headers = { "Content-Type": "application/json", "Zuora-Notification-Id": "answer-floor", "X-Zuora-Signature": sign(b) };
    const before = await t.db.inboundEvent.count();
    // without the setting, bench-floor is an unknown vendor
    expect(await post(floorUrl, headers, b)).toMatchObject({ status: 404 });
    // with it: Zuora's acknowledgement, whatever the signature, and nothing recorded
    const floor = await post(`${floorUrl}?floor`, { ...headers, "X-Zuora-Signature": "not-a-signature" }, b);
    expect(floor).toMatchObject({ status: 200, body: '{"success":true}' });
    expect(floor.headers["content-length"]).toBe(String(Buffer.byteLength('{"success":true}')));
    // the deferred floor answers the same, later; without the setting it is an unknown vendor too
    expect(await post(`${served.url}/api/webhooks/bench-floor-deferred/${connectionId}?floor`, headers, b)).toMatchObject({ status: 200, body: '{"success":true}' });
    expect(await post(`${served.url}/api/webhooks/bench-floor-deferred/${connectionId}`, headers, b)).toMatchObject({ status: 404 });
    // the size limit and the method check still come first; a real vendor's callout is still verified
    expect(await post(`${floorUrl}?floor`, { "Content-Type": "application/json" }, "x".repeat(64 * 1024 + 1))).toMatchObject({ status: 413 });
    expect((await fetch(`${floorUrl}?floor`)).status).toBe(405);
    expect(await post(`${url()}?floor`, { ...headers, "X-Zuora-Signature": "not-a-signature" }, b)).toMatchObject({ status: 401 });
    expect(await t.db.inboundEvent.count()).toBe(before);
  });
});
