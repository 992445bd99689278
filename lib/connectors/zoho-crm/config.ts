/** Static facts about Zoho CRM's REST API v8 and Zoho Accounts (vendor-apis.md §3). */
export const zohoCrmConfig = {
  id: "zoho-crm",
  label: "Zoho CRM",
  /**
   * Zoho Accounts per data center: the token endpoint is `{accounts server}/oauth/v2/token`
   * (refresh_token grant); the token answer's `api_domain` is the host of every API call.
   */
  accountsServers: {
    "United States (zoho.com)": "https://accounts.zoho.com",
    "Europe (zoho.eu)": "https://accounts.zoho.eu",
    "India (zoho.in)": "https://accounts.zoho.in",
    "Australia (zoho.com.au)": "https://accounts.zoho.com.au",
    "China (zoho.com.cn)": "https://accounts.zoho.com.cn",
    "Japan (zoho.jp)": "https://accounts.zoho.jp",
    "Canada (zohocloud.ca)": "https://accounts.zohocloud.ca",
    "Saudi Arabia (zoho.sa)": "https://accounts.zoho.sa",
  },
  tokenPath: "oauth/v2/token",
  /** API root below `api_domain` */
  apiPath: "crm/v8",
  /** `Authorization: Zoho-oauthtoken <token>` (a `Bearer` prefix is refused with AUTHENTICATION_FAILURE) */
  authScheme: "Zoho-oauthtoken",
  /** records per insert/update/upsert call */
  maxRecordsPerWrite: 100,
  /** records per list page */
  maxPerPage: 200,
  /**
   * Default shared limits of one org: Zoho allows 10 (Standard) to 25 (Ultimate) concurrent calls and
   * answers 429 beyond, with no Retry-After; we stay below the Standard edition's 10.
   */
  limits: { requestsPerSecond: 20, burst: 10, maxConcurrent: 8 },
  /** a notification channel lives at most a week; we renew a day ahead each time */
  channelLifetimeMs: 24 * 3_600_000,
  /** Zoho sets one hour when a watch request carries no channel_expiry */
  defaultChannelLifetimeMs: 3_600_000,
  /** renew this long before the channel expires */
  renewBeforeMs: 2 * 3_600_000,
} as const;

/** Modules this connector reads or writes. */
export type ZohoModule = "Accounts" | "Products" | "Invoices" | "Deals";
