/**
 * JSON-over-HTTP mirror of `control` under `/_sandbox/ifs-cloud` (the connector never calls these). Bodies are
 * checked with zod; a bad body answers 400 `{ "error": … }`.
 */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { IfsCloudControl } from "./index";
import { periodStatusSchema, seedSchema } from "./ledger";
import { lockTargetSchema, settingsSchema } from "./state";

const clockSchema = z.strictObject({ now: z.iso.datetime({ offset: true }).nullable().optional(), advanceSeconds: z.number().optional() });

export const createIfsControlPlugin = (control: IfsCloudControl): FastifyPluginAsync => async (app) => {
  app.setErrorHandler((error: unknown, _request, reply) => {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
    const status = (error as { statusCode?: number }).statusCode;
    return reply.code(status && status >= 400 && status < 500 ? status : 400).send({ error: message });
  });

  // POST /seed – companies with accounts, code part values (cost centers = code part B), years, voucher types
  app.post("/seed", async (request) => {
    control.seed(seedSchema.parse(request.body ?? {}));
    return control.counts();
  });
  // PUT /periods – open or close one accounting period
  app.put("/periods", async (request) => {
    control.setPeriodStatus(periodStatusSchema.parse(request.body));
    return { ok: true };
  });
  // GET /vouchers – every voucher with its rows; GET /duplicates – vouchers sharing a row reference
  app.get("/vouchers", async () => control.vouchers());
  app.get("/duplicates", async () => control.duplicates());
  app.get("/counts", async () => control.counts());
  // GET/PATCH /settings – accessTokenSeconds, pageSize, rateLimit, names
  app.get("/settings", async () => control.settings());
  app.patch("/settings", async (request) => control.configure(settingsSchema.parse(request.body ?? {})));
  // PUT /clock – { now: ISO | null } or { advanceSeconds } (token expiry tests)
  app.put("/clock", async (request) => ({ now: control.setClock(clockSchema.parse(request.body ?? {})) }));
  // POST /expire-tokens – every access token answers 401 from now on
  app.post("/expire-tokens", async () => {
    control.expireTokens();
    return { ok: true };
  });
  // POST /metadata-modified – { projections?: [...] } the next request to each answers 500 MI_MODIFIED_ERROR once
  app.post("/metadata-modified", async (request) => {
    control.modifyMetadata(z.strictObject({ projections: z.array(z.string().min(1)).optional() }).parse(request.body ?? {}).projections);
    return { ok: true };
  });
  // POST /touch – { entity, keys } another user changed the record: its ETag changes
  app.post("/touch", async (request) => {
    control.touch(lockTargetSchema.parse(request.body));
    return { ok: true };
  });
  // POST /locks – { entity, keys } another user holds the record (writes answer 423); DELETE /locks unlocks all
  app.post("/locks", async (request) => {
    control.lock(lockTargetSchema.parse(request.body));
    return { ok: true };
  });
  app.delete("/locks", async (request) => {
    control.unlock(request.body ? lockTargetSchema.parse(request.body) : undefined);
    return { ok: true };
  });
  app.get("/stats", async () => control.stats());
  app.get("/snapshot", async () => control.snapshot());
  app.post("/restore", async (request) => {
    control.restore(request.body);
    return { ok: true };
  });
  app.post("/reset", async () => {
    control.reset();
    return { ok: true };
  });
};
