/**
 * One request/response exchange as kept in the audit trail and logs. Never holds headers, bodies,
 * tokens or passwords: the path's query is redacted (see url.ts).
 */
export type ExchangeSummary = {
  method: string;
  /** path and redacted query, e.g. `/zuora/v1/invoices/INV00000001` */
  path: string;
  /** HTTP status, null when no response arrived */
  status: number | null;
  durationMs: number;
  /** 1 for the first try of a call */
  attempt: number;
  /** wait the vendor asked for (Retry-After / ratelimit-reset), in ms */
  retryAfterMs?: number;
  /** vendor request id header, e.g. Zuora-Request-Id */
  requestId?: string;
  /** short reason when the attempt failed: "ECONNRESET", "timeout", "429" ... */
  error?: string;
};

/** Formats a summary the way the style guide logs vendor calls: `[zuora] GET /v1/accounts -> 429`. */
export const formatSummary = (vendor: string, s: ExchangeSummary) =>
  `[${vendor}] ${s.method} ${s.path} -> ${s.status ?? s.error ?? "no response"} (${s.durationMs} ms, attempt ${s.attempt})`;
