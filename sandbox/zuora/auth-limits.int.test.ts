import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../index";
import { getToken, zuoraGet } from "./test-support";

const tokenRequest = (sandbox: RunningSandbox, form: Record<string, string>, contentType = "application/x-www-form-urlencoded") =>
  fetch(`${sandbox.zuoraBaseUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: contentType.includes("json") ? JSON.stringify(form) : new URLSearchParams(form),
  });

/** A clock the tests move by hand, so token expiry and rate windows never depend on the wall clock. */
const manualClock = () => {
  let t = Date.parse("2026-03-02T09:00:05Z");
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
};

describe("Zuora OAuth tokens", () => {
  let sandbox: RunningSandbox;
  const clock = manualClock();
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, zuora: { accessTokenSeconds: 2, tokenRequestsPerMinutePerIp: 6, now: clock.now } });
  });
  afterAll(() => sandbox.close());

  it("issues a bearer token for client_credentials with expires_in one second short of the lifetime", async () => {
    const { clientId, clientSecret } = sandbox.credentials.zuora;
    const response = await tokenRequest(sandbox, { client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" });
    expect(response.status).toBe(200);
    expect(response.headers.get("zuora-request-id")).toHaveLength(36);
    expect(response.headers.get("x-ratelimit-limit-minute")).toBe("6");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 1 });
    expect(body.access_token).toMatch(/^[0-9a-f]{32}$/);
  });

  it("rejects wrong secrets, other grant types and JSON bodies", async () => {
    const { clientId } = sandbox.credentials.zuora;
    expect((await tokenRequest(sandbox, { client_id: clientId, client_secret: "nope", grant_type: "client_credentials" })).status).toBe(401);
    expect((await tokenRequest(sandbox, { client_id: clientId, client_secret: "x", grant_type: "password" })).status).toBe(400);
    const json = await tokenRequest(sandbox, { ...sandbox.credentials.zuora, grant_type: "client_credentials" }, "application/json");
    expect(json.status).toBe(400);
  });

  it("answers 401 with Zuora's auth error for a missing, unknown or expired bearer", async () => {
    const token = await getToken(sandbox);
    expect((await zuoraGet(sandbox, token, "/v1/accounts/A00000001")).status).toBe(200);
    const missing = await fetch(`${sandbox.zuoraBaseUrl}/v1/accounts/A00000001`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ success: false, reasons: [{ code: 90000011 }] });
    expect((await zuoraGet(sandbox, "0".repeat(32), "/v1/accounts/A00000001")).status).toBe(401);
    clock.advance(1_999);
    expect((await zuoraGet(sandbox, token, "/v1/accounts/A00000001")).status).toBe(200);
    clock.advance(1);
    const expired = await zuoraGet(sandbox, token, "/v1/accounts/A00000001");
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ success: false, reasons: [{ code: 90000011, message: "this resource is protected, please sign in first" }] });
  });

  it("answers 429 with Retry-After once the token endpoint's per-minute limit is used up", async () => {
    const { clientId, clientSecret } = sandbox.credentials.zuora;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await tokenRequest(sandbox, { client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" })).status);
    }
    // 6 per minute per IP; the tests above made 5 calls (failed calls count too).
    expect(statuses).toEqual([200, 429, 429]);
    const rejected = await tokenRequest(sandbox, { client_id: "x", client_secret: "y", grant_type: "client_credentials" });
    expect(rejected.status).toBe(429);
    expect(Number(rejected.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(rejected.headers.get("x-ratelimit-remaining-minute")).toBe("0");
    clock.advance(60_000);
    expect((await tokenRequest(sandbox, { client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials" })).status).toBe(200);
  });
});

describe("Zuora rate and concurrency limits", () => {
  let sandbox: RunningSandbox;
  let token: string;
  const clock = manualClock();
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, zuora: { rateLimits: { perMinute: 5 }, now: clock.now } });
    await sandbox.control.zuora.addAccount({ name: "Acme Analytics Inc." });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it("puts ratelimit-* and Concurrency-Limit-* on every answer and answers 429 + Retry-After past the limit", async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const r = await zuoraGet(sandbox, token, "/v1/accounts/A00000001");
      expect(r.status).toBe(200);
      expect(r.headers.get("ratelimit-limit")).toMatch(/^5, 5;w=60, 2250000;w=3600, 27000000;w=86400$/);
      expect(r.headers.get("concurrency-limit-type")).toBe("Default");
      expect(r.headers.get("concurrency-limit-limit")).toBe("40");
      expect(Number(r.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
      remaining.push(r.headers.get("ratelimit-remaining") ?? "");
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
    const limited = await zuoraGet(sandbox, token, "/v1/accounts/A00000001");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.body).toMatchObject({ success: false, reasons: [{ code: 50000070 }] });
    expect(limited.headers.get("retry-after")).toBe("55");
    clock.advance(55_000);
    expect((await zuoraGet(sandbox, token, "/v1/accounts/A00000001")).status).toBe(200);
  });

  it("answers 429 when more requests are in flight than the concurrency limit", async () => {
    await sandbox.control.zuora.updateSettings({ rateLimits: { perMinute: 1_000 }, concurrency: { default: 2 } });
    await sandbox.control.setLatency({ zuora: 300 });
    const results = await Promise.all(Array.from({ length: 5 }, () => zuoraGet(sandbox, token, "/v1/accounts/A00000001")));
    await sandbox.control.setLatency({ zuora: 0 });
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    const rejected = results.find((r) => r.status === 429);
    expect(rejected?.headers.get("retry-after")).toBe("1");
    expect(rejected?.headers.get("concurrency-limit-remaining")).toBe("0");
  });
});
