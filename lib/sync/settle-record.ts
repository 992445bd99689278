import { z } from "zod";
import { recordEventSchema, type RecordEventInput } from "../audit/events";
import type { SourceDocument } from "../connectors/ports";
import type { Db, Prisma } from "../db";
import { poolOf, prepared, queryRows } from "../db/pool";
import type { ValueMapWrite } from "../flows/types";
import type { ClaimedSource } from "./claim-record";
import type { DependencyKey } from "./lock-flow-dependencies";
import { processRecordJob } from "./job-specs";
import { releaseHeldRecords } from "./release-held-records";

type Writer = Pick<Prisma.TransactionClient, "$queryRawUnsafe">;

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
  /**
   * If the record stays pending, queue its own `process-record` job (key `record:<id>`, replace mode)
   * for the next attempt, in this statement: a batch entry's retry (see processRecordBatch). The job
   * continues the record's attempt count: `attemptsBefore` made, `maxAttempts` in all, after `delaySeconds`.
   */
  retry?: { attemptsBefore: number; maxAttempts: number; delaySeconds: number };
};

const json = (value: unknown) => JSON.stringify(value ?? null);

/**
 * The settle as ONE fixed statement (prepared once per connection): every optional part of a
 * Settlement is a parameter pair (whether to set it, the value), so the text never changes.
 * Right-hand sides read the row as it was before the UPDATE; UNCHANGED is true unless a newer source
 * version was ingested since the claim (the Settlement's `source`). Lock mode 'hold' takes the keys SHARE,
 * 'release' EXCLUSIVE, until the transaction ends (see lockFlowDependencies).
 */
const UNCHANGED = `(NOT $5::boolean OR ("sourceVersion" IS NOT DISTINCT FROM $6::text AND md5(COALESCE("sourcePayload", 'null'::jsonb)::text) = $7::text))`;

const SETTLE = prepared(
  "mlc_settle_record",
  `WITH u AS (
    UPDATE "SyncRecord" SET
      status = (CASE WHEN ${UNCHANGED} THEN $3::text ELSE COALESCE($4::text, $3::text) END)::"RecordStatus",
      "leaseOwner" = NULL, "leaseUntil" = NULL, "lookUpFirst" = $8::boolean, "updatedAt" = now(),
      "statusReason" = CASE WHEN $9::boolean THEN $10::text ELSE "statusReason" END,
      "lastError" = CASE WHEN $11::boolean THEN $12::text ELSE "lastError" END,
      missing = CASE WHEN $13::boolean THEN $14::jsonb ELSE missing END,
      "mappedPayload" = CASE WHEN $15::boolean THEN $16::jsonb ELSE "mappedPayload" END,
      "targetId" = CASE WHEN $17::boolean THEN $18::text ELSE "targetId" END,
      "targetRef" = CASE WHEN $17::boolean THEN $19::text ELSE "targetRef" END,
      "postedAt" = CASE WHEN $20::boolean THEN now() ELSE "postedAt" END,
      "sourcePayload" = CASE WHEN $21::boolean AND ${UNCHANGED} THEN $22::jsonb ELSE "sourcePayload" END,
      "sourceSeenDigest" = CASE WHEN $21::boolean AND ${UNCHANGED} THEN md5($22::jsonb::text) ELSE "sourceSeenDigest" END,
      "sourceVersion" = CASE WHEN $21::boolean AND ${UNCHANGED} THEN $23::text ELSE "sourceVersion" END,
      "naturalKey" = CASE WHEN $21::boolean AND ${UNCHANGED} THEN $24::text ELSE "naturalKey" END,
      amount = CASE WHEN $21::boolean AND ${UNCHANGED} THEN $25::text::numeric ELSE amount END,
      currency = CASE WHEN $21::boolean AND ${UNCHANGED} THEN $26::text ELSE currency END,
      "documentDate" = CASE WHEN $21::boolean AND ${UNCHANGED} THEN $27::text::date ELSE "documentDate" END
    WHERE id = $1::uuid AND "leaseOwner" = $2::text AND status = 'pending'
    RETURNING id, status
  ), ev AS (
    INSERT INTO "RecordEvent" ("recordId", kind, detail)
    SELECT u.id, e.v->>'kind', e.v->'detail' FROM u, jsonb_array_elements($28::jsonb) WITH ORDINALITY e(v, ord)
    ORDER BY e.ord
  ), vm AS (
    INSERT INTO "ValueMap" ("flowId", kind, "sourceKey", "sourceLabel", "targetValue", "targetLabel")
    SELECT $29::uuid, m.kind, m."sourceKey", m."sourceLabel", m."targetValue", m."targetLabel"
    FROM u, jsonb_to_recordset($30::jsonb) AS m(kind text, "sourceKey" text, "sourceLabel" text, "targetValue" text, "targetLabel" text)
    ON CONFLICT ("flowId", kind, "sourceKey") DO NOTHING
  ), lk AS (
    SELECT CASE WHEN $32::text = 'hold' THEN pg_advisory_xact_lock_shared(h) ELSE pg_advisory_xact_lock(h) END
    FROM (SELECT DISTINCT hashtextextended('flow-dep:' || n, 0) AS h FROM jsonb_array_elements_text($31::jsonb) n WHERE EXISTS (SELECT 1 FROM u) ORDER BY 1) ordered
  ), rj AS (
    SELECT graphile_worker.remove_job($34::text) FROM u WHERE $33::boolean AND u.status <> 'pending'
  ), rq AS (
    SELECT graphile_worker.add_job('${processRecordJob.name}', $36::json, run_at => now() + make_interval(secs => $37::float8), max_attempts => $38::int, job_key => $34::text)
    FROM u WHERE $35::boolean AND u.status = 'pending'
  )
  SELECT (SELECT count(*) FROM u)::int AS settled, (SELECT count(*) FROM lk)::int AS locks, (SELECT count(*) FROM rj)::int AS removed,
    (SELECT count(*) FROM rq)::int AS requeued,
    CASE WHEN $39::jsonb IS NOT NULL AND EXISTS (SELECT 1 FROM u) THEN mlc_fail_if_held_waiting($29::uuid, $39::jsonb, (SELECT count(*) FROM lk)::int) END AS checked`,
);

/** What mlc_fail_if_held_waiting raises when a held record waits on a key the post makes available. */
const HELD_WAITING = "MLHLD";

const settledRowSchema = z.object({ settled: z.number().int() });

type Settle = { recordId: string; flowId: string; owner: string; settlement: Settlement };

/** One advisory lock name per distinct key, as lockFlowDependencies names them. */
const lockNames = (flowId: string, keys: readonly DependencyKey[]) => [...new Set(keys.map((k) => JSON.stringify([flowId, k.kind, k.sourceKey])))];

/**
 * An event as stored, checked against the audit vocabulary; except an attempt's recorded calls, kept
 * as the call recorder built them (typed, redacted and bounded there): the largest part of a post's
 * events, whose second parse was the largest zod cost of a worker in the backfill profile.
 */
const storedEvent = (e: RecordEventInput): RecordEventInput => {
  if (e.kind !== "attempt" || e.detail.calls === undefined) return recordEventSchema.parse(e);
  const { calls, ...detail } = e.detail;
  const parsed = recordEventSchema.parse({ kind: e.kind, detail });
  return parsed.kind === "attempt" ? { ...parsed, detail: { ...parsed.detail, calls } } : parsed;
};

const settleValues = ({ recordId, flowId, owner, settlement: s }: Settle): unknown[] => {
  const events = s.events.map(storedEvent);
  const f = s.fresh;
  return [
    recordId,
    owner,
    s.status,
    s.source?.statusIfChanged ?? null,
    s.source !== undefined,
    s.source?.version ?? null,
    s.source?.digest ?? null,
    s.lookUpFirst,
    s.statusReason !== undefined,
    s.statusReason ?? null,
    s.lastError !== undefined,
    s.lastError ?? null,
    s.missing !== undefined,
    json(s.missing),
    s.mappedPayload !== undefined,
    json(s.mappedPayload),
    s.target !== undefined,
    s.target?.targetId ?? null,
    s.target?.targetRef ?? null,
    s.posted === true,
    f !== undefined,
    json(f?.payload),
    f?.sourceVersion ?? null,
    f?.naturalKey ?? null,
    f?.amount == null ? null : String(f.amount),
    f?.currency ?? null,
    f?.documentDate ?? null,
    json(events),
    flowId,
    json(s.valueMaps ?? []),
    json(lockNames(flowId, s.locks?.keys ?? [])),
    s.locks?.mode ?? "hold",
    s.removeQueuedJob === true,
    `record:${recordId}`,
    s.retry !== undefined,
    s.retry ? JSON.stringify(processRecordJob.schema.parse({ recordId, attemptsBefore: s.retry.attemptsBefore })) : null,
    s.retry?.delaySeconds ?? 0,
    s.retry ? s.retry.maxAttempts - s.retry.attemptsBefore : null,
    // the keys to look for held records waiting on (see settleRecord); set there, never in a caller's transaction
    null,
  ];
};

/** The settle statement on a Prisma transaction, with its values already built. */
const settleWithValues = async (tx: Writer, values: unknown[]): Promise<boolean> => {
  const rows = await tx.$queryRawUnsafe<unknown[]>(SETTLE.text, ...values);
  const [row] = rows.map((r) => settledRowSchema.parse(r));
  return (row?.settled ?? 0) > 0;
};

/**
 * A post that releases held records: it holds no vendor call, but on a loaded machine a connection or
 * a dependency lock may take a while (Prisma's defaults, 2 s to start and 5 s in all, would fail a post
 * the vendor already made; its retry then only finds the document).
 */
const RELEASE_TX = { maxWait: 30_000, timeout: 60_000 } as const;

/**
 * Commits one attempt's outcome in ONE statement, and only if the attempt's claim (`owner`) still
 * holds the pending record: the record's new state with its claim released, all its audit events in
 * one INSERT, the planner's value maps, the dependency locks the caller's protocol needs and, for a
 * direct post, the removal of the queued job. Answers false when the claim was lost (another attempt
 * took the record over after it expired): then nothing was written.
 *
 * With `locks` in "release" mode (a post that makes keys available) the same statement, after taking
 * its keys EXCLUSIVE, looks for held records waiting on them with a snapshot of its own taken while
 * the locks are held (mlc_fail_if_held_waiting, a VOLATILE function: it sees every hold committed
 * before the locks; a hold committed later sees the post itself). Only when one waits does the
 * statement fail and undo itself, and the post is settled again with releaseHeldRecords in one
 * Prisma transaction (see lockFlowDependencies / releaseHeldRecords): the post and the release commit
 * together, so a crash between them cannot leave a record held on a key that is available.
 */
export const settleRecord = async (db: Db, settle: Settle): Promise<boolean> => {
  const values = settleValues(settle);
  const keys = settle.settlement.locks?.mode === "release" ? settle.settlement.locks.keys : [];
  const checked = [...values.slice(0, -1), keys.length > 0 ? json(keys.map(({ kind, sourceKey }) => ({ kind, sourceKey }))) : null];
  try {
    const [row] = await queryRows(poolOf(db), SETTLE, checked, settledRowSchema);
    return (row?.settled ?? 0) > 0;
  } catch (err) {
    if (!(typeof err === "object" && err !== null && "code" in err && err.code === HELD_WAITING)) throw err;
  }
  return db.$transaction(async (tx) => {
    const done = await settleWithValues(tx, values);
    if (done) await releaseHeldRecords({ db, tx, flowId: settle.flowId, keys: [...keys], actorUserId: null, keysLocked: true });
    return done;
  }, RELEASE_TX);
};

/**
 * The same statement inside a caller's transaction (a hold ingested with its dependencies, a post
 * with the records it releases): its locks last until that transaction ends.
 */
export const settleRecordIn = (tx: Writer, settle: Settle): Promise<boolean> => settleWithValues(tx, settleValues(settle));
