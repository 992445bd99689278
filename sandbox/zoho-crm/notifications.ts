import { randomUUID } from "node:crypto";
import { z } from "zod";
import { zohoError, type ZohoErrorBody } from "./errors";
import { isModuleName, type ModuleName } from "./metadata";
import { moduleId, zohoDateTime, type RecordChange } from "./records";

/*
 * Notification (watch) channels, /crm/v8/actions/watch (vendor-apis.md §3.6). A channel has a channel_id,
 * events "<Module>.<create|edit|delete|all>", a notify_url, an optional token (max 50 characters) echoed in
 * every callback, and channel_expiry: at most one week ahead; absent, past or further than a week it is one
 * hour (Zoho's notification docs). Expiry runs on the sandbox clock. Changes are batched per channel, module
 * and operation for `batchMs` (up to 100 ids) and POSTed as JSON carrying ids, affected fields and the token;
 * no signature. One attempt per callback (Zoho documents no retry; ASSUMED).
 */

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const MAX_IDS_PER_CALLBACK = 100;

export type Channel = {
  channel_id: string;
  events: string[];
  notify_url: string;
  token: string | null;
  expiresAt: number;
  return_affected_field_values: boolean;
  notify_on_related_action: boolean;
  /** The api_domain the channel was registered on (resource_uri in callbacks). */
  apiDomain: string;
};

export type CallbackDelivery = {
  id: string;
  channelId: string;
  module: ModuleName;
  operation: "insert" | "update" | "delete";
  ids: string[];
  url: string;
  body: Record<string, unknown>;
  state: "held" | "pending" | "delivered" | "failed";
  sends: number;
  attempts: { at: string; status?: number; error?: string }[];
};

export type NotificationState = { channels: Channel[] };

export const callbackModeSchema = z.strictObject({
  /** Queue callbacks until release() instead of sending them. */
  hold: z.boolean().optional(),
  /** Send every callback twice (same body), to test idempotent receivers. */
  duplicate: z.boolean().optional(),
});
export type CallbackMode = z.infer<typeof callbackModeSchema>;

const OPERATION_OF_EVENT: Record<string, RecordChange["operation"][]> = {
  create: ["insert"],
  edit: ["update"],
  delete: ["delete"],
  all: ["insert", "update", "delete"],
};

type WatchError = { status: number; body: ZohoErrorBody };


export const createNotifications = (options: { now: () => number; batchMs: () => number; moduleAvailable: (module: ModuleName) => boolean }) => {
  const { now, batchMs, moduleAvailable } = options;
  const channels = new Map<string, Channel>();
  const deliveries: CallbackDelivery[] = [];
  const batches = new Map<string, { channel: Channel; module: ModuleName; operation: RecordChange["operation"]; ids: string[]; affected: Map<string, Set<string>>; values: Map<string, Record<string, unknown>>; timer?: NodeJS.Timeout }>();
  let mode: Required<CallbackMode> = { hold: false, duplicate: false };
  let inFlight = 0;
  let closed = false;

  const active = (channel: Channel) => channel.expiresAt > now();

  const parseEvents = (events: unknown, path: string): { ok: true; events: string[] } | { ok: false; error: ZohoErrorBody } => {
    if (!Array.isArray(events) || events.length === 0) return { ok: false, error: zohoError("MANDATORY_NOT_FOUND", "required field not found", { api_name: "events", json_path: `${path}.events` }) };
    for (const [n, event] of events.entries()) {
      const [module, op] = typeof event === "string" ? event.split(".") : [];
      if (!module || !op || !isModuleName(module) || !moduleAvailable(module) || !(op in OPERATION_OF_EVENT)) {
        return { ok: false, error: zohoError("INVALID_DATA", "invalid data", { api_name: "events", json_path: `${path}.events[${n}]` }) };
      }
    }
    return { ok: true, events: [...new Set(events as string[])] };
  };

  const expiryOf = (value: unknown, path: string): { ok: true; at: number } | { ok: false; error: ZohoErrorBody } => {
    if (value === undefined || value === null) return { ok: true, at: now() + HOUR };
    const at = typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) return { ok: false, error: zohoError("INVALID_DATA", "invalid data", { api_name: "channel_expiry", json_path: `${path}.channel_expiry`, expected_data_type: "datetime" }) };
    return { ok: true, at: at <= now() || at > now() + WEEK ? now() + HOUR : at };
  };

  const describe = (channel: Channel, module: ModuleName) => ({
    channel_expiry: zohoDateTime(channel.expiresAt),
    resource_uri: `${channel.apiDomain}/crm/v8/${module}`,
    resource_id: moduleId(module),
    resource_name: module,
    channel_id: channel.channel_id,
    notification_condition: [],
  });
  const modulesOf = (channel: Channel) => [...new Set(channel.events.map((e) => e.split(".")[0] as ModuleName))];

  type WatchItem = { code: "SUCCESS"; status: "success"; message: string; details: Record<string, unknown> } | ZohoErrorBody;

  /** POST (create or add events), PUT (replace) and PATCH (add, or remove with _delete_events) of /actions/watch. */
  const subscribe = (input: { method: "POST" | "PUT" | "PATCH"; body: unknown; apiDomain: string }): { status: number; body: { watch: WatchItem[] } } | WatchError => {
    const watch = (input.body as { watch?: unknown } | null)?.watch;
    if (!Array.isArray(watch) || watch.length === 0) return { status: 400, body: zohoError("MANDATORY_NOT_FOUND", "required field not found", { api_name: "watch", json_path: "$.watch" }) };
    const results: WatchItem[] = watch.map((item: unknown, n): WatchItem => {
      const path = `$.watch[${n}]`;
      if (typeof item !== "object" || item === null) return zohoError("INVALID_DATA", "invalid data", { json_path: path });
      const w = item as Record<string, unknown>;
      const idText = typeof w.channel_id === "number" || typeof w.channel_id === "string" ? String(w.channel_id) : "";
      if (idText === "") return zohoError("MANDATORY_NOT_FOUND", "required field not found", { api_name: "channel_id", json_path: `${path}.channel_id` });
      if (!/^\d{1,19}$/.test(idText)) return zohoError("INVALID_DATA", "invalid data", { api_name: "channel_id", json_path: `${path}.channel_id`, expected_data_type: "long" });
      const events = parseEvents(w.events, path);
      if (!events.ok) return events.error;
      const existing = channels.get(idText);
      if (input.method === "PATCH" && w._delete_events === true) {
        if (!existing) return zohoError("INVALID_DATA", "invalid data", { api_name: "channel_id", json_path: `${path}.channel_id` });
        existing.events = existing.events.filter((e) => !events.events.includes(e));
        const removed = events.events.map((e) => e.split(".")[0] as ModuleName);
        if (existing.events.length === 0) channels.delete(idText);
        return { code: "SUCCESS", status: "success", message: "Successfully removed the subscribe details", details: { events: [...new Set(removed)].map((m) => describe(existing, m)) } };
      }
      const notifyUrl = w.notify_url ?? (input.method === "PATCH" ? existing?.notify_url : undefined);
      if (typeof notifyUrl !== "string" || notifyUrl === "") return zohoError("MANDATORY_NOT_FOUND", "required field not found", { api_name: "notify_url", json_path: `${path}.notify_url` });
      if (!/^https?:\/\/[^\s]+$/.test(notifyUrl)) return zohoError("INVALID_DATA", "invalid data", { api_name: "notify_url", json_path: `${path}.notify_url` });
      const token = w.token ?? (input.method === "PATCH" ? existing?.token : null) ?? null;
      if (token !== null && (typeof token !== "string" || token.length > 50)) {
        return zohoError("INVALID_DATA", "invalid data", { api_name: "token", json_path: `${path}.token`, maximum_length: "50" });
      }
      const expiry = expiryOf(w.channel_expiry, path);
      if (!expiry.ok) return expiry.error;
      const keep = input.method !== "PUT" && existing && active(existing) ? existing.events : [];
      const channel: Channel = {
        channel_id: idText,
        events: [...new Set([...keep, ...events.events])],
        notify_url: notifyUrl,
        token,
        expiresAt: expiry.at,
        return_affected_field_values: w.return_affected_field_values === true,
        notify_on_related_action: w.notify_on_related_action === true,
        apiDomain: input.apiDomain,
      };
      channels.set(idText, channel);
      const message = input.method === "POST" ? "Successfully subscribed for actions-watch of the given module" : "Successfully updated the subscribe details";
      return { code: "SUCCESS", status: "success", message, details: { events: modulesOf(channel).map((m) => describe(channel, m)) } };
    });
    const failed = results.filter((r) => r.status === "error").length;
    return { status: failed === 0 ? (input.method === "POST" ? 201 : 200) : failed === results.length ? 400 : 207, body: { watch: results } };
  };

  /** GET /actions/watch: one entry per live channel and module. */
  const list = () =>
    [...channels.values()].filter(active).flatMap((channel) =>
      modulesOf(channel).map((module) => ({
        ...describe(channel, module),
        events: channel.events.filter((e) => e.startsWith(`${module}.`)),
        notify_url: channel.notify_url,
        token: channel.token,
        notify_on_related_action: channel.notify_on_related_action,
        return_affected_field_values: channel.return_affected_field_values,
        fields: null,
      })),
    );

  const unsubscribe = (ids: string[]): WatchItem[] =>
    ids.map((id) => {
      const channel = channels.get(id);
      if (!channel) return zohoError("INVALID_DATA", "invalid data", { api_name: "channel_ids", id });
      channels.delete(id);
      return { code: "SUCCESS", status: "success", message: "Successfully un-subscribed from actions-watch", details: { events: modulesOf(channel).map((m) => describe(channel, m)) } };
    });

  const send = async (delivery: CallbackDelivery) => {
    inFlight += 1;
    const at = new Date().toISOString();
    try {
      const response = await fetch(delivery.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(delivery.body), signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      delivery.attempts.push({ at, status: response.status });
      delivery.state = response.ok ? "delivered" : "failed";
    } catch (error) {
      delivery.attempts.push({ at, error: error instanceof Error ? error.message : String(error) });
      delivery.state = "failed";
    } finally {
      inFlight -= 1;
    }
  };
  const dispatch = (delivery: CallbackDelivery) => {
    if (closed) return;
    if (mode.hold) {
      delivery.state = "held";
      return;
    }
    delivery.state = "pending";
    for (let n = 0; n < delivery.sends; n += 1) void send(delivery);
  };

  const flush = (key: string) => {
    const batch = batches.get(key);
    if (!batch) return;
    batches.delete(key);
    if (batch.timer) clearTimeout(batch.timer);
    const { channel, module, operation, ids } = batch;
    const url = new URL(channel.notify_url);
    const body: Record<string, unknown> = {
      server_time: now(),
      query_params: Object.fromEntries(url.searchParams),
      module,
      resource_uri: `${channel.apiDomain}/crm/v2/${module}`,
      ids,
      affected_fields: operation === "update" && channel.return_affected_field_values ? ids.map((id) => ({ [id]: [...(batch.affected.get(id) ?? [])] })) : [],
      operation,
      channel_id: channel.channel_id,
      token: channel.token,
    };
    if (operation === "update" && channel.return_affected_field_values) body.affected_values = ids.map((id) => ({ record_id: id, values: batch.values.get(id) ?? {} }));
    const delivery: CallbackDelivery = { id: randomUUID(), channelId: channel.channel_id, module, operation, ids, url: channel.notify_url, body, state: "pending", sends: mode.duplicate ? 2 : 1, attempts: [] };
    deliveries.push(delivery);
    if (deliveries.length > 10_000) deliveries.splice(0, 5_000);
    dispatch(delivery);
  };

  /** Called by the record store for every change. */
  const onChange = (change: RecordChange) => {
    for (const channel of channels.values()) {
      if (!active(channel)) continue;
      const subscribed = channel.events.some((e) => {
        const [module, op] = e.split(".");
        return module === change.module && (OPERATION_OF_EVENT[op as string] ?? []).includes(change.operation);
      });
      if (!subscribed) continue;
      const key = `${channel.channel_id}|${change.module}|${change.operation}`;
      let batch = batches.get(key);
      if (!batch) {
        batch = { channel, module: change.module, operation: change.operation, ids: [], affected: new Map(), values: new Map() };
        batches.set(key, batch);
        const wait = batchMs();
        if (wait > 0) batch.timer = setTimeout(() => flush(key), wait);
        else queueMicrotask(() => flush(key));
      }
      if (!batch.affected.has(change.id)) batch.ids.push(change.id);
      const fields = batch.affected.get(change.id) ?? new Set<string>();
      for (const f of change.fields) fields.add(f);
      batch.affected.set(change.id, fields);
      batch.values.set(change.id, { ...(batch.values.get(change.id) ?? {}), ...change.values });
      if (batch.ids.length >= MAX_IDS_PER_CALLBACK) flush(key);
    }
  };

  return {
    subscribe,
    list,
    unsubscribe,
    onChange,
    channels: () => [...channels.values()].map((c) => ({ ...c, channel_expiry: zohoDateTime(c.expiresAt), active: active(c) })),
    deliveries: (filter: { channelId?: string; state?: string } = {}) => deliveries.filter((d) => (!filter.channelId || d.channelId === filter.channelId) && (!filter.state || d.state === filter.state)),
    mode: () => ({ ...mode }),
    setMode: (input: CallbackMode) => {
      mode = { ...mode, ...callbackModeSchema.parse(input) };
      return { ...mode };
    },
    release: () => {
      const held = deliveries.filter((d) => d.state === "held");
      for (const d of held) {
        d.state = "pending";
        for (let n = 0; n < d.sends; n += 1) void send(d);
      }
      return held.map((d) => d.id);
    },
    /** Sends open batches now and waits until nothing is in flight. */
    drain: async (timeoutMs: number) => {
      for (const key of [...batches.keys()]) flush(key);
      const until = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return inFlight === 0;
    },
    snapshot: (): NotificationState => ({ channels: [...channels.values()] }),
    restore: (state: NotificationState) => {
      channels.clear();
      for (const c of state.channels) channels.set(c.channel_id, c);
    },
    reset: () => {
      for (const b of batches.values()) if (b.timer) clearTimeout(b.timer);
      batches.clear();
      channels.clear();
      deliveries.length = 0;
      mode = { hold: false, duplicate: false };
    },
    close: () => {
      closed = true;
      for (const b of batches.values()) if (b.timer) clearTimeout(b.timer);
      batches.clear();
    },
  };
};

export type Notifications = ReturnType<typeof createNotifications>;
