export { VendorHttpError, isVendorHttpError, type VendorErrorCode, type VendorHttpErrorInit } from "./errors";
export { QueueFullError, acquireSlot, pauseKey, takeRateToken, type SharedLimits, type SlotLease } from "./limits";
export { DEFAULT_RETRY_POLICY, backoffDelay, parseResetHeader, parseRetryAfter, sleep, type RetryPolicy } from "./retry";
export { type ResponseHeaders } from "./send-request";
export { formatSummary, type ExchangeSummary } from "./summary";
export { TokenCache, hashCredentials, type CachedToken, type FetchToken, type TokenCacheOptions, type TokenSet } from "./token-cache";
export { DEFAULT_REDACTED_QUERY_PARAMS, buildQuery, joinUrl, redactBody, redactUrl, redactedPath, type Query, type QueryValue } from "./url";
export {
  PlainHttpClient,
  VendorHttpClient,
  type HttpMethod,
  type RateLimitHeaders,
  type RequestBody,
  type RequestOptions,
  type VendorErrorDescription,
  type VendorHttpClientOptions,
  type VendorResponse,
} from "./vendor-client";
