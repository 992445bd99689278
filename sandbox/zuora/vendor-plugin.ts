import { randomUUID } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { invoiceSettlementRequired, notFound, unauthenticated, zuoraFailure } from "./errors";
import { creditMemoItemV1, creditMemoV1, invoiceItemV1, invoiceV1, paymentPartsV1, paymentV1, accountV1 } from "./format";
import type { IdempotencyRecord } from "./idempotency";
import { ObjectQueryError, type ObjectName } from "./object-query";
import { ZuoraStoreError } from "./store";
import type { ZuoraTenant } from "./tenant";
import { registerZuoraRefundRoutes } from "./refund-routes";
import { registerZuoraWriteRoutes } from "./write-routes";

/*
 * Zuora's vendor API as the connector sees it: POST /oauth/token, /v1/... and /object-query/... below the
 * mount prefix (the tenant's base URL). Every call except the token call needs a live bearer token.
 * Order per request: request id, rate window (429), bearer (401), concurrency pool (429), idempotency.
 */

type Ctx = { release?: () => void; idempotency?: IdempotencyRecord };
const contexts = new WeakMap<FastifyRequest, Ctx>();

const OBJECTS = ["invoices", "payments", "credit-memos", "accounts", "payment-applications", "products", "invoice-items", "refunds", "debit-memos", "invoice-item-adjustments"] as const;
const createPaymentSchema = z.object({
  accountId: z.string().optional(),
  accountNumber: z.string().optional(),
  type: z.enum(["External", "Electronic"]),
  amount: z.number(),
  currency: z.string().length(3),
  effectiveDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  paymentMethodId: z.string().optional(),
  gatewayId: z.string().optional(),
  referenceId: z.string().max(100).optional(),
  comment: z.string().max(255).optional(),
  invoices: z
    .array(z.object({ invoiceId: z.string().optional(), invoiceNumber: z.string().optional(), amount: z.number() }))
    .max(1_000)
    .optional(),
});

const sendLimitExceeded = (reply: FastifyReply, retryAfterSeconds: number, message: string) =>
  reply.code(429).header("Retry-After", String(retryAfterSeconds)).send(zuoraFailure(50000070, message));

export const createZuoraVendorPlugin = (tenant: ZuoraTenant): FastifyPluginAsync => async (app) => {
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) return reply.code(500).send(zuoraFailure(50000060, "An internal error occurred."));
    const category = error.code === "FST_ERR_CTP_INVALID_JSON" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ? 90 : 20;
    return reply.code(status).send(zuoraFailure(50000000 + category, error.message));
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(zuoraFailure(50000045, `The requested endpoint ${request.method} ${request.url} does not exist.`)),
  );

  app.addHook("onRequest", async (request, reply) => {
    reply.header("Zuora-Request-Id", randomUUID());
    const trackId = request.headers["zuora-track-id"];
    if (typeof trackId === "string") reply.header("Zuora-Track-Id", trackId);
    const route = request.routeOptions.url ?? "";
    if (route.endsWith("/oauth/token")) return;

    tenant.stats.requests += 1;
    const rate = tenant.rateLimiter.hit();
    reply.headers(rate.headers);
    if (!rate.allowed) {
      tenant.stats.rejected429 += 1;
      return sendLimitExceeded(reply, rate.retryAfterSeconds, `The number of requests exceeds the rate limit. Retry after ${rate.retryAfterSeconds} seconds.`);
    }

    const authorization = request.headers.authorization;
    const token = typeof authorization === "string" && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
    if (!token || !tenant.auth.verify(token)) {
      tenant.stats.rejected401 += 1;
      return reply.code(401).send(unauthenticated());
    }

    const pool = route.includes("/object-query/") ? tenant.objectQueryPool : tenant.defaultPool;
    if (!pool.acquire()) {
      reply.headers(pool.headers());
      tenant.stats.rejected429 += 1;
      return sendLimitExceeded(reply, 1, "The total number of concurrent requests exceeds the limit allowed by the system.");
    }
    reply.headers(pool.headers());
    const ctx: Ctx = { release: pool.release };
    contexts.set(request, ctx);
    reply.raw.once("close", () => {
      pool.release();
      if (ctx.idempotency) tenant.idempotency.abandon(ctx.idempotency);
    });

    const key = request.headers["idempotency-key"];
    if ((request.method === "POST" || request.method === "PATCH") && typeof key === "string" && key !== "") {
      if (key.length > 255) return reply.code(400).send(zuoraFailure(50000020, "Idempotency-Key must be at most 255 characters."));
      const check = tenant.idempotency.check(key, request.method, request.url);
      if (check.kind === "mismatch") {
        return reply.code(422).send(zuoraFailure(50000020, "The Idempotency-Key was used with a different request URL or method."));
      }
      if (check.kind === "in-flight") {
        return reply.code(409).send(zuoraFailure(50000050, "A request with the same Idempotency-Key is still being processed."));
      }
      if (check.kind === "replay") {
        const { record } = check;
        return reply
          .code(record.status ?? 200)
          .headers(record.headers ?? {})
          .send(record.body ?? "");
      }
      ctx.idempotency = check.record;
    }
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const ctx = contexts.get(request);
    if (ctx?.idempotency && !ctx.idempotency.done) {
      const contentType = reply.getHeader("content-type");
      tenant.idempotency.complete(ctx.idempotency, {
        status: reply.statusCode,
        headers: typeof contentType === "string" ? { "content-type": contentType } : {},
        body: typeof payload === "string" ? payload : "",
      });
    }
    return payload;
  });

  // POST /oauth/token – client_credentials, form-encoded; rate limited per IP, exempt from concurrency.
  app.post("/oauth/token", async (request, reply) => {
    const limit = tenant.auth.hitTokenLimit(request.ip);
    reply.headers({
      "X-RateLimit-Limit-minute": String(limit.limit),
      "X-RateLimit-Remaining-minute": String(limit.remaining),
      "ratelimit-limit": `${limit.limit}, ${limit.limit};w=60`,
      "ratelimit-remaining": String(limit.remaining),
      "ratelimit-reset": String(limit.retryAfterSeconds),
    });
    if (!limit.allowed) {
      tenant.stats.tokenRejected429 += 1;
      return reply.code(429).header("Retry-After", String(limit.retryAfterSeconds)).send({ message: "API rate limit exceeded" });
    }
    const contentType = request.headers["content-type"] ?? "";
    if (!contentType.startsWith("application/x-www-form-urlencoded")) {
      return reply.code(400).send({ error: "invalid_request", error_description: "Send the parameters form-encoded (application/x-www-form-urlencoded)." });
    }
    const form = (request.body ?? {}) as Record<string, string>;
    if (form.grant_type !== "client_credentials") {
      return reply.code(400).send({ error: "unsupported_grant_type", error_description: "grant_type must be client_credentials." });
    }
    const issued = tenant.auth.issue(form.client_id ?? "", form.client_secret ?? "");
    if (!issued) {
      return reply.code(401).send({ error: "invalid_client", error_description: "Bad client credentials" });
    }
    tenant.stats.tokensIssued += 1;
    return issued;
  });

  // GET /v1/accounts/{account-key} – by id or account number.
  app.get<{ Params: { accountKey: string } }>("/v1/accounts/:accountKey", async (request) => {
    const account = tenant.store.findAccount(request.params.accountKey);
    if (!account) return notFound(request.params.accountKey);
    return accountV1(account, tenant.store.accountBalances(account.id));
  });

  // GET /v1/invoices/{invoiceKey} – by id or invoice number.
  app.get<{ Params: { invoiceKey: string } }>("/v1/invoices/:invoiceKey", async (request) => {
    const invoice = tenant.store.findInvoice(request.params.invoiceKey);
    return invoice ? invoiceV1(invoice) : notFound(request.params.invoiceKey);
  });

  // GET /v1/invoices/{invoiceKey}/items – page (from 1) and pageSize (<= 40, default 20); nextPage is a URL.
  app.get<{ Params: { invoiceKey: string }; Querystring: { page?: string; pageSize?: string } }>(
    "/v1/invoices/:invoiceKey/items",
    async (request, reply) => {
      const invoice = tenant.store.findInvoice(request.params.invoiceKey);
      if (!invoice) return notFound(request.params.invoiceKey);
      const page = Number(request.query.page ?? 1);
      const pageSize = Number(request.query.pageSize ?? 20);
      if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 40) {
        return reply.code(400).send(zuoraFailure(50000020, "page must be >= 1 and pageSize between 1 and 40."));
      }
      const start = (page - 1) * pageSize;
      const items = invoice.items.slice(start, start + pageSize).map(invoiceItemV1);
      const body: { invoiceItems: unknown[]; nextPage?: string; success: true } = { invoiceItems: items, success: true };
      if (start + pageSize < invoice.items.length) {
        body.nextPage = `${request.protocol}://${request.host}${tenant.prefix}/v1/invoices/${encodeURIComponent(request.params.invoiceKey)}/items?page=${page + 1}&pageSize=${pageSize}`;
      }
      return body;
    },
  );

  // GET /v1/payments/{paymentKey} – needs Invoice Settlement.
  app.get<{ Params: { paymentKey: string } }>("/v1/payments/:paymentKey", async (request) => {
    if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
    const payment = tenant.store.findPayment(request.params.paymentKey);
    return payment ? paymentV1(payment, { account: (id) => tenant.store.accounts.get(id) }) : notFound(request.params.paymentKey);
  });

  // GET /v1/payments/{paymentKey}/parts – applied parts (one per invoice) and the unapplied part; page (from 1) and
  // pageSize (<= 40, default 20); nextPage is a URL; needs Invoice Settlement.
  app.get<{ Params: { paymentKey: string }; Querystring: { page?: string; pageSize?: string } }>("/v1/payments/:paymentKey/parts", async (request, reply) => {
    if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
    const payment = tenant.store.findPayment(request.params.paymentKey);
    if (!payment) return notFound(request.params.paymentKey);
    const page = Number(request.query.page ?? 1);
    const pageSize = Number(request.query.pageSize ?? 20);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 40) {
      return reply.code(400).send(zuoraFailure(50000020, "page must be >= 1 and pageSize between 1 and 40."));
    }
    const all = paymentPartsV1(payment);
    const start = (page - 1) * pageSize;
    const body: { parts: unknown[]; nextPage?: string; success: true } = { parts: all.slice(start, start + pageSize), success: true };
    if (start + pageSize < all.length) {
      body.nextPage = `${request.protocol}://${request.host}${tenant.prefix}/v1/payments/${encodeURIComponent(request.params.paymentKey)}/parts?page=${page + 1}&pageSize=${pageSize}`;
    }
    return body;
  });

  registerZuoraWriteRoutes(app, tenant);
  registerZuoraRefundRoutes(app, tenant);

  // POST /v1/payments – creates a processed payment applied to invoices; needs Invoice Settlement.
  app.post("/v1/payments", async (request) => {
    if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
    const parsed = createPaymentSchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const missing = issue?.code === "invalid_type" && issue.message.includes("undefined");
      return zuoraFailure(missing ? 50000022 : 50000020, `${issue?.path.join(".") ?? "body"}: ${issue?.message ?? "invalid"}`);
    }
    const input = parsed.data;
    const accountKey = input.accountId ?? input.accountNumber;
    const account = accountKey ? tenant.store.findAccount(accountKey) : undefined;
    if (accountKey && !account) return notFound(accountKey);
    const applications: { invoiceId: string; amount: number }[] = [];
    for (const line of input.invoices ?? []) {
      const key = line.invoiceId ?? line.invoiceNumber;
      if (!key) return zuoraFailure(50000022, "invoices: invoiceId or invoiceNumber is required.");
      const invoice = tenant.store.findInvoice(key);
      if (!invoice) return notFound(key);
      applications.push({ invoiceId: invoice.id, amount: line.amount });
    }
    try {
      const payment = tenant.store.processPayment({
        accountId: account?.id ?? null,
        type: input.type,
        amount: input.amount,
        currency: input.currency,
        effectiveDate: input.effectiveDate,
        paymentMethodId: input.paymentMethodId,
        gatewayId: input.gatewayId,
        referenceId: input.referenceId,
        comment: input.comment,
        invoices: applications,
      });
      return paymentV1(payment, { account: (id) => tenant.store.accounts.get(id) });
    } catch (error) {
      if (error instanceof ZuoraStoreError) return zuoraFailure(error.code, error.message);
      throw error;
    }
  });

  // GET /v1/creditmemos/{creditMemoKey} (the spec's spelling) and /v1/credit-memos/{creditMemoKey} – need Invoice Settlement.
  for (const base of ["/v1/creditmemos", "/v1/credit-memos"]) {
    app.get<{ Params: { creditMemoKey: string } }>(`${base}/:creditMemoKey`, async (request) => {
      if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
      const memo = tenant.store.findCreditMemo(request.params.creditMemoKey);
      return memo ? creditMemoV1(memo, { account: (id) => tenant.store.accounts.get(id) }) : notFound(request.params.creditMemoKey);
    });
    app.get<{ Params: { creditMemoKey: string } }>(`${base}/:creditMemoKey/items`, async (request) => {
      if (!tenant.settings.invoiceSettlement) return invoiceSettlementRequired();
      const memo = tenant.store.findCreditMemo(request.params.creditMemoKey);
      if (!memo) return notFound(request.params.creditMemoKey);
      return { items: memo.items.map((x) => creditMemoItemV1(memo, x)), success: true };
    });
  }

  // GET /object-query/{object} and /object-query/{object}/{key} – cursor paging (see object-query.ts).
  for (const object of OBJECTS) {
    app.get(`/object-query/${object}`, async (request, reply) => {
      try {
        return tenant.objectQuery.query(object as ObjectName, request.query as Record<string, unknown>, Date.now());
      } catch (error) {
        if (error instanceof ObjectQueryError) return reply.code(400).send(zuoraFailure(50000020, error.message));
        throw error;
      }
    });
    app.get<{ Params: { key: string } }>(`/object-query/${object}/:key`, async (request, reply) => {
      const record = tenant.objectQuery.one(object as ObjectName, request.params.key, request.query as Record<string, unknown>);
      return record ?? reply.code(404).send(notFound(request.params.key));
    });
  }
};
