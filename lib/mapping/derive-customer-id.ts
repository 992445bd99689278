import { createHash } from "node:crypto";

/** Acumatica's CustomerID segment is at most 30 characters in the default segmented key; we stay below. */
const MAX_LENGTH = 20;

/**
 * A deterministic Acumatica CustomerID for a source billing account: the same account always gives
 * the same id, so a customer created before a crash is found again instead of created twice.
 * Upper-case letters, digits and "-" only; long numbers are shortened with a hash suffix.
 */
export const deriveCustomerId = ({ prefix = "Z", accountNumber }: { prefix?: string; accountNumber: string }): string => {
  const clean = `${prefix}${accountNumber}`.toUpperCase().replace(/[^A-Z0-9-]/g, "");
  if (clean.length <= MAX_LENGTH && clean.length > prefix.length) return clean;
  const hash = createHash("sha256").update(accountNumber).digest("hex").slice(0, 6).toUpperCase();
  return `${clean.slice(0, MAX_LENGTH - 7)}-${hash}`;
};
