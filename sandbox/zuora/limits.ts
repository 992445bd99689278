/*
 * Zuora's request-rate windows (per minute, hour and day, fixed windows) and concurrency pools.
 * Headers follow the current docs: `ratelimit-limit: <closest>, <m>;w=60, <h>;w=3600, <d>;w=86400`,
 * `ratelimit-remaining`, `ratelimit-reset` (seconds) for the window closest to exhaustion.
 */

export type RateLimits = {
  /** Requests per minute (Zuora production API class: 50,000). */
  perMinute: number;
  perHour: number;
  perDay: number;
};

type Window = { size: number; limit: number; start: number; count: number };

export type RateDecision = { allowed: boolean; headers: Record<string, string>; retryAfterSeconds: number };

export const createRateLimiter = (limits: RateLimits, now: () => number) => {
  let windows: Window[] = [];
  const configure = (l: RateLimits) => {
    windows = [
      { size: 60_000, limit: l.perMinute, start: 0, count: 0 },
      { size: 3_600_000, limit: l.perHour, start: 0, count: 0 },
      { size: 86_400_000, limit: l.perDay, start: 0, count: 0 },
    ];
  };
  configure(limits);

  /** Counts one request (failed requests count too) and says whether it is within every window. */
  const hit = (): RateDecision => {
    const t = now();
    let closest: Window | undefined;
    let allowed = true;
    for (const w of windows) {
      if (t >= w.start + w.size) {
        w.start = t - (t % w.size);
        w.count = 0;
      }
      w.count += 1;
      if (w.count > w.limit) allowed = false;
      if (!closest || w.limit - w.count < closest.limit - closest.count) closest = w;
    }
    const c = closest as Window;
    const reset = Math.max(1, Math.ceil((c.start + c.size - t) / 1000));
    const [m, h, d] = windows as [Window, Window, Window];
    return {
      allowed,
      retryAfterSeconds: reset,
      headers: {
        "ratelimit-limit": `${c.limit}, ${m.limit};w=60, ${h.limit};w=3600, ${d.limit};w=86400`,
        "ratelimit-remaining": String(Math.max(0, c.limit - c.count)),
        "ratelimit-reset": String(reset),
      },
    };
  };

  return { hit, configure, reset: () => configure({ perMinute: windows[0]!.limit, perHour: windows[1]!.limit, perDay: windows[2]!.limit }) };
};

/** Per-key fixed one-minute window (the token endpoint's per-IP limit). */
export const createKeyedMinuteLimiter = (limitPerMinute: number, now: () => number) => {
  let limit = limitPerMinute;
  const windows = new Map<string, { start: number; count: number }>();
  const hit = (key: string) => {
    const t = now();
    const start = t - (t % 60_000);
    let w = windows.get(key);
    if (!w || w.start !== start) {
      if (windows.size > 10_000) windows.clear();
      w = { start, count: 0 };
      windows.set(key, w);
    }
    w.count += 1;
    return {
      allowed: w.count <= limit,
      limit,
      remaining: Math.max(0, limit - w.count),
      retryAfterSeconds: Math.max(1, Math.ceil((start + 60_000 - t) / 1000)),
    };
  };
  return { hit, setLimit: (n: number) => void (limit = n), reset: () => windows.clear() };
};

/** In-flight requests of one concurrency class (Zuora: Default 40, Object Query 80). */
export const createConcurrencyPool = (type: string, limit: number) => {
  let max = limit;
  let inFlight = 0;
  return {
    type,
    /** Takes a slot; false when the pool is full (the caller answers 429). */
    acquire: () => {
      if (inFlight >= max) return false;
      inFlight += 1;
      return true;
    },
    release: () => {
      inFlight = Math.max(0, inFlight - 1);
    },
    headers: () => ({
      "Concurrency-Limit-Type": type,
      "Concurrency-Limit-Limit": String(max),
      "Concurrency-Limit-Remaining": String(Math.max(0, max - inFlight)),
    }),
    setLimit: (n: number) => void (max = n),
    inFlight: () => inFlight,
  };
};
