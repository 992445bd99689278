/** Static facts about Zuora's Billing REST API v1 (vendor-apis.md §1). */
export const zuoraConfig = {
  id: "zuora",
  label: "Zuora",
  /** OAuth 2.0 client credentials on the tenant's own host */
  auth: { kind: "oauth2-client-credentials", tokenPath: "oauth/token" },
  /** REST base URL per data centre; the admin may also enter any other tenant URL */
  baseUrls: {
    "US Production (Cloud 1)": "https://rest.na.zuora.com",
    "US Production (Cloud 2)": "https://rest.zuora.com",
    "US API Sandbox (Cloud 1)": "https://rest.sandbox.na.zuora.com",
    "US API Sandbox (Cloud 2)": "https://rest.apisandbox.zuora.com",
    "US Central Sandbox": "https://rest.test.zuora.com",
    "EU Production": "https://rest.eu.zuora.com",
    "EU API Sandbox": "https://rest.sandbox.eu.zuora.com",
    "EU Central Sandbox": "https://rest.test.eu.zuora.com",
    "APAC Production": "https://rest.ap.zuora.com",
    "APAC Central Sandbox": "https://rest.test.ap.zuora.com",
  },
  requestIdHeaders: ["zuora-request-id"],
  rateLimitHeaders: { retryAfter: ["retry-after"], remaining: "ratelimit-remaining", reset: "ratelimit-reset" },
  /**
   * Defaults for the shared limits, overridable per connection. Zuora's default tenant concurrency
   * is 40 and API Sandbox tenants allow 2,500 requests/min; we stay below both.
   */
  limits: { requestsPerSecond: 40, burst: 20, maxConcurrent: 20 },
  /** Object Query page size: 1..99, outside answers 400 */
  objectQueryPageSize: 99,
  /** v1 invoice items page size (max 40) */
  itemsPageSize: 40,
  /** error categories (last two digits of `reasons[].code`) Zuora says to retry */
  retryableCategories: [50, 61, 70, 99],
  /** Idempotency-Key is accepted on POST and PATCH, up to 255 characters, kept 24 h */
  idempotencyKeyMaxLength: 255,
  /** callout header that stays the same across retries of one notification (dedupe key) */
  notificationIdHeader: "zuora-notification-id",
} as const;

/** Objects the Object Query API can poll by `updatedDate`. */
export const ZUORA_POLL_OBJECTS = ["invoices", "payments", "credit-memos", "accounts", "refunds", "debit-memos", "invoice-item-adjustments"] as const;
export type ZuoraPollObject = (typeof ZUORA_POLL_OBJECTS)[number];
