import { z } from "zod";
import { Prisma, type Db } from "../db";
import { dbRows, prepared } from "../db/pool";
import { runSqlTransaction } from "../db/run-sql-transaction";
import type { SourceDocument, TargetLookUpHit } from "../connectors/ports";
import { getFlowKind } from "../flows/registry";
import type { FlowRuntime } from "../flows/types";
import { connectFlow } from "./connect-flow";
import { enqueueJob } from "./enqueue-job";
import { documentKey, ingestDocuments, type IngestOutcome } from "./ingest-document";
import { pollFlowJob } from "./job-specs";
import { batchLookUpEntity, polledObjectTypes } from "./flow-objects";

// Persisted JSON: SyncCursor.state. Changing it needs a data migration (or a reset of running polls).
const pollStateSchema = z.object({
  runId: z.uuid(),
  /** the run reads changes at or after this instant (ISO) */
  since: z.string(),
  /** the vendor's cursor of the next page, null for the first page */
  pageCursor: z.string().nullable(),
  /** largest version seen so far in this run (ISO), the next high-water mark */
  maxVersion: z.string().nullable(),
  trigger: z.enum(["schedule", "manual"]),
  /** documents the previous page read at `since`: the next page lists them again (it starts at that version) */
  tieIds: z.array(z.string()).default([]),
  /**
   * A document stamped before this instant was read, by an earlier run, after every change that can
   * carry its stamp: an equal stamp re-listed is then the same document. From this instant on, an
   * equal stamp is read again and compared (vendors stamp to the second). Null: compare all.
   */
  settledBefore: z.string().nullable().default(null),
});
type PollState = z.infer<typeof pollStateSchema>;

export type PollResult =
  | { status: "done" | "continued"; pages: number; created: number; updated: number; unchanged: number }
  /** an object type listed before this one is mid-run: this poll was queued again to start after it */
  | { status: "waiting"; for: string }
  | { status: "not_found" | "disabled" };

/** How long a poll waits before it looks again whether the object types before it finished listing. */
const DEPENDENCY_WAIT_MS = 2_000;

/** Documents fetched at once per page when the listing does not carry them. */
const FETCH_CONCURRENCY = 4;

/**
 * A page's transaction runs only statements (the vendor calls come before it), a fixed number whatever
 * the page's size, on the driver pool (runSqlTransaction). On a client without one it is a Prisma
 * transaction, whose default 5 s a loaded machine exceeded ("expired transaction": the poll was
 * retried with backoff and the listing stalled): its bound is then the job's, not Prisma's default.
 */
const PAGE_TX_OPTIONS = { timeout: 120_000, maxWait: 60_000 } as const;

/** The versions the ledger holds of a page's documents. */
const KNOWN_VERSIONS = prepared(
  "mlc_poll_known_versions",
  `SELECT "sourceId", "sourceVersion" FROM "SyncRecord" WHERE "flowId" = $1::uuid AND "objectType" = $2::text AND "sourceId" = ANY($3::text[])`,
);
const knownRowSchema = z.object({ sourceId: z.string(), sourceVersion: z.string().nullable() });

const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

/**
 * What the target holds of a first-pass page's documents, asked for all at once (TargetPort.lookUpMany):
 * its answer by `documentKey` (empty: it holds none), and when the look-up was sent (`performance.now()`).
 * Only documents new to the ledger with a natural key are asked for; a key the target left unanswered,
 * or answered with a document, keeps its record's look-up.
 */
const askTarget = async ({ rt, entity, documents }: { rt: FlowRuntime; entity: string; documents: SourceDocument[] }) => {
  const lookUpMany = rt.target.lookUpMany;
  const keyed = documents.filter((d): d is SourceDocument & { naturalKey: string } => d.naturalKey !== null && d.naturalKey !== "");
  const askedAt = performance.now();
  const answers = new Map<string, TargetLookUpHit[]>();
  if (!lookUpMany || keyed.length === 0) return { answers, askedAt };
  const found = await lookUpMany({ entity, naturalKeys: [...new Set(keyed.map((d) => d.naturalKey))] });
  for (const d of keyed) {
    const hits = found.get(d.naturalKey);
    if (hits) answers.set(documentKey(d), hits);
  }
  return { answers, askedAt };
};

/**
 * Reads one object type's changes from the source, page by page, into the ledger.
 *
 * Nothing missed: each run starts at the high-water mark minus an overlap window (clock skew,
 * late commits at the source), pages are keyed by version (each page starts at the previous page's
 * largest version), and the high-water mark moves only when a run has read its last page; a change
 * within the second of a stamp already read is read again until no later change can carry that stamp
 * (`settledBefore`). Nothing doubled: each (sourceId, version, payload) is ingested once; only unseen
 * ones are ingested, and fetched in full only when the listing does not carry the document already. Each page's
 * records (ingested together, in a fixed number of statements), their jobs and the cursor state commit in ONE transaction,
 * so a crash resumes at the last committed page. After `pagesPerJob` pages the job re-enqueues
 * itself (in the last page's transaction) rather than holding a large poll in one job.
 */
export const pollFlow = async ({
  db,
  flowId,
  objectType,
  trigger = "schedule",
  runtime,
  now = () => new Date(),
}: {
  db: Db;
  flowId: string;
  objectType: string;
  trigger?: "schedule" | "manual";
  /** overrides the flow's vendor adapters (tooling); default: its definition's connect() */
  runtime?: FlowRuntime;
  now?: () => Date;
}): Promise<PollResult> => {
  const flow = await db.flow.findUnique({ where: { id: flowId } });
  if (!flow) return { status: "not_found" };
  if (!flow.enabled) return { status: "disabled" };
  const definition = getFlowKind(flow.kind);
  const options = definition.pollOptions(definition.settings.schema.parse(flow.settings ?? {}));
  const objectTypes = polledObjectTypes(definition);

  // Object types are listed in the definition's dependency order. A poll job lists pagesPerJob pages and
  // queues its continuation behind the flow's other polls, so in a large backfill payments were listed
  // while their invoices were not yet: each was held and fetched its invoice from the source on its own
  // (34,409 of the first ~97,000 records of a 100,000-invoice backfill). So while a type before this
  // one has a poll job alive (queued, running or to be retried: a run mid-way always has one, its
  // continuation), this poll waits for it. A poll queued but not started yet counts too: in a first
  // backfill the invoice poll waits for the accounts' and has no cursor yet, and a payment poll that
  // looked just then listed every payment before its invoice (each held, then released). A job whose
  // run finished after it was locked is done listing (it is only returning), and the run's last page
  // woke the polls waiting on it (below).
  const before = objectTypes.slice(0, Math.max(0, objectTypes.indexOf(objectType)));
  const after = objectTypes.includes(objectType) ? objectTypes.slice(objectTypes.indexOf(objectType) + 1) : [];
  if (before.length > 0) {
    const [busy] = await db.$queryRaw<{ objectType: string }[]>`
      SELECT b."objectType" FROM unnest(${before}::text[]) WITH ORDINALITY AS b("objectType", ord)
      WHERE EXISTS (SELECT 1 FROM graphile_worker.jobs j
                    WHERE j.key = 'poll:' || ${flowId}::text || ':' || b."objectType" AND (j.attempts < j.max_attempts OR j.locked_at IS NOT NULL)
                      AND NOT (j.locked_at IS NOT NULL AND EXISTS (
                        SELECT 1 FROM "FlowRun" r WHERE r."flowId" = ${flowId}::uuid AND r."objectType" = b."objectType"
                          AND r.status = 'succeeded' AND r."finishedAt" >= j.locked_at)))
      ORDER BY b.ord LIMIT 1`;
    if (busy) {
      await enqueueJob(db, pollFlowJob, { flowId, objectType, trigger }, {
        jobKey: `poll:${flowId}:${objectType}`,
        queueName: `poll:${flowId}`,
        runAt: new Date(now().getTime() + DEPENDENCY_WAIT_MS),
      });
      return { status: "waiting", for: busy.objectType };
    }
  }
  const rt = runtime ?? (await connectFlow({ db, flow, definition }));

  const cursor = await db.syncCursor.upsert({
    where: { flowId_objectType: { flowId, objectType } },
    create: { flowId, objectType },
    update: {},
  });
  let state: PollState;
  const resumed = pollStateSchema.safeParse(cursor.state);
  if (resumed.success) {
    state = resumed.data;
  } else {
    // First run ever: from backfillFrom, else from the flow's creation (history is never posted unasked).
    const start = cursor.highWater ? new Date(cursor.highWater.getTime() - options.overlapSeconds * 1000) : (flow.backfillFrom ?? flow.createdAt);
    // The previous run listed everything up to its start. A change stamped V happened before the
    // vendor's clock passed V + 1 s, so that listing saw the last change carrying V once its start was
    // past V + 1 s plus the clock skew the overlap window allows for.
    const previous = await db.flowRun.findFirst({ where: { flowId, objectType, status: "succeeded" }, orderBy: { startedAt: "desc" }, select: { startedAt: true } });
    const settledBefore = previous ? new Date(previous.startedAt.getTime() - options.overlapSeconds * 1000 - 1000).toISOString() : null;
    const run = await db.flowRun.create({ data: { flowId, objectType, trigger, since: start } });
    state = { runId: run.id, since: start.toISOString(), pageCursor: null, maxVersion: cursor.highWater?.toISOString() ?? null, trigger, tieIds: [], settledBefore };
    await db.syncCursor.update({ where: { flowId_objectType: { flowId, objectType } }, data: { state: state as Prisma.InputJsonValue } });
  }

  const totals = { pages: 0, created: 0, updated: 0, unchanged: 0 };
  try {
    for (let page = 1; page <= options.pagesPerJob; page++) {
      const listed = await rt.source.listChanged({ objectType, since: new Date(state.since), cursor: state.pageCursor, pageSize: options.pageSize });
      const ids = listed.items.map((i) => i.sourceId);
      const known = new Map((await dbRows(db, KNOWN_VERSIONS, [flowId, objectType, ids], knownRowSchema)).map((r) => [r.sourceId, r.sourceVersion]));
      // An equal stamp is read again unless this run's previous page just read it or it is settled.
      const ties = new Set(state.tieIds);
      const unseen = listed.items.filter((item) => {
        const stored = known.get(item.sourceId);
        if (stored == null || stored < item.sourceVersion) return true;
        if (stored > item.sourceVersion) return false;
        return !ties.has(item.sourceId) && (state.settledBefore === null || item.sourceVersion >= state.settledBefore);
      });
      const skipped = listed.items.length - unseen.length;
      // Documents the listing did not carry are fetched a few at a time (the vendor's shared limits apply below, in lib/http).
      const documents: SourceDocument[] = [];
      for (let i = 0; i < unseen.length; i += FETCH_CONCURRENCY) {
        const fetched = await Promise.all(
          unseen.slice(i, i + FETCH_CONCURRENCY).map((item) => item.document ?? rt.source.fetchDocument({ objectType, sourceId: item.sourceId })),
        );
        for (const document of fetched) if (document) documents.push(document);
      }

      // The flow's first pass over this type: the target may already hold these documents (entered
      // before the flow existed). One batched look-up for the page's new documents; those absent are
      // created without a look-up of their own (no one but the flow creates them from now on).
      const lookUpEntity = cursor.highWater === null ? batchLookUpEntity(definition, objectType) : undefined;
      const targetLookUp = lookUpEntity ? await askTarget({ rt, entity: lookUpEntity, documents: documents.filter((d) => !known.has(d.sourceId)) }) : undefined;

      const isLast = listed.nextCursor === null;
      const maxVersion = later(state.maxVersion, listed.maxVersion);
      // Keyset by version: the next page starts again at this page's largest version (its ties are
      // re-listed and skipped as seen), so rows that shift while we page can never fall between two
      // pages, whatever the vendor's cursor is. Only a full page of one single version (a tie run
      // longer than a page) follows the vendor's cursor.
      const advances = listed.maxVersion !== null && listed.maxVersion > state.since;
      const next: PollState = advances
        ? { ...state, since: listed.maxVersion!, pageCursor: null, maxVersion, tieIds: listed.items.filter((i) => i.sourceVersion === listed.maxVersion).map((i) => i.sourceId) }
        : { ...state, pageCursor: listed.nextCursor, maxVersion };
      const counts = await runSqlTransaction(
        db,
        async (tx) => {
          const outcomes: Record<IngestOutcome, number> = { new: 0, reprocess: 0, "source-updated": 0, unchanged: skipped };
          for (const { outcome } of await ingestDocuments({ tx, flow, documents, origin: "poll", definition, targetLookUp, batched: true })) outcomes[outcome] += 1;
          // the cursor (next page's state, or the new high-water mark after the last page) and the run's counts, in one statement
          const highWater = next.maxVersion ? new Date(next.maxVersion) : cursor.highWater;
          await tx.$executeRaw`
            WITH c AS (
              UPDATE "SyncCursor" SET "highWater" = CASE WHEN ${isLast}::boolean THEN ${highWater}::timestamptz ELSE "highWater" END,
                state = CASE WHEN ${isLast}::boolean THEN NULL ELSE ${JSON.stringify(next)}::jsonb END, "updatedAt" = now()
              WHERE "flowId" = ${flowId}::uuid AND "objectType" = ${objectType}::text
            )
            UPDATE "FlowRun" SET pages = pages + 1, listed = listed + ${listed.items.length}::int, created = created + ${outcomes.new}::int,
              updated = updated + ${outcomes.reprocess + outcomes["source-updated"]}::int, unchanged = unchanged + ${outcomes.unchanged}::int,
              status = CASE WHEN ${isLast}::boolean THEN 'succeeded' ELSE status END,
              "finishedAt" = CASE WHEN ${isLast}::boolean THEN now() ELSE "finishedAt" END,
              error = CASE WHEN ${isLast}::boolean THEN NULL ELSE error END
            WHERE id = ${state.runId}::uuid`;
          if (isLast && after.length > 0) {
            // the polls of later types waiting on this one run now, not at their next look (graphile-worker's reschedule_jobs)
            await tx.$queryRaw`
              SELECT count(*) FROM graphile_worker.reschedule_jobs(
                ARRAY(SELECT j.id FROM graphile_worker.jobs j
                      WHERE j.key = ANY(${after.map((type) => `poll:${flowId}:${type}`)}::text[]) AND j.locked_at IS NULL AND j.run_at > now()),
                run_at => now())`;
          }
          if (!isLast && page === options.pagesPerJob) {
            await enqueueJob(tx, pollFlowJob, { flowId, objectType, trigger: state.trigger }, { jobKey: `poll:${flowId}:${objectType}`, queueName: `poll:${flowId}` });
          }
          return outcomes;
        },
        PAGE_TX_OPTIONS,
      );
      totals.pages += 1;
      totals.created += counts.new;
      totals.updated += counts.reprocess + counts["source-updated"];
      totals.unchanged += counts.unchanged;
      state = next;
      if (isLast) return { status: "done", ...totals };
    }
    return { status: "continued", ...totals };
  } catch (err) {
    await db.flowRun.update({ where: { id: state.runId }, data: { error: err instanceof Error ? err.message.slice(0, 2000) : String(err) } });
    throw err;
  }
};
