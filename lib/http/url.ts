/** A query parameter value; arrays repeat the name (`filter[]=a&filter[]=b`), undefined is left out. */
export type QueryValue = string | number | boolean | readonly (string | number | boolean)[] | undefined;

export type Query = Record<string, QueryValue>;

/**
 * Query parameter names whose values never leave the process unredacted (summaries, errors).
 * Matched case-insensitively as substrings, so `client_secret` and `access_token` are covered.
 */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = [
  "token",
  "secret",
  "password",
  "signature",
  "apikey",
  "api_key",
  "code",
  "session",
  "auth",
];

const REDACTED = "[redacted]";

/** Names that encodeName leaves as they are (most: `$filter`, `page`, `filter[]`). */
const PLAIN_NAME = /^[\w.$[\]~-]*$/;

/** `$filter`, `filter[]` stay readable in URLs and logs; values are fully escaped. */
const encodeName = (name: string) =>
  PLAIN_NAME.test(name) ? name : encodeURIComponent(name).replace(/%24/g, "$").replace(/%5B/gi, "[").replace(/%5D/gi, "]");

/** Query string without the leading `?`; empty when nothing is set. */
export const buildQuery = (query: Query | undefined): string => {
  if (!query) return "";
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) parts.push(`${encodeName(name)}=${encodeURIComponent(String(v))}`);
  }
  return parts.join("&");
};

/**
 * Joins a base URL that may carry a path (`http://host/zuora`, `https://erp.example.com/AcumaticaERP`)
 * with a relative path. `new URL("/v1/x", base)` would drop the base's path, hence this helper.
 */
export const joinUrl = (baseUrl: string, path: string, query?: Query): string => {
  const base = baseUrl.replace(/\/+$/, "");
  const rel = path.replace(/^\/+/, "");
  const qs = buildQuery(query);
  const joined = rel ? `${base}/${rel}` : base;
  if (!qs) return joined;
  return `${joined}${joined.includes("?") ? "&" : "?"}${qs}`;
};

const isSecretName = (name: string, redacted: readonly string[]) => {
  const lower = name.toLowerCase();
  return redacted.some((r) => lower.includes(r.toLowerCase()));
};

/**
 * Both redacted forms of a URL from one parse: `url` with user info removed and secret-looking query
 * values replaced (as redactUrl), `path` its path and redacted query (as redactedPath).
 */
export const redactUrlParts = (url: string, redacted: readonly string[] = DEFAULT_REDACTED_QUERY_PARAMS): { url: string; path: string } => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url: url.replace(/\?.*$/, "?[redacted]"), path: "[unparseable url]" };
  }
  const path = `${parsed.pathname}${redactSearch(parsed.search, redacted)}`;
  return { url: `${parsed.origin}${path}`, path };
};

/** The URL with user info removed and secret-looking query values replaced. Never throws. */
export const redactUrl = (url: string, redacted: readonly string[] = DEFAULT_REDACTED_QUERY_PARAMS): string => redactUrlParts(url, redacted).url;

/** Path plus redacted query of a URL, relative to nothing (e.g. `/zuora/v1/invoices/INV1?cursor=...`). */
export const redactedPath = (url: string, redacted: readonly string[] = DEFAULT_REDACTED_QUERY_PARAMS): string => redactUrlParts(url, redacted).path;

const redactSearch = (search: string, redacted: readonly string[]): string => {
  if (!search || search === "?") return "";
  const parts = search
    .slice(1)
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf("=");
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName);
      } catch {
        // keep the raw name
      }
      if (eq === -1 || !isSecretName(name, redacted)) return pair;
      return `${rawName}=${REDACTED}`;
    });
  return `?${parts.join("&")}`;
};

const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|assertion|code_verifier/i;

/**
 * A short, secret-free excerpt of a response or request body for errors and audit rows: JSON keys
 * that look secret get their values replaced before truncation; non-JSON text is truncated as is.
 */
export const redactBody = (text: string, maxLength = 500): string => {
  let out = text;
  try {
    const parsed: unknown = JSON.parse(text);
    out = JSON.stringify(parsed, (key, value: unknown) => (key && SECRET_KEY.test(key) ? REDACTED : value));
  } catch {
    out = text.replace(/((?:access|refresh|id)_token|client_secret|password)=([^&\s]+)/gi, `$1=${REDACTED}`);
  }
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
};
