import { ZodError } from "zod";
import { AppError } from "../errors";
import { VendorHttpError } from "../http";

const MAX_MESSAGE = 2000;

/**
 * Classifies any error thrown while processing a record:
 * - errors carrying `retryable: boolean` (VendorHttpError from lib/http and the connectors) decide themselves;
 * - ZodError (a malformed vendor answer or payload) and AppError are not retryable;
 * - anything else (network failures thrown by fetch, database hiccups) is retried.
 * The message is readable and secret-free (vendor errors are redacted by lib/http).
 */
export const describeSyncError = (err: unknown): { message: string; retryable: boolean; targetStatus: number | null } => {
  const status = typeof err === "object" && err !== null && "status" in err && typeof err.status === "number" ? err.status : null;
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return { message: `Unexpected data: ${where}${issue?.message ?? "invalid"}`.slice(0, MAX_MESSAGE), retryable: false, targetStatus: status };
  }
  if (err instanceof AppError) return { message: err.userMessage.slice(0, MAX_MESSAGE), retryable: false, targetStatus: status };
  if (err instanceof VendorHttpError) {
    // What an admin reads: the vendor and its own words, not our request line.
    const vendor = err.vendor.charAt(0).toUpperCase() + err.vendor.slice(1);
    const reason = err.status ? err.reason.replace(new RegExp(`^${err.status}:\\s*`), "") : err.reason;
    const message = `${vendor}${err.status ? ` (HTTP ${err.status})` : ""}: ${reason}`;
    return { message: message.slice(0, MAX_MESSAGE), retryable: err.retryable, targetStatus: status };
  }
  if (typeof err === "object" && err !== null && "retryable" in err && typeof err.retryable === "boolean" && err instanceof Error) {
    return { message: err.message.slice(0, MAX_MESSAGE), retryable: err.retryable, targetStatus: status };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message: message.slice(0, MAX_MESSAGE), retryable: true, targetStatus: status };
};
