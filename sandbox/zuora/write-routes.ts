import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { notFound, zuoraFailure } from "./errors";
import { invoiceV1 } from "./format";
import { ZuoraStoreError } from "./store";
import type { ZuoraTenant } from "./tenant";

/*
 * Writes the NetSuite -> Zuora flow makes (vendor-apis.md §1.6/1.7, Zuora API reference "Create an
 * account" POST /v1/accounts, "Update an account" PUT /v1/accounts/{account-key}, "Create a standalone
 * invoice" POST /v1/invoices; checked with the search tool, see README):
 * - custom fields are top-level `Name__c` members; a name the tenant has not defined is refused (ASSUMED wording);
 * - unknown standard fields are ignored, as Zuora does without rejectUnknownFields;
 * - POST carries Idempotency-Key (handled for every POST/PATCH in vendor-plugin.ts); PUT does not take one.
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be yyyy-mm-dd");
/** Contact fields as POST/PUT /v1/accounts take them (Zuora's lengths: address 255, city 40, zip 20, e-mail 80, phone 40). */
const contactFields = {
  workEmail: z.string().max(80).optional(),
  workPhone: z.string().max(40).optional(),
  address1: z.string().max(255).optional(),
  address2: z.string().max(255).optional(),
  city: z.string().max(40).optional(),
  state: z.string().optional(),
  zipCode: z.string().max(20).optional(),
  country: z.string().optional(),
};
const contactSchema = z.looseObject({ firstName: z.string().min(1).max(100), lastName: z.string().min(1).max(100), ...contactFields });
/** PUT's billToContact changes only the fields it gives. */
const contactUpdateSchema = z.looseObject({ firstName: z.string().min(1).max(100).optional(), lastName: z.string().min(1).max(100).optional(), ...contactFields });
const CONTACT_KEYS = ["firstName", "lastName", "workEmail", "workPhone", "address1", "address2", "city", "state", "zipCode", "country"] as const;
/** The contact fields an update gives (others it may carry, and the ones it leaves out, stay as they are). */
const definedContactFields = (c: z.infer<typeof contactUpdateSchema>): Partial<Record<(typeof CONTACT_KEYS)[number], string>> => {
  const out: Partial<Record<(typeof CONTACT_KEYS)[number], string>> = {};
  for (const k of CONTACT_KEYS) {
    const v = c[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
};
const createAccountSchema = z.looseObject({
  name: z.string().min(1).max(255),
  currency: z.string().length(3),
  billCycleDay: z.number().int().min(0).max(31),
  billToContact: contactSchema,
  soldToContact: contactSchema.optional(),
  accountNumber: z.string().max(70).optional(),
  autoPay: z.boolean().default(false),
  paymentTerm: z.string().default("Net 30"),
  crmId: z.string().max(100).optional(),
  notes: z.string().max(65_535).optional(),
  batch: z.string().default("Batch1"),
});
const updateAccountSchema = z.looseObject({
  name: z.string().min(1).max(255).optional(),
  crmId: z.string().max(100).optional(),
  notes: z.string().max(65_535).optional(),
  paymentTerm: z.string().optional(),
  autoPay: z.boolean().optional(),
  billCycleDay: z.number().int().min(0).max(31).optional(),
  billToContact: contactUpdateSchema.optional(),
  currency: z.unknown().optional(),
});
const invoiceItemSchema = z.looseObject({
  amount: z.number(),
  serviceStartDate: date,
  serviceEndDate: date.optional(),
  chargeName: z.string().max(255).optional(),
  productRatePlanChargeId: z.string().optional(),
  quantity: z.number().positive().default(1),
  unitPrice: z.number().optional(),
  description: z.string().max(500).optional(),
  accountingCode: z.string().optional(),
  taxAmount: z.number().optional(),
});
const createInvoiceSchema = z.looseObject({
  accountId: z.string().optional(),
  accountNumber: z.string().optional(),
  invoiceDate: date,
  dueDate: date.optional(),
  status: z.enum(["Draft", "Posted"]).default("Draft"),
  comments: z.string().max(1_000).optional(),
  invoiceItems: z.array(invoiceItemSchema).min(1).max(1_000),
});

/** Zuora's answer for a body that fails validation: 22 for a missing field, 20 for an invalid one. */
const invalid = (error: z.ZodError) => {
  const issue = error.issues[0];
  const path = issue?.path.join(".") || "body";
  const missing = issue?.code === "invalid_type" && issue.input === undefined;
  return zuoraFailure(missing ? 50000022 : 50000020, missing ? `${path} is required.` : `${path}: ${issue?.message ?? "invalid value"}`);
};

/** The `*__c` members of a body, checked against the tenant's definitions of that object. */
const customFieldsOf = (body: Record<string, unknown>, defined: readonly string[]): Record<string, string | null> | { unknown: string } => {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!k.endsWith("__c")) continue;
    if (!defined.includes(k)) return { unknown: k };
    out[k] = v === null || v === undefined ? null : String(v);
  }
  return out;
};

export const registerZuoraWriteRoutes = (app: FastifyInstance, tenant: ZuoraTenant) => {
  const { store } = tenant;

  // POST /v1/accounts – Create an account (with a bill-to contact, no payment method: autoPay false).
  app.post("/v1/accounts", async (request) => {
    const parsed = createAccountSchema.safeParse(request.body);
    if (!parsed.success) return invalid(parsed.error);
    const input = parsed.data;
    const custom = customFieldsOf(input, tenant.settings.customFields.Account);
    if ("unknown" in custom) return zuoraFailure(50000020, `Unknown field ${custom.unknown}: it is not a custom field of Account.`);
    if (input.autoPay) return zuoraFailure(50000022, "paymentMethod is required when autoPay is true.");
    if (input.accountNumber && store.findAccount(input.accountNumber)) return zuoraFailure(50000030, `The account number ${input.accountNumber} is invalid or already in use.`);
    const contact = (c: z.infer<typeof contactSchema>) => ({
      id: store.newId(),
      firstName: c.firstName,
      lastName: c.lastName,
      workEmail: c.workEmail ?? "",
      workPhone: c.workPhone ?? "",
      address1: c.address1 ?? "",
      address2: c.address2 ?? "",
      city: c.city ?? "",
      state: c.state ?? "",
      zipCode: c.zipCode ?? "",
      country: c.country ?? "",
    });
    const billTo = contact(input.billToContact);
    const account = store.addAccount({
      ...(input.accountNumber ? { accountNumber: input.accountNumber } : {}),
      name: input.name,
      currency: input.currency,
      status: "Active",
      billCycleDay: input.billCycleDay,
      paymentTerm: input.paymentTerm,
      autoPay: false,
      crmId: input.crmId ?? "",
      batch: input.batch,
      salesRep: "",
      notes: input.notes ?? "",
      taxRate: 0,
      taxCode: "",
      billTo,
      soldTo: input.soldToContact ? contact(input.soldToContact) : billTo,
      defaultPaymentMethodId: null,
      paymentGateway: null,
      customFields: custom,
    });
    return { success: true, accountId: account.id, accountNumber: account.accountNumber, billToContactId: account.billTo.id, soldToContactId: account.soldTo.id };
  });

  // PUT /v1/accounts/{account-key} – Update an account (fields given are changed; currency cannot be).
  app.put<{ Params: { accountKey: string } }>("/v1/accounts/:accountKey", async (request) => {
    const account = store.findAccount(request.params.accountKey);
    if (!account) return notFound(request.params.accountKey);
    const parsed = updateAccountSchema.safeParse(request.body);
    if (!parsed.success) return invalid(parsed.error);
    const input = parsed.data;
    if (input.currency !== undefined && input.currency !== account.currency) return zuoraFailure(50000030, "The currency of an account cannot be changed.");
    const custom = customFieldsOf(input, tenant.settings.customFields.Account);
    if ("unknown" in custom) return zuoraFailure(50000020, `Unknown field ${custom.unknown}: it is not a custom field of Account.`);
    store.updateAccount(account.id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.crmId !== undefined ? { crmId: input.crmId } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.paymentTerm !== undefined ? { paymentTerm: input.paymentTerm } : {}),
      ...(input.billCycleDay !== undefined ? { billCycleDay: input.billCycleDay } : {}),
      ...(input.billToContact !== undefined ? { billTo: { ...account.billTo, ...definedContactFields(input.billToContact) } } : {}),
      customFields: custom,
    });
    return { success: true };
  });

  // POST /v1/invoices – Create a standalone invoice on an account (Draft unless status is Posted).
  app.post("/v1/invoices", async (request) => {
    const parsed = createInvoiceSchema.safeParse(request.body);
    if (!parsed.success) return invalid(parsed.error);
    const input = parsed.data;
    const key = input.accountId ?? input.accountNumber;
    if (!key) return zuoraFailure(50000022, "accountId or accountNumber is required.");
    const account = store.findAccount(key);
    if (!account) return notFound(key);
    if (input.accountId && input.accountNumber && store.findAccount(input.accountNumber)?.id !== account.id) {
      return zuoraFailure(50000020, "accountId and accountNumber refer to different accounts.");
    }
    const custom = customFieldsOf(input, tenant.settings.customFields.Invoice);
    if ("unknown" in custom) return zuoraFailure(50000020, `Unknown field ${custom.unknown}: it is not a custom field of Invoice.`);
    for (const [i, item] of input.invoiceItems.entries()) {
      if (!item.productRatePlanChargeId && !item.chargeName) return zuoraFailure(50000022, `invoiceItems[${i}].chargeName is required without a productRatePlanChargeId.`);
    }
    try {
      const invoice = store.createStandaloneInvoice({
        accountId: account.id,
        invoiceDate: input.invoiceDate,
        ...(input.dueDate ? { dueDate: input.dueDate } : {}),
        status: input.status,
        ...(input.comments ? { comments: input.comments } : {}),
        customFields: custom,
        lines: input.invoiceItems.map((item) => ({
          amount: item.amount,
          quantity: item.quantity,
          unitPrice: item.unitPrice ?? item.amount / item.quantity,
          serviceStartDate: item.serviceStartDate,
          ...(item.serviceEndDate ? { serviceEndDate: item.serviceEndDate } : {}),
          ...(item.chargeName ? { chargeName: item.chargeName } : {}),
          ...(item.description ? { description: item.description } : {}),
          ...(item.productRatePlanChargeId ? { productRatePlanChargeId: item.productRatePlanChargeId } : {}),
          ...(item.accountingCode ? { accountingCode: item.accountingCode } : {}),
          ...(item.taxAmount !== undefined ? { taxAmount: item.taxAmount } : {}),
        })),
      });
      return invoiceV1(invoice);
    } catch (error) {
      if (error instanceof ZuoraStoreError) return zuoraFailure(error.code, error.message);
      throw error;
    }
  });
};
