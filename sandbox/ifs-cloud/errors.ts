/**
 * IFS error bodies. OData JSON errors `{"error":{"code","message","details"?}}`; codes seen in IFS answers
 * (vendor-apis.md §5.5: ODP_*, MI_METADATA_NOTFOUND, EXPRESSION_PROPERTY_NOT_IN_TYPE, 401 without code) and
 * business-rule failures as the PL/SQL layer raises them: code DATABASE_ERROR with the Oracle text in
 * `details[0].message`, e.g. "ORA-20110: Voucher.NOTBALANCED: …" (README "Errors" says which are ASSUMED).
 */

export type ODataErrorBody = { error: { code?: string; message: string; details?: { code: string; message: string }[] } };

/** Thrown by handlers; the plugin's error handler answers `status` with `body`. */
export class IfsHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "object" && body && "error" in body ? JSON.stringify(body) : String(body));
  }
}

export const odataError = (status: number, code: string | undefined, message: string, headers?: Record<string, string>) =>
  new IfsHttpError(status, { error: code === undefined ? { message } : { code, message } } satisfies ODataErrorBody, headers);

/** 401 on a missing, unknown or expired bearer token: IFS answers without a code (vendor-apis.md §5.5, [IFS-RAW]). */
export const unauthorized = () => odataError(401, undefined, "Unauthorized", { "WWW-Authenticate": 'Bearer realm="ifs"' });

/** "Malformed Request: syntax error at position 12 in 'Contract eq ILER2'." ([IFS-RAW]). */
export const malformed = (position: number, text: string) => odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: syntax error at position ${position} in '${text}'.`);

export const unsupported = (what: string) => odataError(400, "ODP_UNSUPPORTED_URL", `Malformed Request: ${what} is not supported.`);

export const propertyNotInType = (property: string, typeName: string) =>
  odataError(400, "EXPRESSION_PROPERTY_NOT_IN_TYPE", `The property '${property}' is not found in type ${typeName}.`);

export const notFound = () => odataError(404, "ODP_RESOURCE_NOTFOUND", "The requested resource does not exist.");

export const deserialization = (detail?: string) =>
  new IfsHttpError(400, {
    error: { code: "ODP_DESERIALIZATION_ERROR", message: "Error while de-serializing contents.", ...(detail ? { details: [{ code: "ODP_DESERIALIZATION_ERROR", message: detail }] } : {}) },
  } satisfies ODataErrorBody);

/**
 * A business rule refused by the database layer: HTTP 400, code DATABASE_ERROR, the IFS message
 * `ORA-<n>: <LuName>.<KEY>: <text>` in details (ORA-20111 record does not exist, ORA-20110 other rules).
 */
export const databaseError = (lu: string, key: string, text: string, ora = 20110) => {
  const message = `ORA-${ora}: ${lu}.${key}: ${text}`;
  return new IfsHttpError(400, { error: { code: "DATABASE_ERROR", message: text, details: [{ code: `${lu}.${key}`, message }] } } satisfies ODataErrorBody);
};

/** Keycloak's token-endpoint error body `{ error, error_description }`. */
export const keycloakError = (status: number, error: string, description?: string) =>
  new IfsHttpError(status, description === undefined ? { error } : { error, error_description: description });
