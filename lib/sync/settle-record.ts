import { recordEventSchema, type RecordEventInput } from "../audit/events";
import type { SourceDocument } from "../connectors/ports";
import { Prisma } from "../db";
import type { ValueMapWrite } from "../flows/types";
import { dependencyLocksSql, type DependencyKey } from "./lock-flow-dependencies";

type Writer = Pick<Prisma.TransactionClient, "$queryRaw">;

/** What an attempt leaves on its record; fields left out keep their value. */
export type Settlement = {
  status: "pending" | "posted" | "held" | "skipped" | "failed";
  statusReason?: string | null;
  lastError?: string | null;
  missing?: unknown;
  mappedPayload?: unknown;
  target?: { targetId: string; targetRef: string | null };
  /** set postedAt to now (a first post) */
  posted?: boolean;
  /** the source document as fetched again by this attempt (replay) */
  fresh?: SourceDocument;
  /** see claimRecord: whether a later attempt must look the target up before creating */
  lookUpFirst: boolean;
  /** the record's audit events of this attempt, in order */
  events: RecordEventInput[];
  /** value maps the planner learned (written if absent) */
  valueMaps?: readonly ValueMapWrite[];
  /** dependency keys to lock in this statement, after the record's own row (see lockFlowDependencies) */
  locks?: { keys: readonly DependencyKey[]; mode: "hold" | "release" };
  /** also remove the record's queued `process-record` job (a caller that is not that job) */
  removeQueuedJob?: boolean;
};

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * Commits one attempt's outcome in ONE statement, and only if the attempt's claim (`owner`) still
 * holds the pending record: the record's new state with its claim released, all its audit events in
 * one INSERT, the planner's value maps, the dependency locks the caller's protocol needs and, for a
 * direct post, the removal of the queued job. Answers false when the claim was lost (another attempt
 * took the record over after it expired): then nothing was written.
 */
export const settleRecord = async (tx: Writer, { recordId, flowId, owner, settlement: s }: { recordId: string; flowId: string; owner: string; settlement: Settlement }): Promise<boolean> => {
  const events = s.events.map((e) => recordEventSchema.parse(e));
  const sets: Prisma.Sql[] = [
    Prisma.sql`status = ${s.status}::"RecordStatus"`,
    Prisma.sql`"leaseOwner" = NULL, "leaseUntil" = NULL, "lookUpFirst" = ${s.lookUpFirst}, "updatedAt" = now()`,
  ];
  if (s.statusReason !== undefined) sets.push(Prisma.sql`"statusReason" = ${s.statusReason}`);
  if (s.lastError !== undefined) sets.push(Prisma.sql`"lastError" = ${s.lastError}`);
  if (s.missing !== undefined) sets.push(Prisma.sql`missing = ${json(s.missing)}::jsonb`);
  if (s.mappedPayload !== undefined) sets.push(Prisma.sql`"mappedPayload" = ${json(s.mappedPayload)}::jsonb`);
  if (s.target) sets.push(Prisma.sql`"targetId" = ${s.target.targetId}, "targetRef" = ${s.target.targetRef}`);
  if (s.posted) sets.push(Prisma.sql`"postedAt" = now()`);
  if (s.fresh) {
    const f = s.fresh;
    sets.push(Prisma.sql`"sourcePayload" = ${json(f.payload)}::jsonb, "sourceVersion" = ${f.sourceVersion}, "naturalKey" = ${f.naturalKey},
      amount = ${f.amount}::numeric, currency = ${f.currency}, "documentDate" = ${f.documentDate}::date`);
  }
  const maps = s.valueMaps ?? [];
  const keys = s.locks?.keys ?? [];
  const [row] = await tx.$queryRaw<{ settled: number }[]>`
    WITH u AS (
      UPDATE "SyncRecord" SET ${Prisma.join(sets, ", ")}
      WHERE id = ${recordId}::uuid AND "leaseOwner" = ${owner} AND status = 'pending'
      RETURNING id
    ), ev AS (
      INSERT INTO "RecordEvent" ("recordId", kind, detail)
      SELECT u.id, e.v->>'kind', e.v->'detail' FROM u, jsonb_array_elements(${json(events)}::jsonb) WITH ORDINALITY e(v, ord)
      ORDER BY e.ord
    ), vm AS (
      INSERT INTO "ValueMap" ("flowId", kind, "sourceKey", "sourceLabel", "targetValue", "targetLabel")
      SELECT ${flowId}::uuid, m.kind, m."sourceKey", m."sourceLabel", m."targetValue", m."targetLabel"
      FROM u, jsonb_to_recordset(${json(maps)}::jsonb) AS m(kind text, "sourceKey" text, "sourceLabel" text, "targetValue" text, "targetLabel" text)
      ON CONFLICT ("flowId", kind, "sourceKey") DO NOTHING
    ), lk AS (
      ${keys.length > 0 ? dependencyLocksSql({ flowId, keys, mode: s.locks!.mode, when: Prisma.sql`EXISTS (SELECT 1 FROM u)` }) : Prisma.sql`SELECT 1 WHERE false`}
    ), rj AS (
      SELECT graphile_worker.remove_job(${`record:${recordId}`}::text) FROM u WHERE ${s.removeQueuedJob === true}
    )
    SELECT (SELECT count(*) FROM u)::int AS settled, (SELECT count(*) FROM lk)::int AS locks, (SELECT count(*) FROM rj)::int AS removed`;
  return (row?.settled ?? 0) > 0;
};
