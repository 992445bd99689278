// Zuora writes of the flows that post INTO Zuora (vendor-apis.md §1.6; Zuora API reference "Create an
// account" POST /v1/accounts, "Update an account" PUT /v1/accounts/{account-key}, "Create a standalone
// invoice" POST /v1/invoices, checked with the search tool). Every POST carries an Idempotency-Key
// (Zuora documents the header for POST and PATCH only; PUT is idempotent by itself and takes none).
// Custom fields (`Name__c`) are top-level members of the body and of the answers.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ZuoraClient } from "./client";
import { zuoraQueryPageSchema } from "./schemas";

/** A custom field's API name, e.g. "NetSuiteId__c". */
export const zuoraCustomFieldSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, "a Zuora custom field API name ending in __c");

export type ZuoraAccountInput = {
  name: string;
  currency: string;
  billCycleDay: number;
  billToContact: { firstName: string; lastName: string; workEmail?: string; country?: string };
  paymentTerm?: string;
  notes?: string;
  /** custom fields, e.g. { NetSuiteId__c: "1042" } */
  customFields: Record<string, string>;
};
export type ZuoraAccountUpdate = { name?: string; notes?: string; customFields?: Record<string, string> };
export type ZuoraStandaloneInvoiceInput = {
  accountId: string;
  invoiceDate: string;
  dueDate?: string;
  comments?: string;
  customFields: Record<string, string>;
  lines: { chargeName: string; description?: string; quantity: number; unitPrice: number; amount: number; serviceStartDate: string; accountingCode?: string }[];
};

const createdAccountSchema = z.looseObject({ success: z.literal(true), accountId: z.string(), accountNumber: z.string() });
const updatedSchema = z.looseObject({ success: z.literal(true) });
const createdInvoiceSchema = z.looseObject({ id: z.string(), invoiceNumber: z.string(), status: z.string(), amount: z.number(), currency: z.string() });
const foundSchema = z.looseObject({ id: z.string(), accountNumber: z.string().optional(), invoiceNumber: z.string().optional() });

/**
 * The Idempotency-Key of a write: stable for the same record and the same body (a retry or a replay of an
 * attempt whose answer was lost gets the first answer back), new when the body changed (a replay after
 * the admin fixed a mapping is not answered with the stored refusal of the old body). At most 255 characters.
 */
export const idempotencyKeyOf = (action: string, naturalKey: string, body: unknown) =>
  `mlc:${action}:${naturalKey.slice(0, 150)}:${createHash("sha256").update(JSON.stringify(body)).digest("base64url").slice(0, 22)}`;

const withCustomFields = <T extends { customFields?: Record<string, string> }>({ customFields, ...rest }: T) => ({ ...rest, ...customFields });

/** POST /v1/accounts: a new account (no payment method, autoPay off); its id and number. */
export const createZuoraAccount = (client: ZuoraClient, { input, naturalKey }: { input: ZuoraAccountInput; naturalKey: string }) => {
  const body = { ...withCustomFields(input), autoPay: false };
  return client.write({ method: "POST", path: "v1/accounts", body, idempotencyKey: idempotencyKeyOf("account", naturalKey, body), outputSchema: createdAccountSchema });
};

/** PUT /v1/accounts/{id}: the given fields changed. */
export const updateZuoraAccount = (client: ZuoraClient, { accountId, update }: { accountId: string; update: ZuoraAccountUpdate }) =>
  client.request({ method: "PUT", path: `v1/accounts/${encodeURIComponent(accountId)}`, body: { json: withCustomFields(update) }, outputSchema: updatedSchema });

/** POST /v1/invoices: a posted standalone invoice on the account, its lines with their own amounts. */
export const createZuoraStandaloneInvoice = (client: ZuoraClient, { input, naturalKey }: { input: ZuoraStandaloneInvoiceInput; naturalKey: string }) => {
  const { lines, ...header } = input;
  const body = {
    ...withCustomFields(header),
    status: "Posted",
    invoiceItems: lines,
  };
  return client.write({ method: "POST", path: "v1/invoices", body, idempotencyKey: idempotencyKeyOf("invoice", naturalKey, body), outputSchema: createdInvoiceSchema });
};

/**
 * Accounts or invoices whose custom field holds `value` (Object Query `filter[]=<field>.EQ:<value>`,
 * the field in lower case as Object Query names fields): the look-up before create.
 */
export const findZuoraByCustomField = async (client: ZuoraClient, { object, field, value }: { object: "accounts" | "invoices"; field: string; value: string }) => {
  const page = await client.request({
    method: "GET",
    path: `object-query/${object}`,
    query: { "filter[]": [`${zuoraCustomFieldSchema.parse(field).toLowerCase()}.EQ:${value}`], pageSize: 2 },
    outputSchema: zuoraQueryPageSchema(foundSchema),
  });
  return page.data;
};
