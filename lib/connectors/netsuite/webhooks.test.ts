import { describe, expect, it } from "vitest";
import { parseIpAllowlist, secretMatches, verifyNetsuiteWebhook } from "./webhooks";
import { fromZonedText, toZonedText } from "./zoned-time";

const SECRET = "s3cret-webhook-value-0123456789";
const body = { eventId: "evt-1", accountId: "1234567_SB1", eventType: "edit", recordType: "customer", id: "42", lastModifiedDate: "2026-12-07T03:00:00Z" };
const request = (over: { url?: string; body?: unknown; remoteAddress?: string; allowlist?: string; secret?: string } = {}) => ({
  rawBody: new TextEncoder().encode(JSON.stringify(over.body ?? body)),
  headers: new Headers({ "content-type": "application/json" }),
  url: over.url ?? `https://app.example/api/webhooks/netsuite/c1?secret=${encodeURIComponent(SECRET)}`,
  remoteAddress: over.remoteAddress,
  connection: { id: "c1", baseUrl: "https://x", settings: { accountId: "1234567_SB1", webhookIpAllowlist: over.allowlist ?? "" }, secrets: { clientId: "c", privateKey: "k", webhookSecret: over.secret ?? SECRET } },
});

describe("NetSuite webhook verification", () => {
  it("accepts the script's delivery with the secret and names the record it is about", () => {
    const result = verifyNetsuiteWebhook(request());
    expect(result).toMatchObject({ ok: true, events: [{ vendorEventId: "evt-1", eventType: "customer.edit", objectType: "customer", objectId: "42" }], ack: { status: 200 } });
  });

  it("refuses a wrong secret of the right length, a missing one, and a connection without one", () => {
    const forged = SECRET.slice(0, -1) + (SECRET.endsWith("9") ? "8" : "9");
    expect(forged).toHaveLength(SECRET.length);
    expect(verifyNetsuiteWebhook(request({ url: `https://app.example/h?secret=${forged}` }))).toEqual({ ok: false, reason: "webhook secret does not match" });
    expect(verifyNetsuiteWebhook(request({ url: "https://app.example/h" })).ok).toBe(false);
    expect(verifyNetsuiteWebhook({ ...request(), connection: { ...request().connection, secrets: { clientId: "c", privateKey: "k" } } })).toMatchObject({ ok: false, reason: "the connection has no webhook secret" });
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches(`${SECRET}x`, SECRET)).toBe(false);
  });

  it("refuses bodies that are not the script's and events of another account", () => {
    expect(verifyNetsuiteWebhook(request({ body: { ...body, extra: 1 } })).ok).toBe(false);
    expect(verifyNetsuiteWebhook(request({ body: { ...body, accountId: "7654321" } }))).toMatchObject({ ok: false, reason: expect.stringMatching(/another|not this connection/) });
    // The account id may come as NetSuite writes it in host names.
    expect(verifyNetsuiteWebhook(request({ body: { ...body, accountId: "1234567-sb1" } })).ok).toBe(true);
  });

  it("checks the optional IP allowlist (addresses and CIDR ranges, IPv4-mapped IPv6 included)", () => {
    const allowlist = "10.1.2.3, 192.168.0.0/16";
    expect(verifyNetsuiteWebhook(request({ allowlist, remoteAddress: "10.1.2.3" })).ok).toBe(true);
    expect(verifyNetsuiteWebhook(request({ allowlist, remoteAddress: "::ffff:192.168.7.9" })).ok).toBe(true);
    expect(verifyNetsuiteWebhook(request({ allowlist, remoteAddress: "10.1.2.4" }))).toMatchObject({ ok: false, ack: { status: 403 } });
    expect(verifyNetsuiteWebhook(request({ allowlist }))).toMatchObject({ ok: false });
    expect(parseIpAllowlist("10.0.0.0/33")).toEqual({ error: expect.stringContaining("prefix") });
    expect(parseIpAllowlist("example.com")).toEqual({ error: expect.stringContaining("not an IP") });
  });
});

describe("account time zone", () => {
  it("converts instants to the wall clock SuiteQL shows and back, across a DST change", () => {
    const tz = "America/Los_Angeles";
    expect(toZonedText(new Date("2026-12-07T03:00:05Z"), tz)).toBe("2026-12-06 19:00:05");
    expect(fromZonedText("2026-12-06 19:00:05", tz)?.toISOString()).toBe("2026-12-07T03:00:05.000Z");
    expect(fromZonedText("2026-07-01T12:00:00", tz)?.toISOString()).toBe("2026-07-01T19:00:00.000Z");
    expect(fromZonedText("12/6/2026", tz)).toBeNull();
    for (const iso of ["2026-03-08T09:59:59Z", "2026-03-08T10:00:00Z", "2026-11-01T08:30:00Z", "2026-11-01T09:30:00Z"]) {
      const text = toZonedText(new Date(iso), tz);
      const back = fromZonedText(text, tz)!;
      expect(toZonedText(back, tz)).toBe(text);
    }
  });
});
