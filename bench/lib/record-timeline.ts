import { z } from "zod";
import type { Db } from "../../lib/db";

/*
 * Where a backfill's records spent their wall time, from their own audit trail: each posted record's
 * attempt event (its duration, from the claim's end to the settle's start, and the vendor calls it
 * recorded with their start and duration). Per object type: the attempt's time in vendor calls by
 * kind and between them, and the records and calls in flight on average over the run (the sum of
 * their durations over the run's seconds). `npm run bench -- ... ` prints it with BENCH_TIMELINE=1.
 */

const rowSchema = z.object({
  objectType: z.string(),
  createdAt: z.date(),
  ingestedAt: z.date(),
  detail: z.object({
    durationMs: z.number(),
    calls: z.array(z.object({ method: z.string(), url: z.string(), startedAt: z.string(), durationMs: z.number() })).optional(),
  }),
});

/** A call's kind from its method and path: create / release / status / look-up / auth / other. */
const kindOf = (method: string, url: string) => {
  const path = url.replace(/^https?:\/\/[^/]+/, "");
  if (/token/.test(path)) return "auth";
  if (method === "POST" && /Release/i.test(path)) return "release";
  if (method === "PUT") return /\/Customer/.test(path) ? "create-customer" : "create";
  if (method === "GET" && /\$select=Type%2CReferenceNbr%2CStatus|\$select=Type,ReferenceNbr,Status/.test(path)) return "status";
  if (method === "GET" && /\/Customer/.test(path)) return "look-up-customer";
  if (method === "GET") return "read";
  return `${method} other`;
};

const avg = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r1 = (n: number) => Number(n.toFixed(1));

/**
 * Acumatica calls in flight over the run, from every posted record's recorded calls (a call's duration
 * starts once it holds its concurrency slot and ends with its answer): the share of the time from the
 * first call to the last answer with n calls in flight (n = 0 .. `cap`, the last bucket "cap or more"),
 * and their time-weighted mean. With the connection's cap, it says whether the run kept every slot busy.
 */
export const callsInFlightShares = (calls: { at: number; ms: number }[], cap: number) => {
  const edges = calls.flatMap((c) => [{ at: c.at, d: 1 }, { at: c.at + c.ms, d: -1 }]).sort((a, b) => a.at - b.at || a.d - b.d);
  const msAt = new Array<number>(cap + 1).fill(0);
  let n = 0;
  let weighted = 0;
  for (let i = 0; i < edges.length; i++) {
    n += edges[i]!.d;
    const next = edges[i + 1];
    if (!next) break;
    const ms = next.at - edges[i]!.at;
    msAt[Math.min(cap, n)]! += ms;
    weighted += n * ms;
  }
  const total = msAt.reduce((a, b) => a + b, 0);
  const t0 = edges[0]?.at ?? 0;
  const perSecond: number[] = [];
  for (const c of calls) {
    // a call's time in each whole second of the run it overlaps
    for (let at = c.at; at < c.at + c.ms; ) {
      const sec = Math.floor((at - t0) / 1000);
      const end = Math.min(c.at + c.ms, t0 + (sec + 1) * 1000);
      perSecond[sec] = (perSecond[sec] ?? 0) + (end - at) / 1000;
      at = end;
    }
  }
  return {
    startedAt: new Date(t0).toISOString(),
    /** mean calls in flight in each second from the first call */
    perSecond: Array.from(perSecond, (v) => r1(v ?? 0)),
    spanS: r1(total / 1000),
    meanInFlight: r1(total === 0 ? 0 : weighted / total),
    shareAtCap: Number((total === 0 ? 0 : msAt[cap]! / total).toFixed(3)),
    /** share of the span with 0, 1, ..., cap (or more) calls in flight, in % */
    sharePct: msAt.map((ms) => r1(total === 0 ? 0 : (100 * ms) / total)),
  };
};

export const recordTimeline = async ({ db, flowId, seconds, cap = 16 }: { db: Db; flowId: string; seconds: number; cap?: number }) => {
  const rows = z.array(rowSchema).parse(
    await db.$queryRaw`
      SELECT r."objectType", e."createdAt", r."createdAt" AS "ingestedAt", e.detail
      FROM "RecordEvent" e JOIN "SyncRecord" r ON r.id = e."recordId"
      WHERE r."flowId" = ${flowId}::uuid AND r.status = 'posted' AND e.kind = 'attempt'`,
  );
  const byType = new Map<string, typeof rows>();
  for (const row of rows) byType.set(row.objectType, [...(byType.get(row.objectType) ?? []), row]);
  const summary = [];
  const acumaticaCalls: { at: number; ms: number }[] = [];
  for (const [objectType, list] of byType) {
    const attemptMs = list.map((r) => r.detail.durationMs);
    const callMsByKind = new Map<string, number>();
    const callsByKind = new Map<string, number>();
    const gaps: Record<string, number[]> = { "claim->first call": [], "create->release": [], "release->end": [], "last call->end": [] };
    const queueMs: number[] = [];
    let callMsAll = 0;
    for (const r of list) {
      const end = r.createdAt.getTime();
      const start = end - r.detail.durationMs;
      queueMs.push(start - r.ingestedAt.getTime());
      const calls = (r.detail.calls ?? []).map((c) => ({ kind: kindOf(c.method, c.url), at: Date.parse(c.startedAt), ms: c.durationMs })).sort((a, b) => a.at - b.at);
      for (const c of r.detail.calls ?? []) if (c.url.includes("/entity/")) acumaticaCalls.push({ at: Date.parse(c.startedAt), ms: c.durationMs });
      for (const c of calls) {
        callMsByKind.set(c.kind, (callMsByKind.get(c.kind) ?? 0) + c.ms);
        callsByKind.set(c.kind, (callsByKind.get(c.kind) ?? 0) + 1);
        callMsAll += c.ms;
      }
      if (calls[0]) gaps["claim->first call"]!.push(calls[0].at - start);
      const create = calls.find((c) => c.kind === "create");
      const release = calls.find((c) => c.kind === "release");
      if (create && release) gaps["create->release"]!.push(release.at - (create.at + create.ms));
      if (release) gaps["release->end"]!.push(end - (release.at + release.ms));
      const lastCall = calls.at(-1);
      if (lastCall) gaps["last call->end"]!.push(end - (lastCall.at + lastCall.ms));
    }
    const n = list.length;
    summary.push({
      objectType,
      records: n,
      attemptMsAvg: r1(avg(attemptMs)),
      attemptMsP50: r1(pct(attemptMs, 50)),
      attemptMsP90: r1(pct(attemptMs, 90)),
      queueMsP50: r1(pct(queueMs, 50)),
      callMsPerRecord: Object.fromEntries([...callMsByKind].map(([k, ms]) => [k, r1(ms / n)])),
      callsPerRecord: Object.fromEntries([...callsByKind].map(([k, c]) => [k, Number((c / n).toFixed(2))])),
      gapsMsAvg: Object.fromEntries(Object.entries(gaps).map(([k, xs]) => [k, r1(avg(xs))])),
      recordsInAttemptAvg: r1(attemptMs.reduce((a, b) => a + b, 0) / 1000 / seconds),
      callsInFlightAvg: r1(callMsAll / 1000 / seconds),
    });
  }
  return { byType: summary, acumaticaCallsInFlight: callsInFlightShares(acumaticaCalls, cap) };
};

/**
 * Samples how many of the connection's concurrency slots are held (leased in "VendorCallSlot" as part of
 * a process's share, in a call or idle) every `everyMs` until `stop`, which returns their distribution
 * like callsInFlightShares. The processes hold their shares between calls, so this shows how much of the
 * cap they hold, not how much they use: the calls in flight say that.
 */
export const sampleSlotsHeld = ({ db, key, cap = 16, everyMs = 20 }: { db: Db; key: string; cap?: number; everyMs?: number }) => {
  const held: number[] = [];
  const ats: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const [row] = z
        .array(z.object({ held: z.coerce.number() }))
        .parse(await db.$queryRaw`SELECT count(*) AS held FROM "VendorCallSlot" WHERE "key" = ${key} AND "holder" IS NOT NULL AND "expiresAt" > clock_timestamp()`);
      held.push(row?.held ?? 0);
      ats.push(Date.now());
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      // from the first sample with a slot held to the last one
      const first = held.findIndex((n) => n > 0);
      const last = held.findLastIndex((n) => n > 0);
      const span = first === -1 ? [] : held.slice(first, last + 1);
      const at = new Array<number>(cap + 1).fill(0);
      for (const n of span) at[Math.min(cap, n)]! += 1;
      const t0 = ats[first] ?? 0;
      const sums: number[] = [];
      const counts: number[] = [];
      for (let i = Math.max(0, first); i <= last; i++) {
        const sec = Math.floor((ats[i]! - t0) / 1000);
        sums[sec] = (sums[sec] ?? 0) + held[i]!;
        counts[sec] = (counts[sec] ?? 0) + 1;
      }
      return {
        startedAt: new Date(t0).toISOString(),
        /** mean slots held in each second from the first sample with one held */
        perSecond: Array.from(sums, (v, i) => r1((v ?? 0) / Math.max(1, counts[i] ?? 0))),
        samples: span.length,
        meanHeld: r1(avg(span)),
        shareAtCap: Number((span.length === 0 ? 0 : at[cap]! / span.length).toFixed(3)),
        sharePct: at.map((c) => r1(span.length === 0 ? 0 : (100 * c) / span.length)),
      };
    },
  };
};
