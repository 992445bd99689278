/*
 * Zoho CRM's error envelope: {"code","details","message","status":"error"} (vendor-apis.md §3.8; the
 * API_Exception schema of Zoho's record.json). Whole-request errors answer this object with an HTTP status;
 * per-record errors are the same object inside the {"data":[...]} array of a write answer.
 */

export type ZohoErrorBody = { code: string; details: Record<string, unknown>; message: string; status: "error" };

export const zohoError = (code: string, message: string, details: Record<string, unknown> = {}): ZohoErrorBody => ({ code, details, message, status: "error" });

/** A whole-request refusal; the API plugin's error handler answers it with `status` and `body`. */
export class ZohoCrmError extends Error {
  constructor(
    readonly status: number,
    readonly body: ZohoErrorBody,
  ) {
    super(`${body.code}: ${body.message}`);
  }
}

export const refuse = (status: number, code: string, message: string, details: Record<string, unknown> = {}): never => {
  throw new ZohoCrmError(status, zohoError(code, message, details));
};

export const ERRORS = {
  invalidToken: () => new ZohoCrmError(401, zohoError("INVALID_TOKEN", "invalid oauth token")),
  authenticationFailure: () => new ZohoCrmError(401, zohoError("AUTHENTICATION_FAILURE", "Authentication failed")),
  invalidModule: () => new ZohoCrmError(400, zohoError("INVALID_MODULE", "The module name given seems to be invalid", { resource_path_index: 0 })),
  invalidUrl: () => new ZohoCrmError(404, zohoError("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one")),
  /** ASSUMED shape: v1's error 4502 "This module is not supported in your edition" with v8's FEATURE_NOT_SUPPORTED code. */
  notInEdition: (module: string, edition: string) =>
    new ZohoCrmError(403, zohoError("FEATURE_NOT_SUPPORTED", "This module is not supported in your edition", { module, edition })),
  requiredParam: (param: string) => new ZohoCrmError(400, zohoError("REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", { param })),
  tooManyRecords: (limit: number) => new ZohoCrmError(400, zohoError("LIMIT_EXCEEDED", "Record count exceeded", { limit })),
};
