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
 * process-callout job per new row through graphile_worker.add_jobs. A single statement is atomic, so
 * a row exists exactly when its job does. Rows go in key order, so two batches holding the same
 * notification ids (Zuora retrying) wait on each other instead of deadlocking. The `jobs` CTE is
 * read by the final SELECT, so it runs whenever a row was inserted (and not at all otherwise).
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
jobs AS (
  SELECT (SELECT count(*) FROM graphile_worker.add_jobs(specs)) AS queued
  FROM (
    SELECT array_agg(ROW($2::text, json_build_object('inboundEventId', ins.id), NULL::text, NULL::timestamptz, $3::smallint, 'callout:' || ins.id, NULL::smallint, NULL::text[])::graphile_worker.job_spec) AS specs
    FROM ins
  ) AS batch
  WHERE specs IS NOT NULL
)
SELECT verified.i, ins.id AS "inboundEventId", (SELECT queued FROM jobs) AS queued
FROM verified LEFT JOIN ins ON ins."connectionId" = verified."connectionId" AND ins."vendorEventId" = verified."vendorEventId"`;

const RECORD_STATEMENT = prepared("record-callout-events", RECORD_SQL);

const rowSchema = z.object({ i: z.number(), inboundEventId: z.string().nullable() });

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
  const rows = (await run([`[${input.join(",")}]`, processCalloutJob.name, processCalloutJob.maxAttempts])).map((row) => rowSchema.parse(row));
  const verified = new Set(rows.map((r) => r.i));
  const inserted = new Set(rows.filter((r) => r.inboundEventId).map((r) => r.i));
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
