import { createHmac, randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db as appDb } from "../../lib/db";
import { answerCalloutRequest } from "../../lib/sync/answer-callout-request";
import { createConnection } from "../../lib/connections/create-connection";
import { createCapturingLogger, replaceLogger } from "../../lib/logger";
import type { Logger } from "pino";
import { createTestDb, type TestDb } from "../db";
import { prng } from "./chaos-stack";
import { pool, rawRequest, serveNodeRoute, type ServedRoute } from "./http-helpers";

/*
 * Hostile input against the Zuora webhook route, served over real HTTP on loopback by its own handler
 * (the production build is load-tested by `npm run bench`). Thousands of malformed, unsigned, wrongly
 * signed, oversized and replayed callouts: never a 5xx, nothing recorded or queued from an invalid
 * one, a replay recorded once, the server still answers, and memory stays flat.
 */

const SECRET = "hostile-callout-secret-Zx81";
const sign = (body: Buffer | string, secret = SECRET) => createHmac("sha256", secret).update(body).digest("base64");

const validBody = (n: number) => JSON.stringify({ EventType: "InvoicePosted", InvoiceId: `8a80${n.toString(16).padStart(28, "0")}`, InvoiceNumber: `INV${n}` });

describe("webhook route under hostile input", () => {
  let t: TestDb;
  let served: ServedRoute;
  let signedId: string;
  let unsignedId: string;
  const g = globalThis as unknown as { mlConnectorDb?: unknown };
  // each refusal's log line is checked as it arrives and only counted, so the lines themselves are not
  // part of what the memory check below finds still reachable
  const logs = { count: 0, withSecret: [] as string[] };
  let previousLogger: Logger | undefined;

  const counts = async () => {
    const [row] = await t.db.$queryRaw<{ events: bigint; jobs: bigint }[]>`
      SELECT (SELECT count(*) FROM "InboundEvent") AS events,
             (SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'process-callout') AS jobs`;
    return { events: Number(row!.events), jobs: Number(row!.jobs) };
  };

  beforeAll(async () => {
    t = await createTestDb();
    g.mlConnectorDb = t.db; // the route's db() is this test database
    const base = { vendor: "zuora" as const, baseUrl: "http://127.0.0.1:9/zuora", settings: {} };
    signedId = (await createConnection({ db: t.db, input: { ...base, name: "signed", secrets: { clientId: "c", clientSecret: "s", calloutHmacSecret: SECRET } } })).id;
    unsignedId = (await createConnection({ db: t.db, input: { ...base, name: "no hmac", secrets: { clientId: "c", clientSecret: "s" } } })).id;
    // one warning per refused callout: captured (checked for secrets below), not printed 3,000 times
    previousLogger = replaceLogger(createCapturingLogger((line) => {
      const text = JSON.stringify(line);
      logs.count++;
      if (text.includes(SECRET) || text.includes(sign(validBody(1)))) logs.withSecret.push(text);
    }, "warn"));
    served = await serveNodeRoute((req, res, { vendor = "", connectionId = "" }) => answerCalloutRequest({ db: appDb, req, res, vendor, connectionId }), /^\/api\/webhooks\/(?<vendor>[^/]*)\/(?<connectionId>[^/]*)$/);
  });
  afterAll(async () => {
    await served?.close();
    vi.restoreAllMocks();
    if (previousLogger) replaceLogger(previousLogger);
    delete g.mlConnectorDb;
    await t?.drop();
  });

  const hookUrl = (id: string) => `${served.url}/api/webhooks/zuora/${id}`;

  /** One hostile request of kind `k` (0..14) with randomness from `rnd`. Each must be refused. */
  const hostile = (k: number, rnd: () => number, n: number) => {
    const junk = randomBytes(1 + Math.floor(rnd() * 2000));
    const body = validBody(n);
    const json = { "content-type": "application/json", "zuora-notification-id": `hostile-${n}` };
    switch (k) {
      case 0: // random bytes, signed connection, no signature
        return rawRequest({ url: hookUrl(signedId), headers: json, body: junk });
      case 1: // valid body, no signature
        return rawRequest({ url: hookUrl(signedId), headers: json, body });
      case 2: // signed with another secret
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "x-zuora-signature": sign(body, "wrong-secret") }, body });
      case 3: // correct signature of a different body (tampered body)
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "x-zuora-signature": sign(validBody(n + 1)) }, body });
      case 4: // garbage, empty, huge and non-ASCII-ish signatures
        return rawRequest({
          url: hookUrl(signedId),
          headers: { ...json, "x-zuora-signature": ["%%%", "", "A".repeat(8000), junk.toString("base64"), "=====", "\t"][n % 6]! },
          body,
        });
      case 5: // oversized, declared
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "content-length": String(200_000) }, body: Buffer.alloc(200_000, 0x7b) });
      case 6: // oversized, chunked without a length (a signature that would match is no excuse)
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "x-zuora-signature": sign("x") }, chunks: Array.from({ length: 4 }, () => Buffer.alloc(40_000, 0x20)) });
      case 7: // no-HMAC connection: not JSON, empty body, empty array, truncated JSON
        return rawRequest({ url: hookUrl(unsignedId), headers: json, body: [junk, "", "[]", body.slice(0, -3)][n % 4]! });
      case 8: // deeply nested JSON, unsigned, to the signed connection
        return rawRequest({ url: hookUrl(signedId), headers: json, body: "[".repeat(20_000) + "]".repeat(20_000) });
      case 9: // connection ids: not a uuid, unknown uuid, traversal, very long
        return rawRequest({
          url: hookUrl(["not-a-uuid", "00000000-0000-4000-8000-000000000000", "..%2F..%2Fetc%2Fpasswd", "x".repeat(3000), "%00"][n % 5]!),
          headers: { ...json, "x-zuora-signature": sign(body) },
          body,
        });
      case 10: // lying content-length (larger than sent): the client gives up, the server must not crash
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "content-length": "abc" }, body });
      case 11: // signature over the body with a trailing newline (re-serialised bytes)
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "x-zuora-signature": sign(`${body}\n`) }, body });
      case 12: // hex signature where base64 is configured, and base64url tricks
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "x-zuora-signature": createHmac("sha256", SECRET).update(body).digest("hex") }, body });
      case 13: { // correctly signed, but a NUL character Postgres cannot store
        const nul = JSON.stringify({ EventType: "InvoicePosted", InvoiceId: `8a80\u0000${n}`, InvoiceNumber: `INV${n}` });
        return rawRequest({ url: hookUrl(signedId), headers: { ...json, "x-zuora-signature": sign(nul) }, body: nul });
      }
      default: // binary headers and a wrong content type
        return rawRequest({ url: hookUrl(signedId), headers: { "content-type": "text/plain", "zuora-notification-id": "\u00ff".repeat(50), "x-zuora-signature": "\u00e9t\u00e9" }, body });
    }
  };

  const KINDS = 15;

  const barrage = async (total: number, seed: number) => {
    const rnd = prng(seed);
    const results = await pool(
      Array.from({ length: total }, (_, i) => () => hostile(i % KINDS, rnd, seed * 100_000 + i)),
      16,
    );
    const byStatus: Record<string, number> = {};
    for (const r of results) {
      const key = "status" in r ? String(r.status) : `error:${r.error}`;
      byStatus[key] = (byStatus[key] ?? 0) + 1;
    }
    return byStatus;
  };

  it("refuses 2,800 hostile callouts without a 5xx, records and queues nothing, keeps memory flat", async () => {
    await barrage(1_400, 1); // warm-up (JIT, pools, every kind many times) before the memory baseline
    const loggedBefore = logs.count;
    // what is still reachable after a full collection: the heap and the buffers outside it (request bodies)
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    // the least of a few readings 50 ms apart: buffers of sockets still closing are gone by then, while
    // anything the route kept would be in every reading
    const retained = async () => {
      let kept = Infinity;
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 50));
        gc();
        const m = process.memoryUsage();
        kept = Math.min(kept, m.heapUsed + m.arrayBuffers);
      }
      return { rss: process.memoryUsage().rss, kept };
    };
    const before = await retained();
    const byStatus = await barrage(2_800, 2);
    const after = await retained();
    console.log(`[hostile] statuses ${JSON.stringify(byStatus)}; rss ${(before.rss / 1e6).toFixed(0)} -> ${(after.rss / 1e6).toFixed(0)} MB, kept ${(before.kept / 1e6).toFixed(1)} -> ${(after.kept / 1e6).toFixed(1)} MB`);

    const fiveXx = Object.entries(byStatus).filter(([s]) => /^5\d\d$/.test(s));
    expect(fiveXx, JSON.stringify(byStatus)).toEqual([]);
    expect(served.errors).toEqual([]);
    // every answer is a refusal: 401 (unsigned/wrong), 404 (unknown connection), 413 (too large), 400 (unreadable request)
    for (const status of Object.keys(byStatus)) expect(["400", "401", "404", "413"], JSON.stringify(byStatus)).toContain(status);
    expect(await counts()).toEqual({ events: 0, jobs: 0 });
    // flat: the barrage leaves nothing reachable of its own. The bodies read (the larger ones are refused by
    // their declared length, unread) would add ~8 MB if they were kept. RSS is only logged: freed pages
    // return to the system late, more so on a loaded machine.
    expect(after.kept - before.kept).toBeLessThan(4 * 1024 * 1024);
    // each refusal is logged with its reason, never with the secret or a computed signature
    expect(byStatus["401"]).toBeGreaterThan(1_000);
    expect(logs.count - loggedBefore).toBeGreaterThanOrEqual(byStatus["401"]!);
    expect(logs.withSecret).toEqual([]);
  }, 240_000);

  it("records a replayed valid callout once (same notification id, 50 times, concurrently) and still serves", async () => {
    const body = validBody(424242);
    const headers = { "content-type": "application/json", "zuora-notification-id": "replayed-0001", "x-zuora-signature": sign(body) };
    const results = await pool(Array.from({ length: 50 }, () => () => rawRequest({ url: hookUrl(signedId), headers, body })), 10);
    expect(results.map((r) => ("status" in r ? r.status : r.error))).toEqual(Array(50).fill(200));
    expect(await counts()).toEqual({ events: 1, jobs: 1 });

    // a replay with the notification id header removed is keyed by the body hash: also once
    const noId = { "content-type": "application/json", "x-zuora-signature": sign(body) };
    for (let i = 0; i < 5; i++) expect(await rawRequest({ url: hookUrl(signedId), headers: noId, body })).toMatchObject({ status: 200 });
    expect(await counts()).toEqual({ events: 2, jobs: 2 });

    // a connection without a signing secret refuses even a well-formed callout: nothing is stored or queued
    const other = validBody(7);
    expect(await rawRequest({ url: hookUrl(unsignedId), headers: { "content-type": "application/json", "zuora-notification-id": "u-1" }, body: other })).toMatchObject({ status: 401 });
    expect(await counts()).toEqual({ events: 2, jobs: 2 });
    const events = await t.db.inboundEvent.findMany({ select: { connectionId: true, vendorEventId: true, objectType: true, objectId: true } });
    expect(events.filter((e) => e.connectionId === signedId).map((e) => e.objectId)).toEqual([JSON.parse(body).InvoiceId, JSON.parse(body).InvoiceId]);
  });
});
