/**
 * Acumatica push notifications with a Webhook destination (SM302000): a JSON POST per data change with
 * `Inserted` / `Deleted` rows (an update is a Deleted + Inserted pair), `Query`, `CompanyId`, a unique `Id`
 * for de-duplication and a numeric `TimeStamp`; the only security is one configured header (shared secret),
 * no HMAC. A non-2xx answer is retried, at most 5 attempts in all. Deliveries to one destination are sent in
 * order, one at a time.
 */
import { randomUUID } from "node:crypto";
import type { EntityName } from "./entities";
import type { ChangeEvent } from "./instance";
import type { StoredRecord } from "./records";

/** One webhook destination, as configured on the Push Notifications form. */
export type PushNotificationConfig = {
  /** Destination address (the receiver's URL). */
  url: string;
  /** Optional header sent with every notification, e.g. `CustomAuthorization`. */
  headerName?: string;
  headerValue?: string;
  /** Entity whose changes are pushed. */
  entity: EntityName;
  /** Name reported in `Query` (the Generic Inquiry name); default "<Entity>: Last Modified". */
  query?: string;
  /** Pause between attempts in milliseconds; default 1000. */
  retryDelayMs?: number;
};

/** The notification body (IS__con_Push_Notification_Format). Rows carry the entity's top-level fields unwrapped. */
export type PushNotificationBody = {
  Inserted: Record<string, unknown>[];
  Deleted: Record<string, unknown>[];
  Query: string;
  CompanyId: string;
  Id: string;
  TimeStamp: number;
  AdditionalInfo: Record<string, unknown>;
};

/** What happened to one notification, for tests. */
export type PushDelivery = { id: string; url: string; entity: EntityName; attempts: number[]; delivered: boolean; body: PushNotificationBody };

export const MAX_PUSH_ATTEMPTS = 5;
const TICKS_AT_UNIX_EPOCH = 621_355_968_000_000_000;

const row = (record: StoredRecord) => ({ ...record.fields });

export class PushNotifier {
  private configs: PushNotificationConfig[] = [];
  private queues = new Map<string, Promise<void>>();
  private log: PushDelivery[] = [];
  private readonly tenant: string;
  private readonly now: () => Date;

  constructor(opts: { tenant: string; now: () => Date }) {
    this.tenant = opts.tenant;
    this.now = opts.now;
  }

  configure(configs: PushNotificationConfig[]) {
    this.configs = configs;
  }

  list() {
    return [...this.configs];
  }

  deliveries() {
    return this.log.map((d) => ({ ...d, attempts: [...d.attempts] }));
  }

  /** Resolves when every queued notification has been delivered or has used its attempts. */
  async idle() {
    await Promise.all([...this.queues.values()]);
  }

  reset() {
    this.configs = [];
    this.log = [];
  }

  handle(event: ChangeEvent) {
    if (this.configs.length === 0) return;
    for (const config of this.configs) {
      if (config.entity !== event.entity) continue;
      const body: PushNotificationBody = {
        Inserted: event.after ? [row(event.after)] : [],
        Deleted: event.before ? [row(event.before)] : [],
        Query: config.query ?? `${config.entity}: Last Modified`,
        CompanyId: this.tenant,
        Id: randomUUID(),
        TimeStamp: this.now().getTime() * 10_000 + TICKS_AT_UNIX_EPOCH,
        AdditionalInfo: {},
      };
      const delivery: PushDelivery = { id: body.Id, url: config.url, entity: config.entity, attempts: [], delivered: false, body };
      this.log.push(delivery);
      if (this.log.length > 10_000) this.log.shift();
      const previous = this.queues.get(config.url) ?? Promise.resolve();
      const next = previous.then(() => this.deliver(config, delivery));
      this.queues.set(config.url, next);
      void next.finally(() => {
        if (this.queues.get(config.url) === next) this.queues.delete(config.url);
      });
    }
  }

  private async deliver(config: PushNotificationConfig, delivery: PushDelivery) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (config.headerName && config.headerValue !== undefined) headers[config.headerName] = config.headerValue;
    for (let attempt = 1; attempt <= MAX_PUSH_ATTEMPTS; attempt++) {
      let status = 0;
      try {
        const res = await fetch(config.url, { method: "POST", headers, body: JSON.stringify(delivery.body), signal: AbortSignal.timeout(10_000) });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      delivery.attempts.push(status);
      if (status >= 200 && status < 300) {
        delivery.delivered = true;
        return;
      }
      if (attempt < MAX_PUSH_ATTEMPTS) await new Promise((r) => setTimeout(r, config.retryDelayMs ?? 1000));
    }
  }
}
