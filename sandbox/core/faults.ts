import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { hashToUnit } from "./random";

/*
 * Fault injection in front of every vendor, set only through the control API (never by anything the
 * connector sends). Decisions are pure functions of (seed, rule id, n-th matching request), so a failing
 * run is replayed by setting the same seed and rules and sending the same requests.
 */

export const VENDOR_NAMES = ["zuora", "acumatica", "zoho-crm"] as const;
export type VendorName = (typeof VENDOR_NAMES)[number];

const faultActionSchema = z.discriminatedUnion("kind", [
  /** Answer with this status before the vendor sees the request (429 carries Retry-After). */
  z.strictObject({
    kind: z.literal("status"),
    status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  }),
  /** Add latency (ms, plus a seeded jitter in [0, jitterMs]) before the vendor handles the request. */
  z.strictObject({
    kind: z.literal("latency"),
    ms: z.number().int().min(0).max(120_000),
    jitterMs: z.number().int().min(0).max(120_000).default(0),
  }),
  /**
   * Destroy the TCP connection. "before": the vendor never sees the request. "after": the vendor did the
   * work (a payment may exist) and the answer is lost, the case idempotency keys exist for.
   */
  z.strictObject({ kind: z.literal("drop"), when: z.enum(["before", "after"]).default("before") }),
  /** Expire every access token of the vendor, then let the request through (it gets the vendor's 401). */
  z.strictObject({ kind: z.literal("expire-tokens") }),
]);

export const faultRuleSchema = z.strictObject({
  /** Stable name used in the fault log; assigned ("rule-1", ...) when absent. */
  id: z.string().min(1).max(64).optional(),
  vendor: z.enum([...VENDOR_NAMES, "*"]).default("*"),
  /** HTTP method to match, any when absent. */
  method: z.string().toUpperCase().optional(),
  /**
   * Path below the vendor's prefix, without query; `*` matches any run of characters.
   * Examples: "/oauth/token", "/v1/invoices/*", "/entity/Default/*\/Invoice". Any path when absent.
   */
  path: z.string().startsWith("/").optional(),
  /** Chance that a matching request is hit, 0..1 (default 1). */
  probability: z.number().min(0).max(1).default(1),
  /** Fire at most this many times, then the rule stays but never fires. Unlimited when absent. */
  times: z.number().int().positive().optional(),
  action: faultActionSchema,
});
export type FaultRuleInput = z.input<typeof faultRuleSchema>;
export type FaultRule = z.output<typeof faultRuleSchema> & { id: string };

export const latencySchema = z.strictObject({
  zuora: z.number().int().min(0).max(120_000).optional(),
  acumatica: z.number().int().min(0).max(120_000).optional(),
  "zoho-crm": z.number().int().min(0).max(120_000).optional(),
});
/** Fixed latency per vendor in ms added to every call (benchmarks use 0 and 50). */
export type Latency = z.infer<typeof latencySchema>;

export const faultConfigSchema = z.strictObject({
  seed: z.number().int().optional(),
  rules: z.array(faultRuleSchema).optional(),
  latencyMs: latencySchema.optional(),
});
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

export type FaultLogEntry = {
  /** Order in which faults fired, from 1. */
  seq: number;
  ruleId: string;
  /** The rule's n-th matching request (from 0); with the seed this reproduces the decision. */
  n: number;
  vendor: VendorName;
  method: string;
  path: string;
  kind: FaultRule["action"]["kind"];
  status?: number;
};

/** What a vendor plugs into the fault layer. */
export type FaultVendor = {
  name: VendorName;
  /** Mount prefix, e.g. "/zuora". */
  prefix: string;
  /** The vendor's own shape for an injected error. */
  errorResponse: (status: number, retryAfterSeconds: number | undefined) => {
    headers: Record<string, string>;
    body: unknown;
  };
  expireTokens: () => void;
};

type RuleState = FaultRule & { matched: number; fired: number; pathPattern?: RegExp };

const MAX_LOG = 5_000;
const dropAfterRequests = new WeakSet<FastifyRequest>();
const addedLatency = new WeakMap<FastifyRequest, number>();

const globToRegExp = (glob: string) =>
  new RegExp(`^${glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type FaultInjector = ReturnType<typeof createFaultInjector>;

export const createFaultInjector = (options: { seed?: number } = {}) => {
  const vendors: FaultVendor[] = [];
  let seed = options.seed ?? 1;
  let rules: RuleState[] = [];
  let latencyMs: Latency = {};
  let log: FaultLogEntry[] = [];
  let seq = 0;
  let nextRuleNumber = 1;

  const vendorOf = (url: string) =>
    vendors.find((v) => url.startsWith(v.prefix) && (url.length === v.prefix.length || url[v.prefix.length] === "/" || url[v.prefix.length] === "?"));

  const toState = (input: FaultRuleInput): RuleState => {
    const parsed = faultRuleSchema.parse(input);
    const id = parsed.id ?? `rule-${nextRuleNumber++}`;
    return { ...parsed, id, matched: 0, fired: 0, pathPattern: parsed.path ? globToRegExp(parsed.path) : undefined };
  };

  const onRequest = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (rules.length === 0) return done();
    const vendor = vendorOf(request.url);
    if (!vendor) return done();
    const queryAt = request.url.indexOf("?");
    const path = request.url.slice(vendor.prefix.length, queryAt === -1 ? undefined : queryAt) || "/";
    let extra = 0;
    for (const rule of rules) {
      if (rule.vendor !== "*" && rule.vendor !== vendor.name) continue;
      if (rule.method && rule.method !== request.method) continue;
      if (rule.pathPattern && !rule.pathPattern.test(path)) continue;
      const n = rule.matched++;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (rule.probability < 1 && hashToUnit(seed, rule.id, n) >= rule.probability) continue;
      rule.fired += 1;
      const { action } = rule;
      seq += 1;
      log.push({ seq, ruleId: rule.id, n, vendor: vendor.name, method: request.method, path, kind: action.kind, ...(action.kind === "status" ? { status: action.status } : {}) });
      if (log.length > MAX_LOG) log = log.slice(-MAX_LOG / 2);
      if (action.kind === "status") {
        const { headers, body } = vendor.errorResponse(action.status, action.retryAfterSeconds);
        reply.code(action.status).headers(headers).send(body);
        return;
      }
      if (action.kind === "drop") {
        if (action.when === "after") {
          dropAfterRequests.add(request);
          continue;
        }
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      if (action.kind === "latency") {
        extra += action.ms + (action.jitterMs > 0 ? Math.floor(hashToUnit(seed, rule.id, n, "jitter") * (action.jitterMs + 1)) : 0);
        continue;
      }
      vendor.expireTokens();
    }
    if (extra > 0) addedLatency.set(request, extra);
    done();
  };

  const preHandler = async (request: FastifyRequest) => {
    const vendor = vendorOf(request.url);
    if (!vendor) return;
    const ms = (latencyMs[vendor.name] ?? 0) + (addedLatency.get(request) ?? 0);
    if (ms > 0) await sleep(ms);
  };

  const onSend = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, value?: unknown) => void) => {
    if (dropAfterRequests.has(request)) {
      dropAfterRequests.delete(request);
      request.raw.socket.destroy();
    }
    done(null, payload);
  };

  return {
    /** Call before registering vendor plugins: Fastify hooks reach only plugins registered after them. */
    install: (app: FastifyInstance) => {
      app.addHook("onRequest", onRequest);
      app.addHook("preHandler", preHandler);
      app.addHook("onSend", onSend);
    },
    registerVendor: (vendor: FaultVendor) => {
      vendors.push(vendor);
    },
    /** Replace the configuration; only the fields given change. Counters restart so decisions replay from the start. */
    configure: (input: FaultConfigInput) => {
      const parsed = faultConfigSchema.parse(input);
      if (parsed.seed !== undefined) seed = parsed.seed;
      if (parsed.rules !== undefined) {
        nextRuleNumber = 1;
        rules = parsed.rules.map(toState);
      }
      if (parsed.latencyMs !== undefined) latencyMs = { ...latencyMs, ...parsed.latencyMs };
      log = [];
      seq = 0;
      for (const rule of rules) {
        rule.matched = 0;
        rule.fired = 0;
      }
    },
    addRule: (input: FaultRuleInput): FaultRule => {
      const state = toState(input);
      rules.push(state);
      return describeRule(state);
    },
    removeRule: (id: string) => {
      const before = rules.length;
      rules = rules.filter((r) => r.id !== id);
      return rules.length < before;
    },
    setLatency: (input: Latency) => {
      latencyMs = { ...latencyMs, ...latencySchema.parse(input) };
    },
    /** Remove all rules and latency and clear the log; the seed stays. */
    clear: () => {
      rules = [];
      latencyMs = {};
      log = [];
      seq = 0;
      nextRuleNumber = 1;
    },
    expireTokens: (vendor?: VendorName) => {
      for (const v of vendors) if (!vendor || v.name === vendor) v.expireTokens();
    },
    state: () => ({ seed, latencyMs: { ...latencyMs }, rules: rules.map(describeRule) }),
    log: () => [...log],
  };
};

const describeRule = (rule: RuleState) => {
  const { pathPattern: _pattern, ...rest } = rule;
  return rest;
};
