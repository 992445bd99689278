import { createHash } from "node:crypto";

/** Acumatica's CustomerID segment is at most 30 characters in the default segmented key; we stay below. */
const MAX_LENGTH = 20;

/** The shape of a shortened id: cut-down text, "-", six hex digits of the account number's hash. */
const HASHED = /-[0-9A-F]{6}$/;

/**
 * A deterministic Acumatica CustomerID for a source billing account: the same account always gives
 * the same id, so a customer created before a crash is found again instead of created twice.
 * Upper-case letters, digits and "-" only. An account number that is already in that form (and
 * short enough) is kept as it is; any other (lower case, other characters, too long) is cut down and
 * gets a hash of the exact number, so `A-100.5` and `A-1005` give two ids. Kept ids never end like a
 * hashed one (such a number is hashed too), so the two forms cannot meet; two hashed ids sharing 24
 * bits of hash and their prefix would, and the customer's Account Ref check holds that case.
 */
export const deriveCustomerId = ({ prefix = "Z", accountNumber }: { prefix?: string; accountNumber: string }): string => {
  const exact = `${prefix}${accountNumber}`;
  const clean = exact.toUpperCase().replace(/[^A-Z0-9-]/g, "");
  if (clean === exact && clean.length <= MAX_LENGTH && clean.length > prefix.length && !HASHED.test(clean)) return clean;
  const hash = createHash("sha256").update(accountNumber).digest("hex").slice(0, 6).toUpperCase();
  return `${clean.slice(0, MAX_LENGTH - 7)}-${hash}`;
};
