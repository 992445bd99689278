import type pg from "pg";
import { z } from "zod";
import type { Db } from "../db";
import { prepared } from "../db/pool";
import type { InboundEvent as CalloutEvent } from "../connectors/types";
import { processCalloutJob } from "./job-specs";

/** One verified callout's events, with the connection row version they were verified against. */
export type VerifiedCallout = { connectionId: string; connectionUpdatedAt: Date; events: CalloutEvent[] };

export type RecordedCallout =
  /** every event is stored (now or by an earlier delivery) and each new one has its job queued */
  | { status: "recorded"; accepted: number; duplicates: number }
  /** the connection changed or went away after the callout was verified: nothing stored, verify again */
  | { status: "stale" }
  /** it cannot be stored as it is (a NUL character): nothing stored */
  | { status: "refused"; reason: string };

/** A callout as the statement takes it: each event's row serialized once (JSON text), without its place and connection. */
type SerializedCallout = { callout: VerifiedCallout; rows: string[] };

type Pending = SerializedCallout & { resolve: (r: RecordedCallout) => void; reject: (e: unknown) => void };

/**
 * Whether a row's JSON text holds U+0000, which JSON.stringify writes as a backslash and "u0000" (the
 * regex tells it from an escaped backslash followed by the text "u0000"; the cheap includes first).
 */
const hasNulCharacter = (text: string) => text.includes("\\u0000") && /(?:^|[^\\])(?:\\\\)*\\u0000/.test(text);

/** Each event's row as JSON text (its payload inside as JSON, sent to Postgres as jsonb), or why it cannot be stored. */
const serialize = (callout: VerifiedCallout): SerializedCallout | { refused: string } => {
  const rows = callout.events.map(({ vendorEventId, eventType, objectType, objectId, payload }) => JSON.stringify({ vendorEventId, eventType, objectType, objectId, payload: payload ?? null }));
  // Postgres text and jsonb cannot hold U+0000; refused alone here rather than failing the statement.
  if (rows.some(hasNulCharacter)) return { refused: "the callout contains a NUL character (U+0000), which cannot be stored" };
  return { callout, rows };
};

/*
 * ONE statement records a batch of callouts: each event inserted once per (connection, vendor event
 * id), only if its connection still has the `updatedAt` it was verified against, and one
 * process-callout job (key `callout:<row id>`) per new row. A single statement is atomic, so a row
 * exists exactly when its job does. Rows go in key order, so two batches holding the same
 * notification ids (Zuora retrying) wait on each other instead of deadlocking.
 *
 * The jobs go into graphile-worker's jobs table directly (graphile-worker 0.17's `_private_jobs`, as
 * process-callout.ts already reads and updates it), with the NOTIFY graphile_worker.add_jobs sends,
 * and the row add_jobs would write for this job spec (no queue, run now, priority 0, no flags:
 * record-callout-events.int.test.ts compares the two rows column by column). What add_jobs does besides
 * cannot apply to a new row's job: its key names a row id this statement has just drawn, so no job holds
 * it (add_jobs' UPDATE of locked jobs with the key, its ON CONFLICT). add_jobs is PL/pgSQL, whose cached
 * generic plan scans the whole job table once a burst has grown it, so calling it needed a custom plan
 * per execution, the whole statement planned again each time; without it the prepared statement keeps
 * its generic plan (Postgres CPU per callout about half; bench/README.md, Webhook intake). The task row
 * is inserted only when missing (before any worker has started: an insert tried every time would draw
 * an identity value per statement); a concurrent statement's insert of it, not in this statement's
 * snapshot, is waited for and its id taken (DO UPDATE). `notified` is read by the final SELECT, so it
 * runs once. The answer is one row: the input rows whose connection was still as verified, and those
 * inserted now (not duplicates).
 */
const RECORD_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS t(i int, "connectionId" uuid, "connectionUpdatedAt" timestamptz, "vendorEventId" text, "eventType" text, "objectType" text, "objectId" text, payload jsonb)
),
verified AS (
  SELECT input.* FROM input
  JOIN "Connection" c ON c.id = input."connectionId" AND c."updatedAt" = input."connectionUpdatedAt"
),
ins AS (
  INSERT INTO "InboundEvent" ("connectionId", "vendorEventId", "eventType", "objectType", "objectId", "payload")
  SELECT "connectionId", "vendorEventId", "eventType", "objectType", "objectId", payload FROM verified
  ORDER BY "connectionId", "vendorEventId"
  ON CONFLICT ("connectionId", "vendorEventId") DO NOTHING
  RETURNING id, "connectionId", "vendorEventId"
),
new_task AS (
  INSERT INTO graphile_worker._private_tasks (identifier)
  SELECT $2::text WHERE NOT EXISTS (SELECT 1 FROM graphile_worker._private_tasks WHERE identifier = $2::text)
  ON CONFLICT (identifier) DO UPDATE SET identifier = excluded.identifier
  RETURNING id
),
jobs AS (
  INSERT INTO graphile_worker._private_jobs (task_id, payload, max_attempts, key)
  SELECT COALESCE((SELECT id FROM new_task), (SELECT id FROM graphile_worker._private_tasks WHERE identifier = $2::text)),
    json_build_object('inboundEventId', ins.id), $3::smallint, 'callout:' || ins.id
  FROM ins
  RETURNING 1
),
notified AS (
  SELECT count(*) AS queued, pg_notify('jobs:insert', '{"r":' || random()::text || ',"count":' || count(*)::text || '}')
  FROM jobs HAVING count(*) > 0
)
SELECT array_agg(verified.i) AS verified, array_agg(verified.i) FILTER (WHERE ins.id IS NOT NULL) AS inserted, (SELECT queued FROM notified) AS queued
FROM verified LEFT JOIN ins ON ins."connectionId" = verified."connectionId" AND ins."vendorEventId" = verified."vendorEventId"`;

const RECORD_STATEMENT = prepared("record-callout-events", RECORD_SQL);

const answerSchema = z.object({ verified: z.array(z.number()).nullable(), inserted: z.array(z.number()).nullable() });

/** Runs RECORD_SQL with these values and answers its rows. */
export type RunRecordStatement = (values: unknown[]) => Promise<unknown[]>;

/** Runs RECORD_SQL over some callouts; the answer per callout, in order. */
const recordNow = async (run: RunRecordStatement, callouts: SerializedCallout[]): Promise<RecordedCallout[]> => {
  const input: string[] = [];
  /** per callout, the input rows its events are: its own, or an earlier identical event's in this batch */
  const rowsOf: { own: number[]; shared: number[] }[] = callouts.map(() => ({ own: [], shared: [] }));
  const indexOf = new Map<string, number>();
  callouts.forEach(({ callout: c, rows }, k) => {
    const head = `,"connectionId":${JSON.stringify(c.connectionId)},"connectionUpdatedAt":"${c.connectionUpdatedAt.toISOString()}",`;
    c.events.forEach((e, n) => {
      const key = `${c.connectionId}\n${e.vendorEventId}`;
      const earlier = indexOf.get(key);
      if (earlier !== undefined) return void rowsOf[k]!.shared.push(earlier);
      indexOf.set(key, input.length);
      rowsOf[k]!.own.push(input.length);
      // the event's own row text with its place and connection put in front of its first field
      input.push(`{"i":${input.length}${head}${rows[n]!.slice(1)}`);
    });
  });
  const [answer] = await run([`[${input.join(",")}]`, processCalloutJob.name, processCalloutJob.maxAttempts]);
  const parsed = answerSchema.parse(answer);
  const verified = new Set(parsed.verified);
  const inserted = new Set(parsed.inserted);
  return callouts.map(({ callout: c }, k): RecordedCallout => {
    const { own, shared } = rowsOf[k]!;
    if (![...own, ...shared].every((i) => verified.has(i))) return { status: "stale" };
    const accepted = own.filter((i) => inserted.has(i)).length;
    return { status: "recorded", accepted, duplicates: c.events.length - accepted };
  });
};

/**
 * Group commit for webhook intake: callouts arriving while a statement is in flight wait and go
 * together in the next one (at most `maxInFlight` statements at once, `maxBatch` callouts each), so
 * under load a callout costs a share of one round trip and one commit. A callout is serialized once, when
 * it arrives (a callout holding a NUL character, which Postgres cannot store, is refused there alone). One statement in flight by
 * default: batches twice as large as with two, ~25 % less server CPU per callout (in-process probe,
 * 20 concurrent callouts), and each statement is one WAL flush. Each caller is answered when
 * the statement holding its callout has committed. When a batch fails, its callouts are tried one by
 * one, so a callout Postgres refuses fails alone rather than taking its batch-mates with it.
 */
export class CalloutEventWriter {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: RunRecordStatement,
    private readonly maxInFlight = 1,
    private readonly maxBatch = 200,
  ) {}

  record = (callout: VerifiedCallout): Promise<RecordedCallout> => {
    const serialized = serialize(callout);
    if ("refused" in serialized) return Promise.resolve({ status: "refused", reason: serialized.refused });
    return new Promise((resolve, reject) => {
      this.queue.push({ ...serialized, resolve, reject });
      this.pump();
    });
  };

  private pump() {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]) {
    try {
      const results = await recordNow(this.run, batch);
      batch.forEach((p, k) => p.resolve(results[k]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      await Promise.all(
        batch.map((p) =>
          recordNow(this.run, [p]).then(
            ([r]) => p.resolve(r!),
            (e: unknown) => p.reject(e),
          ),
        ),
      );
    }
  }
}

/**
 * RECORD_SQL as sent by Prisma on `db`, or on a driver `pool`: there prepared once per connection,
 * where Prisma would send it unnamed, parsed and planned again each time (Postgres spends less than
 * half the CPU per callout prepared; bench/README.md, Webhook intake).
 */
export const recordStatementOn = (on: { db: Db } | { pool: pg.Pool }): RunRecordStatement =>
  "pool" in on
    ? async (values) => (await on.pool.query({ name: RECORD_STATEMENT.name, text: RECORD_STATEMENT.text, values })).rows
    : (values) => on.db.$queryRawUnsafe<unknown[]>(RECORD_SQL, ...values);

const writers = new WeakMap<object, CalloutEventWriter>();

/** The process's writer for this database client, or for this driver pool (see recordStatementOn). */
export const calloutEventWriterOf = (on: { db: Db } | { pool: pg.Pool }): CalloutEventWriter => {
  const key = "pool" in on ? on.pool : on.db;
  let writer = writers.get(key);
  if (!writer) writers.set(key, (writer = new CalloutEventWriter(recordStatementOn(on))));
  return writer;
};
