import { setTimeout as delay } from "node:timers/promises";

/**
 * How a call retries. Retries are spent on 429, 5xx, network errors and timeouts; the wait before
 * attempt n+1 is the vendor's own (Retry-After or the rate-limit reset header) when it gives one,
 * otherwise exponential backoff with full jitter: a random wait in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))].
 * Full jitter spreads the retries of many workers instead of synchronising them.
 */
export type RetryPolicy = {
  /** attempts per call including the first; default 5 */
  maxAttempts: number;
  /** default 500 ms */
  baseDelayMs: number;
  /** cap of one computed backoff wait; default 30 s */
  maxDelayMs: number;
  /**
   * Longest single wait a vendor may ask for (Retry-After, ratelimit-reset) that the call still
   * waits out; a longer ask ends the call with a retryable error carrying `retryAfterMs`, so the
   * job is rescheduled instead of holding a worker. Default 60 s.
   */
  maxRetryAfterMs: number;
  /** total time a call may spend waiting between attempts; default 120 s */
  maxTotalWaitMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  maxTotalWaitMs: 120_000,
};

/** Full-jitter exponential backoff for the wait after failed attempt `attempt` (1-based). */
export const backoffDelay = (attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">, random = Math.random) => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
};

/**
 * Parses a Retry-After value: delta-seconds ("120", "1.5") or an HTTP date. Returns milliseconds
 * from `now` (never negative), or undefined when the value is absent or unreadable.
 */
export const parseRetryAfter = (value: string | null | undefined, now = Date.now()): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
};

/**
 * Reads a rate-limit reset header, which vendors send either as seconds until reset (Zuora's
 * `ratelimit-reset: 600`) or, in some APIs, as an epoch timestamp; values larger than a year of
 * seconds are taken as epoch seconds.
 */
export const parseResetHeader = (value: string | null | undefined, now = Date.now()): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const n = Number(value.trim());
  if (!Number.isFinite(n) || n < 0) return parseRetryAfter(value, now);
  if (n > 365 * 24 * 3600) return Math.max(0, n * 1000 - now);
  return Math.round(n * 1000);
};

/** Waits `ms`, rejecting early when `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  ms <= 0 ? Promise.resolve() : delay(ms, undefined, signal ? { signal } : undefined);
