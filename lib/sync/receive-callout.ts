import type pg from "pg";
import { z } from "zod";
import { findConnector } from "../connectors/registry";
import type { WebhookAck, WebhookHeaders } from "../connectors/types";
import type { Db } from "../db";
import { logger } from "../logger";
import { calloutConnectionsOf } from "./callout-connections";
import { calloutEventWriterOf } from "./record-callout-events";

export type ReceiveCalloutResult =
  /** `ack`: the answer the vendor expects */
  | { status: 200; accepted: number; duplicates: number; ack: WebhookAck }
  /** bad or missing signature: nothing stored */
  | { status: 401; ack?: WebhookAck }
  /** unknown connection, a vendor that sends no callouts, or a URL naming another vendor: says nothing more */
  | { status: 404 }
  /** verified, but it cannot be stored as it is (the vendor never sends it): nothing stored */
  | { status: 400; reason: string };

let rejected = 0;
/** Callouts refused since the process started (bad signature), for health output and tests. */
export const rejectedCalloutCount = () => rejected;

const connectionIdSchema = z.uuid();

/** How often a callout is verified again because its connection changed meanwhile (each change is one retry). */
const MAX_ATTEMPTS = 3;

/**
 * A vendor callout, as the webhook route hands it over: verified FIRST over the raw bytes by the
 * connector of the connection's vendor (given the body, headers, full URL and the connection's
 * decrypted settings and secrets), then each event recorded once per (connection, vendor event id)
 * and its processing job queued in the same statement (record-callout-events.ts, which also groups
 * concurrent callouts into one statement). A duplicate delivery answers 200 and does nothing. The
 * job, not this call, fetches the records (callouts carry ids only), so it answers fast.
 *
 * The connection (with its secrets, decrypted once per row version, and the connector's verifier bound
 * to that version) comes from a per-process cache.
 * The cache is never trusted: a callout is only stored if the connection row still has the version it
 * was verified against (else it is verified again with the new row), and a callout failing
 * verification is checked against a read made after it arrived (a rotated secret), at most one read
 * per connection per quarter second however many bad signatures arrive.
 */
export const receiveCallout = async ({
  db,
  connectionId,
  vendor,
  rawBody,
  headers,
  url = "",
  remoteAddress,
  pool,
}: {
  db: Db;
  /** a driver pool for `db`'s database: the recording statement then runs there, prepared (recordStatementOn) */
  pool?: pg.Pool;
  connectionId: string;
  /** the vendor the URL names; a connection of another vendor answers 404 */
  vendor?: string;
  rawBody: Uint8Array;
  headers: WebhookHeaders;
  /** the full request URL */
  url?: string;
  /** the sender's address, for connectors that check an allowlist */
  remoteAddress?: string;
}): Promise<ReceiveCalloutResult> => {
  const connections = calloutConnectionsOf(db);
  const arrivedAt = Date.now();
  if (!connectionIdSchema.safeParse(connectionId).success) return { status: 404 };
  let entry = await connections.get(connectionId);

  for (let attempt = 1; ; attempt++) {
    if (!entry) return { status: 404 };
    const connection = entry.row;
    const vendorId = connection.vendor;
    if (vendor !== undefined && vendor !== vendorId) return { status: 404 };
    const webhooks = findConnector(vendorId)?.webhooks;
    if (!webhooks) return { status: 404 };
    const verified = await entry.verifierFor(webhooks)({ rawBody, headers, url, remoteAddress });

    if (!verified.ok) {
      if (attempt < MAX_ATTEMPTS) {
        const fresh = await connections.recheck(connectionId, arrivedAt);
        if (!fresh || fresh.row.updatedAt.getTime() !== connection.updatedAt.getTime()) {
          entry = fresh;
          continue;
        }
      }
      rejected += 1;
      logger.warn({ vendor: vendorId, connectionId: connection.id, reason: verified.reason, rejected }, "callout rejected");
      return verified.ack ? { status: 401, ack: verified.ack } : { status: 401 };
    }

    const recorded = await calloutEventWriterOf(pool ? { pool } : { db }).record({ connectionId: connection.id, connectionUpdatedAt: connection.updatedAt, events: verified.events });
    if (recorded.status === "recorded") return { status: 200, accepted: recorded.accepted, duplicates: recorded.duplicates, ack: verified.ack };
    // Postgres text and jsonb cannot hold U+0000: answered 400 rather than a 5xx from the insert
    if (recorded.status === "refused") return { status: 400, reason: recorded.reason };
    if (attempt >= MAX_ATTEMPTS) throw new Error(`connection ${connection.id} changed ${attempt} times while a callout to it was being recorded`);
    entry = await connections.reload(connectionId);
  }
};
