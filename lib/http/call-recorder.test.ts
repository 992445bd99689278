import { describe, expect, it } from "vitest";
import { boundRecordedBody, createCallRecorder, MAX_RECORDED_CALLS, recordCall, redactRecordedBody } from "./call-recorder";

const call = (n: number) => ({ method: "GET", url: `https://erp.example.com/x/${n}`, status: 200, durationMs: 3.4, startedAt: new Date("2026-12-07T10:00:00Z") });

describe("redactRecordedBody", () => {
  it("replaces secret-looking JSON values at any depth and keeps the rest", () => {
    const body = JSON.stringify({ username: "ops", password: "hunter2", nested: { client_secret: "s3", apiKey: "k", items: [{ Authorization: "Bearer x", amount: 5 }] }, token_type: "Bearer" });
    expect(JSON.parse(redactRecordedBody(body, "application/json"))).toEqual({
      username: "ops",
      password: "[redacted]",
      nested: { client_secret: "[redacted]", apiKey: "[redacted]", items: [{ Authorization: "[redacted]", amount: 5 }] },
      token_type: "Bearer",
    });
  });

  it("redacts urlencoded form fields, with or without a content type", () => {
    const form = "grant_type=password&username=ops&password=hunter%202&client_id=abc&client_secret=s3&refresh_token=r";
    for (const type of ["application/x-www-form-urlencoded", undefined]) {
      const out = new URLSearchParams(redactRecordedBody(form, type));
      expect(Object.fromEntries(out)).toEqual({ grant_type: "password", username: "ops", password: "[redacted]", client_id: "abc", client_secret: "[redacted]", refresh_token: "[redacted]" });
    }
  });

  it("redacts XML elements named like secrets and leaves plain text alone", () => {
    expect(redactRecordedBody("<login><user>ops</user><ns:password a=\"1\">hunter2</ns:password></login>", "text/xml")).toBe('<login><user>ops</user><ns:password a="1">[redacted]</ns:password></login>');
    expect(redactRecordedBody("Service unavailable", "text/plain")).toBe("Service unavailable");
  });

  it("keeps a body that names nothing secret as it is, and still redacts keys spelt with escapes or named code", () => {
    const plain = '{ "ReferenceNbr": {"value": "INV-1"}, "Amount": {"value": 10.5} }';
    expect(redactRecordedBody(plain, "application/json")).toBe(plain);
    expect(JSON.parse(redactRecordedBody('{"p\\u0061ssword":"hunter2","n":1}', "application/json"))).toEqual({ password: "[redacted]", n: 1 });
    expect(JSON.parse(redactRecordedBody('{"code":"abc","state":"s"}', "application/json"))).toEqual({ code: "[redacted]", state: "s" });
    expect(Object.fromEntries(new URLSearchParams(redactRecordedBody("code=abc&pass%77ord=x&n=1")))).toEqual({ code: "[redacted]", password: "[redacted]", n: "1" });
  });
  it("redacts keys whatever their case, and keeps bodies that only resemble nothing secret", () => {
    expect(JSON.parse(redactRecordedBody('{"PASSWORD":"x","Api_Key":"k","ClientSecret":"s","n":1}', "application/json"))).toEqual({ PASSWORD: "[redacted]", Api_Key: "[redacted]", ClientSecret: "[redacted]", n: 1 });
    expect(JSON.parse(redactRecordedBody('{"P\\u0041SSWORD":"x"}', "application/json"))).toEqual({ PASSWORD: "[redacted]" });
    const passing = '{"Passenger":"x","Tokyo":"y","Codex":1,"capital":2}';
    expect(redactRecordedBody(passing, "application/json")).toBe(passing);
  });
});

describe("boundRecordedBody", () => {
  it("keeps a small body whole and cuts a large one at the limit with a marker", () => {
    expect(boundRecordedBody('{"a":1}', { contentType: "application/json; charset=utf-8" })).toEqual({ text: '{"a":1}', bytes: 7, truncated: false, contentType: "application/json" });
    const big = boundRecordedBody("é".repeat(20_000), { contentType: "text/plain", maxBytes: 16 * 1024 });
    expect(big.truncated).toBe(true);
    expect(big.bytes).toBe(40_000);
    expect(big.text).toMatch(/…\[truncated: 40000 bytes in all\]$/);
    const kept = big.text.replace(/…\[truncated.*$/, "");
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(16 * 1024);
    expect(kept).not.toContain("\uFFFD");
  });

  it("redacts before cutting, so a secret near the limit is never kept half", () => {
    const body = JSON.stringify({ filler: "x".repeat(100), password: "p".repeat(100) });
    expect(boundRecordedBody(body, { maxBytes: 120 }).text).not.toContain("ppp");
  });
});

describe("createCallRecorder", () => {
  it("records calls made inside run (across awaits), not outside it, and nothing without a recorder", async () => {
    const recorder = createCallRecorder();
    recordCall(call(0));
    const result = await recorder.run(async () => {
      await new Promise((r) => setTimeout(r, 5));
      recordCall({ ...call(1), requestBody: '{"password":"x","n":1}', requestContentType: "application/json", responseBody: "ok" });
      await Promise.all([2, 3].map(async (n) => recordCall(call(n))));
      return 42;
    });
    recordCall(call(4));
    expect(result).toBe(42);
    const calls = recorder.calls();
    expect(calls.map((c) => c.url.split("/").at(-1))).toEqual(["1", "2", "3"]);
    expect(calls[0]).toMatchObject({ method: "GET", status: 200, durationMs: 3, startedAt: "2026-12-07T10:00:00.000Z", request: { text: '{"password":"[redacted]","n":1}' }, response: { text: "ok" } });
  });

  it("gives nested recorders their own calls and bounds how many are kept", async () => {
    const outer = createCallRecorder();
    const inner = createCallRecorder();
    await outer.run(async () => {
      recordCall(call(1));
      await inner.run(async () => recordCall(call(2)));
      for (let i = 0; i < MAX_RECORDED_CALLS + 5; i++) recordCall(call(100 + i));
    });
    expect(inner.calls()).toHaveLength(1);
    expect(outer.calls()).toHaveLength(MAX_RECORDED_CALLS);
    expect(outer.dropped()).toBe(6);
  });
});
