import { recordEventSchema, type RecordEventInput } from "../audit/events";
import type { SourceDocument } from "../connectors/ports";
import { Prisma } from "../db";
import type { ValueMapWrite } from "../flows/types";
import type { ClaimedSource } from "./claim-record";
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
  /**
   * The source version the attempt planned from, and the status to leave instead of `status` when a
   * newer version was ingested meanwhile (the ingest queued the record again: e.g. "pending" so that
   * version is planned too). A fetched `fresh` document is then not stored over the newer one.
   */
  source?: ClaimedSource & { statusIfChanged: Settlement["status"] };
  /** see claimRecord: whether a later attempt must look the target up before creating */
  lookUpFirst: boolean;
  /** the record's audit events of this attempt, in order */
  events: RecordEventInput[];
  /** value maps the planner learned (written if absent) */
  valueMaps?: readonly ValueMapWrite[];
  /** dependency keys to lock in this statement, after the record's own row (see lockFlowDependencies) */
  locks?: { keys: readonly DependencyKey[]; mode: "hold" | "release" };
  /** also remove the record's queued `process-record` job (a caller that is not that job), unless the record stays pending */
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
  const unchanged = s.source
    ? Prisma.sql`("sourceVersion" IS NOT DISTINCT FROM ${s.source.version} AND md5(COALESCE("sourcePayload", 'null'::jsonb)::text) = ${s.source.digest})`
    : Prisma.sql`true`;
  const sets: Prisma.Sql[] = [
    Prisma.sql`status = (CASE WHEN ${unchanged} THEN ${s.status} ELSE ${s.source?.statusIfChanged ?? s.status} END)::"RecordStatus"`,
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
    // every right-hand side reads the row as it was before this UPDATE
    const fresh = (column: string, value: Prisma.Sql) => Prisma.sql`${Prisma.raw(`"${column}"`)} = CASE WHEN ${unchanged} THEN ${value} ELSE ${Prisma.raw(`"${column}"`)} END`;
    sets.push(
      fresh("sourcePayload", Prisma.sql`${json(f.payload)}::jsonb`),
      fresh("sourceVersion", Prisma.sql`${f.sourceVersion}`),
      fresh("naturalKey", Prisma.sql`${f.naturalKey}`),
      fresh("amount", Prisma.sql`${f.amount}::numeric`),
      fresh("currency", Prisma.sql`${f.currency}`),
      fresh("documentDate", Prisma.sql`${f.documentDate}::date`),
    );
  }
  const maps = s.valueMaps ?? [];
  const keys = s.locks?.keys ?? [];
  const [row] = await tx.$queryRaw<{ settled: number }[]>`
    WITH u AS (
      UPDATE "SyncRecord" SET ${Prisma.join(sets, ", ")}
      WHERE id = ${recordId}::uuid AND "leaseOwner" = ${owner} AND status = 'pending'
      RETURNING id, status
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
      SELECT graphile_worker.remove_job(${`record:${recordId}`}::text) FROM u WHERE ${s.removeQueuedJob === true} AND u.status <> 'pending'
    )
    SELECT (SELECT count(*) FROM u)::int AS settled, (SELECT count(*) FROM lk)::int AS locks, (SELECT count(*) FROM rj)::int AS removed`;
  return (row?.settled ?? 0) > 0;
};
