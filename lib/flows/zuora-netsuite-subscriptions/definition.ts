// Zuora subscription events -> NetSuite (integrations.md §3, the partner of netsuite-zuora): each Zuora
// subscription lifecycle callout (new, amended, cancelled; HMAC-SHA256 signed) is a record of its own and
// becomes one NetSuite custom record holding the subscription's status and amounts at that event, for
// revenue accounting. Records are written by external id (the Zuora notification id), so a callout
// delivered twice, or a post retried, never makes a second one.
import type { NetsuiteClient } from "../../connectors/netsuite";
import { createNetsuiteTarget } from "../../connectors/netsuite/target";
import type { SourcePort } from "../../connectors/ports";
import type { ZuoraClient } from "../../connectors/zuora";
import { NETSUITE_ZUORA, ZUORA_NETSUITE_SUBSCRIPTIONS } from "../netsuite-zuora/definition";
import { defineFlow } from "../types";
import { mapSubscriptionEvent, zuoraNetsuiteSubscriptionsSettingsSchema, zuoraSubscriptionEventSchema, type ZuoraNetsuiteSubscriptionsSettings } from "./mapping";

/** Subscription events come only as callouts (the record is the event): nothing is polled or fetched. */
const eventsOnlySource: SourcePort = {
  fetchDocument: async () => null,
  listChanged: async ({ objectType }) => {
    throw Object.assign(new Error(`${objectType} records arrive as Zuora callouts only`), { retryable: false });
  },
};

export const zuoraNetsuiteSubscriptions = defineFlow<ZuoraClient, NetsuiteClient, ZuoraNetsuiteSubscriptionsSettings>({
  kind: ZUORA_NETSUITE_SUBSCRIPTIONS,
  label: "Zuora subscription events → NetSuite",
  description: "Each Zuora subscription event (new, amended, cancelled) becomes a NetSuite custom record with the subscription's status and amounts, linked to the NetSuite customer.",
  source: "zuora",
  target: "netsuite",
  objects: [{ type: "subscription-event", label: "Subscription events → custom records", mode: "document", fromEvents: true }],
  settings: {
    schema: zuoraNetsuiteSubscriptionsSettingsSchema,
    fields: [
      { name: "recordType", label: "Custom record type", type: "text", required: true, defaultValue: "customrecord_zuora_subscription_event" },
      { name: "fieldPrefix", label: "Field id prefix", type: "text", required: true, defaultValue: "custrecord_zse_", help: "Fields: event_id, event_type, subscription_number, subscription_status, subscription_version, zuora_account, customer, amount, currency, effective_date, event_time." },
    ],
  },
  valueMapKinds: [],
  partner: NETSUITE_ZUORA,
  pollOptions: () => ({ pageSize: 1, pagesPerJob: 1, overlapSeconds: 0 }),
  connect: ({ target, settings }) => ({
    source: eventsOnlySource,
    target: createNetsuiteTarget(target),
    plan: async ({ record, ledger }) => {
      if (record.objectType !== "subscription-event") return { action: "skip", reason: `object type ${record.objectType} is not synced by this flow` };
      const parsed = zuoraSubscriptionEventSchema.safeParse(record.sourcePayload);
      if (!parsed.success) return { action: "fail", reason: `The callout is not a subscription event of the documented template: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}` };
      // The NetSuite customer whose Zuora account this is (written by the partner flow), if any.
      const customer = await ledger.partnerRecordByTarget({ objectType: "customer", targetId: parsed.data.AccountId });
      const result = mapSubscriptionEvent({ eventId: record.sourceId, event: parsed.data, customerId: customer?.sourceId ?? null, settings });
      if (!result.output) return { action: "fail", reason: result.issues.map((i) => (i.type === "invalid" ? i.message : i.missing.sourceKey)).join("; ") };
      return { action: "post", documents: [{ entity: settings.recordType, naturalKey: record.sourceId, document: result.output }], mapped: result.output };
    },
  }),
});
