import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDb, type TestDb } from "../../test/db";
import { createDb, type Db } from "../db";
import { VendorHttpError } from "./errors";
import { releaseShares } from "./limits";
import { parseRetryAfter } from "./retry";
import { sendJson, startLoopbackServer } from "./test-server";
import { PlainHttpClient, VendorHttpClient, type VendorHttpClientOptions } from "./vendor-client";

const okSchema = z.object({ ok: z.literal(true) });

let server: Awaited<ReturnType<typeof startLoopbackServer>>;
let testDb: TestDb;

beforeAll(async () => {
  server = await startLoopbackServer((_req, res) => sendJson(res, 200, { ok: true }));
  testDb = await createTestDb();
});
afterAll(async () => {
  await server.close();
  await testDb.drop();
});
afterEach(() => {
  server.seen.length = 0;
});

const client = (opts: Partial<VendorHttpClientOptions> = {}) =>
  new PlainHttpClient({ vendor: "test", baseUrl: `${server.url}/tenant`, retry: { baseDelayMs: 20, maxDelayMs: 100 }, ...opts });

const failure = async (promise: Promise<unknown>): Promise<VendorHttpError> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof VendorHttpError) return err;
    throw err;
  }
  throw new Error("expected a VendorHttpError");
};

describe("VendorHttpClient retries", () => {
  it("joins the base URL's path and retries a 429, waiting the Retry-After seconds", async () => {
    let calls = 0;
    server.setHandler((_req, res) => {
      calls++;
      if (calls === 1) return sendJson(res, 429, { message: "slow down" }, { "retry-after": "1" });
      sendJson(res, 200, { ok: true });
    });
    const started = performance.now();
    const res = await client().send({ method: "GET", path: "/v1/things", outputSchema: okSchema });
    const elapsed = performance.now() - started;
    expect(res.data).toEqual({ ok: true });
    expect(server.seen.map((r) => r.url)).toEqual(["/tenant/v1/things", "/tenant/v1/things"]);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(res.summaries.map((s) => [s.status, s.attempt])).toEqual([
      [429, 1],
      [200, 2],
    ]);
    expect(res.summaries[0]?.retryAfterMs).toBe(1000);
  });

  it("backs off on 503 and succeeds", async () => {
    let calls = 0;
    server.setHandler((_req, res) => (++calls < 3 ? sendJson(res, 503, {}) : sendJson(res, 200, { ok: true })));
    const res = await client().send({ method: "GET", path: "x", outputSchema: okSchema });
    expect(res.summaries.map((s) => s.status)).toEqual([503, 503, 200]);
  });

  it("retries a dropped connection (ECONNRESET) on a GET", async () => {
    let calls = 0;
    server.setHandler((_req, res, raw) => {
      if (++calls === 1) {
        raw.socket.destroy();
        return;
      }
      sendJson(res, 200, { ok: true });
    });
    const res = await client().send({ method: "GET", path: "x", outputSchema: okSchema });
    expect(res.summaries).toHaveLength(2);
    expect(res.summaries[0]?.status).toBeNull();
    expect(res.summaries[0]?.error).toMatch(/ECONNRESET|UND_ERR_SOCKET|network/);
  });

  it("gives up after maxAttempts and reports the error as retryable", async () => {
    server.setHandler((_req, res) => sendJson(res, 503, { message: "down" }));
    const err = await failure(client({ retry: { maxAttempts: 3, baseDelayMs: 10 } }).send({ method: "GET", path: "x", outputSchema: okSchema }));
    expect(err.status).toBe(503);
    expect(err.retryable).toBe(true);
    expect(err.code).toBe("http");
    expect(err.summaries).toHaveLength(3);
    expect(server.seen).toHaveLength(3);
  });

  it("does not wait out a Retry-After beyond the cap: fails at once, retryable, with the wait", async () => {
    server.setHandler((_req, res) => sendJson(res, 429, {}, { "retry-after": "600" }));
    const err = await failure(client().send({ method: "GET", path: "x", outputSchema: okSchema }));
    expect(err.code).toBe("rate-limited");
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(600_000);
    expect(server.seen).toHaveLength(1);
  });

  it("reads Zuora's ratelimit-reset when a 429 has no Retry-After", async () => {
    let calls = 0;
    server.setHandler((_req, res) =>
      ++calls === 1 ? sendJson(res, 429, {}, { "ratelimit-remaining": "0", "ratelimit-reset": "1" }) : sendJson(res, 200, { ok: true }),
    );
    const c = client({ rateLimitHeaders: { retryAfter: ["retry-after"], remaining: "ratelimit-remaining", reset: "ratelimit-reset" } });
    const started = performance.now();
    const res = await c.send({ method: "GET", path: "x", outputSchema: okSchema });
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(res.summaries[0]?.retryAfterMs).toBe(1000);
  });

  it("resends a POST after a 500 only when it carries an Idempotency-Key", async () => {
    server.setHandler((_req, res) => sendJson(res, 500, {}));
    const plain = await failure(client().send({ method: "POST", path: "x", body: { json: { a: 1 } }, outputSchema: okSchema }));
    expect(plain.summaries).toHaveLength(1);
    expect(plain.retryable).toBe(true);
    server.seen.length = 0;
    const keyed = await failure(
      client({ retry: { maxAttempts: 3, baseDelayMs: 5 } }).send({
        method: "POST",
        path: "x",
        headers: { "Idempotency-Key": "k-1" },
        body: { json: { a: 1 } },
        outputSchema: okSchema,
      }),
    );
    expect(keyed.summaries).toHaveLength(3);
    expect(server.seen.every((r) => r.headers["idempotency-key"] === "k-1")).toBe(true);
  });

  it("times out a slow answer", async () => {
    server.setHandler((_req, res) => {
      setTimeout(() => sendJson(res, 200, { ok: true }), 400);
    });
    const err = await failure(client({ timeoutMs: 100, retry: { maxAttempts: 1 } }).send({ method: "GET", path: "x", outputSchema: okSchema }));
    expect(err.code).toBe("timeout");
    expect(err.retryable).toBe(true);
  });

  it("times out an answer whose body stalls after its headers", async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"ok":');
    });
    const started = performance.now();
    const err = await failure(client({ timeoutMs: 150, retry: { maxAttempts: 1 } }).send({ method: "GET", path: "x", outputSchema: okSchema }));
    expect(err.code).toBe("timeout");
    expect(err.message).toContain("no complete answer within 150 ms");
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("ends a call whose caller aborts with the caller's reason, without retrying it", async () => {
    server.setHandler((_req, res) => {
      setTimeout(() => sendJson(res, 200, { ok: true }), 2_000);
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await client()
      .send({ method: "GET", path: "x", outputSchema: okSchema, signal: controller.signal })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("AbortError");
    expect(server.seen).toHaveLength(1);
  });

  it("does not follow a redirect: a 3xx is the answer, its status text in the message", async () => {
    server.setHandler((_req, res) => {
      res.writeHead(302, { location: "/elsewhere" });
      res.end();
    });
    const err = await failure(client().send({ method: "GET", path: "x", outputSchema: okSchema }));
    expect(err.status).toBe(302);
    expect(err.message).toContain("302 Found");
    expect(server.seen.map((r) => r.url)).toEqual(["/tenant/x"]);
  });

  it("sends its user agent, and reads a repeated response header as one comma-joined value", async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, [
        ["content-type", "application/json"],
        ["x-part", "a"],
        ["x-part", "b"],
      ]);
      res.end(JSON.stringify({ ok: true }));
    });
    const res = await client({ defaultHeaders: { "x-pinned": "1" } }).send({ method: "GET", path: "x", outputSchema: okSchema });
    expect(res.headers.get("X-Part")).toBe("a, b");
    expect(res.headers.get("x-missing")).toBeNull();
    expect(server.seen[0]?.headers["user-agent"]).toBe("ml-connector");
    expect(server.seen[0]?.headers["x-pinned"]).toBe("1");
  });

  it("does not retry a 400 and keeps the redacted body", async () => {
    server.setHandler((_req, res) => sendJson(res, 400, { message: "bad", access_token: "leaked-token-value" }));
    const err = await failure(client().send({ method: "GET", path: "x", query: { client_secret: "s3cr3t", page: 2 }, outputSchema: okSchema }));
    expect(err.retryable).toBe(false);
    expect(err.summaries).toHaveLength(1);
    expect(err.url).toBe(`${server.url}/tenant/x?client_secret=[redacted]&page=2`);
    expect(err.bodySnippet).not.toContain("leaked-token-value");
    expect(JSON.stringify(err)).not.toContain("s3cr3t");
    expect(err.summaries[0]?.path).toBe("/tenant/x?client_secret=[redacted]&page=2");
  });
});

describe("VendorHttpClient responses", () => {
  it("turns a body that fails its schema into a clear non-retryable error naming the field", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { invoice: { number: 42 } }));
    const schema = z.object({ invoice: z.object({ number: z.string() }) });
    const err = await failure(client().send({ method: "GET", path: "x", outputSchema: schema }));
    expect(err.code).toBe("schema");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("invoice.number");
    expect(server.seen).toHaveLength(1);
  });

  it("parses an empty 204 as undefined", async () => {
    server.setHandler((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const res = await client().send({ method: "DELETE", path: "x", outputSchema: z.undefined() });
    expect(res.status).toBe(204);
    expect(res.data).toBeUndefined();
  });

  it("reports a refused connection as a network error", async () => {
    const closed = await startLoopbackServer(() => {});
    await closed.close();
    const err = await failure(
      new PlainHttpClient({ vendor: "test", baseUrl: closed.url, retry: { maxAttempts: 2, baseDelayMs: 5 } }).send({
        method: "GET",
        path: "x",
        outputSchema: okSchema,
      }),
    );
    expect(err.code).toBe("network");
    expect(err.message).toContain("ECONNREFUSED");
    expect(err.summaries).toHaveLength(2);
  });
});

class TokenClient extends VendorHttpClient {
  tokens = 0;
  current = "t1";
  protected async authHeaders() {
    return { authorization: `Bearer ${this.current}` };
  }
  protected override async onUnauthorized(refused: Record<string, string>) {
    if (refused.authorization === `Bearer ${this.current}`) {
      this.tokens++;
      this.current = `t${this.tokens + 1}`;
    }
    return true;
  }
}

describe("VendorHttpClient 401", () => {
  it("refreshes the token once and resends", async () => {
    server.setHandler((req, res) => (req.headers.authorization === "Bearer t2" ? sendJson(res, 200, { ok: true }) : sendJson(res, 401, {})));
    const c = new TokenClient({ vendor: "test", baseUrl: server.url });
    const res = await c.send({ method: "GET", path: "x", outputSchema: okSchema });
    expect(c.tokens).toBe(1);
    expect(res.summaries.map((s) => s.status)).toEqual([401, 200]);
  });

  it("stops after one refresh when the new token is refused as well", async () => {
    server.setHandler((_req, res) => sendJson(res, 401, {}));
    const c = new TokenClient({ vendor: "test", baseUrl: server.url });
    const err = await failure(c.send({ method: "GET", path: "x", outputSchema: okSchema }));
    expect(err.code).toBe("unauthorized");
    expect(err.retryable).toBe(false);
    expect(c.tokens).toBe(1);
    expect(server.seen).toHaveLength(2);
  });
});

describe("shared limits across processes", () => {
  let second: Db;
  beforeAll(() => {
    second = createDb(testDb.url, { max: 5 });
  });
  afterAll(async () => {
    await second.$disconnect();
  });

  /**
   * The db as one process sees it, recording each rate reservation: the send times the database handed
   * out, read from the reserved row itself (its new theoretical arrival time, returned alongside) on the
   * database's clock; and the earliest moment this process may send on each, on this process's clock
   * (when the answer arrived plus that send time's wait).
   */
  const recordingReservations = (db: Db, intervalMs: number) => {
    const sendTimes: number[] = [];
    const earliest: number[] = [];
    const proxy = new Proxy(db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "$queryRaw") return typeof value === "function" ? value.bind(target) : value;
        return async (strings: TemplateStringsArray, ...values: unknown[]) => {
          const query = (s: TemplateStringsArray) => (value as (s: TemplateStringsArray, ...v: unknown[]) => Promise<unknown>).call(target, s, ...values);
          if (!strings.join("?").includes('INSERT INTO "VendorRateLimit"')) return query(strings);
          const last = `${strings.at(-1)}, (EXTRACT(EPOCH FROM r."tat") * 1000)::float8 AS "tatMs"`;
          const withTat = Object.assign([...strings.slice(0, -1), last], { raw: [...strings.raw.slice(0, -1), last] });
          const rows = z.array(z.object({ aheadMs: z.number(), tatMs: z.number() })).parse(await query(withTat));
          const answeredAt = performance.now();
          // the statement moves the row's time on by `spanMs` (its first number): the send times it reserved lead up to the new one
          const spanMs = Number(values.find((v) => typeof v === "number"));
          for (const { aheadMs, tatMs } of rows) {
            for (let i = 0; i < Math.round(spanMs / intervalMs); i++) {
              sendTimes.push(tatMs - spanMs + i * intervalMs);
              earliest.push(answeredAt + aheadMs + i * intervalMs);
            }
          }
          return rows;
        };
      },
    });
    return { db: proxy as Db, sendTimes, earliest };
  };

  it("never exceeds the configured rate when two processes send together", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const key = `rate-${Math.random()}`;
    const rate = 20;
    const intervalMs = 1000 / rate;
    const one = recordingReservations(testDb.db, intervalMs);
    const two = recordingReservations(second, intervalMs);
    const make = (db: Db) => client({ limits: { db, key, requestsPerSecond: rate, burst: 1 } });
    const a = make(one.db);
    const b = make(two.db);
    const n = 40;
    await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? a : b).request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(server.seen).toHaveLength(n);

    // The shared schedule: both processes reserved (20 each), one send time per request, and together
    // the send times are spaced by the rate, so no 1 s window holds more than `rate` of them. Two
    // limiters that did not share the key would each space their own and collide with the other's.
    expect(one.sendTimes).toHaveLength(n / 2);
    expect(two.sendTimes).toHaveLength(n / 2);
    const schedule = [...one.sendTimes, ...two.sendTimes].sort((x, y) => x - y);
    const gaps = schedule.slice(1).map((t, i) => t - schedule[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(intervalMs - 0.001);
    const maxInWindow = Math.max(...schedule.map((t) => schedule.filter((u) => u >= t && u < t + 1000).length));
    expect(maxInWindow).toBeLessThanOrEqual(rate);

    // Every request waited for its send time: sorted, no request reached the server before the k-th
    // earliest moment its process could send (the answer's arrival plus the wait it gave). A loaded
    // machine makes requests late, never early, so only timer granularity is allowed for.
    // Unlimited, all 40 would arrive at once, before nearly all of those moments.
    const earliest = [...one.earliest, ...two.earliest].sort((x, y) => x - y);
    const arrivals = server.seen.map((r) => r.at).sort((x, y) => x - y);
    arrivals.forEach((at, k) => expect(at).toBeGreaterThanOrEqual(earliest[k]! - 2));
  });

  it("keeps the concurrency limit across two processes", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    server.setHandler((_req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        sendJson(res, 200, { ok: true });
      }, 60);
    });
    const key = `conc-${Math.random()}`;
    const make = (db: Db) => client({ limits: { db, key, maxConcurrent: 3 } });
    const a = make(testDb.db);
    const b = make(second);
    await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(server.seen).toHaveLength(16);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(maxInFlight).toBeGreaterThanOrEqual(2);
  });

  /** The db as one process sees it, each raw statement it runs handed to `around` with its text (`?` for the values). */
  const aroundStatements = (db: Db, around: (sql: string, run: () => Promise<unknown>) => Promise<unknown>): Db =>
    new Proxy(db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "$queryRaw" && prop !== "$executeRaw") return typeof value === "function" ? value.bind(target) : value;
        return (strings: TemplateStringsArray, ...values: unknown[]) =>
          around(strings.join("?"), () => (value as (s: TemplateStringsArray, ...v: unknown[]) => Promise<unknown>).call(target, strings, ...values));
      },
    });

  /** The db as one process sees it, counting the limit statements it runs. */
  const counting = (db: Db) => {
    const counts = { rate: 0, syncs: 0 };
    const proxy = aroundStatements(db, async (sql, run) => {
      const result = await run();
      if (sql.includes('INSERT INTO "VendorRateLimit"')) counts.rate++;
      // a process's exchange with the slots' table: its share held afresh, taken or given back, its demand published
      if (sql.includes('INTO "VendorCallShare"')) counts.syncs++;
      return result;
    });
    return { db: proxy, counts };
  };

  /** Slots leased to any process under `key`. */
  const slotsHeld = async (key: string) =>
    Number((await testDb.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "VendorCallSlot" WHERE "key" = ${key} AND "holder" IS NOT NULL AND "expiresAt" > clock_timestamp()`)[0]!.n);

  /** Demand rows of any process under `key`, lapsed or not. */
  const demandRows = async (key: string) =>
    Number((await testDb.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "VendorCallShare" WHERE "key" = ${key}`)[0]!.n);

  /** The most of `times` (ms) within any window of `ms`. */
  const mostWithin = (times: number[], ms: number) => {
    const sorted = [...times].sort((x, y) => x - y);
    return Math.max(0, ...sorted.map((t) => sorted.filter((u) => u >= t && u < t + ms).length));
  };

  /** A server that answers after `ms` and records the calls in flight, in all and per process (the `p` query parameter). */
  const countInFlight = (ms: number) => {
    const seen = { inFlight: 0, max: 0, byProcess: new Map<string, { inFlight: number; calls: number }>() };
    server.setHandler((req, res) => {
      const p = new URL(req.url ?? "/", "http://x").searchParams.get("p") ?? "";
      const mine = seen.byProcess.get(p) ?? { inFlight: 0, calls: 0 };
      seen.byProcess.set(p, mine);
      seen.inFlight++;
      mine.inFlight++;
      mine.calls++;
      seen.max = Math.max(seen.max, seen.inFlight);
      setTimeout(() => {
        seen.inFlight--;
        mine.inFlight--;
        sendJson(res, 200, { ok: true });
      }, ms);
    });
    return seen;
  };

  /** `callers` loops of calls by one process's client until `stop()` says so; answers how many it made. */
  const keepCalling = (c: PlainHttpClient, p: string, callers: number, stop: () => boolean) =>
    Promise.all(
      Array.from({ length: callers }, async () => {
        let n = 0;
        while (!stop()) {
          await c.request({ method: "GET", path: "x", query: { p }, outputSchema: okSchema });
          n++;
        }
        return n;
      }),
    ).then((ns) => ns.reduce((a, b) => a + b, 0));

  it("serves a process's concurrent callers with shared reservations, spaced as single ones would be", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const { db, counts } = counting(testDb.db);
    const c = client({ limits: { db, key: `batch-${Math.random()}`, requestsPerSecond: 100, burst: 1 } });
    await Promise.all(Array.from({ length: 30 }, () => c.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(server.seen).toHaveLength(30);
    expect(counts.rate).toBeLessThanOrEqual(5);
    const times = server.seen.map((r) => r.at).sort((x, y) => x - y);
    // 30 send times 10 ms apart: ~290 ms from first to last (unlimited, all within a few ms)
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(29 * 10 * 0.8);
  });

  it("reserves a fast rate's send times ahead for the process's next callers, still spaced by the rate", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const { db, counts } = counting(testDb.db);
    // 500/s: 2 ms apart, so each reservation also takes the next RATE_BANK_MS's send times
    const c = client({ limits: { db, key: `bank-${Math.random()}`, requestsPerSecond: 500, burst: 1 } });
    for (let i = 0; i < 40; i++) await c.request({ method: "GET", path: "x", outputSchema: okSchema });
    expect(server.seen).toHaveLength(40);
    // one call at a time: without the bank, one reservation per call (40)
    expect(counts.rate).toBeLessThanOrEqual(20);
    const times = server.seen.map((r) => r.at).sort((x, y) => x - y);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(39 * 2 * 0.8);
  });

  it("with no rate, asks for pauses once per window, not once per call", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const { db, counts } = counting(testDb.db);
    const c = client({ limits: { db, key: `norate-${Math.random()}` } });
    await Promise.all(Array.from({ length: 20 }, () => c.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(server.seen).toHaveLength(20);
    expect(counts.rate).toBeLessThanOrEqual(3);
  });

  it("takes slots again after Postgres emptied the unlogged table (a crash)", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const key = `crash-${Math.random()}`;
    const c = client({ limits: { db: testDb.db, key, maxConcurrent: 2 } });
    await c.request({ method: "GET", path: "x", outputSchema: okSchema });
    const [persistence] = await testDb.db.$queryRaw<{ p: string }[]>`SELECT relpersistence::text AS p FROM pg_class WHERE relname = 'VendorCallSlot'`;
    expect(persistence!.p).toBe("u");
    // what a crash leaves: the process believes it holds a slot, the table is empty
    await testDb.db.$executeRaw`DELETE FROM "VendorCallSlot" WHERE "key" = ${key}`;
    await new Promise((r) => setTimeout(r, 700));
    await Promise.all(Array.from({ length: 4 }, () => c.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(server.seen).toHaveLength(5);
    // the calls may all have run on the slot the process still held; the sync they asked for puts the rows back
    const rows = async () => Number((await testDb.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "VendorCallSlot" WHERE "key" = ${key}`)[0]!.n);
    const until = performance.now() + 3_000;
    while ((await rows()) < 2 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(await rows()).toBe(2);
  });

  it("runs a process's calls on its share with no statement per call, and gives the share back when the process goes quiet", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const key = `share-${Math.random()}`;
    const { db, counts } = counting(testDb.db);
    const c = client({ limits: { db, key, maxConcurrent: 2 } });
    await c.request({ method: "GET", path: "x", outputSchema: okSchema });
    const first = counts.syncs;
    expect(first).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 30; i++) await c.request({ method: "GET", path: "x", outputSchema: okSchema });
    expect(server.seen).toHaveLength(31);
    // 30 calls, at most one sync a second while calling: no statement per call
    expect(counts.syncs - first).toBeLessThanOrEqual(3);
    expect(await slotsHeld(key)).toBeGreaterThanOrEqual(1);
    // quiet for longer than QUIET_MS (1 s) and a sync: the share is back in the table, the process's
    // demand is gone from it (not left to lapse), and no sync follows
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await slotsHeld(key)).toBe(0);
    expect(await demandRows(key)).toBe(0);
    const quiet = counts.syncs;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(counts.syncs).toBe(quiet);
  });

  it("splits the cap between two busy processes: never above it, each with about half, a few statements in all", async () => {
    const seen = countInFlight(10);
    const key = `split-${Math.random()}`;
    const one = counting(testDb.db);
    const two = counting(second);
    const a = client({ limits: { db: one.db, key, maxConcurrent: 4 } });
    const b = client({ limits: { db: two.db, key, maxConcurrent: 4 } });
    const until = performance.now() + 3_000;
    const stop = () => performance.now() > until;
    // the first process alone takes the whole cap
    const busyA = keepCalling(a, "a", 6, stop);
    while ((seen.byProcess.get("a")?.inFlight ?? 0) < 4 && performance.now() < until) await new Promise((r) => setTimeout(r, 2));
    expect(seen.byProcess.get("a")!.inFlight).toBe(4);
    // the second one, as busy, gets about half within a few syncs
    const started = performance.now();
    const busyB = keepCalling(b, "b", 6, stop);
    while ((seen.byProcess.get("b")?.inFlight ?? 0) < 2 && performance.now() < until) await new Promise((r) => setTimeout(r, 2));
    expect(performance.now() - started).toBeLessThan(1_500);
    const [a0, b0] = [seen.byProcess.get("a")!.calls, seen.byProcess.get("b")!.calls];
    const [callsA, callsB] = await Promise.all([busyA, busyB]);
    expect(seen.max).toBeLessThanOrEqual(4);
    // once both were busy, they made about as many calls each (2 slots each)
    const sharedA = seen.byProcess.get("a")!.calls - a0;
    const sharedB = seen.byProcess.get("b")!.calls - b0;
    expect(sharedB / sharedA).toBeGreaterThan(0.6);
    expect(sharedB / sharedA).toBeLessThan(1.6);
    // hundreds of calls, tens of statements: none per call
    expect(callsA + callsB).toBeGreaterThan(200);
    expect(one.counts.syncs + two.counts.syncs).toBeLessThan((callsA + callsB) / 4);
  });

  it("lends a share the process leaves idle to another process that is short, and takes it back when it needs it", async () => {
    const seen = countInFlight(10);
    const key = `lend-${Math.random()}`;
    const a = client({ limits: { db: testDb.db, key, maxConcurrent: 4 } });
    const b = client({ limits: { db: second, key, maxConcurrent: 4 } });
    let stopA = false;
    let stopB = false;
    // one call at a time from the first process, four at once from the second
    const busyA = keepCalling(a, "a", 1, () => stopA);
    const busyB = keepCalling(b, "b", 4, () => stopB);
    const until = performance.now() + 3_000;
    while (seen.byProcess.get("b")?.inFlight !== 3 && performance.now() < until) await new Promise((r) => setTimeout(r, 2));
    expect(seen.byProcess.get("b")?.inFlight).toBe(3);
    // the first process wants four again: it gets back its half
    const moreA = keepCalling(a, "a", 3, () => stopA);
    const back = performance.now() + 3_000;
    while (seen.byProcess.get("a")?.inFlight !== 2 && performance.now() < back) await new Promise((r) => setTimeout(r, 2));
    expect(seen.byProcess.get("a")?.inFlight).toBe(2);
    stopA = stopB = true;
    await Promise.all([busyA, busyB, moreA]);
    expect(seen.max).toBeLessThanOrEqual(4);
  });

  it("gives a dead process's share to the others once its lease lapses", async () => {
    server.setHandler((_req, res) => void setTimeout(() => sendJson(res, 200, { ok: true }), 5));
    const key = `dead-${Math.random()}`;
    // a process as the table sees it: once killed, it sends nothing more (its timers may still run, as a frozen process's would not)
    let killed = false;
    const doomed = aroundStatements(createDb(testDb.url, { max: 2 }), (_sql, run) => (killed ? Promise.reject(new Error("the process is dead")) : run()));
    const dead = client({ limits: { db: doomed, key, maxConcurrent: 2, slotLeaseMs: 1_500 } });
    await Promise.all([1, 2].map(() => dead.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(await slotsHeld(key)).toBe(2);
    // the process dies holding its share: nothing of it gives the share back
    killed = true;
    await new Promise((r) => setTimeout(r, 300));
    expect(await slotsHeld(key)).toBe(2);
    const [lease] = await testDb.db.$queryRaw<{ leftMs: number }[]>`SELECT (EXTRACT(EPOCH FROM max("expiresAt") - clock_timestamp()) * 1000)::float8 AS "leftMs" FROM "VendorCallSlot" WHERE "key" = ${key}`;
    const started = performance.now();
    const alive = client({ limits: { db: second, key, maxConcurrent: 2, slotLeaseMs: 1_500, maxQueueWaitMs: 10_000 } });
    await Promise.all([1, 2].map(() => alive.request({ method: "GET", path: "x", outputSchema: okSchema })));
    const waited = performance.now() - started;
    // the two calls waited for the dead share's lease to lapse, and not much longer (a sync every 50 ms while short)
    expect(lease!.leftMs).toBeGreaterThan(0);
    expect(waited).toBeGreaterThanOrEqual(lease!.leftMs - 20);
    expect(waited).toBeLessThan(lease!.leftMs + 2_000);
    expect(server.seen).toHaveLength(4);
    await doomed.$disconnect();
  });

  it("starts no call on a share whose lease lapsed while its sync hung (another process takes the rows then)", async () => {
    const arrivals: { p: string; at: number }[] = [];
    server.setHandler((req, res) => {
      arrivals.push({ p: new URL(req.url ?? "/", "http://x").searchParams.get("p") ?? "", at: performance.now() });
      sendJson(res, 200, { ok: true });
    });
    const key = `stuck-${Math.random()}`;
    // the first process's share syncs stop coming back once `stuck` is set (a lock wait, a lost connection); its other statements still run
    let unstick = () => {};
    let stuck: Promise<void> | undefined = undefined;
    const own = createDb(testDb.url, { max: 4 });
    const stalling = aroundStatements(own, async (sql, run) => {
      if (stuck && sql.includes('INTO "VendorCallShare"')) await stuck;
      return run();
    });
    const a = client({ limits: { db: stalling, key, maxConcurrent: 2, slotLeaseMs: 1_500, maxQueueWaitMs: 1_000 } });
    const b = client({ limits: { db: second, key, maxConcurrent: 2, slotLeaseMs: 1_500, maxQueueWaitMs: 10_000 } });
    let stop = false;
    // two callers a process; a call that waited longer than maxQueueWaitMs fails "rate-limited" and is made again
    const loop = (c: PlainHttpClient, p: string) =>
      Promise.all(
        [1, 2].map(async () => {
          while (!stop) {
            await c.request({ method: "GET", path: "x", query: { p }, outputSchema: okSchema }).catch((err: unknown) => {
              if (!(err instanceof VendorHttpError && err.code === "rate-limited")) throw err;
            });
          }
        }),
      );
    const callsOf = (p: string) => arrivals.filter((x) => x.p === p);
    const busyA = loop(a, "a");
    const until = performance.now() + 5_000;
    while (callsOf("a").length < 10 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
    stuck = new Promise((r) => (unstick = r));
    const busyB = loop(b, "b");
    // the first process's lease lapses 1.5 s after its last sync; the second one takes the rows then
    const deadline = performance.now() + 6_000;
    while (callsOf("b").length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const firstOfB = callsOf("b")[0]?.at;
    expect(firstOfB).toBeDefined();
    await new Promise((r) => setTimeout(r, 1_000));
    const unstuckAt = performance.now();
    stop = true;
    unstick();
    await Promise.all([busyA, busyB]);
    // until its sync came back, none of the first process's calls came after the second one's first (but one
    // already on its way: 500 ms of margin); once back, its sync takes a fair share again
    expect(callsOf("a").filter((x) => x.at > firstOfB! + 500 && x.at < unstuckAt)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    await own.$disconnect();
  });

  it("gives a process's share back when it releases it (a graceful shutdown), once its calls in flight end", async () => {
    const key = `release-${Math.random()}`;
    server.setHandler((_req, res) => void setTimeout(() => sendJson(res, 200, { ok: true }), 300));
    const own = createDb(testDb.url, { max: 2 });
    const leaving = client({ limits: { db: own, key, maxConcurrent: 2, slotLeaseMs: 5_000 } });
    const calls = Promise.all([1, 2].map(() => leaving.request({ method: "GET", path: "x", outputSchema: okSchema })));
    while (server.seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    let answered = false;
    void calls.then(() => (answered = true));
    // the release waits for the two calls in flight, then frees their rows and the process's demand
    await releaseShares({ db: own });
    expect(answered).toBe(true);
    expect(await slotsHeld(key)).toBe(0);
    expect(await demandRows(key)).toBe(0);
    // another process has both slots at once, not after the 5 s lease
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const started = performance.now();
    const staying = client({ limits: { db: second, key, maxConcurrent: 2, slotLeaseMs: 5_000 } });
    await Promise.all([1, 2].map(() => staying.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(performance.now() - started).toBeLessThan(2_500);
    await own.$disconnect();
  });

  it("takes a call's slot before its send time, so calls freed together by slow answers still go out spaced by the rate", async () => {
    const key = `spaced-${Math.random()}`;
    // 10/s with no burst, 4 slots, 12 callers: the first four answers come back together, late
    const arrivals: number[] = [];
    let releaseAt = Infinity;
    server.setHandler((_req, res) => {
      arrivals.push(performance.now());
      if (arrivals.length > 4) return sendJson(res, 200, { ok: true });
      if (arrivals.length === 1) releaseAt = performance.now() + 1_500;
      setTimeout(() => sendJson(res, 200, { ok: true }), releaseAt - performance.now());
    });
    const c = client({ limits: { db: testDb.db, key, requestsPerSecond: 10, burst: 1, maxConcurrent: 4 } });
    await Promise.all(Array.from({ length: 12 }, () => c.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(arrivals).toHaveLength(12);
    // send times taken first would all be past when the four slots free at once: four sends together.
    // Taken with the slot, they are 100 ms apart (one late timer may bring two within 100 ms)
    expect(mostWithin(arrivals, 100)).toBeLessThanOrEqual(2);
    expect(mostWithin(arrivals.filter((at) => at >= releaseAt - 5), 100)).toBeLessThanOrEqual(2);
  });

  it("keeps a process's own send times apart after Postgres emptied the unlogged rate table (a crash)", async () => {
    const key = `rate-crash-${Math.random()}`;
    const arrivals: number[] = [];
    server.setHandler((_req, res) => {
      arrivals.push(performance.now());
      sendJson(res, 200, { ok: true });
    });
    const c = client({ limits: { db: testDb.db, key, requestsPerSecond: 10, burst: 1 } });
    const call = () => c.request({ method: "GET", path: "x", outputSchema: okSchema });
    // ten calls at once: send times reserved up to 900 ms ahead
    const first = Promise.all(Array.from({ length: 10 }, call));
    while (arrivals.length < 2) await new Promise((r) => setTimeout(r, 5));
    // what a crash leaves: the calls already given their send times wait for them; the row is gone
    await testDb.db.$executeRaw`DELETE FROM "VendorRateLimit" WHERE "key" = ${key}`;
    await Promise.all([first, Promise.all(Array.from({ length: 10 }, call))]);
    expect(arrivals).toHaveLength(20);
    // a row started afresh would hand out send times among the first ten's: up to 18 sends in a second.
    // This process's next send times follow its own last one (one late timer may bring one more)
    expect(mostWithin(arrivals, 1_000)).toBeLessThanOrEqual(11);
  });

  it("hands a finished call's slot to a caller of the same process waiting for one", async () => {
    server.setHandler((_req, res) => void setTimeout(() => sendJson(res, 200, { ok: true }), 20));
    const { db, counts } = counting(testDb.db);
    const c = client({ limits: { db, key: `handoff-${Math.random()}`, maxConcurrent: 1 } });
    await Promise.all(Array.from({ length: 8 }, () => c.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(server.seen).toHaveLength(8);
    expect(counts.syncs).toBeLessThanOrEqual(2);
  });

  it("gives a call's slot back when the call fails before it is sent (no auth headers to be had)", async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    class FlakyAuthClient extends VendorHttpClient {
      failures = 2;
      protected async authHeaders() {
        if (this.failures-- > 0) throw new Error("the token endpoint is down");
        return {};
      }
    }
    const c = new FlakyAuthClient({ vendor: "test", baseUrl: server.url, limits: { db: testDb.db, key: `auth-${Math.random()}`, maxConcurrent: 2, maxQueueWaitMs: 2_000 } });
    for (let i = 0; i < 2; i++) await expect(c.request({ method: "GET", path: "x", outputSchema: okSchema })).rejects.toThrow("the token endpoint is down");
    // both slots are free again: two calls at once go through (slots kept by the failed calls would make them wait, then fail "rate-limited")
    await Promise.all([1, 2].map(() => c.request({ method: "GET", path: "x", outputSchema: okSchema })));
    expect(server.seen).toHaveLength(2);
  });

  it("a vendor's Retry-After pauses the other process too", async () => {
    const key = `pause-${Math.random()}`;
    let calls = 0;
    server.setHandler((_req, res) => (++calls === 1 ? sendJson(res, 429, {}, { "retry-after": "1" }) : sendJson(res, 200, { ok: true })));
    const a = client({ limits: { db: testDb.db, key } });
    const b = client({ limits: { db: second, key } });
    const first = a.request({ method: "GET", path: "a", outputSchema: okSchema });
    await new Promise((r) => setTimeout(r, 200));
    const started = performance.now();
    await b.request({ method: "GET", path: "b", outputSchema: okSchema });
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
    await first;
  });

  it("asks for a late query once, when the call has its turn under the rate, and resends that query on a retry", async () => {
    let calls = 0;
    server.setHandler((_req, res) => (++calls === 2 ? sendJson(res, 503, {}) : sendJson(res, 200, { ok: true })));
    // 5/s, no burst: the second call waits about 200 ms for its send time
    const c = client({ limits: { db: testDb.db, key: `late-${Math.random()}`, requestsPerSecond: 5, burst: 1 } });
    let asked = "early";
    const asks: number[] = [];
    const first = c.request({ method: "GET", path: "x", query: { k: "first" }, outputSchema: okSchema });
    const second = c.request({
      method: "GET",
      path: "x",
      query: () => {
        asks.push(performance.now());
        return { k: asked };
      },
      outputSchema: okSchema,
    });
    const setAt = performance.now();
    asked = "while-it-waited";
    await Promise.all([first, second]);
    expect(server.seen.map((r) => r.url)).toEqual(["/tenant/x?k=first", "/tenant/x?k=while-it-waited", "/tenant/x?k=while-it-waited"]);
    expect(asks).toHaveLength(1);
    expect(asks[0]! - setAt).toBeGreaterThanOrEqual(100);
  });

  it("fails fast with a retryable error when the shared queue is longer than the caller may wait", async () => {
    const key = `queue-${Math.random()}`;
    const c = client({ limits: { db: testDb.db, key, requestsPerSecond: 1, maxQueueWaitMs: 1500 } });
    server.setHandler((_req, res) => sendJson(res, 200, { ok: true }));
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => c.request({ method: "GET", path: "x", outputSchema: okSchema })));
    const rejected = results.filter((r) => r.status === "rejected");
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(VendorHttpError);
      expect(r.reason).toMatchObject({ code: "rate-limited", retryable: true });
    }
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:45 GMT", now)).toBe(45_000);
    expect(parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
