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

export const recordTimeline = async ({ db, flowId, seconds }: { db: Db; flowId: string; seconds: number }) => {
  const rows = z.array(rowSchema).parse(
    await db.$queryRaw`
      SELECT r."objectType", e."createdAt", r."createdAt" AS "ingestedAt", e.detail
      FROM "RecordEvent" e JOIN "SyncRecord" r ON r.id = e."recordId"
      WHERE r."flowId" = ${flowId}::uuid AND r.status = 'posted' AND e.kind = 'attempt'`,
  );
  const byType = new Map<string, typeof rows>();
  for (const row of rows) byType.set(row.objectType, [...(byType.get(row.objectType) ?? []), row]);
  const summary = [];
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
  return summary;
};
