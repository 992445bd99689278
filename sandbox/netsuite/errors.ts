/*
 * NetSuite REST error bodies (RFC 7807-like, media type application/vnd.oracle.resource+json; type=error):
 * { type, title, status, "o:errorDetails": [{ detail, "o:errorCode", "o:errorPath"?, ... }] }.
 * Source: vendor-apis.md §4.6 ([NS-ERR], [NS-RAB] docs/schemas/ns.md). The 429 body is the one independent
 * third parties quote (§4.5), with its odd title "Bad Request".
 */

/** With an explicit charset, so Fastify sends the header as written (without it, it rewrites it to type="error"). */
export const ERROR_MEDIA_TYPE = "application/vnd.oracle.resource+json; type=error; charset=UTF-8";

/** Oracle's examples use this `type`; a raw 401 from a newer release used an RFC 9110 URI, so it is a setting. */
export const DEFAULT_ERROR_TYPE_URI = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  415: "Unsupported Media Type",
  429: "Bad Request",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export type NsErrorDetail = {
  detail: string;
  "o:errorCode": string;
  "o:errorPath"?: string;
  "o:errorHeader"?: string;
  "o:errorQueryParam"?: string;
  "o:errorUrl"?: string;
  "o:urlPath"?: string;
};

export type NsErrorBody = { type: string; title: string; status: number; "o:errorDetails": NsErrorDetail[] };

export type NsErrorExtra = Omit<NsErrorDetail, "detail" | "o:errorCode">;

/** Thrown by handlers; the vendor plugin's error handler turns it into the body below. */
export class NsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: NsErrorExtra = {},
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

export const nsErrorBody = (options: { status: number; code: string; detail: string; extra?: NsErrorExtra; typeUri?: string }): NsErrorBody => ({
  type: options.typeUri ?? DEFAULT_ERROR_TYPE_URI,
  title: TITLES[options.status] ?? "Error",
  status: options.status,
  "o:errorDetails": [{ detail: options.detail, "o:errorCode": options.code, ...options.extra }],
});

/** The detail text NetSuite gives for every authentication failure; the reason is only in the Login Audit Trail. */
export const INVALID_LOGIN_DETAIL =
  "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.";

export const CONCURRENCY_DETAIL = "Concurrent request limit exceeded. Request blocked.";

export const notFound = (detail = "The record instance does not exist. Provide a valid record instance ID.") => new NsError(404, "NONEXISTENT_ID", detail);

export const invalidContent = (detail: string, path?: string) =>
  new NsError(400, "INVALID_CONTENT", `Error while accessing a resource. ${detail}`, path ? { "o:errorPath": path } : {});

export const userError = (detail: string, path?: string) => new NsError(400, "USER_ERROR", `Error while accessing a resource. ${detail}`, path ? { "o:errorPath": path } : {});

export const invalidParameter = (detail: string, param?: string) =>
  new NsError(400, "INVALID_PARAMETER", detail, param ? { "o:errorQueryParam": param } : {});
