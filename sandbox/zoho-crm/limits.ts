import type { Edition } from "./metadata";

/*
 * API credits per rolling 24 hours and concurrent calls, per edition (vendor-apis.md §3.7, from Zoho's
 * api-limits page and the Kaizen #203 post). Credits are kept in one-minute buckets so the rolling window
 * costs O(1) per call. Most calls cost 1 credit; insert/update/upsert cost 1 per 10 records.
 */

export type EditionLimits = { base: number; perUser: number; max: number | null; concurrency: number };

export const EDITION_LIMITS: Record<Edition, EditionLimits> = {
  free: { base: 5_000, perUser: 0, max: 5_000, concurrency: 5 },
  standard: { base: 50_000, perUser: 250, max: 100_000, concurrency: 10 },
  professional: { base: 50_000, perUser: 500, max: 3_000_000, concurrency: 15 },
  enterprise: { base: 50_000, perUser: 1_000, max: 5_000_000, concurrency: 20 },
  ultimate: { base: 50_000, perUser: 2_000, max: null, concurrency: 25 },
};

/** Sub-concurrency of heavy APIs (COQL, writes of more than 10 records), "typically 10" (Kaizen #203). */
export const SUB_CONCURRENCY = 10;

export const creditsPerDay = (edition: Edition, users: number) => {
  const l = EDITION_LIMITS[edition];
  const total = l.base + l.perUser * users;
  return l.max === null ? total : Math.min(total, l.max);
};

const MINUTE = 60_000;
const DAY = 86_400_000;

export type LimitSettings = { edition: Edition; users: number; creditsPerDay?: number; concurrency?: number; subConcurrency?: number };

export const createApiLimits = (options: { now: () => number; settings: () => LimitSettings }) => {
  const { now, settings } = options;
  let buckets: { minute: number; credits: number }[] = [];
  let used = 0;
  let inFlight = 0;
  let heavyInFlight = 0;

  const expire = () => {
    const oldest = Math.floor((now() - DAY) / MINUTE);
    while (buckets.length > 0 && (buckets[0] as { minute: number }).minute <= oldest) used -= (buckets.shift() as { credits: number }).credits;
  };
  const limit = () => settings().creditsPerDay ?? creditsPerDay(settings().edition, settings().users);

  return {
    limit,
    used: () => {
      expire();
      return used;
    },
    /** Takes `credits` if the rolling day has them; false when it does not (nothing taken). */
    charge: (credits: number): { allowed: boolean; remaining: number } => {
      expire();
      if (used + credits > limit()) return { allowed: false, remaining: Math.max(0, limit() - used) };
      const minute = Math.floor(now() / MINUTE);
      const last = buckets[buckets.length - 1];
      if (last && last.minute === minute) last.credits += credits;
      else buckets.push({ minute, credits });
      used += credits;
      return { allowed: true, remaining: limit() - used };
    },
    /** A slot for one call; undefined when the edition's concurrency is used up. */
    acquire: (): (() => void) | undefined => {
      const s = settings();
      if (inFlight >= (s.concurrency ?? EDITION_LIMITS[s.edition].concurrency)) return undefined;
      inFlight += 1;
      return once(() => {
        inFlight -= 1;
      });
    },
    /** A slot of the heavy APIs' sub-concurrency (COQL, writes of more than 10 records). */
    acquireHeavy: (): (() => void) | undefined => {
      if (heavyInFlight >= (settings().subConcurrency ?? SUB_CONCURRENCY)) return undefined;
      heavyInFlight += 1;
      return once(() => {
        heavyInFlight -= 1;
      });
    },
    inFlight: () => inFlight,
    reset: () => {
      buckets = [];
      used = 0;
    },
  };
};

const once = (fn: () => void) => {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
};

export type ApiLimits = ReturnType<typeof createApiLimits>;
