import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { periodStatusSchema, QAD_DOCUMENT_COLLECTIONS, qadSeedSchema, type QadControl } from "./control";
import { qadSettingsSchema } from "./tenant";

/*
 * JSON-over-HTTP mirror of the QAD control, mounted at /_sandbox/qad; the connector never calls these.
 * Bodies and queries are parsed with zod; bad input answers 400 `{ "error": ... }`.
 */

const scopeSchema = z.strictObject({ workspace: z.string().optional(), customer: z.string().optional() });

export const createQadControlPlugin = (control: QadControl): FastifyPluginAsync => async (app) => {
  app.setErrorHandler((error: unknown, _request, reply) => {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
    const status = (error as { statusCode?: number }).statusCode;
    return reply.code(status && status >= 400 && status < 500 ? status : 400).send({ error: message });
  });

  // POST /_sandbox/qad/seed – workspaces, customers, GL accounts, open years
  app.post("/seed", async (request, reply) => {
    control.seed(qadSeedSchema.parse(request.body ?? {}));
    return reply.code(204).send();
  });

  // POST /_sandbox/qad/periods – { workspace?, year, period?, status: "OPEN" | "CLOSED" }
  app.post("/periods", async (request, reply) => {
    control.setPeriodStatus(periodStatusSchema.parse(request.body ?? {}));
    return reply.code(204).send();
  });

  // GET /_sandbox/qad/documents/:collection?workspace= – every record, as the API returns it
  app.get("/documents/:collection", async (request) => {
    const { collection } = z.strictObject({ collection: z.enum(QAD_DOCUMENT_COLLECTIONS) }).parse(request.params);
    const { workspace } = scopeSchema.parse(request.query ?? {});
    return control.documents(collection, workspace);
  });

  // GET /_sandbox/qad/balances/customers?workspace=&customer= – open balance per customer
  app.get("/balances/customers", async (request) => control.customerBalances(scopeSchema.parse(request.query ?? {})));

  // GET /_sandbox/qad/balances/invoices?workspace=&customer= – open balance per invoice
  app.get("/balances/invoices", async (request) => control.invoiceBalances(scopeSchema.parse(request.query ?? {})));

  // GET /_sandbox/qad/duplicates?workspace= – documents sharing a reference
  app.get("/duplicates", async (request) => control.duplicates(scopeSchema.parse(request.query ?? {}).workspace));

  // GET/PATCH /_sandbox/qad/settings
  app.get("/settings", async () => control.settings());
  app.patch("/settings", async (request) => control.settings(qadSettingsSchema.parse(request.body ?? {})));

  // PUT /_sandbox/qad/clock – { now: ISO-8601 | null }
  app.put("/clock", async (request) => {
    const { now } = z.strictObject({ now: z.string().nullable() }).parse(request.body ?? {});
    control.setClock(now);
    return { now };
  });

  // POST /_sandbox/qad/expire-tokens – every access token answers 401 from now on
  app.post("/expire-tokens", async (_request, reply) => {
    control.expireTokens();
    return reply.code(204).send();
  });

  app.get("/stats", async () => control.stats());
  app.get("/snapshot", async () => control.snapshot());
  app.post("/restore", async (request, reply) => {
    control.restore(request.body);
    return reply.code(204).send();
  });
  app.post("/reset", async (_request, reply) => {
    control.reset();
    return reply.code(204).send();
  });
};
