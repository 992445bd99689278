import type { Db } from "../../lib/db";

/*
 * The timeline of one backfill, read from the ledger after the run: when each record was ingested,
 * held, released, claimed for its posting attempt, when its vendor calls were sent and answered, and
 * when it was posted (the audit trail's own instants: an event's createdAt is its transaction's start,
 * an attempt event carries its duration from the claim and each recorded call's start and duration).
 * What it shows is where a record waited: for the listing, for its dependency, for a free job slot
 * (ready -> claimed), between its calls (the limiter, the release's own wait), for its settle.
 */

type Call = { method: string; url: string; startedAt: string; durationMs: number };
type Row = {
  id: string;
  objectType: string;
  ingestedAt: Date;
  postedAt: Date | null;
  heldAt: Date | null;
  releasedAt: Date | null;
  attemptAt: Date | null;
  attemptMs: number | null;
  calls: Call[] | null;
  attempts: number;
};

const pct = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const summary = (values: number[]) => ({ n: values.length, p50: Math.round(pct(values, 50)), p90: Math.round(pct(values, 90)), max: Math.round(pct(values, 100)) });

/** A call's operation: its method and path with ids and the entity's key replaced. */
const operation = (c: Call) => {
  const url = new URL(c.url);
  const path = url.pathname.replace(/\/entity\/[^/]+\/[^/]+\//, "/").replace(/\/[0-9a-f-]{36}\b/g, "/:id").replace(/\/[A-Z0-9]{6,}\b/g, "/:key");
  return `${c.method} ${path}${url.searchParams.has("$filter") ? "?$filter" : ""}`;
};

export type Timeline = {
  /** per object type, seconds from Sync now: first and last ingested, first and last posted */
  phases: Record<string, { records: number; ingested: [number, number]; posted: [number, number]; held: number }>;
  /** ms, per object type: ready (ingested, or released from a hold) -> the posting attempt's claim */
  readyToClaimMs: Record<string, ReturnType<typeof summary>>;
  /** ms, per object type: claim -> first vendor call; calls' own time; gaps between calls; last answer -> posted */
  attemptMs: Record<string, { claimToFirstCall: ReturnType<typeof summary>; inCalls: ReturnType<typeof summary>; betweenCalls: ReturnType<typeof summary>; lastCallToPosted: ReturnType<typeof summary>; total: ReturnType<typeof summary> }>;
  /** ms per vendor operation */
  callsMs: Record<string, ReturnType<typeof summary>>;
  /** per second from Sync now: ingested, held, released, posted, attempts in flight (sampled at the second) */
  perSecond: { s: number; ingested: number; held: number; released: number; posted: number; inFlight: number }[];
};

export const readTimeline = async ({ db, flowId, started }: { db: Db; flowId: string; started: number }): Promise<Timeline> => {
  const rows = await db.$queryRaw<Row[]>`
    SELECT r.id, r."objectType", r."createdAt" AS "ingestedAt", r."postedAt", r.attempts,
      (SELECT min(e."createdAt") FROM "RecordEvent" e WHERE e."recordId" = r.id AND e.kind = 'held') AS "heldAt",
      (SELECT max(e."createdAt") FROM "RecordEvent" e WHERE e."recordId" = r.id AND e.kind = 'released') AS "releasedAt",
      a."createdAt" AS "attemptAt", (a.detail->>'durationMs')::int AS "attemptMs", a.detail->'calls' AS calls
    FROM "SyncRecord" r
    LEFT JOIN LATERAL (SELECT e."createdAt", e.detail FROM "RecordEvent" e WHERE e."recordId" = r.id AND e.kind = 'attempt' ORDER BY e.id DESC LIMIT 1) a ON true
    WHERE r."flowId" = ${flowId}::uuid`;
  const at = (d: Date | null) => (d ? d.getTime() - started : NaN);
  const types = [...new Set(rows.map((r) => r.objectType))];
  const phases: Timeline["phases"] = {};
  const readyToClaimMs: Timeline["readyToClaimMs"] = {};
  const attemptMs: Timeline["attemptMs"] = {};
  const byOperation = new Map<string, number[]>();
  const intervals: [number, number][] = [];
  for (const type of types) {
    const of = rows.filter((r) => r.objectType === type);
    const ingested = of.map((r) => at(r.ingestedAt));
    const posted = of.map((r) => at(r.postedAt)).filter(Number.isFinite);
    phases[type] = {
      records: of.length,
      ingested: [Math.min(...ingested) / 1000, Math.max(...ingested) / 1000],
      posted: posted.length ? [Math.min(...posted) / 1000, Math.max(...posted) / 1000] : [NaN, NaN],
      held: of.filter((r) => r.heldAt).length,
    };
    const ready: number[] = [];
    const parts = { claimToFirstCall: [] as number[], inCalls: [] as number[], betweenCalls: [] as number[], lastCallToPosted: [] as number[], total: [] as number[] };
    for (const r of of) {
      if (!r.attemptAt || r.attemptMs === null || !r.postedAt) continue;
      const claim = r.attemptAt.getTime() - r.attemptMs;
      intervals.push([claim - started, r.postedAt.getTime() - started]);
      ready.push(claim - (r.releasedAt ?? r.ingestedAt).getTime());
      const calls = (r.calls ?? []).map((c) => ({ ...c, start: Date.parse(c.startedAt) })).sort((a, b) => a.start - b.start);
      if (calls.length === 0) continue;
      parts.claimToFirstCall.push(calls[0]!.start - claim);
      const own = calls.reduce((n, c) => n + c.durationMs, 0);
      const last = calls.reduce((n, c) => Math.max(n, c.start + c.durationMs), 0);
      parts.inCalls.push(own);
      parts.betweenCalls.push(last - calls[0]!.start - own);
      parts.lastCallToPosted.push(r.postedAt.getTime() - last);
      parts.total.push(r.postedAt.getTime() - claim);
      for (const c of calls) {
        const op = `${type}: ${operation(c)}`;
        byOperation.set(op, [...(byOperation.get(op) ?? []), c.durationMs]);
      }
    }
    readyToClaimMs[type] = summary(ready);
    attemptMs[type] = {
      claimToFirstCall: summary(parts.claimToFirstCall),
      inCalls: summary(parts.inCalls),
      betweenCalls: summary(parts.betweenCalls),
      lastCallToPosted: summary(parts.lastCallToPosted),
      total: summary(parts.total),
    };
  }
  const end = Math.max(...rows.map((r) => at(r.postedAt)).filter(Number.isFinite), 0);
  const perSecond: Timeline["perSecond"] = [];
  const inSecond = (t: number, s: number) => t >= s * 1000 && t < (s + 1) * 1000;
  for (let s = 0; s * 1000 <= end; s++) {
    perSecond.push({
      s,
      ingested: rows.filter((r) => inSecond(at(r.ingestedAt), s)).length,
      held: rows.filter((r) => inSecond(at(r.heldAt), s)).length,
      released: rows.filter((r) => inSecond(at(r.releasedAt), s)).length,
      posted: rows.filter((r) => inSecond(at(r.postedAt), s)).length,
      inFlight: intervals.filter(([a, b]) => a <= s * 1000 + 500 && b > s * 1000 + 500).length,
    });
  }
  return { phases, readyToClaimMs, attemptMs, callsMs: Object.fromEntries([...byOperation].map(([op, ms]) => [op, summary(ms)])), perSecond };
};

export const printTimeline = (t: Timeline) => {
  console.log("  phases (s from Sync now):");
  console.table(Object.fromEntries(Object.entries(t.phases).map(([type, p]) => [type, { records: p.records, held: p.held, firstIngested: p.ingested[0], lastIngested: p.ingested[1], firstPosted: p.posted[0], lastPosted: p.posted[1] }])));
  console.log("  ready -> claim (ms):");
  console.table(t.readyToClaimMs);
  for (const [type, parts] of Object.entries(t.attemptMs)) {
    console.log(`  ${type} attempt (ms):`);
    console.table(parts);
  }
  console.log("  vendor calls (ms):");
  console.table(t.callsMs);
  console.log("  per second:");
  console.table(t.perSecond);
};
