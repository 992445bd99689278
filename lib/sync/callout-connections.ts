import type { ConnectorWebhooks, WebhookVerifier } from "../connectors/types";
import { decryptJson } from "../crypto";
import type { Db } from "../db";

/** What verifying a callout needs of its connection (credentials still encrypted). */
export type CalloutConnection = { id: string; vendor: string; baseUrl: string; settings: unknown; credentials: string; updatedAt: Date };

/**
 * A cached row; `secrets()` decrypts its credentials once per row version (server side only), and
 * `verifierFor` binds a connector's verification to this row version once (its `prepare`, when it has
 * one), so that settings and secrets are parsed again only when the row changes.
 */
type Entry = { row: CalloutConnection; loadedAt: number; secrets: () => unknown; verifierFor: (webhooks: ConnectorWebhooks) => WebhookVerifier };

const entryOf = (row: CalloutConnection, loadedAt: number): Entry => {
  let secrets: { value: unknown } | undefined;
  let bound: { webhooks: ConnectorWebhooks; verify: WebhookVerifier } | undefined;
  const entry: Entry = {
    row,
    loadedAt,
    secrets: () => (secrets ??= { value: decryptJson(row.credentials, { context: row.id }) }).value,
    verifierFor: (webhooks) => {
      if (bound?.webhooks !== webhooks) {
        const connection = { id: row.id, baseUrl: row.baseUrl, settings: row.settings, secrets: entry.secrets() };
        bound = { webhooks, verify: webhooks.prepare ? webhooks.prepare(connection) : (request) => webhooks.verify({ ...request, connection }) };
      }
      return bound.verify;
    },
  };
  return entry;
};

/**
 * Per-process cache of the connection rows callouts are verified against, so a callout costs no
 * read of its connection. Safe because nothing relies on the cache being current: the statement
 * that records a callout re-checks the row's `updatedAt` (record-callout-events.ts) and a callout
 * that fails verification is checked against a fresh read before it is refused. The TTL only bounds
 * how long a change made behind Prisma's back (which keeps `updatedAt`) can go unseen. Unknown ids
 * are not cached, so the map holds at most one entry per existing connection.
 */
export class CalloutConnectionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry | null>>();

  /** the latest read of each connection's updatedAt, with when it started */
  private readonly stamps = new Map<string, { startedAt: number; read: Promise<Date | null> }>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs = 30_000,
  ) {}

  /**
   * The row to verify a callout again against after it failed: the cached row when the connection's
   * `updatedAt` (one indexed read of that column, shared by the callouts failing at the same time)
   * shows it unchanged, else the row read again. A flood of bad signatures thus never reads or
   * decrypts the credentials again, while a rotated secret is followed at once.
   */
  recheck = async (id: string, arrivedAt: number): Promise<Entry | null> => {
    const entry = this.entries.get(id);
    if (entry && entry.loadedAt >= arrivedAt) return entry;
    let stamp = this.stamps.get(id);
    if (!stamp || stamp.startedAt < arrivedAt) {
      stamp = { startedAt: Date.now(), read: this.db.connection.findUnique({ where: { id }, select: { updatedAt: true } }).then((r) => r?.updatedAt ?? null) };
      this.stamps.set(id, stamp);
      stamp.read.finally(() => {
        if (this.stamps.get(id) === stamp) this.stamps.delete(id);
      }).catch(() => {});
    }
    const updatedAt = await stamp.read;
    const current = this.entries.get(id);
    if (updatedAt && current && current.row.updatedAt.getTime() === updatedAt.getTime()) return current;
    return this.reload(id);
  };

  /** The cached row while fresh, else one read shared by every caller asking meanwhile. */
  get = async (id: string): Promise<Entry | null> => {
    const entry = this.entries.get(id);
    if (entry && Date.now() - entry.loadedAt < this.ttlMs) return entry;
    return this.loading.get(id) ?? this.reload(id);
  };

  /** Reads the row now (not joining an earlier read, which may predate the change the caller suspects). */
  reload = (id: string): Promise<Entry | null> => {
    const loadedAt = Date.now();
    const load = this.db.connection
      .findUnique({ where: { id }, select: { id: true, vendor: true, baseUrl: true, settings: true, credentials: true, updatedAt: true } })
      .then((row) => {
        if (!row) {
          this.entries.delete(id);
          return null;
        }
        const entry = entryOf(row, loadedAt);
        const current = this.entries.get(id);
        if (!current || current.loadedAt <= loadedAt) this.entries.set(id, entry);
        return entry;
      })
      .finally(() => {
        if (this.loading.get(id) === load) this.loading.delete(id);
      });
    this.loading.set(id, load);
    return load;
  };
}

const caches = new WeakMap<Db, CalloutConnectionCache>();

/** The process's cache for this database client. */
export const calloutConnectionsOf = (db: Db): CalloutConnectionCache => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new CalloutConnectionCache(db)));
  return cache;
};
