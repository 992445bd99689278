import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { isVendorHttpError } from "./errors";
import { forbiddenHostReason } from "./outbound-host";
import { startLoopbackServer, sendJson } from "./test-server";
import { PlainHttpClient } from "./vendor-client";

const refusedCall = async (baseUrl: string, extra: Partial<ConstructorParameters<typeof PlainHttpClient>[0]> = {}) => {
  const client = new PlainHttpClient({ vendor: "test", baseUrl, timeoutMs: 300, retry: { maxAttempts: 1 }, ...extra });
  const started = Date.now();
  const err = await client.request({ method: "GET", path: "/latest/meta-data/iam", outputSchema: z.unknown() }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, ms: Date.now() - started };
};

describe("outbound guard: link-local and cloud metadata hosts", () => {
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  beforeAll(async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, { ok: true }));
  });
  afterAll(() => server.close());

  it.each([
    "http://169.254.169.254/latest",
    "http://169.254.0.1:8080/",
    "http://[fd00:ec2::254]/latest",
    "http://[fe80::1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://metadata.google.internal/computeMetadata/v1",
    "http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1",
  ])("refuses %s before any connection, as a non-retryable error naming the host", async (baseUrl) => {
    const { err, ms } = await refusedCall(baseUrl);
    expect(isVendorHttpError(err), String(err)).toBe(true);
    if (!isVendorHttpError(err)) return;
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/link-local or cloud metadata address/);
    expect(ms).toBeLessThan(250); // refused, not timed out
  });

  it("gives the same answer the second time, when it comes from the answers kept per scheme and host", async () => {
    for (let i = 0; i < 2; i++) {
      expect(await forbiddenHostReason(`http://169.254.169.254/latest/${i}`)).toMatch(/link-local/);
      expect(await forbiddenHostReason(`http://2852039166/x?${i}`)).toMatch(/169\.254\.169\.254 is a link-local/);
      expect(await forbiddenHostReason(`http://127.0.0.1:9/x/${i}`)).toBeUndefined();
      // the authority ends at a backslash in http(s) URLs: this host is 127.0.0.1, the rest is path
      expect(await forbiddenHostReason(`http://127.0.0.1\\@169.254.169.254/${i}`)).toBeUndefined();
      expect(await forbiddenHostReason(`http://u@169.254.169.254/${i}`)).toMatch(/link-local/);
    }
  });

  it("refuses a name that resolves to a link-local address", async () => {
    const resolveHost = async () => [{ address: "169.254.169.254" }];
    const { err } = await refusedCall("https://tenant.example.com/zuora", { resolveHost });
    expect(String(err)).toMatch(/tenant\.example\.com is a link-local or cloud metadata address; ml-connector does not call it \(it resolves to one\)/);
    expect(await forbiddenHostReason("https://ok.example.com", { resolve: async () => [{ address: "10.0.0.5" }] })).toBeUndefined();
  });

  it("keeps loopback allowed (self-hosted installs and the sandbox) and honours an explicit allow", async () => {
    const client = new PlainHttpClient({ vendor: "test", baseUrl: server.url, retry: { maxAttempts: 1 } });
    await expect(client.request({ method: "GET", path: "/x", outputSchema: z.object({ ok: z.boolean() }) })).resolves.toEqual({ ok: true });
    const localhost = new PlainHttpClient({ vendor: "test", baseUrl: server.url.replace("127.0.0.1", "localhost"), retry: { maxAttempts: 1 } });
    await expect(localhost.request({ method: "GET", path: "/x", outputSchema: z.object({ ok: z.boolean() }) })).resolves.toEqual({ ok: true });

    // allowed explicitly: the call is attempted (and fails as a network error or timeout, not as a refusal)
    const { err } = await refusedCall("http://169.254.169.254/latest", { allowLinkLocal: true, timeoutMs: 200 });
    expect(String(err)).not.toMatch(/link-local or cloud metadata/);
  });
});
