/**
 * The licence's API limits (License Monitoring Console, SM604000): requests per minute over a sliding 60 s
 * window and concurrent requests in flight. Acumatica queues a little and then declines with 429; the sandbox
 * declines at once, which is stricter and therefore a safe stand-in. Rejected requests do not use up the window.
 */
export type LicenceLimits = {
  /** Accepted `/entity` requests per sliding minute; undefined = unlimited. */
  requestsPerMinute?: number;
  /** `/entity` requests being processed at the same time; undefined = unlimited. */
  concurrentRequests?: number;
  /** Send `Retry-After` (seconds) on a 429. Acumatica documents no such header, so the default is false. */
  sendRetryAfter?: boolean;
};

export type LicenceDecision = { ok: true } | { ok: false; reason: "rate" | "concurrency"; retryAfterSeconds: number };

const WINDOW_MS = 60_000;

export class LicenceLimiter {
  limits: LicenceLimits;
  private inFlight = 0;
  /** Accept times inside the window; `head` is the oldest live entry (a queue without shifting). */
  private stamps: number[] = [];
  private head = 0;

  constructor(limits: LicenceLimits = {}) {
    this.limits = limits;
  }

  get concurrent() {
    return this.inFlight;
  }

  acquire(nowMs: number): LicenceDecision {
    const { requestsPerMinute, concurrentRequests } = this.limits;
    if (concurrentRequests !== undefined && this.inFlight >= concurrentRequests) {
      return { ok: false, reason: "concurrency", retryAfterSeconds: 1 };
    }
    if (requestsPerMinute !== undefined) {
      while (this.head < this.stamps.length && (this.stamps[this.head] ?? 0) <= nowMs - WINDOW_MS) this.head++;
      if (this.head > 1024 && this.head * 2 > this.stamps.length) {
        this.stamps = this.stamps.slice(this.head);
        this.head = 0;
      }
      if (this.stamps.length - this.head >= requestsPerMinute) {
        const oldest = this.stamps[this.head] ?? nowMs;
        return { ok: false, reason: "rate", retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - nowMs) / 1000)) };
      }
      this.stamps.push(nowMs);
    }
    this.inFlight++;
    return { ok: true };
  }

  release() {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** New limits start a fresh window. */
  set(limits: LicenceLimits) {
    this.limits = limits;
    this.stamps = [];
    this.head = 0;
  }
}
