import { randomBytes } from "node:crypto";

/**
 * Zuora's v1 failure body: 8-digit code = 6-digit resource code (500000 = unknown object/field) +
 * 2-digit category (20 invalid value, 22 missing field, 30 business rule, 40 not found, 50 locking,
 * 60 internal, 70 limit exceeded, 90 malformed request, 10/11 permission/authentication).
 */
export const zuoraFailure = (code: number, message: string) => ({
  success: false as const,
  processId: randomBytes(8).toString("hex").toUpperCase(),
  reasons: [{ code, message }],
});

export const notFound = (key: string) => zuoraFailure(50000040, `Cannot find entity by key: '${key}'.`);

/** Answer when the tenant lacks Invoice Settlement (exact Zuora wording unconfirmed; see README). */
export const invoiceSettlementRequired = () =>
  zuoraFailure(50000010, "This operation is only available if you have the Invoice Settlement feature enabled.");

export const unauthenticated = () => zuoraFailure(90000011, "this resource is protected, please sign in first");
