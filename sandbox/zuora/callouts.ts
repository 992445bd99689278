import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { createRandom } from "../core/random";
import type { ZuoraEvent, ZuoraEventName } from "./types";

/*
 * Callout notifications as Zuora sends them: a template (URL, method, events, headers, body params,
 * optional HMAC) per endpoint; one notification per event and template with a Zuora-Notification-Id that
 * stays the same across retries and a Zuora-Request-Id that is new per attempt. Only an HTTP 200 is a
 * success; 1xx/403/408/429/5xx and connection failures are retried up to maxAttempts, anything else fails
 * at once. Zuora's retry interval is 30 minutes or more; the sandbox default is 1 s so tests can watch it.
 */

export const ZUORA_EVENT_NAMES = [
  "InvoicePosted",
  "PaymentProcessed",
  "ExternalPaymentProcessed",
  "CreditMemoPosted",
  "SubscriptionCreated",
  "SubscriptionAmended",
  "SubscriptionCancelled",
] as const satisfies readonly ZuoraEventName[];

/** Zuora event category codes (External Payment Processed is a variant of Payment Processed). */
export const EVENT_CATEGORY: Record<ZuoraEventName, number> = {
  InvoicePosted: 1110,
  PaymentProcessed: 2120,
  ExternalPaymentProcessed: 2120,
  CreditMemoPosted: 2720,
  // Zuora's "New Subscription Created" and "Amendment Processed" (parent category 1300 Amendment, data
  // source Subscription); the event codes are ASSUMED (see README).
  SubscriptionCreated: 1210,
  SubscriptionAmended: 1310,
  SubscriptionCancelled: 1310,
};

export const calloutTemplateInputSchema = z.strictObject({
  name: z.string().min(1).max(255).default("ml-connector callout"),
  /** Receiver URL (Zuora requires HTTPS on 443; the sandbox also allows http for loopback receivers). May contain merge fields. */
  url: z.string().max(1000).regex(/^https?:\/\//, "url must start with http:// or https://"),
  method: z.enum(["POST", "PUT", "PATCH", "GET", "DELETE"]).default("POST"),
  events: z.array(z.enum(ZUORA_EVENT_NAMES)).min(1),
  active: z.boolean().default(true),
  /** Extra request headers; values may contain merge fields. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Body as name -> merge-field template (Zuora's calloutParams). Default: ID-only params per event. */
  calloutParams: z.record(z.string(), z.string()).optional(),
  /** Raw JSON body template (Zuora's useCustomRequestBody); merge fields are inserted verbatim. */
  customRequestBody: z.string().optional(),
  hmac: z
    .strictObject({
      algorithm: z.enum(["MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]).default("SHA-256"),
      secret: z.string().min(1),
      /** The signed message (Zuora's hmacData), e.g. "{{Request.Body}}" or "{{Request.Headers.Zuora-Notification-Id}}.{{Request.Body}}". */
      data: z.string().default("{{Request.Body}}"),
      /** Header that carries the signature (Zuora's hmacKey). */
      headerName: z.string().min(1).default("X-Zuora-Signature"),
      /** Header value template (Zuora's hmacValue). */
      value: z.string().default("{{Request.HMAC.Signed}}"),
      outputFormat: z.enum(["BASE64", "HEX"]).default("BASE64"),
    })
    .optional(),
  /** Total attempts per notification (Zuora: default 3, at most 5). */
  maxAttempts: z.number().int().min(1).max(5).default(3),
  /** Wait between attempts in ms (Zuora: 30 min minimum; shortened for the sandbox). */
  retryIntervalMs: z.number().int().min(0).max(86_400_000).default(1_000),
  /** Per-attempt timeout in ms (Zuora: 25 s, fixed). */
  timeoutMs: z.number().int().min(1).max(60_000).default(25_000),
  /** "Confirm success by parsing response content": a 200 must also be JSON with success: true. */
  confirmSuccessByResponse: z.boolean().default(false),
});
export type CalloutTemplateInput = z.input<typeof calloutTemplateInputSchema>;
export type CalloutTemplate = z.output<typeof calloutTemplateInputSchema> & { id: string; createdAt: string };

export const deliveryModeSchema = z.strictObject({
  /** Queue notifications instead of sending them until release() (to deliver out of order on request). */
  hold: z.boolean().optional(),
  /** Send every notification twice (same Zuora-Notification-Id), as Zuora may. */
  duplicate: z.boolean().optional(),
  /** Parallel sends (default 4). */
  concurrency: z.number().int().min(1).max(64).optional(),
});
export type DeliveryMode = z.infer<typeof deliveryModeSchema>;

export type CalloutAttempt = {
  attempt: number;
  at: string;
  requestId: string;
  status?: number;
  error?: string;
  durationMs: number;
  /** First 1,000 characters of the receiver's answer. */
  response?: string;
};

export type CalloutDelivery = {
  /** The Zuora-Notification-Id. */
  id: string;
  templateId: string;
  event: ZuoraEventName;
  eventCategory: number;
  objectId: string;
  objectNumber: string;
  url: string;
  method: string;
  body: string;
  state: "held" | "pending" | "retrying" | "delivered" | "failed";
  /** How often it is queued to be sent (2 in duplicate mode or after redeliver). */
  sends: number;
  attempts: CalloutAttempt[];
  createdAt: string;
};

/**
 * Subscription callouts are the record a receiver keeps (revenue accounting), so their default template
 * carries the subscription's state and amounts, not only ids.
 */
function SUBSCRIPTION_PARAMS(eventType: string): Record<string, string> {
  return {
    EventType: eventType,
    SubscriptionId: "{{DataSource.Subscription.Id}}",
    SubscriptionNumber: "{{DataSource.Subscription.Name}}",
    SubscriptionVersion: "{{DataSource.Subscription.Version}}",
    SubscriptionStatus: "{{DataSource.Subscription.Status}}",
    AmendmentType: "{{DataSource.Amendment.Type}}",
    AccountId: "{{DataSource.Account.Id}}",
    AccountNumber: "{{DataSource.Account.AccountNumber}}",
    Currency: "{{DataSource.Account.Currency}}",
    MRR: "{{DataSource.Subscription.MRR}}",
    ContractEffectiveDate: "{{DataSource.Subscription.ContractEffectiveDate}}",
    CancelledDate: "{{DataSource.Subscription.CancelledDate}}",
    EventTime: "{{Event.Timestamp}}",
  };
}

const DEFAULT_PARAMS: Record<ZuoraEventName, Record<string, string>> = {
  InvoicePosted: {
    EventType: "InvoicePosted",
    InvoiceId: "{{DataSource.Invoice.Id}}",
    InvoiceNumber: "{{DataSource.Invoice.InvoiceNumber}}",
    AccountId: "{{DataSource.Account.Id}}",
    AccountNumber: "{{DataSource.Account.AccountNumber}}",
  },
  PaymentProcessed: {
    EventType: "PaymentProcessed",
    PaymentId: "{{DataSource.Payment.Id}}",
    PaymentNumber: "{{DataSource.Payment.PaymentNumber}}",
    AccountId: "{{DataSource.Account.Id}}",
    AccountNumber: "{{DataSource.Account.AccountNumber}}",
  },
  ExternalPaymentProcessed: {
    EventType: "ExternalPaymentProcessed",
    PaymentId: "{{DataSource.Payment.Id}}",
    PaymentNumber: "{{DataSource.Payment.PaymentNumber}}",
    AccountId: "{{DataSource.Account.Id}}",
    AccountNumber: "{{DataSource.Account.AccountNumber}}",
  },
  CreditMemoPosted: {
    EventType: "CreditMemoPosted",
    CreditMemoId: "{{DataSource.CreditMemo.Id}}",
    CreditMemoNumber: "{{DataSource.CreditMemo.MemoNumber}}",
    AccountId: "{{DataSource.Account.Id}}",
    AccountNumber: "{{DataSource.Account.AccountNumber}}",
  },
  SubscriptionCreated: SUBSCRIPTION_PARAMS("SubscriptionCreated"),
  SubscriptionAmended: SUBSCRIPTION_PARAMS("SubscriptionAmended"),
  SubscriptionCancelled: SUBSCRIPTION_PARAMS("SubscriptionCancelled"),
};

const MERGE_FIELD = /\{\{\s*([\w.-]+)\s*\}\}/g;
const render = (template: string, fields: Record<string, string>) =>
  template.replace(MERGE_FIELD, (_all, name: string) => fields[name] ?? "");

/** Merge fields of one event; each is available as DataSource.X.Y and as X.Y. */
const mergeFields = (event: ZuoraEvent): { fields: Record<string, string>; objectId: string; objectNumber: string } => {
  const flat: Record<string, string> = { "Event.Type": event.name, "Event.Category": String(EVENT_CATEGORY[event.name]) };
  const put = (object: string, values: Record<string, string | number | null | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      const text = v === null || v === undefined ? "" : String(v);
      flat[`DataSource.${object}.${k}`] = text;
      flat[`${object}.${k}`] = text;
    }
  };
  const account = "account" in event ? event.account : undefined;
  put("Account", { Id: account?.id, AccountNumber: account?.accountNumber, Name: account?.name, Currency: account?.currency });
  if (event.name === "InvoicePosted") {
    const i = event.invoice;
    put("Invoice", { Id: i.id, InvoiceNumber: i.invoiceNumber, Amount: i.amount, Balance: i.balance, InvoiceDate: i.invoiceDate, Status: i.status });
    return { fields: flat, objectId: i.id, objectNumber: i.invoiceNumber };
  }
  if ("subscription" in event) {
    const sub = event.subscription;
    put("Subscription", {
      Id: sub.id,
      Name: sub.subscriptionNumber,
      Version: sub.version,
      Status: sub.status,
      MRR: sub.mrr,
      TermStartDate: sub.termStartDate,
      ContractEffectiveDate: sub.contractEffectiveDate,
      CancelledDate: sub.cancelledDate,
    });
    put("Amendment", { Type: event.amendmentType });
    flat["Event.Timestamp"] = new Date(sub.updatedDate).toISOString();
    return { fields: flat, objectId: sub.id, objectNumber: sub.subscriptionNumber };
  }
  if (event.name === "CreditMemoPosted") {
    const c = event.creditMemo;
    put("CreditMemo", { Id: c.id, MemoNumber: c.number, TotalAmount: c.amount, Status: c.status });
    return { fields: flat, objectId: c.id, objectNumber: c.number };
  }
  const p = event.payment;
  put("Payment", { Id: p.id, PaymentNumber: p.number, Amount: p.amount, Type: p.type, Status: p.status, EffectiveDate: p.effectiveDate });
  return { fields: flat, objectId: p.id, objectNumber: p.number };
};

const HMAC_ALGORITHM: Record<string, string> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-224": "sha224",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

const isRetryable = (status: number) => status < 200 || status === 403 || status === 408 || status === 429 || status >= 500;
const MAX_DELIVERIES = 100_000;

export type CalloutState = { templates: CalloutTemplate[]; deliveries: CalloutDelivery[]; mode: DeliveryMode };

export const createCallouts = (options: { now: () => Date; seed: number }) => {
  const templates = new Map<string, CalloutTemplate>();
  const deliveries = new Map<string, CalloutDelivery>();
  let mode: Required<DeliveryMode> = { hold: false, duplicate: false, concurrency: 4 };
  /** A queued send: `attempt` counts within one chain of retries (a duplicate starts a new chain). */
  const queue: { delivery: CalloutDelivery; attempt: number }[] = [];
  let active = 0;
  const timers = new Set<NodeJS.Timeout>();
  let idleWaiters: (() => void)[] = [];
  let closed = false;
  const shuffleRandom = createRandom(options.seed ^ 0x5eed);

  const isIdle = () => queue.length === 0 && active === 0 && timers.size === 0;
  const notifyIdle = () => {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const enqueue = (delivery: CalloutDelivery, attempt = 1) => {
    if (closed) return;
    if (attempt === 1) delivery.sends += 1;
    queue.push({ delivery, attempt });
    pump();
  };

  const pump = () => {
    while (!closed && active < mode.concurrency && queue.length > 0) {
      const next = queue.shift() as { delivery: CalloutDelivery; attempt: number };
      active += 1;
      void send(next.delivery, next.attempt).finally(() => {
        active -= 1;
        pump();
        notifyIdle();
      });
    }
  };

  const send = async (delivery: CalloutDelivery, attemptInChain: number) => {
    const template = templates.get(delivery.templateId);
    if (!template) {
      delivery.state = "failed";
      return;
    }
    const requestId = randomUUID().replaceAll("-", "");
    const headers: Record<string, string> = {
      "Content-Type": "application/json; charset=utf-8",
      "Zuora-Request-Id": requestId,
      "Zuora-Notification-Id": delivery.id,
      "X-Amzn-Trace-Id": `Root=1-${Math.floor(options.now().getTime() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`,
    };
    for (const [name, value] of Object.entries(template.headers)) headers[name] = value;
    if (template.hmac) {
      const headerFields: Record<string, string> = { "Request.Body": delivery.body };
      for (const [name, value] of Object.entries(headers)) headerFields[`Request.Headers.${name}`] = value;
      const message = render(template.hmac.data, headerFields);
      const signed = createHmac(HMAC_ALGORITHM[template.hmac.algorithm] ?? "sha256", template.hmac.secret)
        .update(message, "utf8")
        .digest(template.hmac.outputFormat === "HEX" ? "hex" : "base64");
      headers[template.hmac.headerName] = template.hmac.value.replaceAll("{{Request.HMAC.Signed}}", signed);
    }
    const attempt: CalloutAttempt = { attempt: delivery.attempts.length + 1, at: options.now().toISOString(), requestId, durationMs: 0 };
    const started = performance.now();
    let retry = false;
    try {
      const response = await fetch(delivery.url, {
        method: delivery.method,
        headers,
        body: delivery.method === "GET" ? undefined : delivery.body,
        redirect: "manual",
        signal: AbortSignal.timeout(template.timeoutMs),
      });
      const text = await response.text();
      attempt.status = response.status;
      attempt.response = text.slice(0, 1_000);
      let ok = response.status === 200;
      if (ok && template.confirmSuccessByResponse) {
        try {
          ok = (response.headers.get("content-type") ?? "").includes("application/json") && (JSON.parse(text) as { success?: unknown }).success === true;
        } catch {
          ok = false;
        }
      }
      if (ok) delivery.state = "delivered";
      else retry = isRetryable(response.status);
      if (!ok && !retry) delivery.state = "failed";
    } catch (error) {
      attempt.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      retry = true;
    }
    attempt.durationMs = Math.round(performance.now() - started);
    delivery.attempts.push(attempt);
    if (!retry) return;
    if (attemptInChain >= template.maxAttempts) {
      delivery.state = "failed";
      return;
    }
    delivery.state = "retrying";
    const timer = setTimeout(() => {
      timers.delete(timer);
      enqueue(delivery, attemptInChain + 1);
      notifyIdle();
    }, template.retryIntervalMs);
    timers.add(timer);
  };

  /** Called for each sandbox event: one notification per active template subscribed to it. */
  const onEvent = (event: ZuoraEvent) => {
    if (templates.size === 0) return;
    let merge: ReturnType<typeof mergeFields> | undefined;
    for (const template of templates.values()) {
      if (!template.active || !template.events.includes(event.name)) continue;
      merge ??= mergeFields(event);
      const params = template.calloutParams ?? DEFAULT_PARAMS[event.name];
      const body = template.customRequestBody
        ? render(template.customRequestBody, merge.fields)
        : JSON.stringify(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, render(v, merge!.fields)])));
      const delivery: CalloutDelivery = {
        id: randomBytes(16).toString("hex"),
        templateId: template.id,
        event: event.name,
        eventCategory: EVENT_CATEGORY[event.name],
        objectId: merge.objectId,
        objectNumber: merge.objectNumber,
        url: render(template.url, merge.fields),
        method: template.method,
        body,
        state: mode.hold ? "held" : "pending",
        sends: 0,
        attempts: [],
        createdAt: options.now().toISOString(),
      };
      if (deliveries.size >= MAX_DELIVERIES) {
        for (const [id, d] of deliveries) {
          if (d.state === "delivered" || d.state === "failed") deliveries.delete(id);
          if (deliveries.size < MAX_DELIVERIES * 0.9) break;
        }
      }
      deliveries.set(delivery.id, delivery);
      if (mode.hold) continue;
      enqueue(delivery);
      if (mode.duplicate) enqueue(delivery);
    }
  };

  const release = (order: "fifo" | "reverse" | "shuffle" = "fifo") => {
    const held = [...deliveries.values()].filter((d) => d.state === "held");
    if (order === "reverse") held.reverse();
    if (order === "shuffle") {
      for (let i = held.length - 1; i > 0; i -= 1) {
        const j = shuffleRandom.int(0, i);
        [held[i], held[j]] = [held[j] as CalloutDelivery, held[i] as CalloutDelivery];
      }
    }
    for (const d of held) {
      d.state = "pending";
      enqueue(d);
      if (mode.duplicate) enqueue(d);
    }
    return held.map((d) => d.id);
  };

  return {
    onEvent,
    addTemplate: (input: CalloutTemplateInput) => {
      const parsed = calloutTemplateInputSchema.parse(input);
      const template: CalloutTemplate = { ...parsed, id: randomBytes(16).toString("hex"), createdAt: options.now().toISOString() };
      templates.set(template.id, template);
      return template;
    },
    removeTemplate: (id: string) => templates.delete(id),
    templates: () => [...templates.values()],
    deliveries: (filter: { event?: string; state?: string; templateId?: string; objectId?: string } = {}) =>
      [...deliveries.values()].filter(
        (d) =>
          (!filter.event || d.event === filter.event) &&
          (!filter.state || d.state === filter.state) &&
          (!filter.templateId || d.templateId === filter.templateId) &&
          (!filter.objectId || d.objectId === filter.objectId),
      ),
    setMode: (input: DeliveryMode) => {
      mode = { ...mode, ...deliveryModeSchema.parse(input) };
      pump();
      return mode;
    },
    mode: () => mode,
    release,
    /** Sends one notification again (same Zuora-Notification-Id), as a duplicate delivery. */
    redeliver: (id: string) => {
      const d = deliveries.get(id);
      if (!d) return false;
      d.state = "pending";
      enqueue(d);
      return true;
    },
    /** Resolves when nothing is queued, sending or waiting to retry (or after timeoutMs). */
    drain: (timeoutMs = 30_000) =>
      new Promise<boolean>((resolve) => {
        if (isIdle()) return resolve(true);
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      }),
    snapshot: (): CalloutState => ({
      templates: [...templates.values()],
      deliveries: [...deliveries.values()].slice(-1_000),
      mode,
    }),
    restore: (state: CalloutState) => {
      templates.clear();
      deliveries.clear();
      for (const t of state.templates) templates.set(t.id, t);
      mode = { ...mode, ...state.mode };
      for (const d of state.deliveries) {
        deliveries.set(d.id, d);
        if (d.state === "pending" || d.state === "retrying") {
          d.sends = 0;
          enqueue(d);
        }
      }
    },
    reset: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      queue.length = 0;
      templates.clear();
      deliveries.clear();
      mode = { hold: false, duplicate: false, concurrency: 4 };
      notifyIdle();
    },
    close: () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      queue.length = 0;
      notifyIdle();
    },
  };
};

export type Callouts = ReturnType<typeof createCallouts>;
