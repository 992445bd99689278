import { describe, expect, it } from "vitest";
import { mapSubscriptionEvent, zuoraNetsuiteSubscriptionsSettingsSchema, zuoraSubscriptionEventSchema } from "./mapping";

const settings = zuoraNetsuiteSubscriptionsSettingsSchema.parse({});
const body = {
  EventType: "SubscriptionCancelled",
  SubscriptionId: "8a1",
  SubscriptionNumber: "A-S00000007",
  SubscriptionVersion: "3",
  SubscriptionStatus: "Cancelled",
  AmendmentType: "Cancellation",
  AccountId: "2c9",
  AccountNumber: "A00000012",
  Currency: "EUR",
  MRR: "150",
  ContractEffectiveDate: "2026-12-15",
  CancelledDate: "2026-12-31",
  EventTime: "2026-12-07T03:00:00.000Z",
};

describe("Zuora subscription event -> NetSuite custom record", () => {
  it("keeps the event's type, the subscription's state and amounts, and links the NetSuite customer", () => {
    const result = mapSubscriptionEvent({ eventId: "notif-1", event: zuoraSubscriptionEventSchema.parse(body), customerId: "101", settings });
    expect(result.output).toEqual({
      recordType: "customrecord_zuora_subscription_event",
      fields: {
        name: "A-S00000007 SubscriptionCancelled v3",
        custrecord_zse_event_id: "notif-1",
        custrecord_zse_event_type: "SubscriptionCancelled",
        custrecord_zse_subscription_number: "A-S00000007",
        custrecord_zse_subscription_status: "Cancelled",
        custrecord_zse_subscription_version: 3,
        custrecord_zse_zuora_account: "A00000012",
        custrecord_zse_customer: { id: "101" },
        custrecord_zse_amount: 150,
        custrecord_zse_currency: "EUR",
        custrecord_zse_effective_date: "2026-12-31",
        custrecord_zse_event_time: "2026-12-07T03:00:00.000Z",
      },
    });
  });

  it("an account not from NetSuite has no customer; merge fields left empty become null; bad amounts fail", () => {
    const sparse = zuoraSubscriptionEventSchema.parse({ ...body, MRR: "", CancelledDate: "", AmendmentType: "" });
    const result = mapSubscriptionEvent({ eventId: "n2", event: sparse, customerId: null, settings });
    expect(result.output?.fields).not.toHaveProperty("custrecord_zse_customer");
    expect(result.output?.fields).toMatchObject({ custrecord_zse_amount: null, custrecord_zse_effective_date: "2026-12-15" });
    expect(mapSubscriptionEvent({ eventId: "n3", event: zuoraSubscriptionEventSchema.parse({ ...body, MRR: "lots" }), customerId: null, settings }).issues).toMatchObject([{ type: "invalid", field: "MRR" }]);
    expect(zuoraSubscriptionEventSchema.safeParse({ EventType: "SubscriptionCreated" }).success).toBe(false);
  });
});
