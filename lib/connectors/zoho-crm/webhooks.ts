// Zoho CRM notification channels: registered and renewed by ml-connector (a channel lives at most a
// week), callbacks carry ids only and echo the channel's token, which is how they are verified.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ConnectionContext, InboundEvent, SubscriptionState, WebhookRequest, WebhookVerification } from "../types";
import type { ZohoCrmClient } from "./client";
import { zohoDateTime } from "./client";
import { zohoCrmConfig } from "./config";
import { zohoCallbackSchema, zohoCrmSecretsSchema } from "./schemas";

/** Modules watched and the connector's object type of each. */
const WATCHED = { Deals: "deal" } as const;

/**
 * The channel's token: derived from the connection's client secret (never stored, never sent anywhere
 * but Zoho), at most 50 characters as Zoho allows. A callback must echo it.
 */
export const zohoChannelToken = ({ connectionId, clientSecret }: { connectionId: string; clientSecret: string }) =>
  createHmac("sha256", clientSecret).update(`zoho-crm-channel:${connectionId}`).digest("base64url").slice(0, 43);

/** The channel id of a connection: a stable decimal number (Zoho's channel_id is a long). */
export const zohoChannelId = (connectionId: string) => String(Number.parseInt(connectionId.replace(/-/g, "").slice(0, 13), 16));

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Verifies a callback by its token and turns it into one event per record id (the job fetches each). */
export const verifyZohoCallback = (request: WebhookRequest): WebhookVerification => {
  const secrets = zohoCrmSecretsSchema.safeParse(request.connection.secrets);
  if (!secrets.success) return { ok: false, reason: "the connection has no client secret" };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(request.rawBody).toString("utf8"));
  } catch {
    return { ok: false, reason: "the callback is not JSON" };
  }
  const callback = zohoCallbackSchema.safeParse(body);
  if (!callback.success) return { ok: false, reason: "the callback is not a Zoho notification" };
  const c = callback.data;
  if (!c.token || !sameText(c.token, zohoChannelToken({ connectionId: request.connection.id, clientSecret: secrets.data.clientSecret }))) {
    return { ok: false, reason: "the callback's token is not this connection's channel token" };
  }
  const objectType = Object.hasOwn(WATCHED, c.module) ? WATCHED[c.module as keyof typeof WATCHED] : null;
  const events: InboundEvent[] = c.ids.map((id) => ({
    // a redelivery of the same change carries the same server time, operation and id
    vendorEventId: `${c.channel_id}:${c.server_time}:${c.operation}:${id}`,
    eventType: `${c.module}.${c.operation}`,
    objectType: c.operation === "delete" ? null : objectType,
    objectId: id,
    payload: { module: c.module, operation: c.operation, id, channelId: String(c.channel_id), serverTime: c.server_time },
  }));
  return { ok: true, events, ack: { status: 200 } };
};

const channelStateSchema = z.object({ channelId: z.string(), events: z.array(z.string()) });

const expiryOf = (answer: { watch: { status: string; code: string; message?: string; details?: { events?: { channel_expiry: string }[] } }[] }) => {
  const first = answer.watch[0];
  const at = first?.details?.events?.[0]?.channel_expiry;
  if (!first || first.status !== "success" || !at) throw Object.assign(new Error(`Zoho CRM refused the notification channel: ${first?.code ?? "no answer"} ${first?.message ?? ""}`.trim()), { retryable: false });
  return Date.parse(at);
};

/**
 * (Re)registers the connection's channel on Deals for a day on Zoho's own clock: a first POST (create,
 * or keep an existing channel) without channel_expiry gets Zoho's one-hour default, which tells Zoho's
 * time; a PUT then sets the expiry a day after it. The returned expiry is on Zoho's clock.
 */
export const renewZohoChannel = async ({ client, connectionId, clientSecret, callbackUrl }: { client: ZohoCrmClient; connectionId: string; clientSecret: string; callbackUrl: string }): Promise<SubscriptionState> => {
  const channelId = zohoChannelId(connectionId);
  const events = Object.keys(WATCHED).flatMap((m) => [`${m}.create`, `${m}.edit`]);
  const channel = { channel_id: channelId, events, notify_url: callbackUrl, token: zohoChannelToken({ connectionId, clientSecret }) };
  const zohoNow = expiryOf(await client.watch("POST", [channel])) - zohoCrmConfig.defaultChannelLifetimeMs;
  const expiresAt = expiryOf(await client.watch("PUT", [{ ...channel, channel_expiry: zohoDateTime(new Date(zohoNow + zohoCrmConfig.channelLifetimeMs)) }]));
  return { expiresAt: new Date(expiresAt).toISOString(), state: channelStateSchema.parse({ channelId, events }) };
};

export type RenewZohoChannelContext = ConnectionContext & { callbackUrl: string; previous: SubscriptionState | null };
