import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod";

// Persisted JSON: recorded calls go into the "attempt" audit event (lib/audit/events.ts). Changing
// this schema needs a data migration of the stored events (or new optional fields only).

/** Largest body kept per request or response, in bytes of UTF-8; longer bodies are cut with a marker. */
export const MAX_RECORDED_BODY_BYTES = 16 * 1024;
/** Largest number of calls one recorder keeps; later calls are counted, not kept. */
export const MAX_RECORDED_CALLS = 50;

const REDACTED = "[redacted]";

/** A kept body: redacted text, its size before cutting, and whether it was cut. */
export const recordedBodySchema = z.object({
  /** redacted text, at most MAX_RECORDED_BODY_BYTES (plus the truncation marker) */
  text: z.string(),
  /** size of the redacted body in bytes before it was cut */
  bytes: z.number().int().nonnegative(),
  truncated: z.boolean(),
  contentType: z.string().optional(),
});
export type RecordedBody = z.infer<typeof recordedBodySchema>;

/** One HTTP exchange with a vendor: never headers, secrets redacted, bodies bounded. */
export const recordedCallSchema = z.object({
  method: z.string(),
  /** full URL with secret-looking query values redacted and no user info */
  url: z.string(),
  /** HTTP status, null when no answer came (timeout, network error) */
  status: z.number().int().nullable(),
  durationMs: z.number().int().nonnegative(),
  /** ISO instant the request was sent */
  startedAt: z.string(),
  /** the client's try number of this call (1 = first send) */
  try: z.number().int().positive().optional(),
  request: recordedBodySchema.optional(),
  response: recordedBodySchema.optional(),
  /** why no answer came (timeout, connection refused) */
  error: z.string().optional(),
});
export type RecordedCall = z.infer<typeof recordedCallSchema>;

/** A key whose value is a credential: passwords, secrets, tokens, API keys, authorization, signatures. */
const SECRET_KEY = /password|passwd|passphrase|secret|token|authorization|api[-_]?key|assertion|code_verifier|signature|private[-_]?key|credential|^code$/i;

/** True when a JSON key or form field name looks like it holds a secret. */
export const isSecretKey = (key: string) => SECRET_KEY.test(key) && !/token_?type$/i.test(key);

const redactJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) && v !== null && v !== "" ? REDACTED : redactJson(v)]));
  }
  return value;
};

const looksLikeForm = (text: string) => /^[\w.%[\]-]+=[^&]*(&[\w.%[\]-]+=[^&]*)*$/.test(text.trim());

/** XML and SOAP elements named like secrets (`<password>…</password>`, `<ns:token>…</ns:token>`). */
const XML_SECRET = /<((?:[\w-]+:)?[\w-]*(?:password|secret|token|signature|apikey|api_key)[\w-]*)(\s[^>]*)?>([^<]*)<\/\1>/gi;

/**
 * Text in which no secret can hide: none of the words a secret key or element is named with, no JSON
 * escape (`\u0070assword`) and no percent-encoding (`pass%77ord`) that could spell one, and no field
 * named `code`. One scan of the text; most vendor answers pass it and are kept as they are.
 */
const SECRET_WORD = /password|passwd|passphrase|secret|token|authorization|api[-_]?key|assertion|code_verifier|signature|private[-_]?key|credential|\\u|%|["&?<:]code\b|^code\b/i;

/**
 * Pieces of which SECRET_WORD's every match contains one, lower-cased. One `indexOf` each on the
 * lower-cased text is several times faster than the case-insensitive alternation on most bodies,
 * which contain none; a body that contains one still goes through SECRET_WORD.
 */
const SECRET_PIECES = ["pass", "secret", "token", "authorization", "api", "assertion", "code", "signature", "private", "credential", "\\u", "%"];

const mayNameSecret = (text: string) => {
  const lower = text.toLowerCase();
  return SECRET_PIECES.some((piece) => lower.includes(piece)) && SECRET_WORD.test(text);
};

/**
 * A body with its secrets replaced by "[redacted]": JSON values under secret-looking keys (at any
 * depth), urlencoded form fields likewise, XML elements named like secrets; other text as is. Text
 * that names nothing secret-looking (most bodies) is returned without parsing.
 */
export const redactRecordedBody = (text: string, contentType?: string): string => {
  if (!mayNameSecret(text)) return text;
  const type = (contentType ?? "").toLowerCase();
  const trimmed = text.trim();
  if (type.includes("json") || trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(redactJson(JSON.parse(text)));
    } catch {
      // not JSON after all: fall through
    }
  }
  if (type.includes("x-www-form-urlencoded") || (!type.includes("xml") && looksLikeForm(trimmed))) {
    // the marker stays readable ("password=[redacted]"); other values keep their encoding
    return [...new URLSearchParams(trimmed)].map(([k, v]) => `${encodeURIComponent(k)}=${isSecretKey(k) ? REDACTED : encodeURIComponent(v)}`).join("&");
  }
  return text.replace(XML_SECRET, (_m, name: string, attrs: string | undefined) => `<${name}${attrs ?? ""}>${REDACTED}</${name}>`);
};

/** Cuts a text to `maxBytes` of UTF-8 on a character boundary. */
const cutToBytes = (text: string, maxBytes: number) => {
  const buf = Buffer.from(text, "utf8");
  if (buf.length <= maxBytes) return text;
  // decoding a cut multi-byte character yields U+FFFD at the end: drop it
  return buf.subarray(0, maxBytes).toString("utf8").replace(/\uFFFD$/, "");
};

/** A body as kept: redacted first, then bounded to `maxBytes` with a "[truncated …]" marker. */
export const boundRecordedBody = (text: string, { contentType, maxBytes = MAX_RECORDED_BODY_BYTES }: { contentType?: string; maxBytes?: number } = {}): RecordedBody => {
  const redacted = redactRecordedBody(text, contentType);
  const bytes = Buffer.byteLength(redacted, "utf8");
  const truncated = bytes > maxBytes;
  const kept = truncated ? `${cutToBytes(redacted, maxBytes)}…[truncated: ${bytes} bytes in all]` : redacted;
  return { text: kept, bytes, truncated, ...(contentType ? { contentType: contentType.split(";")[0]!.trim() } : {}) };
};

/** What the HTTP client hands over for one exchange; bodies still raw (the recorder redacts them). */
export type CallInput = {
  method: string;
  /** URL with secret query values already redacted */
  url: string;
  status: number | null;
  durationMs: number;
  startedAt: Date;
  try?: number;
  requestBody?: string;
  requestContentType?: string;
  responseBody?: string;
  responseContentType?: string;
  error?: string;
};

type RecorderState = { calls: RecordedCall[]; dropped: number };

const storage = new AsyncLocalStorage<RecorderState>();

/** The recorder active in this async context, if any (the HTTP client's only cost when none is). */
export const hasActiveCallRecorder = () => storage.getStore() !== undefined;

/** Appends one exchange to the active recorder; does nothing without one. */
export const recordCall = (input: CallInput) => {
  const state = storage.getStore();
  if (!state) return;
  if (state.calls.length >= MAX_RECORDED_CALLS) {
    state.dropped++;
    return;
  }
  state.calls.push({
    method: input.method,
    url: input.url,
    status: input.status,
    durationMs: Math.max(0, Math.round(input.durationMs)),
    startedAt: input.startedAt.toISOString(),
    ...(input.try !== undefined ? { try: input.try } : {}),
    ...(input.requestBody ? { request: boundRecordedBody(input.requestBody, { contentType: input.requestContentType }) } : {}),
    ...(input.responseBody ? { response: boundRecordedBody(input.responseBody, { contentType: input.responseContentType }) } : {}),
    ...(input.error ? { error: input.error.slice(0, 500) } : {}),
  });
};

export type CallRecorder = {
  /** Runs `fn`; every vendor call it makes (at any async depth) is recorded here. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** The calls recorded so far, oldest first. */
  calls(): RecordedCall[];
  /** Calls made beyond MAX_RECORDED_CALLS, counted but not kept. */
  dropped(): number;
};

/**
 * A recorder of vendor HTTP calls for one unit of work (e.g. one attempt to post a record):
 * `recorder.run(() => post(...))`, then `recorder.calls()` into the audit event. Recorders nest: the
 * innermost active one gets the calls.
 */
export const createCallRecorder = (): CallRecorder => {
  const state: RecorderState = { calls: [], dropped: 0 };
  return {
    run: (fn) => storage.run(state, fn),
    calls: () => [...state.calls],
    dropped: () => state.dropped,
  };
};
