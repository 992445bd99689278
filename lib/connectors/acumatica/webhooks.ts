// Acumatica push notifications (SM302000, Webhook destination): a JSON POST per data change with the
// rows `Inserted` and `Deleted` (an update is one of each), the inquiry's name in `Query`, a unique
// `Id` and a `TimeStamp`. The only security Acumatica offers is one header it sends with each
// notification: a shared secret, compared in constant time. A notification only makes the flow fetch
// the record sooner; polling stays the catch-up.
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { InboundEvent, WebhookRequest, WebhookVerification } from "../types";
import { ACUMATICA_SOURCE_OBJECTS, type AcumaticaSourceObject } from "./source";

/** The header carrying the shared secret when the connection names none. */
export const DEFAULT_PUSH_HEADER = "X-Acumatica-Push-Secret";

const pushBodySchema = z.looseObject({
  Id: z.string().min(1),
  Query: z.string(),
  Inserted: z.array(z.record(z.string(), z.unknown())).default([]),
  Deleted: z.array(z.record(z.string(), z.unknown())).default([]),
  TimeStamp: z.number().optional(),
});

const settingsSchema = z.looseObject({ pushHeaderName: z.string().min(1).optional() });
const secretsSchema = z.looseObject({ pushSecret: z.string().min(1).optional() });

/**
 * The object type of a notification, from its inquiry name: the inquiry is named after the entity it
 * watches ("Customer", "StockItem", "NonStockItem", "Invoice", optionally followed by ": …").
 */
const objectTypeOf = (query: string): AcumaticaSourceObject | null => {
  const entity = query.split(":")[0]?.trim().toLowerCase();
  const found = Object.entries(ACUMATICA_SOURCE_OBJECTS).find(([, o]) => o.entities.some((e) => e.toLowerCase() === entity));
  return found ? (found[0] as AcumaticaSourceObject) : null;
};

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const verifyAcumaticaPush = (request: WebhookRequest): WebhookVerification => {
  const secret = secretsSchema.safeParse(request.connection.secrets ?? {});
  const settings = settingsSchema.safeParse(request.connection.settings ?? {});
  if (!secret.success || !secret.data.pushSecret) return { ok: false, reason: "the connection has no push-notification secret" };
  const header = request.headers.get((settings.success ? settings.data.pushHeaderName : undefined) ?? DEFAULT_PUSH_HEADER);
  if (!header || !sameText(header, secret.data.pushSecret)) return { ok: false, reason: "the push notification's secret header is missing or wrong" };
  let parsed: z.infer<typeof pushBodySchema>;
  try {
    const result = pushBodySchema.safeParse(JSON.parse(Buffer.from(request.rawBody).toString("utf8")));
    if (!result.success) return { ok: false, reason: "the body is not an Acumatica push notification" };
    parsed = result.data;
  } catch {
    return { ok: false, reason: "the body is not JSON" };
  }
  const objectType = objectTypeOf(parsed.Query);
  const key = objectType ? ACUMATICA_SOURCE_OBJECTS[objectType].key : null;
  // an update is a Deleted + Inserted pair of the same record: one event for it
  const rows = parsed.Inserted.length > 0 ? parsed.Inserted : parsed.Deleted;
  const events: InboundEvent[] = rows.map((row, i) => {
    const id = key && typeof row[key] === "string" ? row[key] : null;
    const wanted = objectType !== "invoice" || row.Type === "Invoice";
    return {
      vendorEventId: `${parsed.Id}:${i}`,
      eventType: parsed.Inserted.length > 0 ? (parsed.Deleted.length > 0 ? "Updated" : "Inserted") : "Deleted",
      objectType: id && wanted && parsed.Inserted.length > 0 ? objectType : null,
      objectId: id,
      payload: { query: parsed.Query, id: parsed.Id, key: id },
    };
  });
  return { ok: true, events, ack: { status: 200 } };
};
