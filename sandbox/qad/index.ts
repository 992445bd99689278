/**
 * QAD Adaptive ERP sandbox: one tenant's REST surface as independent public clients show it (vendor-apis.md §6.3)
 * plus assumed finance entities (§6.4; README.md lists every assumption). OAuth password grant at /oauth/token,
 * bearer or Basic on /api calls, `x-qad-workspace-id: <domain>_<entity>`, browses at /api/qracore/browses,
 * business-entity writes at /api/erp/<collection>?viewUri=urn:be:... answered with `submitResult`.
 * Pull-only: QAD has no webhooks.
 */
import type { FastifyPluginAsync } from "fastify";
import type { FaultVendor } from "../core/faults";
import { createQadControl, type QadControl } from "./control";
import { createQadControlPlugin } from "./control-plugin";
import { bareErrors } from "./errors";
import { createQadTenant, type QadSandboxOptions } from "./tenant";
import { createQadVendorPlugin } from "./vendor-plugin";

export { QAD_SANDBOX_DEFAULTS, DEFAULT_QAD_GL_ACCOUNTS, type QadSandboxOptions, type QadSettings, type QadSettingsInput } from "./tenant";
export type { QadControl, QadSeed, QadPeriodStatus, QadDocumentCollection, InvoiceBalance, QadDuplicate, QadSnapshot } from "./control";
export type { CustomerBalance } from "./store";

export type QadSandbox = {
  /** Vendor API; register with `{ prefix: "/qad" }` (the prefix is the tenant base URL path). */
  plugin: FastifyPluginAsync;
  /** Control routes; register with `{ prefix: "/_sandbox/qad" }`. */
  controlPlugin: FastifyPluginAsync;
  control: QadControl;
  /** Hooks for the fault layer (QAD's bare errors envelope for injected 429/5xx). */
  faultVendor: FaultVendor;
};

export const createQadSandbox = (options: QadSandboxOptions = {}): QadSandbox => {
  const tenant = createQadTenant(options);
  const control = createQadControl(tenant);
  return {
    plugin: createQadVendorPlugin(tenant),
    controlPlugin: createQadControlPlugin(control),
    control,
    faultVendor: {
      name: "qad",
      prefix: "/qad",
      expireTokens: () => tenant.auth.expireAll(),
      errorResponse: (status, retryAfterSeconds) => ({
        headers: status === 429 ? { "Retry-After": String(retryAfterSeconds ?? 1) } : ({} as Record<string, string>),
        body: bareErrors(status, status === 429 ? "Too many requests" : status === 500 ? "Internal server error" : "Service unavailable"),
      }),
    },
  };
};
