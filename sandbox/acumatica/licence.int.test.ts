import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadSpecValidator } from "./spec-validator";
import { startAcumatica, type TestAcumatica } from "./test-server";

const spec = loadSpecValidator();
let nowMs = Date.parse("2024-05-15T12:00:00Z");
let acu: TestAcumatica;

beforeAll(async () => {
  acu = await startAcumatica({ now: () => new Date(nowMs) });
});
afterAll(async () => {
  await acu.close();
});
beforeEach(() => {
  acu.sandbox.control.reset();
  acu.forgetToken();
});

describe("licence limits", () => {
  it("answers 429 beyond the requests per minute, without Retry-After, and accepts again when the minute has passed", async () => {
    await acu.api("GET", "/Account?$top=1");
    acu.sandbox.control.setLicence({ requestsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await acu.api("GET", "/Account?$top=1");
      statuses.push(res.status);
      if (res.status === 429) {
        expect(spec.errors("HttpError", res.body)).toEqual([]);
        expect((res.body as { message: string }).message).toContain("per minute");
        expect(res.headers.get("retry-after")).toBeNull();
      }
      nowMs += 1_000;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(acu.sandbox.control.stats().rejected429).toBe(2);

    nowMs += 55_001;
    expect((await acu.api("GET", "/Account?$top=1")).status).toBe(200);
    expect((await acu.api("GET", "/Account?$top=1")).status).toBe(429);
  });

  it("sends Retry-After (seconds until a slot frees) when asked to", async () => {
    acu.sandbox.control.setLicence({ requestsPerMinute: 1, sendRetryAfter: true });
    expect((await acu.api("GET", "/Account?$top=1")).status).toBe(200);
    nowMs += 20_000;
    const res = await acu.api("GET", "/Account?$top=1");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("40");
  });

  it("answers 429 beyond the concurrent requests while slow requests hold their slots", async () => {
    await acu.api("GET", "/Account?$top=1");
    acu.sandbox.control.setLicence({ concurrentRequests: 2 });
    acu.sandbox.control.setProcessingMs(400);
    const results = await Promise.all(Array.from({ length: 5 }, () => acu.api("GET", "/Account?$top=1")));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    const rejected = results.find((r) => r.status === 429);
    expect((rejected?.body as { message: string }).message).toContain("concurrent");

    const after = await acu.api("GET", "/Account?$top=1");
    expect(after.status).toBe(200);
  });

  it("does not limit without a licence, and the control route sets limits over HTTP", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => acu.api("GET", "/Account?$top=1")));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const set = await fetch(`${acu.origin}/_sandbox/acumatica/licence`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ requestsPerMinute: 1 }),
    });
    expect(set.status).toBe(204);
    expect((await acu.api("GET", "/Account?$top=1")).status).toBe(200);
    expect((await acu.api("GET", "/Account?$top=1")).status).toBe(429);
    const bad = await fetch(`${acu.origin}/_sandbox/acumatica/licence`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ requestsPerMinute: -1 }),
    });
    expect(bad.status).toBe(400);
  });

  it("counts requests per route, list reads by the fields their $filter names", async () => {
    await acu.api("GET", "/Account?$top=1");
    await acu.api("GET", "/Account/10200");
    const q = (filter: string) => `/Invoice?$filter=${encodeURIComponent(filter)}`;
    await acu.api("GET", q("CustomerOrder eq 'INV1' or CustomerOrder eq 'INV2'"));
    await acu.api("GET", q("(CustomerOrder eq 'INV3') and Type eq 'Invoice'"));
    await acu.api("GET", `${q("ReferenceNbr eq 'AR000001' or ReferenceNbr eq 'AR000002'")}&$select=Type,ReferenceNbr,Status`);
    const stats = acu.sandbox.control.stats();
    expect(stats.byRoute).toEqual({
      "POST identity/connect/token": 1,
      "GET Account": 1,
      "GET Account/{keys}": 1,
      "GET Invoice?$filter=CustomerOrder": 1,
      "GET Invoice?$filter=CustomerOrder,Type": 1,
      "GET Invoice?$filter=ReferenceNbr": 1,
    });
    expect(stats.requests).toBe(6);
  });

  it("refuses a query string longer than 2,048 bytes as IIS does (404.15), before the licence counts it", async () => {
    const filterOf = (n: number) => Array.from({ length: n }, (_, i) => `CustomerOrder eq 'INV${String(i).padStart(8, "0")}'`).join(" or ");
    // encoded as sent (fetch's URL encodes the quotes too)
    const query = (n: number) => `$filter=${encodeURIComponent(filterOf(n)).replaceAll("'", "%27")}`;
    // the longest filter whose query string fits, and one value more
    let n = 1;
    while (query(n + 1).length <= 2048) n++;
    const fits = await acu.api("GET", `/Invoice?${query(n)}`);
    expect(fits.status).toBe(200);
    acu.sandbox.control.setLicence({ requestsPerMinute: 100 });
    const before = acu.sandbox.control.stats().byRoute;
    const tooLong = await acu.api("GET", `/Invoice?${query(n + 1)}`);
    expect(tooLong.status).toBe(404);
    expect(tooLong.text).toContain("query string is too long");
    expect(acu.sandbox.control.stats().byRoute).toEqual(before);
  });
});
