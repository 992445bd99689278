import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDb, type TestDb } from "../../test/db";
import { registerConnector } from "../connectors/registry";
import type { Connector, SubscriptionState } from "../connectors/types";
import { encryptJson } from "../crypto";
import { pruneInboundEvents } from "./prune-inbound-events";
import { renewDueSubscriptions } from "./renew-due-subscriptions";
import { renewSubscriptions } from "./renew-subscriptions";

/*
 * Vendor subscriptions that expire (a Zoho-like notification channel) are renewed per connection by a
 * sweep and a job, their state kept on the connection; stored inbound events are pruned by age and by
 * a per-connection budget. Real Postgres; the vendor is a connector declared here.
 */

const HOUR = 3600_000;
const renewals: { callbackUrl: string; previous: SubscriptionState | null; secrets: unknown }[] = [];
let failNext = false;

const channelVendor: Connector<null> = {
  id: "test-channels",
  label: "Test channels",
  config: {},
  settingsSchema: z.object({}),
  secretsSchema: z.object({ token: z.string() }),
  form: { baseUrl: { label: "URL" }, settings: [], secrets: [{ name: "token", label: "Token", type: "secret", required: true }] },
  createClient: () => null,
  testConnection: async () => [],
  webhooks: {
    verify: () => ({ ok: false, reason: "not used here" }),
    renewBeforeMs: 2 * HOUR,
    renewSubscriptions: async ({ callbackUrl, previous, secrets }) => {
      renewals.push({ callbackUrl, previous, secrets });
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error("Test channels: the channel limit is reached"), { retryable: true });
      }
      return { expiresAt: new Date(Date.now() + 24 * HOUR).toISOString(), state: { channelId: `ch-${renewals.length}` } };
    },
  },
};

describe("subscription renewal and inbound event retention", () => {
  let t: TestDb;
  let connectionId: string;
  const queuedRenewals = async () =>
    (await t.db.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'renew-subscriptions' ORDER BY key`).map((r) => r.key);

  beforeAll(async () => {
    registerConnector(channelVendor);
    t = await createTestDb();
    const row = await t.db.connection.create({ data: { vendor: "test-channels", name: "channels", baseUrl: "https://channels.example.com", credentials: "pending" } });
    await t.db.connection.update({ where: { id: row.id }, data: { credentials: encryptJson({ token: "tok" }, { context: row.id }) } });
    connectionId = row.id;
  });
  afterAll(() => t?.drop());

  it("renews a connection's subscriptions when never made, keeps the state on the connection, and again only near expiry", async () => {
    expect(await renewDueSubscriptions({ db: t.db })).toEqual({ queued: [connectionId] });
    expect(await queuedRenewals()).toEqual([`renew:${connectionId}`]);
    // a second sweep keeps the one job
    await renewDueSubscriptions({ db: t.db });
    expect(await queuedRenewals()).toEqual([`renew:${connectionId}`]);
    await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs`;

    await renewSubscriptions({ db: t.db, connectionId, appUrl: "https://connector.example.com/" });
    expect(renewals.at(-1)).toEqual({ callbackUrl: `https://connector.example.com/api/webhooks/test-channels/${connectionId}`, previous: null, secrets: { token: "tok" } });
    const stored = await t.db.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(stored).toMatchObject({ subscriptionState: { channelId: "ch-1" }, subscriptionError: null });
    expect(stored.subscriptionExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 23 * HOUR);

    expect(await renewDueSubscriptions({ db: t.db })).toEqual({ queued: [] });
    // an hour before expiry (inside the connector's two-hour margin) it is due again, and gets the previous state
    expect(await renewDueSubscriptions({ db: t.db, now: new Date(stored.subscriptionExpiresAt!.getTime() - HOUR) })).toEqual({ queued: [connectionId] });
    await renewSubscriptions({ db: t.db, connectionId, appUrl: "https://connector.example.com" });
    expect(renewals.at(-1)?.previous).toEqual({ state: { channelId: "ch-1" }, expiresAt: stored.subscriptionExpiresAt!.toISOString() });
  });

  it("stores a failed renewal's reason for the connection page and retries it", async () => {
    failNext = true;
    await expect(renewSubscriptions({ db: t.db, connectionId, appUrl: "https://connector.example.com" })).rejects.toThrow(/channel limit/);
    expect(await t.db.connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ subscriptionError: "Test channels: the channel limit is reached" });
    await t.db.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
    expect(await renewDueSubscriptions({ db: t.db })).toEqual({ queued: [connectionId] });
    await renewSubscriptions({ db: t.db, connectionId, appUrl: "https://connector.example.com" });
    expect(await t.db.connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({ subscriptionError: null });
  });

  it("prunes processed inbound events past the retention and beyond each connection's budget, never unprocessed ones", async () => {
    const day = 86_400_000;
    const now = Date.now();
    const event = (n: number, ageDays: number, processed: boolean) => ({
      connectionId,
      vendorEventId: `ev-${n}`,
      eventType: "Changed",
      receivedAt: new Date(now - ageDays * day - n),
      processedAt: processed ? new Date(now - ageDays * day) : null,
    });
    await t.db.inboundEvent.createMany({
      data: [event(1, 40, true), event(2, 40, false), ...Array.from({ length: 150 }, (_, i) => event(100 + i, 1, true)), event(999, 1, false)],
    });
    expect(await pruneInboundEvents({ db: t.db, retentionDays: 30, budgetPerConnection: 100 })).toEqual({ expired: 1, overBudget: 50 });
    const left = await t.db.inboundEvent.findMany({ select: { vendorEventId: true } });
    const ids = new Set(left.map((e) => e.vendorEventId));
    expect(ids.has("ev-1")).toBe(false);
    expect(ids.has("ev-2")).toBe(true);
    expect(ids.has("ev-999")).toBe(true);
    expect(ids.has("ev-100")).toBe(true); // the newest are kept
    expect(ids.has("ev-249")).toBe(false);
    expect(left).toHaveLength(2 + 100);
  });
});
