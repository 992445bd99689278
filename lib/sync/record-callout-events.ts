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
  | { status: "stale" };

type Pending = { callout: VerifiedCallout; resolve: (r: RecordedCallout) => void; reject: (e: unknown) => void };

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
    AS t(i int, "connectionId" uuid, "connectionUpdatedAt" timestamptz, "vendorEventId" text, "eventType" text, "objectType" text, "objectId" text, payload text)
),
verified AS (
  SELECT input.* FROM input
  JOIN "Connection" c ON c.id = input."connectionId" AND c."updatedAt" = input."connectionUpdatedAt"
),
ins AS (
  INSERT INTO "InboundEvent" ("connectionId", "vendorEventId", "eventType", "objectType", "objectId", "payload")
  SELECT "connectionId", "vendorEventId", "eventType", "objectType", "objectId", payload::jsonb FROM verified
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
const recordNow = async (run: RunRecordStatement, callouts: VerifiedCallout[]): Promise<RecordedCallout[]> => {
  const input: Record<string, unknown>[] = [];
  /** per callout, the input rows its events are: its own, or an earlier identical event's in this batch */
  const rowsOf: { own: number[]; shared: number[] }[] = callouts.map(() => ({ own: [], shared: [] }));
  const indexOf = new Map<string, number>();
  callouts.forEach((c, k) =>
    c.events.forEach((e) => {
      const key = `${c.connectionId}\n${e.vendorEventId}`;
      const earlier = indexOf.get(key);
      if (earlier !== undefined) return void rowsOf[k]!.shared.push(earlier);
      indexOf.set(key, input.length);
      rowsOf[k]!.own.push(input.length);
      input.push({
        i: input.length,
        connectionId: c.connectionId,
        connectionUpdatedAt: c.connectionUpdatedAt.toISOString(),
        vendorEventId: e.vendorEventId,
        eventType: e.eventType,
        objectType: e.objectType,
        objectId: e.objectId,
        payload: JSON.stringify(e.payload ?? null),
      });
    }),
  );
  const rows = (await run([JSON.stringify(input), processCalloutJob.name, processCalloutJob.maxAttempts])).map((row) => rowSchema.parse(row));
  const verified = new Set(rows.map((r) => r.i));
  const inserted = new Set(rows.filter((r) => r.inboundEventId).map((r) => r.i));
  return callouts.map((c, k): RecordedCallout => {
    const { own, shared } = rowsOf[k]!;
    if (![...own, ...shared].every((i) => verified.has(i))) return { status: "stale" };
    const accepted = own.filter((i) => inserted.has(i)).length;
    return { status: "recorded", accepted, duplicates: c.events.length - accepted };
  });
};

/**
 * Group commit for webhook intake: callouts arriving while a statement is in flight wait and go
 * together in the next one (at most `maxInFlight` statements at once, `maxBatch` callouts each), so
 * under load a callout costs a share of one round trip and one commit. One statement in flight by
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

  record = (callout: VerifiedCallout): Promise<RecordedCallout> =>
    new Promise((resolve, reject) => {
      this.queue.push({ callout, resolve, reject });
      this.pump();
    });

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
      const results = await recordNow(this.run, batch.map((p) => p.callout));
      batch.forEach((p, k) => p.resolve(results[k]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      await Promise.all(
        batch.map((p) =>
          recordNow(this.run, [p.callout]).then(
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
