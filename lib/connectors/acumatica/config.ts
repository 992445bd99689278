/** Static facts about Acumatica's contract-based REST API (vendor-apis.md §2). */
export const acumaticaConfig = {
  id: "acumatica",
  label: "Acumatica",
  /** OAuth 2.0 on the instance: password grant to start, refresh_token grant after */
  auth: { kind: "oauth2-password", tokenPath: "identity/connect/token", scope: "api offline_access" },
  endpointName: "Default",
  /** the version new connections pin; the instance must offer it (`GET /entity` lists them) */
  defaultEndpointVersion: "24.200.001",
  /**
   * Where each document keeps its Zuora natural key, for look-ups before create (Acumatica has no
   * idempotency key). Invoice and credit memo: `CustomerOrder` (the "Customer Order Nbr."),
   * payment: `ExternalRef`; both exist in Default 23/24.200.001. Journal transactions have no
   * reference field at header level in the Default endpoint, so `Description` carries the key.
   */
  naturalKeyFields: {
    Customer: "CustomerID",
    Invoice: "CustomerOrder",
    Payment: "ExternalRef",
    JournalTransaction: "Description",
  },
  /**
   * Default shared limits; licences allow roughly 100-150 requests/min and few concurrent
   * requests (429 beyond). Overridable per connection.
   */
  limits: { requestsPerMinute: 120, burst: 5, maxConcurrent: 3 },
  /** values per `$filter=X eq 'a' or X eq 'b' ...` look-up of concurrent jobs (keeps URLs short) */
  filterBatchSize: 25,
  /**
   * The longest query string a look-up sends, in bytes as sent. Acumatica runs on IIS, whose request
   * filtering refuses longer ones (`maxQueryString`, default 2048, answered 404.15) as does ASP.NET
   * (`maxQueryStringLength`, default 2048); Acumatica documents no limit of its own, so the defaults
   * are assumed (sandbox/acumatica/README.md).
   */
  maxQueryStringBytes: 2048,
  /** values per call of a poll page's batched look-up (TargetPort.lookUpMany): as many as the query string takes */
  lookUpManyBatchSize: 100,
  /** how long to follow a 202 Location of a long-running action */
  actionPollTimeoutMs: 120_000,
  /**
   * Waits before the status polls of a 202 action: the first soon (a release on a quiet instance is
   * done in tens to hundreds of ms), then doubling up to `maxMs` so a release that takes seconds costs
   * a handful of polls (25, 50, 100 ... 2,000 ms: about 8 polls for a 5 s release).
   */
  actionPollWaitsMs: { firstMs: 25, maxMs: 2_000 },
  /**
   * A release is confirmed by its document's Status, read for many documents at once; its own Location
   * is asked (to learn whether it failed, and Acumatica's reason) only once the document has stayed
   * unreleased this long: a release that fails is reported about a second late, one that succeeds costs
   * no call of its own.
   */
  releaseLocationAfterMs: 1_000,
  /**
   * The longest a release's status check waits for the other releases in flight in this process to
   * share its read (it waits for nobody when all of them are waiting already, see batchReleaseChecks).
   */
  releaseStatusMaxWaitMs: 100,
  /**
   * How long a customer look-up that finds no call in flight waits for other jobs' look-ups to go in the
   * same call (customers, master data, are looked up before every post; the answer is as fresh as a call
   * of its own, see coalescingLookup).
   */
  customerLookUpWindowMs: 15,
  /**
   * How long a customer look-up answers the jobs of this process (a document's planner and its
   * account's share one, and a first-pass poll page's batched read answers its accounts' planners). Customers are created insert-only, so an answer out of
   * date costs a refused create (412) and a fresh read, never a second customer.
   */
  customerLookUpTtlMs: 30_000,
} as const;

export type AcumaticaEntity = "Customer" | "Invoice" | "Payment" | "JournalTransaction" | "Account" | (string & {});
