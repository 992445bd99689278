/** Static facts about IFS Cloud's OData API (vendor-apis.md §5; sandbox/ifs-cloud/README.md). */
export const ifsCloudConfig = {
  id: "ifs-cloud",
  label: "IFS Cloud",
  /** IFS IAM is Keycloak: client credentials, form body, on the tenant host [IFS-IAM] */
  auth: { kind: "oauth2-client-credentials", tokenPath: (realm: string) => `auth/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`, scope: "openid microprofile-jwt" },
  /** projections under `/<int|main>/ifsapplications/projection/v1/<Projection>.svc` [IFS-PROJ]; /int for integrations [IFS-INB] */
  projectionsPath: (apiPath: "int" | "main") => `${apiPath}/ifsapplications/projection/v1`,
  /**
   * Projection and entity-set names. IFS publishes no voucher projection names (ASSUMPTION §5.7):
   * these are the defaults of new connections; each tenant's are read in its API Explorer and set on
   * the connection.
   */
  defaultNames: {
    voucherProjection: "ManualVoucherHandling",
    voucherSet: "Vouchers",
    voucherRowSet: "VoucherRows",
    voucherRowsNavigation: "VoucherRowArray",
    companyProjection: "CompanyHandling",
    companySet: "CompanySet",
    accountProjection: "AccountsHandling",
    accountSet: "AccountSet",
    codePartProjection: "CodePartValuesHandling",
    codePartSet: "AccountingCodePartValueSet",
    periodProjection: "AccountingPeriodsHandling",
    periodSet: "AccountingPeriodSet",
  },
  /**
   * IFS's server page size is not published; 1,000 is the sandbox's and a safe bound. No request asks
   * for more than this per page, and catalogues stop at MAX_CATALOG_VALUES.
   */
  defaultResultSizeLimit: 1000,
  /** IFS publishes no request-rate limit; off unless the connection sets one. Calls in flight at once per connection. */
  limits: { maxConcurrent: 8, burst: 5 },
  /** a stale If-Match (412) is answered by reading the entity again, this many times */
  etagRetries: 3,
} as const;

export type IfsNames = { -readonly [K in keyof typeof ifsCloudConfig.defaultNames]: string };
