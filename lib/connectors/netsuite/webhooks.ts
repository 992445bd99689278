// Inbound NetSuite events. NetSuite has no webhook subscription API (vendor-apis.md §4.8): the User Event
// script our admin guide ships POSTs `{eventId, accountId, eventType, recordType, id, externalId?,
// lastModifiedDate}` to this connection's webhook URL with the shared secret in the query string. The
// secret is compared in constant time (over SHA-256 digests, so neither its content nor its length
// leaks); an optional IP allowlist on the connection refuses other senders. Events carry ids only: the
// job reads the record from NetSuite.
import { createHash, timingSafeEqual } from "node:crypto";
import { BlockList, isIP } from "node:net";
import { z } from "zod";
import type { InboundEvent, WebhookRequest, WebhookVerification } from "../types";
import { netsuiteConfig } from "./config";

/** The script's body (our script: its shape is ours, so anything else is refused). */
export const netsuiteWebhookBodySchema = z.strictObject({
  eventId: z.string().min(1).max(200),
  accountId: z.string().min(1),
  eventType: z.enum(["create", "edit", "delete", "xedit"]),
  recordType: z.string().min(1),
  id: z.string().min(1),
  externalId: z.string().optional(),
  lastModifiedDate: z.string().optional(),
});

const settingsSchema = z.looseObject({ accountId: z.string(), webhookIpAllowlist: z.string().default("") });
const secretsSchema = z.looseObject({ webhookSecret: z.string().min(1).optional() });

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** True when `given` equals `expected`, in time independent of where they differ and of their lengths. */
export const secretMatches = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/** The allowlist of a connection ("1.2.3.4, 10.0.0.0/8, ::1"), or an error naming the entry it cannot read. */
export const parseIpAllowlist = (text: string): { list: BlockList; size: number } | { error: string } => {
  const list = new BlockList();
  let size = 0;
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    if (family === 0) return { error: `"${entry}" is not an IP address or CIDR range` };
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) return { error: `"${entry}" has no valid prefix length` };
      list.addSubnet(address, bits, type);
    }
    size += 1;
  }
  return { list, size };
};

const allowed = (list: BlockList, address: string) => {
  const plain = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? "ipv4" : "ipv6");
};

const OBJECT_TYPES: Record<string, string> = { customer: "customer", invoice: "invoice" };

/** Answer of an accepted delivery: the script only looks at the status. */
const ACK = { status: 200, body: { ok: true } } as const;

/** Verifies one delivery of the outbound script. Never throws; refusals say why (for the log), never the secret. */
export const verifyNetsuiteWebhook = ({ rawBody, url, remoteAddress, connection }: WebhookRequest): WebhookVerification => {
  const settings = settingsSchema.safeParse(connection.settings ?? {});
  const secrets = secretsSchema.safeParse(connection.secrets ?? {});
  if (!settings.success || !secrets.success) return { ok: false, reason: "connection settings are invalid" };
  const expected = secrets.data.webhookSecret;
  if (!expected) return { ok: false, reason: "the connection has no webhook secret" };

  const allowlist = parseIpAllowlist(settings.data.webhookIpAllowlist);
  if ("error" in allowlist) return { ok: false, reason: `webhook IP allowlist: ${allowlist.error}` };
  if (allowlist.size > 0 && (!remoteAddress || !allowed(allowlist.list, remoteAddress))) {
    return { ok: false, reason: `sender ${remoteAddress ?? "(unknown address)"} is not on the webhook IP allowlist`, ack: { status: 403 } };
  }

  let given: string | null = null;
  try {
    given = new URL(url, "http://localhost").searchParams.get(netsuiteConfig.webhookSecretParam);
  } catch {
    given = null;
  }
  // Compared even when absent, so a missing secret takes the time of a wrong one.
  if (!secretMatches(given ?? "", expected) || given === null) return { ok: false, reason: "webhook secret does not match" };

  let body: z.infer<typeof netsuiteWebhookBodySchema>;
  try {
    const parsed = netsuiteWebhookBodySchema.safeParse(JSON.parse(Buffer.from(rawBody).toString("utf8")));
    if (!parsed.success) return { ok: false, reason: `webhook body is not the script's: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}`, ack: { status: 400 } };
    body = parsed.data;
  } catch {
    return { ok: false, reason: "webhook body is not JSON", ack: { status: 400 } };
  }
  const account = (id: string) => id.toLowerCase().replace(/-/g, "_");
  if (account(body.accountId) !== account(settings.data.accountId)) return { ok: false, reason: `webhook names account ${body.accountId}, not this connection's` };

  const event: InboundEvent = {
    vendorEventId: body.eventId,
    eventType: `${body.recordType}.${body.eventType}`,
    objectType: OBJECT_TYPES[body.recordType] ?? null,
    objectId: body.id,
    payload: body,
  };
  return { ok: true, events: [event], ack: ACK };
};
