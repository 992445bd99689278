/** Static facts about NetSuite's SuiteTalk REST web services (vendor-apis.md §4; sandbox/netsuite/README.md). */
export const netsuiteConfig = {
  id: "netsuite",
  label: "NetSuite",
  /** OAuth 2.0 client credentials with a JWT client assertion (M2M), on the account's own host */
  auth: {
    tokenPath: "services/rest/auth/oauth2/v1/token",
    assertionType: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    /** signing algorithms NetSuite accepts for the assertion (RS256 was withdrawn on 1 March 2025) */
    algorithms: ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512"],
    scope: ["rest_webservices"],
    /** the assertion may live at most 60 minutes; we ask for five */
    assertionSeconds: 300,
  },
  recordPath: "services/rest/record/v1",
  suiteqlPath: "services/rest/query/v1/suiteql",
  /** SuiteQL and collection pages: at most 1,000 rows */
  maxPageSize: 1000,
  /**
   * Concurrency governance is per account (15 parallel requests on a Tier 1 account without SuiteCloud
   * Plus) and shared with every other integration, so we take a share of it by default. 429s carry no
   * Retry-After: the shared limits keep us under our share and retries back off.
   */
  limits: { maxConcurrent: 5, requestsPerSecond: 50, burst: 10 },
  /** NetSuite's default account time zone; SuiteQL shows and compares datetimes in the account's zone */
  defaultTimeZone: "America/Los_Angeles",
  /** query parameter of the outbound script's shared secret (its deployment parameter) */
  webhookSecretParam: "secret",
} as const;
