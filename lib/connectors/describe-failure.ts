import { VendorHttpError } from "../http";

/**
 * An admin-readable sentence for a failed test step: what went wrong and what to check, never a
 * stack trace. `what` names the thing that was asked for, e.g. "the Zuora token endpoint".
 */
export const describeFailure = (err: unknown, what: string, baseUrl: string): string => {
  if (err instanceof VendorHttpError) {
    let host = baseUrl;
    try {
      host = new URL(baseUrl).host;
    } catch {
      // keep the text as entered
    }
    if (err.code === "network") {
      if (/ENOTFOUND|EAI_AGAIN/.test(err.reason)) return `The host ${host} was not found (DNS). Check the URL.`;
      if (/ECONNREFUSED/.test(err.reason)) return `Nothing accepts connections at ${host} (connection refused). Check the URL and port.`;
      return `Could not reach ${host}: ${err.reason}. Check the URL and the network.`;
    }
    if (err.code === "timeout") return `${host} did not answer in time. Check the URL and the network.`;
    if (err.code === "unauthorized") return err.reason;
    if (err.code === "schema") return `${what} answered, but not with what that service returns: is the URL right? (${err.reason})`;
    if (err.status === 404) return `${what} was not found at this URL (404). Check the URL, including any path.`;
    if (err.code === "rate-limited") return `The vendor is throttling requests right now; try again in a minute (${err.reason}).`;
    return `${what} failed: ${err.reason}`;
  }
  if (err instanceof Error && err.name === "ZodError") return `The connection settings are incomplete or invalid: ${err.message}`;
  return `${what} failed unexpectedly.`;
};
