import { z } from "zod";
import { hasActiveCallRecorder, recordCall } from "./call-recorder";
import { VendorHttpError, type VendorErrorCode } from "./errors";
import { forbiddenHostReason, type ResolveHost } from "./outbound-host";
import { acquireSlot, pauseKey, QueueFullError, takeRateToken, type SharedLimits } from "./limits";
import { backoffDelay, DEFAULT_RETRY_POLICY, parseResetHeader, parseRetryAfter, sleep, type RetryPolicy } from "./retry";
import { AttemptTimeout, sendRequest, USER_AGENT, type ResponseHeaders, type VendorAnswer } from "./send-request";
import type { ExchangeSummary } from "./summary";
import { DEFAULT_REDACTED_QUERY_PARAMS, joinUrl, redactBody, redactUrl, redactUrlParts, type Query } from "./url";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Where a vendor states how long to wait and how much budget is left (static facts from config.ts). */
export type RateLimitHeaders = {
  /** headers read, in order, for the wait after a 429/503: default ["retry-after"] */
  retryAfter?: readonly string[];
  /** a "requests left in this window" header, e.g. Zuora's `ratelimit-remaining` */
  remaining?: string;
  /** seconds until that window resets, e.g. Zuora's `ratelimit-reset` */
  reset?: string;
};

export type VendorHttpClientOptions = {
  /** vendor id, used in errors and summaries */
  vendor: string;
  /** base URL, which may carry a path (`http://127.0.0.1:4010/zuora`) */
  baseUrl: string;
  /** limits shared by every process through Postgres; omit for one-off calls (token endpoints) */
  limits?: SharedLimits;
  /** per-attempt timeout including reading the body; default 30 s */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  rateLimitHeaders?: RateLimitHeaders;
  /** response headers that carry the vendor's request id, first match wins */
  requestIdHeaders?: readonly string[];
  /** query parameter names (substrings) redacted in summaries and errors */
  redactedQueryParams?: readonly string[];
  /** keep a redacted body snippet in summaries of failed attempts; default false */
  logResponseBodies?: boolean;
  /** called after every attempt (for logs and the audit trail) */
  onExchange?: (summary: ExchangeSummary) => void;
  /** sent with every request, e.g. a pinned API minor version */
  defaultHeaders?: Record<string, string>;
  /**
   * Allow link-local and cloud metadata hosts (169.254.0.0/16, fe80::/10, fd00:ec2::254,
   * metadata.google.internal), refused by default (see outbound-host.ts). Loopback is always allowed.
   */
  allowLinkLocal?: boolean;
  /** DNS resolution for that check (tests) */
  resolveHost?: ResolveHost;
};

/** A request body: JSON (any value) or an urlencoded form. */
export type RequestBody = { json: unknown } | { form: Record<string, string> };

export type RequestOptions<S extends z.ZodType> = {
  method: HttpMethod;
  /** path relative to the base URL, without query */
  path: string;
  /**
   * A full URL to call instead of base URL + path, e.g. a `Location` the vendor returned. It must
   * have the base URL's origin, so a vendor answer cannot send our token elsewhere.
   */
  absoluteUrl?: string;
  /**
   * The query string's parameters. A function is called once, when the first attempt has its turn
   * under the connection's limits (a rate send time and a concurrency slot), just before it is sent:
   * a batched read then carries what was asked for while it waited for its turn.
   */
  query?: Query | (() => Query);
  body?: RequestBody;
  headers?: Record<string, string>;
  /** the answer's shape; a mismatch is a non-retryable "schema" error naming the field */
  outputSchema: S;
  /**
   * True when resending after a lost answer cannot create a second effect. GET/PUT/DELETE are
   * idempotent; POST/PATCH only with an Idempotency-Key header (detected) or when the caller says so.
   * 429s are always retried (the vendor refused the request before doing anything).
   */
  idempotent?: boolean;
  /** attach auth headers (default true) */
  auth?: boolean;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** statuses that are answers, not errors (e.g. 404 for a look-up); parsed with outputSchema */
  acceptStatuses?: readonly number[];
};

export type VendorResponse<T> = {
  status: number;
  headers: ResponseHeaders;
  data: T;
  /** one entry per attempt */
  summaries: ExchangeSummary[];
};

/** What a vendor's error body says, as extracted by `describeError`. */
export type VendorErrorDescription = {
  message: string;
  /** overrides the status-based classification */
  retryable?: boolean;
  details?: unknown;
};

type AttemptFailure = {
  code: VendorErrorCode;
  status: number | null;
  message: string;
  bodySnippet: string;
  retryable: boolean;
  retryAfterMs?: number;
  requestId?: string;
  details?: unknown;
  cause?: unknown;
  /** the request surely never reached the vendor (refused, DNS), so any method may be resent */
  notSent?: boolean;
};

/** The bodies of one exchange, kept only for an active call recorder (which redacts and bounds them). */
type CallExchange = { requestBody?: string; requestContentType?: string; responseBody?: string; responseContentType?: string };

type AttemptOutcome<T> =
  | { kind: "ok"; value: VendorResponse<T>; exchange: CallExchange }
  | { kind: "fail"; failure: AttemptFailure; unauthorized?: boolean; exchange: CallExchange };

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Errors where the request surely never reached the vendor, so any method may be resent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

const errorCodeOf = (err: unknown): string | undefined => {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = "code" in current ? current.code : undefined;
    if (typeof code === "string" && code) return code;
    current = "cause" in current ? current.cause : undefined;
  }
  return undefined;
};

const isTimeout = (err: unknown) => err instanceof Error && (err.name === "TimeoutError" || errorCodeOf(err) === "UND_ERR_HEADERS_TIMEOUT");
const isAbort = (err: unknown) => err instanceof Error && err.name === "AbortError";

/** "invoiceItems.0.chargeAmount: Invalid input: expected number, received string" (first 3 issues). */
const describeSchemaIssues = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");

/**
 * Base class of every vendor client (style guide §4): one place for URL joining, auth headers,
 * timeouts, retries with full-jitter backoff and Retry-After, shared rate and concurrency limits,
 * one token refresh on 401, response parsing with zod, and secret-free summaries and errors.
 * Subclasses supply `authHeaders()`, optionally `onUnauthorized()` and `describeError()`.
 */
export abstract class VendorHttpClient {
  readonly vendor: string;
  readonly baseUrl: string;
  protected readonly options: VendorHttpClientOptions;

  constructor(options: VendorHttpClientOptions) {
    this.options = options;
    this.vendor = options.vendor;
    this.baseUrl = options.baseUrl;
  }

  /** Headers that authenticate a request (e.g. `Authorization: Bearer …`). */
  protected abstract authHeaders(): Promise<Record<string, string>>;

  /** The base URL of the next request: `baseUrl`, unless the vendor decides it later (e.g. from its token answer). */
  protected async resolveBaseUrl(): Promise<string> {
    return this.baseUrl;
  }

  /**
   * Called once per call on a 401 with the headers that were refused. Return true after
   * invalidating that token so the request is sent once more with fresh headers.
   */
  protected async onUnauthorized(_refused: Record<string, string>): Promise<boolean> {
    return false;
  }

  /**
   * Reads the vendor's error body. Called for error statuses and for 2xx bodies (return a
   * description only when a 2xx body reports a failure, like Zuora's `success: false`).
   */
  protected describeError(_input: { status: number; body: unknown; text: string }): VendorErrorDescription | undefined {
    return undefined;
  }

  /** Sends a request and returns the parsed body. */
  async request<S extends z.ZodType>(opts: RequestOptions<S>): Promise<z.output<S>> {
    return (await this.send(opts)).data;
  }

  /** Sends a request and returns status, headers, the parsed body and per-attempt summaries. */
  async send<S extends z.ZodType>(opts: RequestOptions<S>): Promise<VendorResponse<z.output<S>>> {
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...this.options.retry, ...opts.retry };
    const baseUrl = opts.auth === false ? this.baseUrl : await this.resolveBaseUrl();
    const urlWith = (query: Query | undefined) => (opts.absoluteUrl ? this.checkedAbsoluteUrl(opts.absoluteUrl, query, baseUrl) : joinUrl(baseUrl, opts.path, query));
    let lateQuery = typeof opts.query === "function" ? opts.query : undefined;
    let url = urlWith(typeof opts.query === "function" ? undefined : opts.query);
    const redacted = this.options.redactedQueryParams ?? DEFAULT_REDACTED_QUERY_PARAMS;
    let { url: safeUrl, path: safePath } = redactUrlParts(url, redacted);
    if (!this.options.allowLinkLocal) {
      const refused = await forbiddenHostReason(url, { resolve: this.options.resolveHost });
      if (refused) {
        throw new VendorHttpError({
          vendor: this.vendor,
          method: opts.method,
          url: safeUrl,
          status: null,
          bodySnippet: "",
          retryable: false,
          code: "http",
          message: `[${this.vendor}] ${opts.method} ${safePath}: ${refused}`,
          reason: refused,
        });
      }
    }
    const headersIn = opts.headers ?? {};
    const hasIdempotencyKey = Object.keys(headersIn).some((h) => h.toLowerCase() === "idempotency-key");
    const idempotent = opts.idempotent ?? (opts.method === "GET" || opts.method === "PUT" || opts.method === "DELETE" || hasIdempotencyKey);
    const summaries: ExchangeSummary[] = [];
    const useAuth = opts.auth ?? true;
    let refreshed = false;
    let waitedMs = 0;

    const fail = (f: AttemptFailure): never => {
      throw new VendorHttpError({
        vendor: this.vendor,
        method: opts.method,
        url: safeUrl,
        status: f.status,
        bodySnippet: f.bodySnippet,
        retryable: f.retryable,
        code: f.code,
        message: `[${this.vendor}] ${opts.method} ${safePath}: ${f.message}`,
        reason: f.message,
        retryAfterMs: f.retryAfterMs,
        requestId: f.requestId,
        summaries,
        details: f.details,
        cause: f.cause,
      });
    };

    for (let attempt = 1; ; attempt++) {
      // The slot first, then the send time: a send time taken first and then held through a long wait
      // for a slot is spent late, and several of them freed with the slots at once go out together.
      // Taken by a caller that holds a slot, send times are reserved just before they are used, so the
      // sends keep the rate's spacing, and at most as many are reserved ahead as calls can run at once.
      let lease: { release: () => Promise<void> } = { release: async () => {} };
      if (this.options.limits?.maxConcurrent) {
        try {
          lease = await acquireSlot(this.options.limits, opts.signal);
        } catch (err) {
          if (err instanceof QueueFullError) {
            fail({ code: "rate-limited", status: null, message: err.message, bodySnippet: "", retryable: true, retryAfterMs: 1000 });
          }
          throw err;
        }
      }
      if (this.options.limits) {
        try {
          await takeRateToken(this.options.limits, opts.signal);
        } catch (err) {
          await lease.release();
          if (err instanceof QueueFullError) {
            fail({ code: "rate-limited", status: null, message: err.message, bodySnippet: "", retryable: true, retryAfterMs: err.waitMs });
          }
          throw err;
        }
      }

      // The slot goes back whatever fails before the exchange too (a token endpoint that is down): a
      // slot never released stays in its process's share, held afresh for as long as the process lives.
      let auth: Record<string, string>;
      try {
        auth = useAuth ? await this.authHeaders() : {};
        if (lateQuery) {
          url = urlWith(lateQuery());
          ({ url: safeUrl, path: safePath } = redactUrlParts(url, redacted));
          lateQuery = undefined;
        }
      } catch (err) {
        await lease.release();
        throw err;
      }
      const started = performance.now();
      const startedAt = new Date();
      let outcome: AttemptOutcome<z.output<S>>;
      try {
        outcome = await this.attempt(opts, url, { ...auth });
      } finally {
        await lease.release();
      }
      const durationMs = Math.round(performance.now() - started);
      // An attempt's exchange goes to the caller's call recorder (audit), when one is active.
      if (hasActiveCallRecorder()) {
        recordCall({
          method: opts.method,
          url: safeUrl,
          status: outcome.kind === "ok" ? outcome.value.status : outcome.failure.status,
          durationMs,
          startedAt,
          try: attempt,
          ...outcome.exchange,
          ...(outcome.kind === "fail" && outcome.failure.status === null ? { error: outcome.failure.message } : {}),
        });
      }

      if (outcome.kind === "ok") {
        this.record(summaries, {
          method: opts.method,
          path: safePath,
          status: outcome.value.status,
          durationMs,
          attempt,
          requestId: this.requestIdOf(outcome.value.headers),
        });
        await this.notePauseFromHeaders(outcome.value.headers);
        return { ...outcome.value, summaries };
      }

      const f = outcome.failure;
      this.record(summaries, {
        method: opts.method,
        path: safePath,
        status: f.status,
        durationMs,
        attempt,
        retryAfterMs: f.retryAfterMs,
        requestId: f.requestId,
        error: f.status === null ? f.message : this.options.logResponseBodies ? f.bodySnippet.slice(0, 200) : undefined,
      });

      if (outcome.unauthorized && useAuth && !refreshed) {
        refreshed = true;
        if (await this.onUnauthorized(auth)) {
          attempt--;
          continue;
        }
      }
      if (outcome.unauthorized) fail({ ...f, code: "unauthorized", retryable: false });

      const isRateLimit = f.status === 429;
      const mayResend = f.retryable && (idempotent || isRateLimit || f.notSent === true);
      if (!mayResend || attempt >= policy.maxAttempts) fail(f);

      let waitMs: number;
      if (f.retryAfterMs !== undefined) {
        if (this.options.limits) await pauseKey(this.options.limits, f.retryAfterMs);
        if (f.retryAfterMs > policy.maxRetryAfterMs) {
          fail({ ...f, code: isRateLimit ? "rate-limited" : f.code, message: `${f.message} (the vendor asks to wait ${Math.ceil(f.retryAfterMs / 1000)} s)` });
        }
        waitMs = f.retryAfterMs + Math.floor(Math.random() * Math.min(1000, f.retryAfterMs / 10 + 50));
      } else {
        waitMs = backoffDelay(attempt, policy);
      }
      if (waitedMs + waitMs > policy.maxTotalWaitMs) fail({ ...f, message: `${f.message} (retries gave up after ${attempt} attempts)` });
      waitedMs += waitMs;
      await sleep(waitMs, opts.signal);
    }
  }

  private checkedAbsoluteUrl(absolute: string, query: Query | undefined, baseUrl: string): string {
    const target = new URL(absolute);
    if (target.origin !== new URL(baseUrl).origin) {
      throw new VendorHttpError({
        vendor: this.vendor,
        method: "GET",
        url: redactUrl(absolute),
        status: null,
        bodySnippet: "",
        retryable: false,
        code: "http",
        message: `[${this.vendor}] refusing to follow ${target.origin}: not the connection's host`,
      });
    }
    return joinUrl(`${target.origin}${target.pathname}${target.search}`, "", query);
  }

  private record(summaries: ExchangeSummary[], summary: ExchangeSummary) {
    const clean = Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined));
    const parsed: ExchangeSummary = { ...summary, ...clean };
    summaries.push(parsed);
    this.options.onExchange?.(parsed);
  }

  private requestIdOf(headers: ResponseHeaders): string | undefined {
    for (const name of this.options.requestIdHeaders ?? ["request-id", "x-request-id"]) {
      const v = headers.get(name);
      if (v) return v.slice(0, 100);
    }
    return undefined;
  }

  private retryAfterOf(headers: ResponseHeaders): number | undefined {
    const names = this.options.rateLimitHeaders?.retryAfter ?? ["retry-after"];
    for (const name of names) {
      const v = headers.get(name);
      const ms = name.toLowerCase() === "retry-after" ? parseRetryAfter(v) : parseResetHeader(v);
      if (ms !== undefined) return ms;
    }
    const reset = this.options.rateLimitHeaders?.reset;
    return reset ? parseResetHeader(headers.get(reset)) : undefined;
  }

  /** A successful answer saying the window is used up pauses every process until it resets. */
  private async notePauseFromHeaders(headers: ResponseHeaders) {
    const { remaining, reset } = this.options.rateLimitHeaders ?? {};
    if (!remaining || !reset || !this.options.limits) return;
    const left = Number(headers.get(remaining));
    if (headers.get(remaining) === null || !Number.isFinite(left) || left > 0) return;
    const ms = parseResetHeader(headers.get(reset));
    if (ms !== undefined && ms > 0) await pauseKey(this.options.limits, Math.min(ms, 15 * 60_000));
  }

  private async attempt<S extends z.ZodType>(opts: RequestOptions<S>, url: string, auth: Record<string, string>): Promise<AttemptOutcome<z.output<S>>> {
    const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? 30_000;
    const headers: Record<string, string> = { "user-agent": USER_AGENT, accept: "application/json", ...this.options.defaultHeaders, ...opts.headers, ...auth };
    let body: string | undefined;
    if (opts.body && "json" in opts.body) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.body.json);
    } else if (opts.body && "form" in opts.body) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(opts.body.form).toString();
    }

    const sent = body === undefined ? {} : { requestBody: body, requestContentType: headers["content-type"] };
    let response: VendorAnswer;
    try {
      response = await sendRequest({ url, method: opts.method, headers, body, timeoutMs, signal: opts.signal });
    } catch (err) {
      // the caller's abort ends the call; the attempt's own timeout (AttemptTimeout) is a retryable failure
      if (!(err instanceof AttemptTimeout) && (opts.signal?.aborted || isAbort(err))) throw err;
      if (isTimeout(err)) {
        return {
          kind: "fail",
          exchange: sent,
          failure: { code: "timeout", status: null, message: `no complete answer within ${timeoutMs} ms`, bodySnippet: "", retryable: true, cause: err },
        };
      }
      const code = errorCodeOf(err) ?? "network error";
      const notSent = NOT_SENT_CODES.has(code);
      const causeText = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) || undefined : undefined;
      return {
        kind: "fail",
        exchange: sent,
        failure: {
          code: "network",
          notSent,
          status: null,
          message: causeText && !causeText.includes(code) ? `${code}: ${causeText}` : (causeText ?? code),
          bodySnippet: "",
          retryable: NETWORK_CODES.has(code) || code === "network error",
          cause: err,
        },
      };
    }
    const text = response.text;

    const requestId = this.requestIdOf(response.headers);
    const exchange: CallExchange = { ...sent, responseBody: text, responseContentType: response.headers.get("content-type") ?? undefined };
    let parsedBody: unknown = undefined;
    let isJson = false;
    if (text.length > 0) {
      try {
        parsedBody = JSON.parse(text);
        isJson = true;
      } catch {
        parsedBody = text;
      }
    }
    // the redacted excerpt is for errors only: made when the answer is one
    const snippet = () => redactBody(text);
    const status = response.status;
    const accepted = opts.acceptStatuses?.includes(status) ?? false;

    if ((status < 200 || status >= 300) && !accepted) {
      const described = this.describeError({ status, body: parsedBody, text });
      const retryAfterMs = status === 429 || status === 503 ? this.retryAfterOf(response.headers) : undefined;
      const retryable = described?.retryable ?? (status === 408 || status === 429 || status >= 500);
      const statusText = response.statusText ? ` ${response.statusText}` : "";
      return {
        kind: "fail",
        exchange,
        unauthorized: status === 401,
        failure: {
          code: status === 429 ? "rate-limited" : "http",
          status,
          message: described?.message ? `${status}: ${described.message}` : `${status}${statusText}`,
          bodySnippet: snippet(),
          retryable,
          retryAfterMs,
          requestId,
          details: described?.details,
        },
      };
    }

    if (!accepted) {
      const described = this.describeError({ status, body: parsedBody, text });
      if (described) {
        return {
          kind: "fail",
          exchange,
          failure: {
            code: "vendor",
            status,
            message: described.message,
            bodySnippet: snippet(),
            retryable: described.retryable ?? false,
            retryAfterMs: described.retryable ? this.retryAfterOf(response.headers) : undefined,
            requestId,
            details: described.details,
          },
        };
      }
    }

    const result = opts.outputSchema.safeParse(isJson || text.length === 0 ? parsedBody : text);
    if (!result.success) {
      return {
        kind: "fail",
        exchange,
        failure: {
          code: "schema",
          status,
          message: `the answer (${status}) does not have the expected shape: ${describeSchemaIssues(result.error)}`,
          bodySnippet: snippet(),
          retryable: false,
          requestId,
          details: { issues: result.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String), message: i.message })) },
        },
      };
    }
    return { kind: "ok", exchange, value: { status, headers: response.headers, data: result.data, summaries: [] } };
  }
}

/** A client for unauthenticated calls, such as token endpoints. */
export class PlainHttpClient extends VendorHttpClient {
  protected async authHeaders() {
    return {};
  }
}
