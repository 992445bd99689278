import { z } from "zod";
import type { Db } from "../db";
import { getCalloutVerifier } from "../flows/registry";
import { enqueueJob } from "./enqueue-job";
import { processCalloutJob } from "./job-specs";

export type ReceiveCalloutResult =
  | { status: 200; accepted: number; duplicates: number }
  /** bad or missing signature: nothing stored */
  | { status: 401 }
  /** unknown connection, or a vendor that sends no callouts: says nothing more */
  | { status: 404 };

let rejected = 0;
/** Callouts refused since the process started (bad signature), for health output and tests. */
export const rejectedCalloutCount = () => rejected;

/**
 * A vendor callout, as the webhook route hands it over: verified FIRST over the raw bytes, then each
 * event recorded once per (connection, vendor event id) with INSERT ... ON CONFLICT DO NOTHING and
 * its processing job queued in the same transaction. A duplicate delivery answers 200 and does
 * nothing. The job, not this call, fetches the records (callouts carry ids only), so it answers fast.
 */
export const receiveCallout = async ({
  db,
  connectionId,
  rawBody,
  headers,
}: {
  db: Db;
  connectionId: string;
  rawBody: Uint8Array;
  headers: Headers;
}): Promise<ReceiveCalloutResult> => {
  if (!z.uuid().safeParse(connectionId).success) return { status: 404 };
  const connection = await db.connection.findUnique({ where: { id: connectionId }, select: { id: true, vendor: true, settings: true } });
  if (!connection) return { status: 404 };
  const verify = getCalloutVerifier(connection.vendor);
  if (!verify) return { status: 404 };

  const verified = await verify({ db, connection, rawBody, headers });
  if (!verified.ok) {
    rejected += 1;
    console.warn(`[callout] ${connection.vendor} connection ${connection.id}: rejected (${verified.reason}); ${rejected} rejected since start`);
    return { status: 401 };
  }

  return db.$transaction(async (tx) => {
    let accepted = 0;
    for (const event of verified.events) {
      const payload = JSON.stringify(event.payload ?? null);
      const inserted = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO "InboundEvent" ("connectionId", "vendorEventId", "eventType", "objectType", "objectId", "payload")
        VALUES (${connection.id}::uuid, ${event.vendorEventId}, ${event.eventType}, ${event.objectType}, ${event.objectId}, ${payload}::jsonb)
        ON CONFLICT ("connectionId", "vendorEventId") DO NOTHING
        RETURNING id`;
      const row = inserted[0];
      if (!row) continue;
      accepted += 1;
      await enqueueJob(tx, processCalloutJob, { inboundEventId: row.id }, { jobKey: `callout:${row.id}` });
    }
    return { status: 200 as const, accepted, duplicates: verified.events.length - accepted };
  });
};
