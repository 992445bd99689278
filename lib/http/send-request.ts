import { STATUS_CODES } from "node:http";
import { Agent, request } from "undici";

/** The response headers the client reads: `get` as on WHATWG Headers (case-insensitive, repeated values joined by ", "). */
export type ResponseHeaders = { get(name: string): string | null };

/** One complete answer: status, headers and the whole body as text. */
export type VendorAnswer = { status: number; statusText: string; headers: ResponseHeaders; text: string };

/** No complete answer (headers and body) within the attempt's timeout. */
export class AttemptTimeout extends Error {
  override name = "TimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}

/** Sent with every request unless a vendor client sets its own. */
export const USER_AGENT = "ml-connector";

/*
 * undici's own request API on one keep-alive connection pool per origin (undici's Agent), instead of
 * the global WHATWG fetch: fetch builds a Request, a Response, Headers and web streams for every call,
 * which cost ~17 % of a backfill worker's busy time (issue 17). What fetch did that matters here is
 * kept: no redirect is followed (a 3xx is an answer, like `redirect: "manual"`), the timeout covers
 * the body, and an abort of the caller's signal rejects with its reason. Not kept: fetch's
 * `accept-encoding: gzip, deflate, br` (answers come uncompressed, so nothing is decompressed).
 */
const dispatcher = new Agent();

class AnswerHeaders implements ResponseHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }
}

/**
 * Sends one request and reads the whole answer within `timeoutMs` (else rejects with AttemptTimeout).
 * Rejects with the signal's reason when `signal` aborts, and with the network error (ECONNREFUSED,
 * UND_ERR_SOCKET, …) when no answer comes.
 */
export const sendRequest = async ({
  url,
  method,
  headers,
  body,
  timeoutMs,
  signal,
}: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<VendorAnswer> => {
  signal?.throwIfAborted();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new AttemptTimeout(timeoutMs)), timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const res = await request(url, { method: method as "GET", headers, body, signal: controller.signal, dispatcher });
    const text = await res.body.text();
    return { status: res.statusCode, statusText: res.statusText || STATUS_CODES[res.statusCode] || "", headers: new AnswerHeaders(res.headers), text };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
};
