import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseCallout, signCallout, verifyCallout } from "./webhooks";

const secret = "callout-secret-123";
const body = '{"EventType":"InvoicePosted","InvoiceId":"8a8082c45f1c4a2b015f1c4e2d2a0042","AccountId":"8a80aa"}';
const headers = (extra: Record<string, string>) => ({ "zuora-notification-id": "n-001", "content-type": "application/json", ...extra });

describe("verifyCallout", () => {
  it("accepts a correct SHA-256/BASE64 signature over the raw body and parses the event", () => {
    const sig = createHmac("sha256", secret).update(body).digest("base64");
    const res = verifyCallout({ rawBody: Buffer.from(body), headers: headers({ "X-Zuora-Signature": sig }), settings: {}, secret });
    expect(res).toEqual({
      ok: true,
      verified: true,
      events: [
        {
          vendorEventId: "n-001",
          eventType: "InvoicePosted",
          objectType: "invoice",
          objectId: "8a8082c45f1c4a2b015f1c4e2d2a0042",
          payload: JSON.parse(body),
        },
      ],
    });
  });

  it("rejects a wrong signature, a missing one and a malformed one without throwing", () => {
    const wrong = createHmac("sha256", "other").update(body).digest("base64");
    expect(verifyCallout({ rawBody: body, headers: headers({ "x-zuora-signature": wrong }), settings: {}, secret })).toEqual({
      ok: false,
      reason: "signature does not match",
    });
    expect(verifyCallout({ rawBody: body, headers: headers({}), settings: {}, secret })).toMatchObject({ ok: false, reason: expect.stringContaining("missing signature") });
    expect(verifyCallout({ rawBody: body, headers: headers({ "x-zuora-signature": "%%%" }), settings: {}, secret })).toMatchObject({ ok: false });
    // A body re-serialised by a framework (different bytes, same JSON) does not verify.
    const sig = createHmac("sha256", secret).update(body).digest("base64");
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    expect(verifyCallout({ rawBody: reserialised, headers: headers({ "x-zuora-signature": sig }), settings: {}, secret }).ok).toBe(false);
  });

  it.each([
    ["MD5", "md5", "HEX"],
    ["SHA-1", "sha1", "BASE64"],
    ["SHA-224", "sha224", "HEX"],
    ["SHA-384", "sha384", "BASE64"],
    ["SHA-512", "sha512", "HEX"],
  ] as const)("supports %s with %s output", (algorithm, node, encoding) => {
    const settings = { algorithm, encoding, headerName: "X-Sig" };
    const digest = createHmac(node, secret).update(body).digest(encoding === "HEX" ? "hex" : "base64");
    expect(verifyCallout({ rawBody: body, headers: headers({ "x-sig": digest }), settings, secret }).ok).toBe(true);
    expect(verifyCallout({ rawBody: body, headers: headers({ "x-sig": digest.toUpperCase() === digest ? "00" : digest.slice(2) }), settings, secret }).ok).toBe(false);
  });

  it("signs a template that includes the Date header and enforces the timestamp tolerance", () => {
    const settings = {
      signedData: "{{Request.Headers.Date}}\n{{Request.Body}}",
      headerValue: "v1={{Request.HMAC.Signed}}",
      timestampToleranceSeconds: 300,
    };
    const date = "Mon, 23 Nov 2026 10:00:00 GMT";
    const now = Date.parse(date) + 60_000;
    const expected = createHmac("sha256", secret).update(`${date}\n${body}`).digest("base64");
    const sig = signCallout({ rawBody: body, headers: { Date: date }, settings, secret });
    expect(sig).toEqual({ name: "X-Zuora-Signature", value: `v1=${expected}` });
    const h = headers({ date, "x-zuora-signature": sig.value });
    expect(verifyCallout({ rawBody: body, headers: h, settings, secret, now }).ok).toBe(true);
    expect(verifyCallout({ rawBody: body, headers: h, settings, secret, now: now + 600_000 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("tolerance"),
    });
    // Same signature with another date: the signed data changed.
    expect(verifyCallout({ rawBody: body, headers: { ...h, date: "Mon, 23 Nov 2026 10:01:00 GMT" }, settings, secret, now }).ok).toBe(false);
  });

  it("refuses every callout while the connection has no signing secret, naming the way out", () => {
    expect(verifyCallout({ rawBody: body, headers: headers({}), settings: {}, secret: undefined })).toEqual({ ok: false, reason: expect.stringContaining("no callout signing secret") });
    expect(verifyCallout({ rawBody: body, headers: headers({}), settings: {}, secret: "" }).ok).toBe(false);
  });

  it("never throws on garbage", () => {
    const sig = createHmac("sha256", secret).update("not json").digest("base64");
    expect(verifyCallout({ rawBody: "not json", headers: headers({ "x-zuora-signature": sig }), settings: {}, secret })).toEqual({
      ok: false,
      reason: "callout body is not JSON",
    });
    expect(verifyCallout({ rawBody: body, headers: {}, settings: { algorithm: "ROT13" }, secret }).ok).toBe(false);
  });

  it("parses payment and credit memo callouts and falls back to a body hash without a notification id", () => {
    const payment = '{"EventType":"PaymentProcessed","PaymentId":"p1","AccountId":"a1"}';
    const res = parseCallout({ rawBody: payment, headers: {} });
    expect(res).toMatchObject({ ok: true, events: [{ objectType: "payment", objectId: "p1", vendorEventId: expect.stringMatching(/^body-sha256:/) }] });
    const memo = '{"EventType":"CreditMemoPosted","CreditMemoId":"cm1"}';
    expect(parseCallout({ rawBody: memo, headers: headers({}) })).toMatchObject({
      ok: true,
      events: [{ objectType: "credit-memo", objectId: "cm1" }],
    });
  });

  it("keeps a subscription lifecycle event as a record of its own: the notification is its id, the body its payload", () => {
    const created = '{"EventType":"SubscriptionCreated","SubscriptionId":"s1","AccountId":"a1","SubscriptionNumber":"A-S00000001"}';
    expect(parseCallout({ rawBody: created, headers: headers({ "zuora-notification-id": "n-sub-1" }) })).toMatchObject({
      ok: true,
      events: [{ vendorEventId: "n-sub-1", eventType: "SubscriptionCreated", objectType: "subscription-event", objectId: "n-sub-1", payload: { SubscriptionId: "s1", AccountId: "a1" } }],
    });
  });
});
