import { createHash, createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { WebhookHeaders, WebhookRequest, WebhookVerification } from "../types";
import { zuoraConfig } from "./config";
import { zuoraCalloutSettingsSchema, type ZuoraCalloutSettings } from "./schemas";

/** One Zuora callout as an InboundEvent row wants it. */
export type ZuoraCalloutEvent = {
  /** Zuora-Notification-Id (stable across Zuora's retries: the dedupe key) */
  vendorEventId: string;
  /** e.g. "InvoicePosted", "PaymentProcessed", "CreditMemoPosted" (as the template sends it) */
  eventType: string;
  /** "invoice" | "payment" | "credit-memo" | "account", null when the body names no object */
  objectType: ZuoraObjectType | null;
  objectId: string | null;
  /** the parsed body, kept for the audit trail */
  payload: unknown;
};

/**
 * What a callout is about. "subscription-event": subscription lifecycle events (created, cancelled,
 * amended ...) are records themselves: their object id is the notification id and the body is kept.
 */
export type ZuoraObjectType = "invoice" | "payment" | "credit-memo" | "account" | "subscription-event";

export type VerifyCalloutResult =
  | { ok: true; events: ZuoraCalloutEvent[]; verified: true }
  | { ok: false; reason: string };

type Headers = Record<string, string | string[] | undefined> | WebhookHeaders;

const NODE_ALGORITHMS: Record<ZuoraCalloutSettings["algorithm"], string> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-224": "sha224",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

/** A header reader (web Headers, the webhook route's) rather than a plain record (tests, Node's `req.headers`). */
const isHeaderReader = (headers: Headers): headers is WebhookHeaders => typeof headers.get === "function";

const headerOf = (headers: Headers, name: string): string | undefined => {
  if (isHeaderReader(headers)) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
};

const PLACEHOLDER = /\{\{\s*Request\.(Body|Headers\.([A-Za-z0-9_-]+))\s*\}\}/g;

/** The signed message of one callout: the template with the raw body bytes and header values put in. */
type SignedData = (rawBody: Buffer, headers: Headers) => Buffer | { missing: string };

/**
 * A signed-data template compiled once: its literal text encoded, its placeholders listed. The
 * default template, the body alone, signs the body's own bytes (no copy).
 */
const compileSignedData = (template: string): SignedData => {
  const parts: ({ text: Buffer } | { header: string } | "body")[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push({ text: Buffer.from(template.slice(last, m.index), "utf8") });
    parts.push(m[1] === "Body" ? "body" : { header: m[2] ?? "" });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: Buffer.from(template.slice(last), "utf8") });
  if (parts.length === 1 && parts[0] === "body") return (rawBody) => rawBody;
  return (rawBody, headers) => {
    const bytes: Buffer[] = [];
    for (const part of parts) {
      if (part === "body") bytes.push(rawBody);
      else if ("text" in part) bytes.push(part.text);
      else {
        const value = headerOf(headers, part.header);
        if (value === undefined) return { missing: part.header };
        bytes.push(Buffer.from(value, "utf8"));
      }
    }
    return Buffer.concat(bytes);
  };
};

/** Reads a timestamp header: HTTP date, ISO-8601, or epoch seconds/milliseconds. */
const parseTimestamp = (value: string): number | undefined => {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    return n > 1e12 ? n : n * 1000;
  }
  const t = Date.parse(trimmed);
  return Number.isNaN(t) ? undefined : t;
};

/** Reads the signature out of a header value built by the template around `{{Request.HMAC.Signed}}`. */
const compileSignatureExtractor = (template: string) => {
  const [prefix = "", suffix = ""] = template.split("{{Request.HMAC.Signed}}").map((part) => part.trim());
  return (headerValue: string): string | undefined => {
    const v = headerValue.trim();
    if (!v.startsWith(prefix) || !v.endsWith(suffix)) return undefined;
    return v.slice(prefix.length, v.length - suffix.length).trim();
  };
};

const decodeSignature = (signature: string, encoding: ZuoraCalloutSettings["encoding"]): Buffer | undefined => {
  if (encoding === "HEX") return /^[0-9a-fA-F]+$/.test(signature) && signature.length % 2 === 0 ? Buffer.from(signature, "hex") : undefined;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(signature)) return undefined;
  return Buffer.from(signature.replace(/-/g, "+").replace(/_/g, "/"), "base64");
};

const OBJECT_ID_KEYS: [ZuoraObjectType, RegExp][] = [
  ["invoice", /^invoice[._]?id$/i],
  ["payment", /^payment[._]?id$/i],
  ["credit-memo", /^credit[._]?memo[._]?id$/i],
  ["account", /^account[._]?id$/i],
];
const OBJECT_NUMBER_KEYS: [ZuoraObjectType, RegExp][] = [
  ["invoice", /^invoice[._]?number$/i],
  ["payment", /^payment[._]?number$/i],
  ["credit-memo", /^(credit[._]?memo|memo)[._]?number$/i],
  ["account", /^account[._]?number$/i],
];
const EVENT_TYPE_KEYS = /^(event[._]?type|event|event[._]?category|type|notification[._]?type)$/i;

const objectTypeFromEvent = (eventType: string): ZuoraObjectType | null => {
  const t = eventType.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (t.includes("subscription") || t.includes("amendment")) return "subscription-event";
  if (t.includes("creditmemo") || /^27\d\d$/.test(t)) return "credit-memo";
  if (t.includes("invoice") || /^11\d\d$/.test(t)) return "invoice";
  if (t.includes("payment") || /^2[1-4]\d\d$/.test(t)) return "payment";
  if (t.includes("account") || /^15\d\d$/.test(t)) return "account";
  return null;
};

const scalar = z.union([z.string(), z.number()]).transform(String);

/** Turns one callout body object (ids only, shape set by the tenant's template) into an event. */
const toEvent = (item: unknown, vendorEventId: string): ZuoraCalloutEvent => {
  const entries = item && typeof item === "object" && !Array.isArray(item) ? Object.entries(item) : [];
  const value = (re: RegExp) => {
    for (const [k, v] of entries) {
      if (!re.test(k)) continue;
      const parsed = scalar.safeParse(v);
      if (parsed.success && parsed.data) return parsed.data;
    }
    return undefined;
  };
  const eventType = value(EVENT_TYPE_KEYS) ?? "unknown";
  const hinted = objectTypeFromEvent(eventType);
  if (hinted === "subscription-event") return { vendorEventId, eventType, objectType: hinted, objectId: vendorEventId, payload: item };
  const order = hinted ? [...OBJECT_ID_KEYS].sort(([a]) => (a === hinted ? -1 : 0)) : OBJECT_ID_KEYS;
  for (const [type, re] of order) {
    const id = value(re);
    if (id) return { vendorEventId, eventType, objectType: type, objectId: id, payload: item };
  }
  const numberOrder = hinted ? [...OBJECT_NUMBER_KEYS].sort(([a]) => (a === hinted ? -1 : 0)) : OBJECT_NUMBER_KEYS;
  for (const [type, re] of numberOrder) {
    const n = value(re);
    if (n) return { vendorEventId, eventType, objectType: type, objectId: n, payload: item };
  }
  const generic = value(/^(id|object[._]?id)$/i);
  return { vendorEventId, eventType, objectType: generic ? hinted : null, objectId: generic ?? null, payload: item };
};

/** Parses a callout body (one object, or an array of them) into events. Never throws. */
export const parseCallout = ({ rawBody, headers }: { rawBody: Buffer | string; headers: Headers }):
  | { ok: true; events: ZuoraCalloutEvent[] }
  | { ok: false; reason: string } => {
  const raw = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return { ok: false, reason: "callout body is not JSON" };
  }
  const notificationId =
    headerOf(headers, zuoraConfig.notificationIdHeader) ?? `body-sha256:${createHash("sha256").update(raw).digest("hex")}`;
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return { ok: false, reason: "callout body holds no event" };
  const events = items.map((item, i) => toEvent(item, items.length === 1 ? notificationId : `${notificationId}#${i}`));
  return { ok: true, events };
};

/** Verifies one callout's signature, then parses it; bound to one connection's callout settings and secret. */
export type CalloutVerifier = (request: { rawBody: Buffer; headers: Headers; now?: number }) => VerifyCalloutResult;

/**
 * Compiles the verification of a connection's callouts once (settings parsed, templates compiled, the
 * secret made a key), so that a callout costs its HMAC and its parse and nothing that depends on the
 * connection alone. The verifier over the RAW request bytes follows the tenant's callout template
 * (algorithm, output encoding, header name, signed-data and header-value templates), compares in
 * constant time, optionally checks a timestamp header against a tolerance, then parses the body.
 * Without a configured HMAC secret every callout is refused: an unsigned callout would let anyone
 * who guesses a connection id and a document number make us fetch and post it (polling still syncs).
 * The verifier never throws.
 */
export const compileCalloutVerifier = ({
  settings,
  secret,
}: {
  /** the connection's `callout` settings (unparsed is fine: defaults apply) */
  settings: unknown;
  /** the connection's `calloutHmacSecret` */
  secret: string | undefined;
}): CalloutVerifier => {
  const refuse = (reason: string): CalloutVerifier => () => ({ ok: false, reason });
  try {
    const parsedSettings = zuoraCalloutSettingsSchema.safeParse(settings ?? {});
    if (!parsedSettings.success) return refuse("callout settings are invalid");
    const s = parsedSettings.data;
    if (!secret) return refuse("this connection has no callout signing secret: callouts are refused until one is set on the connection");
    const algorithm = NODE_ALGORITHMS[s.algorithm];
    const key = createSecretKey(Buffer.from(secret, "utf8"));
    const signatureOf = compileSignatureExtractor(s.headerValue);
    const signedData = compileSignedData(s.signedData);
    const tsHeader = s.timestampToleranceSeconds ? (s.timestampHeader ?? [...s.signedData.matchAll(PLACEHOLDER)].find((m) => m[2])?.[2]) : undefined;
    return ({ rawBody, headers, now = Date.now() }) => {
      try {
        const headerValue = headerOf(headers, s.headerName);
        if (!headerValue) return { ok: false, reason: `missing signature header ${s.headerName}` };
        const signature = signatureOf(headerValue);
        const provided = signature ? decodeSignature(signature, s.encoding) : undefined;
        if (!provided || provided.length === 0) return { ok: false, reason: `malformed signature in ${s.headerName}` };

        const message = signedData(rawBody, headers);
        if (!Buffer.isBuffer(message)) return { ok: false, reason: `missing header ${message.missing}, which the signature covers` };
        const expected = createHmac(algorithm, key).update(message).digest();
        if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
          return { ok: false, reason: "signature does not match" };
        }

        if (s.timestampToleranceSeconds) {
          if (!tsHeader) return { ok: false, reason: "a timestamp tolerance is set but no timestamp header is signed" };
          const value = headerOf(headers, tsHeader);
          const at = value ? parseTimestamp(value) : undefined;
          if (at === undefined) return { ok: false, reason: `missing or unreadable timestamp header ${tsHeader}` };
          if (Math.abs(now - at) > s.timestampToleranceSeconds * 1000) {
            return { ok: false, reason: `timestamp in ${tsHeader} is outside the ${s.timestampToleranceSeconds} s tolerance` };
          }
        }

        const parsed = parseCallout({ rawBody, headers });
        return parsed.ok ? { ...parsed, verified: true } : parsed;
      } catch {
        return { ok: false, reason: "callout could not be verified" };
      }
    };
  } catch {
    return refuse("callout could not be verified");
  }
};

/** Verifies one Zuora callout (compileCalloutVerifier, for a single call). Never throws. */
export const verifyCallout = ({
  rawBody,
  headers,
  settings,
  secret,
  now,
}: {
  rawBody: Buffer | string;
  headers: Headers;
  /** the connection's `callout` settings (unparsed is fine: defaults apply) */
  settings: unknown;
  /** the connection's `calloutHmacSecret` */
  secret: string | undefined;
  now?: number;
}): VerifyCalloutResult =>
  compileCalloutVerifier({ settings, secret })({ rawBody: typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody, headers, now });

/** Signs a body the way a callout template with these settings would (tests, demo callouts). */
export const signCallout = ({
  rawBody,
  headers = {},
  settings,
  secret,
}: {
  rawBody: Buffer | string;
  headers?: Record<string, string>;
  settings: unknown;
  secret: string;
}): { name: string; value: string } => {
  const s = zuoraCalloutSettingsSchema.parse(settings ?? {});
  const raw = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  const message = compileSignedData(s.signedData)(raw, headers);
  if (!Buffer.isBuffer(message)) throw new Error(`missing header ${message.missing}`);
  const digest = createHmac(NODE_ALGORITHMS[s.algorithm], secret).update(message).digest(s.encoding === "HEX" ? "hex" : "base64");
  return { name: s.headerName, value: s.headerValue.replace("{{Request.HMAC.Signed}}", digest) };
};

/*
 * Built once: zod 4 compiles an object schema on its first parse, so a schema built per callout
 * would be compiled again for every callout (most of a callout's CPU time).
 */
const connectionCalloutSettingsSchema = z.object({ callout: z.unknown().optional() });
const connectionCalloutSecretSchema = z.object({ calloutHmacSecret: z.string().optional() });

/** Zuora's "confirm success by parsing response content" expects `{"success": true}`. */
const ZUORA_ACK = { status: 200, body: { success: true } } as const;

/**
 * The Zuora verifier of the webhook route for one connection version: the callout template's HMAC over
 * the raw bytes, with the connection's callout settings and `calloutHmacSecret` (a connection without
 * that secret refuses every callout). The route keeps it while the connection row is unchanged.
 */
export const prepareZuoraWebhook = (connection: WebhookRequest["connection"]): ((request: Omit<WebhookRequest, "connection">) => WebhookVerification) => {
  const settings = connectionCalloutSettingsSchema.safeParse(connection.settings ?? {});
  const secrets = connectionCalloutSecretSchema.safeParse(connection.secrets ?? {});
  if (!settings.success || !secrets.success) return () => ({ ok: false, reason: "connection settings are invalid" });
  const verify = compileCalloutVerifier({ settings: settings.data.callout, secret: secrets.data.calloutHmacSecret });
  return ({ rawBody, headers }) => {
    const result = verify({ rawBody: Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength), headers });
    return result.ok ? { ok: true, events: result.events, ack: ZUORA_ACK } : result;
  };
};

/** The Zuora verifier of the webhook route for a single call (prepareZuoraWebhook). */
export const verifyZuoraWebhook = (request: WebhookRequest): WebhookVerification => prepareZuoraWebhook(request.connection)(request);
