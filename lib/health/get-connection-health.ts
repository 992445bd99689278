import { connectionTestResultSchema } from "../connections/views";
import type { Db } from "../db";

/** A connection that is failing now, as the dashboard and flow banners show it. */
export type FailingConnection = {
  connectionId: string;
  name: string;
  /** "target": posting to it fails (record attempts); "source": reading from it fails (poll runs) */
  role: "target" | "source";
  /** "calls-failing": recent calls failed with retryable errors; "test-failed": its last Test failed */
  reason: "calls-failing" | "test-failed";
  /** the newest error seen (vendor message as recorded), or the failed Test step's message */
  lastError: string | null;
  /** when the newest failure was recorded (ISO) */
  lastFailureAt: string | null;
  /** when it last worked: the last document it accepted (target) or the last finished poll (source) */
  lastSuccessAt: string | null;
  /** records waiting for another attempt after a failed one (capped at RETRYING_CAP + 1) */
  retrying: number;
  /** the soonest scheduled retry (graphile-worker job run_at), ISO */
  nextAttemptAt: string | null;
  /** the flows it serves in this role */
  flows: { id: string; name: string }[];
};

/** At most this many recent failures are read per flow (a partial index serves them newest first). */
const RECENT = 50;
/** Retrying records are counted up to this many (then shown as "1,000+"). */
export const RETRYING_CAP = 1000;

const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * Which connections are failing now, derived from what the engine already records: for a target,
 * the records whose last attempt failed with a retryable error (each such attempt already spent the
 * HTTP layer's own retries, lib/http/retry.ts, so one is no blip) (pending with an error and a job that
 * failed before, or failed after spending their retries) since the last document the target
 * accepted; for a source, a poll run in progress whose last page failed; for either, a last Test
 * that failed after the last success. A Test that passed after the last failure clears the state
 * (the next retry confirms it). Enabled flows only, or the one flow `flowId` (enabled or not).
 */
export const getConnectionHealth = async ({ db, flowId }: { db: Db; flowId?: string }): Promise<FailingConnection[]> => {
  const flows = await db.flow.findMany({
    where: flowId ? { id: flowId } : { enabled: true },
    select: { id: true, name: true, sourceConnectionId: true, targetConnectionId: true, source: { select: { vendor: true } }, target: { select: { vendor: true } } },
    orderBy: { name: "asc" },
  });
  if (flows.length === 0) return [];
  const flowIds = flows.map((f) => f.id);
  const connectionIds = [...new Set(flows.flatMap((f) => [f.sourceConnectionId, f.targetConnectionId]))];

  const [connections, lastPosts, failures, retryingCounts, polls] = await Promise.all([
    db.connection.findMany({ where: { id: { in: connectionIds } }, select: { id: true, name: true, lastTestAt: true, lastTestResult: true } }),
    db.$queryRaw<{ flowId: string; lastPostedAt: Date | null }[]>`
      SELECT f.id AS "flowId", (SELECT r."postedAt" FROM "SyncRecord" r WHERE r."flowId" = f.id AND r."postedAt" IS NOT NULL ORDER BY r."postedAt" DESC LIMIT 1) AS "lastPostedAt"
      FROM "Flow" f WHERE f.id = ANY(${flowIds}::uuid[])`,
    db.$queryRaw<{ flowId: string; status: string; statusReason: string | null; updatedAt: Date; lastError: string | null; runAt: Date | null; jobFailed: boolean | null }[]>`
      SELECT r."flowId", r.status::text AS status, r."statusReason", r."updatedAt", r."lastError", j.run_at AS "runAt", j.last_error IS NOT NULL AS "jobFailed"
      FROM "Flow" f
      CROSS JOIN LATERAL (
        (SELECT r.id, r."flowId", r.status, r."statusReason", r."updatedAt", r."lastError" FROM "SyncRecord" r
         WHERE r."flowId" = f.id AND r.status = 'pending' AND r."lastError" IS NOT NULL ORDER BY r."updatedAt" DESC LIMIT ${RECENT})
        UNION ALL
        (SELECT r.id, r."flowId", r.status, r."statusReason", r."updatedAt", r."lastError" FROM "SyncRecord" r
         WHERE r."flowId" = f.id AND r.status = 'failed' AND r."statusReason" = 'retries-exhausted' ORDER BY r."updatedAt" DESC LIMIT ${RECENT})) r
      LEFT JOIN graphile_worker.jobs j ON j.key = 'record:' || r.id::text
      WHERE f.id = ANY(${flowIds}::uuid[])`,
    db.$queryRaw<{ flowId: string; n: bigint }[]>`
      SELECT f.id AS "flowId", (SELECT count(*) FROM (SELECT 1 FROM "SyncRecord" r WHERE r."flowId" = f.id AND r.status = 'pending' AND r."lastError" IS NOT NULL LIMIT ${RETRYING_CAP + 1}) x) AS n
      FROM "Flow" f WHERE f.id = ANY(${flowIds}::uuid[])`,
    // Per flow and object type, the latest poll run, and the last one that finished; the poll job's next try.
    db.$queryRaw<{ flowId: string; status: string; error: string | null; startedAt: Date; lastFinishedAt: Date | null; runAt: Date | null; failedAt: Date | null }[]>`
      SELECT DISTINCT ON (fr."flowId", fr."objectType") fr."flowId", fr.status, fr.error, fr."startedAt",
        (SELECT max(d."finishedAt") FROM "FlowRun" d WHERE d."flowId" = fr."flowId" AND d."objectType" = fr."objectType" AND d.status = 'succeeded') AS "lastFinishedAt",
        j.run_at AS "runAt", j.updated_at AS "failedAt"
      FROM "FlowRun" fr LEFT JOIN graphile_worker.jobs j ON j.key = 'poll:' || fr."flowId"::text || ':' || fr."objectType"
      WHERE fr."flowId" = ANY(${flowIds}::uuid[])
      ORDER BY fr."flowId", fr."objectType", fr."startedAt" DESC`,
  ]);

  // A poll also signs in to the target (to read what it needs to plan), so a poll error is the target's
  // when the HTTP layer tagged it with the target's vendor id ("[vendor] METHOD path: …", lib/http).
  const flowById = new Map(flows.map((f) => [f.id, f]));
  const pollErrorRole = (run: { flowId: string; error: string | null }): "source" | "target" => {
    const flow = flowById.get(run.flowId);
    const tag = /^\[([a-z0-9-]+)\]/.exec(run.error ?? "")?.[1];
    return flow && tag && tag === flow.target.vendor && tag !== flow.source.vendor ? "target" : "source";
  };
  const noteFailedPolls = (role: "source" | "target", ids: Set<string>, note: (at: Date, error: string | null, runAt: Date | null) => void) => {
    for (const run of polls) {
      if (ids.has(run.flowId) && run.status === "running" && run.error && pollErrorRole(run) === role) note(run.failedAt ?? run.startedAt, run.error, run.runAt);
    }
  };

  const result: FailingConnection[] = [];
  for (const connection of connections) {
    const test = connectionTestResultSchema.safeParse(connection.lastTestResult);
    const lastTest = test.success && connection.lastTestAt ? { at: connection.lastTestAt, ok: test.data.ok, message: test.data.steps.find((s) => !s.ok)?.message ?? null } : null;

    for (const role of ["target", "source"] as const) {
      const served = flows.filter((f) => (role === "target" ? f.targetConnectionId : f.sourceConnectionId) === connection.id);
      if (served.length === 0) continue;
      const ids = new Set(served.map((f) => f.id));
      // (assigned in `note` below: declared with `as` so TypeScript does not narrow them to null)
      let lastSuccess = null as Date | null;
      let lastFailure = null as Date | null;
      let lastError = null as string | null;
      let nextAttemptAt = null as Date | null;
      let retrying = 0;
      const note = (at: Date, error: string | null, runAt: Date | null, isPending = true) => {
        if (lastSuccess && at <= lastSuccess) return;
        if (!lastFailure || at > lastFailure) {
          lastFailure = at;
          lastError = error;
        }
        if (isPending && runAt && (!nextAttemptAt || runAt < nextAttemptAt)) nextAttemptAt = runAt;
      };
      if (role === "target") {
        for (const p of lastPosts) if (ids.has(p.flowId)) lastSuccess = later(lastSuccess, p.lastPostedAt);
        for (const c of retryingCounts) if (ids.has(c.flowId)) retrying += Number(c.n);
        for (const f of failures) {
          // Failed after spending its retries, or pending after a failed attempt. A replayed record is pending
          // with its old error until its job fails again: not new evidence. (A permanent refusal, failed
          // "target-rejected", says the document is wrong, not that the connection is down: not read at all.)
          if (ids.has(f.flowId) && (f.status === "failed" || f.jobFailed === true)) note(f.updatedAt, f.lastError, f.runAt, f.status === "pending");
        }
      } else {
        for (const run of polls) if (ids.has(run.flowId)) lastSuccess = later(lastSuccess, run.lastFinishedAt);
      }
      noteFailedPolls(role, ids, note);
      const isTestNewer = lastTest && (!lastFailure || lastTest.at > lastFailure);
      const base = { connectionId: connection.id, name: connection.name, role, lastSuccessAt: iso(lastSuccess), retrying, nextAttemptAt: iso(nextAttemptAt), flows: served.map(({ id, name }) => ({ id, name })) };
      // A failed Test is reported once per connection: in its target role when it has one.
      const isTestRole = role === "target" || !flows.some((f) => f.targetConnectionId === connection.id);
      if (lastFailure && !(isTestNewer && lastTest.ok)) {
        result.push({ ...base, reason: "calls-failing", lastError, lastFailureAt: iso(lastFailure) });
      } else if (isTestRole && lastTest && !lastTest.ok && (!lastSuccess || lastTest.at > lastSuccess)) {
        result.push({ ...base, reason: "test-failed", lastError: lastTest.message, lastFailureAt: iso(lastTest.at) });
      }
    }
  }
  return result.sort((a, b) => a.name.localeCompare(b.name) || a.role.localeCompare(b.role));
};
