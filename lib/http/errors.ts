import type { ExchangeSummary } from "./summary";

/**
 * What went wrong with a vendor call, for the job's retry decision and the audit trail:
 * - `http`: the vendor answered with an error status (see `status`);
 * - `vendor`: a 2xx answer that reports a failure in its body (Zuora `success: false`), or field errors;
 * - `network`: no answer (DNS, refused, reset, dropped connection);
 * - `timeout`: no complete answer within the call's timeout;
 * - `unauthorized`: 401 again after one token refresh, or the token endpoint refused the credentials;
 * - `rate-limited`: the vendor (or our shared limiter) asks for a wait longer than this call may spend;
 * - `schema`: the answer did not have the shape we rely on (non-retryable; names the field).
 */
export type VendorErrorCode = "http" | "vendor" | "network" | "timeout" | "unauthorized" | "rate-limited" | "schema";

export type VendorHttpErrorInit = {
  vendor: string;
  method: string;
  /** full URL with query secrets redacted */
  url: string;
  /** HTTP status, null when no response arrived */
  status: number | null;
  /** redacted, truncated response body (or error text) */
  bodySnippet: string;
  /** true when the same request may succeed later (429, 5xx, network, timeout, vendor "retry" categories) */
  retryable: boolean;
  code: VendorErrorCode;
  /** human-readable message: `[vendor] METHOD /path: reason` */
  message: string;
  /** the reason alone, without vendor, method and path (for messages shown to admins) */
  reason?: string;
  /** milliseconds the vendor asked us to wait before trying again, when it said */
  retryAfterMs?: number;
  requestId?: string;
  /** one entry per attempt of this call */
  summaries?: ExchangeSummary[];
  /** vendor-specific details (e.g. Acumatica field errors), already secret-free */
  details?: unknown;
  cause?: unknown;
};

/** The single error type of lib/http and the connectors; carries no secrets. */
export class VendorHttpError extends Error {
  override name = "VendorHttpError";
  readonly vendor: string;
  readonly method: string;
  readonly url: string;
  readonly status: number | null;
  readonly bodySnippet: string;
  readonly retryable: boolean;
  readonly code: VendorErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly summaries: ExchangeSummary[];
  readonly details: unknown;
  readonly reason: string;

  constructor(init: VendorHttpErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.vendor = init.vendor;
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.bodySnippet = init.bodySnippet;
    this.retryable = init.retryable;
    this.code = init.code;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.summaries = init.summaries ?? [];
    this.details = init.details;
    this.reason = init.reason ?? init.message;
  }

  /** A plain, secret-free object for audit rows and JSON logs. */
  toJSON() {
    return {
      name: this.name,
      message: this.message,
      reason: this.reason,
      vendor: this.vendor,
      method: this.method,
      url: this.url,
      status: this.status,
      code: this.code,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      bodySnippet: this.bodySnippet,
      details: this.details,
    };
  }
}

export const isVendorHttpError = (err: unknown): err is VendorHttpError => err instanceof VendorHttpError;
