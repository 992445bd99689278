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

  it("counts requests per route", async () => {
    await acu.api("GET", "/Account?$top=1");
    await acu.api("GET", "/Account/10200");
    const stats = acu.sandbox.control.stats();
    expect(stats.byRoute["GET Account"]).toBe(1);
    expect(stats.byRoute["GET Account/{keys}"]).toBe(1);
    expect(stats.byRoute["POST identity/connect/token"]).toBe(1);
    expect(stats.requests).toBe(3);
  });
});
