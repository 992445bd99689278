/**
 * JSON-over-HTTP mirror of `control` for out-of-process callers (Playwright, `npm run sandbox`). Mounted under
 * `/_sandbox/acumatica`; the connector never calls these. Bodies are checked with zod; a bad body answers 400
 * `{ "error": ... }`.
 */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { CONTROL_ACCOUNT_MODULES, ENTITY_NAMES } from "./entities";
import type { AcumaticaControl } from "./index";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const seedAccountSchema = z.strictObject({
  AccountCD: z.string().min(1),
  Description: z.string().optional(),
  Type: z.enum(["Asset", "Liability", "Income", "Expense"]).optional(),
  Active: z.boolean().optional(),
  CurrencyID: z.string().optional(),
  CashAccount: z.boolean().optional(),
  AccountClass: z.string().optional(),
  TaxCategory: z.string().optional(),
  ControlAccountModule: z.enum(CONTROL_ACCOUNT_MODULES).optional(),
  AllowManualEntry: z.boolean().optional(),
});

export const seedTaxSchema = z.strictObject({
  TaxID: z.string().min(1),
  TaxRate: z.number().min(0),
  Description: z.string().optional(),
  TaxType: z.enum(["Sales", "Use", "VAT", "Withholding"]).optional(),
  StartDate: z.string().optional(),
  TaxPayableAccount: z.string().optional(),
});

export const seedTaxZoneSchema = z.strictObject({ TaxZoneID: z.string().min(1), Description: z.string().optional(), taxes: z.array(z.string().min(1)) });

export const seedTaxCategorySchema = z.strictObject({
  TaxCategoryID: z.string().min(1),
  Description: z.string().optional(),
  ExcludeListedTaxes: z.boolean().optional(),
  taxes: z.array(z.string().min(1)),
});

export const seedCustomerSchema = z
  .object({
    CustomerID: z.string().min(1).max(30),
    CustomerName: z.string().min(1),
    CurrencyID: z.string().optional(),
    Status: z.enum(["Active", "On Hold", "Credit Hold", "Inactive", "One-Time"]).optional(),
    Email: z.string().optional(),
    AccountRef: z.string().optional(),
  })
  .catchall(scalar);

export const seedItemSchema = z
  .object({ InventoryID: z.string().min(1).max(30), Description: z.string().optional(), ItemClass: z.string().optional(), DefaultPrice: z.number().optional(), ItemStatus: z.string().optional() })
  .catchall(scalar);

export const seedInvoiceSchema = z.strictObject({
  Customer: z.string().min(1),
  CustomerOrder: z.string().optional(),
  Date: z.string().min(10),
  Description: z.string().optional(),
  Terms: z.string().optional(),
  lines: z
    .array(z.strictObject({ InventoryID: z.string().optional(), Qty: z.number().optional(), UnitPrice: z.number(), Account: z.string(), TransactionDescription: z.string().optional() }))
    .min(1),
});

export const seedSchema = z.strictObject({
  accounts: z.array(seedAccountSchema).optional(),
  customers: z.array(seedCustomerSchema).optional(),
  stockItems: z.array(seedItemSchema).optional(),
  nonStockItems: z.array(seedItemSchema).optional(),
  invoices: z.array(seedInvoiceSchema).optional(),
  taxes: z.array(seedTaxSchema).optional(),
  taxZones: z.array(seedTaxZoneSchema).optional(),
  taxCategories: z.array(seedTaxCategorySchema).optional(),
  closedPeriods: z.array(z.string()).optional(),
});

export const periodStatusSchema = z.strictObject({ periods: z.array(z.string()).min(1), status: z.enum(["Open", "Closed"]) });

export const rulesSchema = z.strictObject({ cashAccountCurrency: z.boolean().optional(), controlAccounts: z.boolean().optional() });

export const licenceSchema = z.strictObject({
  requestsPerMinute: z.number().int().positive().optional(),
  concurrentRequests: z.number().int().positive().optional(),
  sendRetryAfter: z.boolean().optional(),
});

export const pushNotificationSchema = z.strictObject({
  url: z.url(),
  headerName: z.string().min(1).optional(),
  headerValue: z.string().optional(),
  entity: z.enum(ENTITY_NAMES as [string, ...string[]]).transform((e) => e as (typeof ENTITY_NAMES)[number]),
  query: z.string().optional(),
  retryDelayMs: z.number().int().min(0).optional(),
});

const entityParamSchema = z.strictObject({ entity: z.enum(ENTITY_NAMES as [string, ...string[]]) });

export const createControlPlugin = (control: AcumaticaControl): FastifyPluginAsync => async (app) => {
  app.setErrorHandler((error: unknown, _request, reply) => {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
    const status = (error as { statusCode?: number }).statusCode;
    return reply.code(status && status >= 400 && status < 500 ? status : 400).send({ error: message });
  });

  // POST /_sandbox/acumatica/seed – accounts, customers (flat JSON) and closed periods
  app.post("/seed", async (request, reply) => {
    const seeded = control.seed(seedSchema.parse(request.body ?? {}));
    return seeded.invoices.length > 0 ? reply.send(seeded) : reply.code(204).send();
  });

  // GET /_sandbox/acumatica/documents/:entity – every record of the entity, flat JSON
  app.get("/documents/:entity", async (request) => {
    const { entity } = entityParamSchema.parse(request.params);
    return control.documents(entity as (typeof ENTITY_NAMES)[number]);
  });

  // POST /_sandbox/acumatica/periods – { periods: ["05-2024", ...], status: "Open" | "Closed" }; GET lists the calendar
  app.post("/periods", async (request, reply) => {
    const { periods, status } = periodStatusSchema.parse(request.body ?? {});
    control.setPeriodStatus(periods, status);
    return reply.code(204).send();
  });
  app.get("/periods", async () => control.periods());

  // GET /_sandbox/acumatica/balances – every AR document's balance and each customer's open balance per currency
  app.get("/balances", async () => control.balances());

  // POST /_sandbox/acumatica/rules – relax or restore refusals ({ cashAccountCurrency: false })
  app.post("/rules", async (request, reply) => {
    control.setRules(rulesSchema.parse(request.body ?? {}));
    return reply.code(204).send();
  });

  // GET /_sandbox/acumatica/duplicates – documents sharing an external reference
  app.get("/duplicates", async () => control.duplicates());

  // POST /_sandbox/acumatica/licence – replace the licence limits ({} = unlimited)
  app.post("/licence", async (request, reply) => {
    control.setLicence(licenceSchema.parse(request.body ?? {}));
    return reply.code(204).send();
  });

  // POST /_sandbox/acumatica/expire-tokens – every current access token and session answers 401
  app.post("/expire-tokens", async (_request, reply) => {
    control.expireTokens();
    return reply.code(204).send();
  });

  // GET /_sandbox/acumatica/stats – request counters
  app.get("/stats", async () => control.stats());

  // GET /_sandbox/acumatica/snapshot – JSON state; POST /restore puts it back
  app.get("/snapshot", async () => control.snapshot());
  app.post("/restore", async (request, reply) => {
    control.restore(request.body);
    return reply.code(204).send();
  });

  // POST /_sandbox/acumatica/reset – back to the state after create
  app.post("/reset", async (_request, reply) => {
    control.reset();
    return reply.code(204).send();
  });

  // PUT /_sandbox/acumatica/push-notifications – replace the webhook destinations; GET lists deliveries
  app.put("/push-notifications", async (request, reply) => {
    control.setPushNotifications(z.array(pushNotificationSchema).parse(request.body ?? []));
    return reply.code(204).send();
  });
  app.get("/push-notifications/deliveries", async () => control.pushDeliveries());

  // POST /_sandbox/acumatica/processing – { "ms": n } server work per request, held in a licence slot
  app.post("/processing", async (request, reply) => {
    control.setProcessingMs(z.strictObject({ ms: z.number().int().min(0).max(60_000) }).parse(request.body).ms);
    return reply.code(204).send();
  });

  // POST /_sandbox/acumatica/action-polls – { "polls": n } 202 answers before an action's Location says 204
  app.post("/action-polls", async (request, reply) => {
    control.setActionPolls(z.strictObject({ polls: z.number().int().min(0).max(100) }).parse(request.body).polls);
    return reply.code(204).send();
  });

  // POST /_sandbox/acumatica/action-duration – { "ms": n } how long an action runs (its Location answers 202 until then)
  app.post("/action-duration", async (request, reply) => {
    control.setActionMs(z.strictObject({ ms: z.number().int().min(0).max(600_000) }).parse(request.body).ms);
    return reply.code(204).send();
  });
};
