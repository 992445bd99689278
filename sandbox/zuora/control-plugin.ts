import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { runBillRun } from "./bill-run";
import { calloutTemplateInputSchema, deliveryModeSchema } from "./callouts";
import { ZuoraStoreError } from "./store";
import type { ZuoraTenant } from "./tenant";
import { zuoraSettingsSchema } from "./tenant";
import type { ZuoraSandboxControl } from "./index";

/* Control routes of the Zuora sandbox, mounted at /_sandbox/zuora. Inputs are parsed with zod; a bad input answers 400. */

const accountInputSchema = z.strictObject({
  name: z.string().min(1),
  currency: z.string().length(3).default("USD"),
  accountNumber: z.string().optional(),
  billCycleDay: z.number().int().min(1).max(31).default(1),
  paymentTerm: z.string().default("Net 30"),
  taxRate: z.number().min(0).max(100).default(0),
  /** Electronic payments need a payment method; false makes an account that pays only externally. */
  hasPaymentMethod: z.boolean().default(true),
  country: z.string().default("United States"),
  email: z.string().optional(),
});
export type ZuoraAccountInput = z.input<typeof accountInputSchema>;

const chargeInputSchema = z.strictObject({
  productName: z.string().min(1),
  chargeName: z.string().min(1),
  chargeType: z.enum(["Recurring", "OneTime", "Usage"]).default("Recurring"),
  sku: z.string().default("SKU-00000001"),
  unitOfMeasure: z.string().default("Each"),
  prices: z.record(z.string(), z.number()),
  accountingCode: z.string().default("40000"),
  deferredRevenueAccountingCode: z.string().default("24000"),
});
export type ZuoraChargeInput = z.input<typeof chargeInputSchema>;

const invoiceInputSchema = z.strictObject({
  account: z.string(),
  lines: z.array(z.strictObject({ chargeId: z.string(), quantity: z.number().positive() })).min(1),
  invoiceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

const subscriptionInputSchema = z.strictObject({
  account: z.string(),
  mrr: z.number().min(0),
  contractEffectiveDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});
export type ZuoraSubscriptionInput = z.input<typeof subscriptionInputSchema>;

const amendmentInputSchema = z
  .strictObject({ mrr: z.number().min(0).optional(), cancel: z.boolean().default(false), effectiveDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() })
  .refine((a) => a.cancel || a.mrr !== undefined, "an amendment changes mrr or cancels");
export type ZuoraAmendmentInput = z.input<typeof amendmentInputSchema>;

const touchSchema = z.strictObject({
  object: z.enum(["invoices", "payments", "credit-memos", "accounts"]),
  keys: z.array(z.string()).min(1),
  comment: z.string().optional(),
});

const parse = <T extends z.ZodType>(schema: T, value: unknown): z.output<T> => {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw Object.assign(new Error(z.prettifyError(result.error)), { statusCode: 400 });
  return result.data;
};

export const createZuoraControlPlugin = (tenant: ZuoraTenant, control: ZuoraSandboxControl): FastifyPluginAsync => async (app) => {
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error instanceof ZuoraStoreError ? 400 : (error.statusCode ?? 500);
    return reply.code(status).send({ error: error.message });
  });

  app.get("/settings", async () => tenant.settings);
  app.patch("/settings", async (request) => tenant.applySettings(parse(zuoraSettingsSchema, request.body)));
  app.get("/stats", async () => control.stats());
  app.post("/expire-tokens", async () => {
    control.expireTokens();
    return { ok: true };
  });

  app.post("/accounts", async (request) => control.addAccount(parse(accountInputSchema, request.body)));
  app.post("/charges", async (request) => control.addCharge(parse(chargeInputSchema, request.body)));
  app.get("/catalog", async () => [...tenant.store.charges.values()]);
  app.post("/invoices", async (request) => {
    const input = parse(invoiceInputSchema, request.body);
    const account = tenant.store.findAccount(input.account);
    if (!account) throw Object.assign(new Error(`Unknown account ${input.account}`), { statusCode: 404 });
    const invoice = tenant.store.postInvoice({
      accountId: account.id,
      lines: input.lines,
      invoiceDate: input.invoiceDate ?? new Date(tenant.now().getTime()).toISOString().slice(0, 10),
      billRunId: null,
    });
    return { id: invoice.id, number: invoice.invoiceNumber, amount: invoice.amount };
  });
  app.post("/bill-runs", async (request) => {
    try {
      return runBillRun({ store: tenant.store, input: (request.body ?? {}) as never, isInvoiceSettlement: tenant.settings.invoiceSettlement, now: tenant.now });
    } catch (error) {
      if (error instanceof z.ZodError) throw Object.assign(new Error(z.prettifyError(error)), { statusCode: 400 });
      if (error instanceof Error && !(error instanceof ZuoraStoreError)) throw Object.assign(error, { statusCode: 400 });
      throw error;
    }
  });
  // Subscription lifecycle (what Zuora's UI or Orders would do): each change raises its callout events.
  app.get("/subscriptions", async () => [...tenant.store.subscriptions.values()]);
  app.post("/subscriptions", async (request) => {
    const input = parse(subscriptionInputSchema, request.body);
    const account = tenant.store.findAccount(input.account);
    if (!account) throw Object.assign(new Error(`Unknown account ${input.account}`), { statusCode: 404 });
    return tenant.store.createSubscription({ accountId: account.id, mrr: input.mrr, contractEffectiveDate: input.contractEffectiveDate ?? tenant.now().toISOString().slice(0, 10) });
  });
  app.post<{ Params: { key: string } }>("/subscriptions/:key/amend", async (request) => {
    const input = parse(amendmentInputSchema, request.body);
    const effectiveDate = input.effectiveDate ?? tenant.now().toISOString().slice(0, 10);
    return tenant.store.amendSubscription(request.params.key, input.cancel ? { cancel: true, effectiveDate } : { mrr: input.mrr ?? 0, effectiveDate });
  });
  // Every account (with custom fields) and invoice, for reconciliation in tests.
  app.get("/accounts", async () => [...tenant.store.accounts.values()]);
  app.get("/invoices", async () => [...tenant.store.invoices.values()].map(({ items, ...invoice }) => ({ ...invoice, itemCount: items.length })));
  app.post("/touch", async (request) => {
    const input = parse(touchSchema, request.body);
    return { touched: input.keys.map((key) => tenant.store.touch(input.object, key, input.comment)).filter(Boolean) };
  });

  app.get("/callout-templates", async () => tenant.callouts.templates());
  app.post("/callout-templates", async (request) => tenant.callouts.addTemplate(parse(calloutTemplateInputSchema, request.body)));
  app.delete<{ Params: { id: string } }>("/callout-templates/:id", async (request, reply) =>
    tenant.callouts.removeTemplate(request.params.id) ? { ok: true } : reply.code(404).send({ error: "no such template" }),
  );
  app.get<{ Querystring: { event?: string; state?: string; templateId?: string; objectId?: string } }>("/callouts/deliveries", async (request) =>
    tenant.callouts.deliveries(request.query),
  );
  app.get("/callouts/mode", async () => tenant.callouts.mode());
  app.put("/callouts/mode", async (request) => tenant.callouts.setMode(parse(deliveryModeSchema, request.body)));
  app.post("/callouts/release", async (request) => {
    const { order } = parse(z.strictObject({ order: z.enum(["fifo", "reverse", "shuffle"]).default("fifo") }), request.body);
    return { released: tenant.callouts.release(order) };
  });
  app.post<{ Params: { id: string } }>("/callouts/deliveries/:id/redeliver", async (request, reply) =>
    tenant.callouts.redeliver(request.params.id) ? { ok: true } : reply.code(404).send({ error: "no such delivery" }),
  );
  app.post("/callouts/drain", async (request) => {
    const { timeoutMs } = parse(z.strictObject({ timeoutMs: z.number().int().min(0).max(600_000).default(30_000) }), request.body);
    return { idle: await tenant.callouts.drain(timeoutMs) };
  });

  app.post("/reset", async () => {
    control.reset();
    return { ok: true };
  });
  app.get("/snapshot", async () => control.snapshot());
  app.post("/restore", async (request) => {
    control.restore(request.body);
    return { ok: true };
  });
};
