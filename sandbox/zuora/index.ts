/*
 * Zuora Billing stand-in. OAuth client_credentials tokens (about an hour, 401 after), token endpoint
 * limited per IP; v1 GETs keyed by id or number with success:false bodies on HTTP 200; Object Query with
 * opaque cursors; ratelimit-* and Concurrency-Limit-* headers and 429 + Retry-After; Idempotency-Key on
 * POST/PATCH; ID-only callouts signed with a per-template HMAC. Facts: docs/vendors/zuora.md §1.
 */
import type { FastifyPluginAsync } from "fastify";
import type { FaultVendor } from "../core/faults";
import { runBillRun, type BillRunInput, type BillRunResult } from "./bill-run";
import type { CalloutState } from "./callouts";
import { createZuoraControlPlugin, type ZuoraAccountInput, type ZuoraChargeInput } from "./control-plugin";
import { zuoraFailure } from "./errors";
import type { IdempotencyRecord } from "./idempotency";
import type { StoreState } from "./store";
import { createZuoraTenant, type ZuoraSandboxOptions, type ZuoraSettingsInput } from "./tenant";
import type { Account, Charge } from "./types";
import { createZuoraVendorPlugin } from "./vendor-plugin";

export { DEMO_ZUORA_CLIENT, type ZuoraSandboxOptions, type ZuoraClient } from "./tenant";
export type { BillRunInput, BillRunResult } from "./bill-run";
export type { CalloutTemplateInput, CalloutTemplate, CalloutDelivery, DeliveryMode } from "./callouts";
export type { ZuoraAccountInput, ZuoraAmendmentInput, ZuoraChargeInput, ZuoraSubscriptionInput } from "./control-plugin";
export type { Account as ZuoraAccountRecord, Invoice as ZuoraInvoiceRecord, Subscription as ZuoraSubscription } from "./types";

/** Everything the Zuora sandbox persists; changing it needs a migration of saved state files. */
export type ZuoraSnapshot = {
  version: 1;
  store: StoreState;
  callouts: CalloutState;
  settings: ZuoraSettingsInput;
  tokens: [string, { clientId: string; expiresAt: number }][];
  idempotency: IdempotencyRecord[];
};

export type ZuoraSandboxControl = ReturnType<typeof buildControl>;

const buildControl = (tenant: ReturnType<typeof createZuoraTenant>) => {
  const { store } = tenant;
  return {
    addAccount: (input: ZuoraAccountInput): Account => {
      const [firstName = "Alex", lastName = "Morgan"] = (input.email?.split("@")[0] ?? "alex.morgan").split(".").map((s) => s.charAt(0).toUpperCase() + s.slice(1));
      const contact = () => ({
        id: store.newId(),
        firstName,
        lastName,
        workEmail: input.email ?? `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`,
        workPhone: "",
        address1: "1 Market Street",
        address2: "",
        city: input.country === "United States" || input.country === undefined ? "San Francisco" : "Berlin",
        state: input.country === "United States" || input.country === undefined ? "CA" : "",
        zipCode: input.country === "United States" || input.country === undefined ? "94105" : "10115",
        country: input.country ?? "United States",
      });
      const billTo = contact();
      const hasPaymentMethod = input.hasPaymentMethod ?? true;
      return store.addAccount({
        name: input.name,
        accountNumber: input.accountNumber,
        currency: input.currency ?? "USD",
        status: "Active",
        billCycleDay: input.billCycleDay ?? 1,
        paymentTerm: input.paymentTerm ?? "Net 30",
        autoPay: hasPaymentMethod,
        crmId: "",
        batch: "Batch1",
        salesRep: "",
        notes: "",
        taxRate: input.taxRate ?? 0,
        taxCode: (input.taxRate ?? 0) > 0 ? "VAT-STD" : "US-EXEMPT",
        billTo,
        soldTo: { ...billTo, id: store.newId() },
        defaultPaymentMethodId: hasPaymentMethod ? store.newId() : null,
        paymentGateway: hasPaymentMethod ? "Stripe Gateway" : null,
      });
    },
    addCharge: (input: ZuoraChargeInput): Charge =>
      store.addCharge({
        productName: input.productName,
        chargeName: input.chargeName,
        chargeType: input.chargeType ?? "Recurring",
        sku: input.sku ?? "SKU-00000001",
        unitOfMeasure: input.unitOfMeasure ?? "Each",
        prices: input.prices,
        accountingCode: input.accountingCode ?? "40000",
        deferredRevenueAccountingCode: input.deferredRevenueAccountingCode ?? "24000",
      }),
    billRun: (input: BillRunInput): BillRunResult =>
      runBillRun({ store, input, isInvoiceSettlement: tenant.settings.invoiceSettlement, now: tenant.now }),
    settings: (input?: ZuoraSettingsInput) => (input ? tenant.applySettings(input) : { ...tenant.settings }),
    expireTokens: () => tenant.auth.expireAll(),
    stats: () => ({
      ...tenant.stats,
      accounts: store.accounts.size,
      invoices: store.invoices.size,
      payments: store.payments.size,
      creditMemos: store.creditMemos.size,
      liveTokens: [...tenant.tokens.values()].filter((t) => t.expiresAt > tenant.now().getTime()).length,
      calloutDeliveries: tenant.callouts.deliveries().length,
    }),
    callouts: tenant.callouts,
    /** Bumped on every data change; the state file is rewritten only when it moved. */
    version: () => store.version(),
    snapshot: (): ZuoraSnapshot => ({
      version: 1,
      store: store.snapshot(),
      callouts: tenant.callouts.snapshot(),
      settings: { ...tenant.settings },
      tokens: [...tenant.tokens.entries()],
      idempotency: tenant.idempotency.snapshot(),
    }),
    restore: (state: unknown) => {
      const snapshot = state as ZuoraSnapshot;
      if (!snapshot || snapshot.version !== 1) throw Object.assign(new Error("Not a Zuora sandbox snapshot (version 1)"), { statusCode: 400 });
      store.restore(snapshot.store);
      tenant.callouts.restore(snapshot.callouts);
      tenant.applySettings(snapshot.settings);
      tenant.tokens.clear();
      for (const [k, v] of snapshot.tokens) tenant.tokens.set(k, v);
      tenant.idempotency.restore(snapshot.idempotency);
      tenant.objectQuery.reset();
    },
    reset: () => {
      store.reset();
      tenant.callouts.reset();
      tenant.tokens.clear();
      tenant.idempotency.reset();
      tenant.objectQuery.reset();
      tenant.rateLimiter.reset();
      tenant.tokenLimiter.reset();
      Object.assign(tenant.stats, { requests: 0, rejected401: 0, rejected429: 0, tokensIssued: 0, tokenRejected429: 0 });
    },
    close: () => tenant.callouts.close(),
  };
};

export type ZuoraSandbox = {
  /** Vendor API; register with { prefix } equal to `prefix`. */
  plugin: FastifyPluginAsync;
  /** Control routes; register with { prefix: "/_sandbox/zuora" }. */
  controlPlugin: FastifyPluginAsync;
  control: ZuoraSandboxControl;
  /** Hooks for the fault layer. */
  faultVendor: FaultVendor;
  prefix: string;
};

export const createZuoraSandbox = (options: ZuoraSandboxOptions = {}): ZuoraSandbox => {
  const tenant = createZuoraTenant(options);
  const control = buildControl(tenant);
  return {
    plugin: createZuoraVendorPlugin(tenant),
    controlPlugin: createZuoraControlPlugin(tenant, control),
    control,
    prefix: tenant.prefix,
    faultVendor: {
      name: "zuora",
      prefix: tenant.prefix,
      expireTokens: () => tenant.auth.expireAll(),
      errorResponse: (status, retryAfterSeconds) => {
        const headers: Record<string, string> = {};
        if (status === 429) {
          headers["Retry-After"] = String(retryAfterSeconds ?? 1);
          headers["ratelimit-remaining"] = "0";
          headers["ratelimit-reset"] = String(retryAfterSeconds ?? 1);
          return { headers, body: zuoraFailure(50000070, "The number of requests exceeds the rate limit.") };
        }
        if (status === 500) return { headers, body: zuoraFailure(50000060, "An internal error occurred.") };
        return { headers, body: zuoraFailure(50000061, "Temporary error; resubmit the request.") };
      },
    },
  };
};
