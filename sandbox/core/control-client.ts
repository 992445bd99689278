import type { AcumaticaSandbox } from "../acumatica/index";
import type { DemoSeedOptions, DemoSeedResult } from "../demo/seed-demo";
import type { SandboxCredentials } from "../server";
import type {
  BillRunInput,
  BillRunResult,
  CalloutDelivery,
  CalloutTemplate,
  CalloutTemplateInput,
  DeliveryMode,
  ZuoraAccountInput,
  ZuoraChargeInput,
} from "../zuora/index";
import type { CallbackDelivery, CallbackMode, CustomFieldInput, ModuleName, ZohoCrmSettings, ZohoCrmSettingsInput } from "../zoho-crm/index";
import type { FaultConfigInput, FaultLogEntry, FaultRule, FaultRuleInput, Latency, VendorName } from "./faults";

/*
 * Typed client of the control API (/_sandbox) over HTTP, so tests, benchmarks, the demo and another
 * process (Playwright, scripts/start.ts) drive a sandbox the same way. Non-2xx answers throw with the body.
 */

type AcumaticaControl = AcumaticaSandbox["control"];
type FaultState = { seed: number; latencyMs: Latency; rules: FaultRule[] };
type ZuoraSettings = {
  invoiceSettlement: boolean;
  accessTokenSeconds: number;
  tokenRequestsPerMinutePerIp: number;
  rateLimits: { perMinute: number; perHour: number; perDay: number };
  concurrency: { default: number; objectQuery: number };
};
type ZuoraSettingsPatch = Partial<Omit<ZuoraSettings, "rateLimits" | "concurrency">> & {
  rateLimits?: Partial<ZuoraSettings["rateLimits"]>;
  concurrency?: Partial<ZuoraSettings["concurrency"]>;
};

export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    method: string,
    path: string,
  ) {
    super(`sandbox control ${method} ${path} -> ${status}: ${body.slice(0, 500)}`);
  }
}

export const createSandboxControlClient = (url: string) => {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/_sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new SandboxControlError(response.status, text, method, path);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  };
  const query = (params: Record<string, string | undefined>) => {
    const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
    return entries.length === 0 ? "" : `?${new URLSearchParams(entries).toString()}`;
  };

  return {
    info: () => call<SandboxCredentials>("GET", "/info"),
    health: () => call<{ ok: boolean }>("GET", "/health"),
    reset: () => call<{ ok: true }>("POST", "/reset"),
    seedDemo: (input: DemoSeedOptions = {}) => call<DemoSeedResult>("POST", "/demo/seed", input),
    expireTokens: (vendor?: VendorName) => call<{ ok: true }>("POST", "/expire-tokens", vendor ? { vendor } : {}),
    setLatency: (latency: Latency) => call<Latency>("PUT", "/latency", latency),
    faults: {
      get: () => call<FaultState>("GET", "/faults"),
      /** Replaces what it names (seed, rules, latencyMs) and restarts the counters, so a run replays. */
      set: (config: FaultConfigInput) => call<FaultState>("PUT", "/faults", config),
      add: (rule: FaultRuleInput) => call<FaultRule>("POST", "/faults/rules", rule),
      remove: (id: string) => call<{ ok: true }>("DELETE", `/faults/rules/${encodeURIComponent(id)}`),
      clear: () => call<FaultState>("DELETE", "/faults"),
      log: () => call<FaultLogEntry[]>("GET", "/faults/log"),
    },
    zuora: {
      settings: () => call<ZuoraSettings>("GET", "/zuora/settings"),
      updateSettings: (patch: ZuoraSettingsPatch) => call<ZuoraSettings>("PATCH", "/zuora/settings", patch),
      stats: () => call<Record<string, number>>("GET", "/zuora/stats"),
      expireTokens: () => call<{ ok: true }>("POST", "/zuora/expire-tokens"),
      addAccount: (input: ZuoraAccountInput) => call<{ id: string; accountNumber: string; currency: string }>("POST", "/zuora/accounts", input),
      addCharge: (input: ZuoraChargeInput) => call<{ id: string; productName: string; chargeName: string }>("POST", "/zuora/charges", input),
      catalog: () => call<{ id: string; productName: string; chargeName: string; chargeType: string; accountingCode: string }[]>("GET", "/zuora/catalog"),
      postInvoice: (input: { account: string; lines: { chargeId: string; quantity: number }[]; invoiceDate?: string }) =>
        call<{ id: string; number: string; amount: number }>("POST", "/zuora/invoices", input),
      billRun: (input: BillRunInput) => call<BillRunResult>("POST", "/zuora/bill-runs", input),
      /** Edit records (bumps updatedDate) as a user would in Zuora's UI. */
      touch: (object: "invoices" | "payments" | "credit-memos" | "accounts", keys: string[], comment?: string) =>
        call<{ touched: string[] }>("POST", "/zuora/touch", { object, keys, comment }),
      callouts: {
        templates: () => call<CalloutTemplate[]>("GET", "/zuora/callout-templates"),
        addTemplate: (input: CalloutTemplateInput) => call<CalloutTemplate>("POST", "/zuora/callout-templates", input),
        removeTemplate: (id: string) => call<{ ok: true }>("DELETE", `/zuora/callout-templates/${id}`),
        deliveries: (filter: { event?: string; state?: string; templateId?: string; objectId?: string } = {}) =>
          call<CalloutDelivery[]>("GET", `/zuora/callouts/deliveries${query(filter)}`),
        mode: () => call<Required<DeliveryMode>>("GET", "/zuora/callouts/mode"),
        setMode: (mode: DeliveryMode) => call<Required<DeliveryMode>>("PUT", "/zuora/callouts/mode", mode),
        /** Sends held notifications; "reverse" or "shuffle" delivers them out of order. */
        release: (order: "fifo" | "reverse" | "shuffle" = "fifo") => call<{ released: string[] }>("POST", "/zuora/callouts/release", { order }),
        redeliver: (id: string) => call<{ ok: true }>("POST", `/zuora/callouts/deliveries/${id}/redeliver`),
        /** Waits until nothing is queued, in flight or waiting to retry. */
        drain: (timeoutMs = 30_000) => call<{ idle: boolean }>("POST", "/zuora/callouts/drain", { timeoutMs }),
      },
      reset: () => call<{ ok: true }>("POST", "/zuora/reset"),
      snapshot: () => call<unknown>("GET", "/zuora/snapshot"),
      restore: (state: unknown) => call<{ ok: true }>("POST", "/zuora/restore", state),
    },
    acumatica: {
      seed: (data: Parameters<AcumaticaControl["seed"]>[0]) => call<void>("POST", "/acumatica/seed", data),
      documents: (entity: Parameters<AcumaticaControl["documents"]>[0]) =>
        call<Record<string, unknown>[]>("GET", `/acumatica/documents/${entity}`),
      /** Documents sharing a natural key (Invoice CustomerOrder, Payment ExternalRef, ...): should be empty. */
      duplicates: () => call<{ entity: string; key: string; count: number }[]>("GET", "/acumatica/duplicates"),
      setLicence: (limits: { requestsPerMinute?: number; concurrentRequests?: number; sendRetryAfter?: boolean }) =>
        call<void>("POST", "/acumatica/licence", limits),
      expireTokens: () => call<void>("POST", "/acumatica/expire-tokens"),
      stats: () => call<{ requests: number; rejected429: number; byRoute: Record<string, number> }>("GET", "/acumatica/stats"),
      reset: () => call<void>("POST", "/acumatica/reset"),
    },
    zohoCrm: {
      settings: () => call<ZohoCrmSettings>("GET", "/zoho-crm/settings"),
      updateSettings: (patch: ZohoCrmSettingsInput) => call<ZohoCrmSettings>("PATCH", "/zoho-crm/settings", patch),
      /** Moves the org's clock (token, page-token and channel expiry, the rolling credit window). */
      setClock: (input: { now?: string; advanceSeconds?: number }) => call<{ now: string; offsetMs: number }>("PUT", "/zoho-crm/clock", input),
      stats: () => call<Record<string, unknown>>("GET", "/zoho-crm/stats"),
      expireTokens: () => call<{ ok: true }>("POST", "/zoho-crm/expire-tokens"),
      issueRefreshToken: (input: { clientId?: string; scopes?: string[] } = {}) =>
        call<{ clientId: string; refreshToken: string; scopes: string[] }>("POST", "/zoho-crm/refresh-tokens", input),
      revokeRefreshToken: (token: string) => call<{ ok: true }>("DELETE", `/zoho-crm/refresh-tokens/${encodeURIComponent(token)}`),
      addField: (input: CustomFieldInput) => call<Record<string, unknown>>("POST", "/zoho-crm/fields", input),
      /** Records entered as a user would in Zoho's UI; per-record results as the API gives them. */
      addRecords: (module: ModuleName, records: Record<string, unknown>[]) =>
        call<({ status: "success"; details: { id: string } } | { status: "error"; code: string; details: Record<string, unknown> })[]>("POST", `/zoho-crm/records/${module}`, { records }),
      records: (module: ModuleName) => call<(Record<string, unknown> & { id: string })[]>("GET", `/zoho-crm/records/${module}`),
      editRecord: (module: ModuleName, id: string, values: Record<string, unknown>) => call<Record<string, unknown>>("PATCH", `/zoho-crm/records/${module}/${id}`, values),
      /** A rep marks the deal "Closed Won". */
      winDeal: (id: string) => call<Record<string, unknown>>("POST", `/zoho-crm/deals/${id}/win`),
      /** Unique / duplicate-check values held by more than one record: should be empty. */
      duplicates: () => call<{ module: ModuleName; field: string; value: string; ids: string[] }[]>("GET", "/zoho-crm/duplicates"),
      channels: () => call<Record<string, unknown>[]>("GET", "/zoho-crm/channels"),
      callbacks: (filter: { channelId?: string; state?: string } = {}) => call<CallbackDelivery[]>("GET", `/zoho-crm/callbacks${query(filter)}`),
      setCallbackMode: (mode: CallbackMode) => call<Required<CallbackMode>>("PUT", "/zoho-crm/callbacks/mode", mode),
      releaseCallbacks: () => call<{ released: string[] }>("POST", "/zoho-crm/callbacks/release"),
      /** Sends open batches now and waits until no callback is in flight. */
      drainCallbacks: (timeoutMs = 30_000) => call<{ idle: boolean }>("POST", "/zoho-crm/callbacks/drain", { timeoutMs }),
      reset: () => call<{ ok: true }>("POST", "/zoho-crm/reset"),
      snapshot: () => call<unknown>("GET", "/zoho-crm/snapshot"),
      restore: (state: unknown) => call<{ ok: true }>("POST", "/zoho-crm/restore", state),
    },
  };
};

export type SandboxControlClient = ReturnType<typeof createSandboxControlClient>;
