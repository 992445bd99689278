import { z } from "zod";
import type { NetsuiteCustomRecordInput } from "../../connectors/netsuite/target";
import { createMappingContext, type MappingResult } from "../../mapping/create-mapping-context";

// Persisted JSON: Flow.settings of "zuora-netsuite-subscriptions" flows is parsed with this schema, and
// its records' sourcePayload (the callout body) with zuoraSubscriptionEventSchema.

/** Settings of a Zuora subscription events -> NetSuite flow (Flow.settings). */
export const zuoraNetsuiteSubscriptionsSettingsSchema = z.object({
  /** the NetSuite custom record type that takes one record per event */
  recordType: z.string().regex(/^customrecord_[a-z0-9_]+$/).default("customrecord_zuora_subscription_event"),
  /** prefix of that record type's field ids */
  fieldPrefix: z.string().regex(/^custrecord_[a-z0-9_]*$/).default("custrecord_zse_"),
});
export type ZuoraNetsuiteSubscriptionsSettings = z.infer<typeof zuoraNetsuiteSubscriptionsSettingsSchema>;

const text = z.union([z.string(), z.number()]).transform(String);
const optionalText = text.optional().transform((v) => (v === undefined || v === "" ? null : v));

/**
 * A subscription lifecycle callout as the Zuora callout template of our admin guide sends it (Zuora merge
 * fields of the Subscription data source; sandbox/zuora/callouts.ts has the same template).
 */
export const zuoraSubscriptionEventSchema = z.looseObject({
  EventType: z.string().min(1),
  SubscriptionId: text,
  SubscriptionNumber: text,
  SubscriptionVersion: optionalText,
  SubscriptionStatus: optionalText,
  AmendmentType: optionalText,
  AccountId: text,
  AccountNumber: optionalText,
  Currency: optionalText,
  MRR: optionalText,
  ContractEffectiveDate: optionalText,
  CancelledDate: optionalText,
  EventTime: optionalText,
});
export type ZuoraSubscriptionEvent = z.infer<typeof zuoraSubscriptionEventSchema>;

const number = (value: string | null) => (value === null ? null : Number(value));

/**
 * One subscription event -> one NetSuite custom record: the event's type, the subscription's state and
 * amounts at that event, and the NetSuite customer when the Zuora account came from NetSuite.
 */
export const mapSubscriptionEvent = ({
  eventId,
  event,
  customerId,
  settings,
}: {
  eventId: string;
  event: ZuoraSubscriptionEvent;
  /** the NetSuite customer the account was created for (partner flow), null when it was not */
  customerId: string | null;
  settings: ZuoraNetsuiteSubscriptionsSettings;
}): MappingResult<NetsuiteCustomRecordInput> => {
  const ctx = createMappingContext(new Map());
  const amount = number(event.MRR);
  const version = number(event.SubscriptionVersion);
  if (amount !== null && !Number.isFinite(amount)) ctx.invalid("MRR", `Subscription ${event.SubscriptionNumber}: MRR "${event.MRR}" is not a number`);
  if (version !== null && !Number.isInteger(version)) ctx.invalid("SubscriptionVersion", `Subscription ${event.SubscriptionNumber}: version "${event.SubscriptionVersion}" is not a number`);
  if (event.Currency !== null && !/^[A-Z]{3}$/.test(event.Currency)) ctx.invalid("Currency", `Subscription ${event.SubscriptionNumber}: currency "${event.Currency}" is not an ISO code`);
  const date = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : null);
  const f = (name: string) => `${settings.fieldPrefix}${name}`;
  return ctx.finish(() => ({
    recordType: settings.recordType,
    fields: {
      name: `${event.SubscriptionNumber} ${event.EventType}${version !== null ? ` v${version}` : ""}`.slice(0, 300),
      [f("event_id")]: eventId,
      [f("event_type")]: event.EventType,
      [f("subscription_number")]: event.SubscriptionNumber,
      [f("subscription_status")]: event.SubscriptionStatus,
      [f("subscription_version")]: version,
      [f("zuora_account")]: event.AccountNumber ?? event.AccountId,
      ...(customerId ? { [f("customer")]: { id: customerId } } : {}),
      [f("amount")]: amount,
      [f("currency")]: event.Currency,
      [f("effective_date")]: date(event.CancelledDate) ?? date(event.ContractEffectiveDate),
      ...(event.EventTime ? { [f("event_time")]: event.EventTime } : {}),
    },
  }));
};
