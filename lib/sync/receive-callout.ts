import { z } from "zod";
import { withKnownCredentials } from "../connections/read-connection-secrets";
import type { Db } from "../db";
import { getCalloutVerifier } from "../flows/registry";
import { calloutConnectionsOf, type CalloutConnection } from "./callout-connections";
import { calloutEventWriterOf } from "./record-callout-events";

export type ReceiveCalloutResult =
  | { status: 200; accepted: number; duplicates: number }
  /** bad or missing signature: nothing stored */
  | { status: 401 }
  /** unknown connection, or a vendor that sends no callouts: says nothing more */
  | { status: 404 }
  /** verified, but it cannot be stored as it is (Zuora never sends it): nothing stored */
  | { status: 400; reason: string };

let rejected = 0;
/** Callouts refused since the process started (bad signature), for health output and tests. */
export const rejectedCalloutCount = () => rejected;

const connectionIdSchema = z.uuid();

/** How often a callout is verified again because its connection changed meanwhile (each change is one retry). */
const MAX_ATTEMPTS = 3;

const verifyWith = (db: Db, connection: CalloutConnection, rawBody: Uint8Array, headers: Headers) => {
  const verify = getCalloutVerifier(connection.vendor);
  if (!verify) return undefined;
  const { id, vendor, settings, credentials } = connection;
  // the verifier reads the secret through readConnectionSecrets: hand it the envelope already read
  return withKnownCredentials({ connectionId: id, credentials }, () => verify({ db, connection: { id, vendor, settings }, rawBody, headers }));
};

/**
 * A vendor callout, as the webhook route hands it over: verified FIRST over the raw bytes, then each
 * event recorded once per (connection, vendor event id) and its processing job queued in the same
 * statement (record-callout-events.ts, which also groups concurrent callouts into one statement). A
 * duplicate delivery answers 200 and does nothing. The job, not this call, fetches the records
 * (callouts carry ids only), so it answers fast.
 *
 * The connection (with its encrypted secret) comes from a per-process cache. The cache is never
 * trusted: a callout is only stored if the connection row still has the version it was verified
 * against (else it is verified again with the new row), and a callout failing verification against
 * a cached row is checked against a fresh read before it is refused (a rotated secret).
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
  if (!connectionIdSchema.safeParse(connectionId).success) return { status: 404 };
  const connections = calloutConnectionsOf(db);
  const arrivedAt = Date.now();
  let entry = await connections.get(connectionId);

  for (let attempt = 1; ; attempt++) {
    if (!entry) return { status: 404 };
    const connection = entry.row;
    const verified = await verifyWith(db, connection, rawBody, headers);
    if (!verified) return { status: 404 };

    if (!verified.ok) {
      if (entry.loadedAt < arrivedAt && attempt < MAX_ATTEMPTS) {
        const fresh = await connections.reload(connectionId);
        if (!fresh || fresh.row.updatedAt.getTime() !== connection.updatedAt.getTime()) {
          entry = fresh;
          continue;
        }
      }
      rejected += 1;
      console.warn(`[callout] ${connection.vendor} connection ${connection.id}: rejected (${verified.reason}); ${rejected} rejected since start`);
      return { status: 401 };
    }

    // Postgres text and jsonb cannot hold U+0000; refused alone here rather than as a 5xx from the insert.
    if (/(?:^|[^\\])(?:\\\\)*\\u0000/.test(JSON.stringify(verified.events))) return { status: 400, reason: "the callout contains a NUL character (U+0000), which cannot be stored" };
    const recorded = await calloutEventWriterOf(db).record({ connectionId: connection.id, connectionUpdatedAt: connection.updatedAt, events: verified.events });
    if (recorded.status === "recorded") return { status: 200, accepted: recorded.accepted, duplicates: recorded.duplicates };
    if (attempt >= MAX_ATTEMPTS) throw new Error(`connection ${connection.id} changed ${attempt} times while a callout to it was being recorded`);
    entry = await connections.reload(connectionId);
  }
};
