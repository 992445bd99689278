import type { AcumaticaSandbox } from "../acumatica/index";
import type { DemoSeedOptions, DemoSeedResult } from "../demo/seed-demo";
import type { CustomerBalance, InvoiceBalance, QadDocumentCollection, QadDuplicate, QadPeriodStatus, QadSeed, QadSettings, QadSettingsInput } from "../qad/index";
import type {
  Certificate,
  CertificateInput,
  CustomRecordTypeInput,
  LoginAuditEntry,
  NetsuiteSeedInput,
  NetsuiteSeedResult,
  NetsuiteSettingsInput,
  OutboundDelivery,
  ScriptDeployment,
  ScriptDeploymentInput,
} from "../netsuite/index";
import type { IfsCloudSandbox } from "../ifs-cloud/index";
import type { SandboxCredentials } from "../server";
import type {
  BillRunInput,
  BillRunResult,
  CalloutDelivery,
  CalloutTemplate,
  CalloutTemplateInput,
  DeliveryMode,
  ZuoraAccountInput,
  ZuoraAccountRecord,
  ZuoraAmendmentInput,
  ZuoraChargeInput,
  ZuoraInvoiceRecord,
  ZuoraSubscription,
  ZuoraSubscriptionInput,
} from "../zuora/index";
import type { CallbackDelivery, CallbackMode, CustomFieldInput, ModuleName, ZohoCrmSettings, ZohoCrmSettingsInput } from "../zoho-crm/index";
import type { FaultConfigInput, FaultLogEntry, FaultRule, FaultRuleInput, Latency, VendorName } from "./faults";

/*
 * Typed client of the control API (/_sandbox) over HTTP, so tests, benchmarks, the demo and another
 * process (Playwright, scripts/start.ts) drive a sandbox the same way. Non-2xx answers throw with the body.
 */

type AcumaticaControl = AcumaticaSandbox["control"];
type IfsControl = IfsCloudSandbox["control"];
type FaultState = { seed: number; latencyMs: Latency; rules: FaultRule[] };
type ZuoraSettings = {
  invoiceSettlement: boolean;
  accessTokenSeconds: number;
  tokenRequestsPerMinutePerIp: number;
  rateLimits: { perMinute: number; perHour: number; perDay: number };
  concurrency: { default: number; objectQuery: number };
  customFields: { Account: string[]; Invoice: string[] };
};
type ZuoraSettingsPatch = Partial<Omit<ZuoraSettings, "rateLimits" | "concurrency" | "customFields">> & {
  rateLimits?: Partial<ZuoraSettings["rateLimits"]>;
  concurrency?: Partial<ZuoraSettings["concurrency"]>;
  customFields?: Partial<ZuoraSettings["customFields"]>;
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
      subscriptions: () => call<ZuoraSubscription[]>("GET", "/zuora/subscriptions"),
      createSubscription: (input: ZuoraSubscriptionInput) => call<ZuoraSubscription>("POST", "/zuora/subscriptions", input),
      amendSubscription: (key: string, input: ZuoraAmendmentInput) => call<ZuoraSubscription>("POST", `/zuora/subscriptions/${encodeURIComponent(key)}/amend`, input),
      accounts: () => call<ZuoraAccountRecord[]>("GET", "/zuora/accounts"),
      invoices: () => call<(Omit<ZuoraInvoiceRecord, "items"> & { itemCount: number })[]>("GET", "/zuora/invoices"),
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
      /** Opens or closes financial periods ("05-2024", "052024" or "2024-05") in every module. */
      setPeriodStatus: (periods: string[], status: "Open" | "Closed") => call<void>("POST", "/acumatica/periods", { periods, status }),
      periods: () => call<ReturnType<AcumaticaControl["periods"]>>("GET", "/acumatica/periods"),
      /** Each AR document's balance and each customer's open balance per currency, to compare with Zuora's. */
      balances: () => call<ReturnType<AcumaticaControl["balances"]>>("GET", "/acumatica/balances"),
      /** Relaxes or restores refusals, e.g. { cashAccountCurrency: false } for a flow with one cash account. */
      setRules: (rules: Parameters<AcumaticaControl["setRules"]>[0]) => call<void>("POST", "/acumatica/rules", rules),
    },
    qad: {
      /** Workspaces, customers, GL accounts and open years; customers and accounts go to `workspace` (default the first). */
      seed: (data: QadSeed) => call<void>("POST", "/qad/seed", data),
      /** Opens or closes one GL period or a whole year. */
      setPeriodStatus: (input: QadPeriodStatus) => call<void>("POST", "/qad/periods", input),
      documents: (collection: QadDocumentCollection, workspace?: string) =>
        call<Record<string, unknown>[]>("GET", `/qad/documents/${collection}${query({ workspace })}`),
      /** Open balance per customer (sum of its invoices' open balances), all customers or one. */
      customerBalances: (scope: { workspace?: string; customer?: string } = {}) => call<CustomerBalance[]>("GET", `/qad/balances/customers${query(scope)}`),
      /** Open balance per invoice, all invoices or one customer's. */
      invoiceBalances: (scope: { workspace?: string; customer?: string } = {}) => call<InvoiceBalance[]>("GET", `/qad/balances/invoices${query(scope)}`),
      /** Documents sharing a reference (the Zuora number): should be empty. */
      duplicates: (workspace?: string) => call<QadDuplicate[]>("GET", `/qad/duplicates${query({ workspace })}`),
      settings: () => call<QadSettings>("GET", "/qad/settings"),
      updateSettings: (patch: QadSettingsInput) => call<QadSettings>("PATCH", "/qad/settings", patch),
      /** Fixes the tenant's clock (ISO-8601), or back to real time with null. */
      setClock: (now: string | null) => call<{ now: string | null }>("PUT", "/qad/clock", { now }),
      expireTokens: () => call<void>("POST", "/qad/expire-tokens"),
      stats: () => call<Record<string, number> & { byRoute: Record<string, number> }>("GET", "/qad/stats"),
      snapshot: () => call<unknown>("GET", "/qad/snapshot"),
      restore: (state: unknown) => call<void>("POST", "/qad/restore", state),
      reset: () => call<void>("POST", "/qad/reset"),
    },
    netsuite: {
      settings: () => call<Required<NetsuiteSettingsInput>>("GET", "/netsuite/settings"),
      updateSettings: (patch: NetsuiteSettingsInput) => call<Required<NetsuiteSettingsInput>>("PATCH", "/netsuite/settings", patch),
      /** Fix the account clock at an instant (ISO) or give it back to real time (null). */
      setClock: (now: string | null) => call<{ now: string; fixed: boolean }>("PUT", "/netsuite/clock", { now }),
      advanceClock: (seconds: number) => call<{ now: string; fixed: boolean }>("POST", "/netsuite/clock/advance", { seconds }),
      stats: () => call<Record<string, number> & { byRoute: Record<string, number> }>("GET", "/netsuite/stats"),
      expireTokens: () => call<{ ok: true }>("POST", "/netsuite/expire-tokens"),
      /** Registers a public key or X.509 certificate for a client (the M2M setup mapping); returns its Certificate ID. */
      registerCertificate: (input: CertificateInput) => call<Certificate>("POST", "/netsuite/certificates", input),
      revokeCertificate: (certificateId: string) => call<{ ok: true }>("POST", `/netsuite/certificates/${encodeURIComponent(certificateId)}/revoke`),
      certificates: () => call<Certificate[]>("GET", "/netsuite/certificates"),
      loginAudit: () => call<LoginAuditEntry[]>("GET", "/netsuite/login-audit"),
      defineCustomRecordType: (input: CustomRecordTypeInput) => call<unknown>("POST", "/netsuite/custom-record-types", input),
      defineCustomFields: (recordType: string, fields: { id: string; kind: "string" | "number" | "boolean" | "date" | "datetime" | "ref" }[]) =>
        call<{ ok: true }>("POST", "/netsuite/custom-fields", { recordType, fields }),
      seed: (input: NetsuiteSeedInput) => call<NetsuiteSeedResult>("POST", "/netsuite/seed", input),
      /** Every record of a type as the record service shows it (sublists expanded). */
      records: (recordType: string) => call<Record<string, unknown>[]>("GET", `/netsuite/records/${encodeURIComponent(recordType)}`),
      record: (recordType: string, id: string) => call<Record<string, unknown>>("GET", `/netsuite/records/${encodeURIComponent(recordType)}/${encodeURIComponent(id)}`),
      /** Edit a record as a user in the UI would: lastModifiedDate moves and the outbound script fires. */
      change: (recordType: string, id: string, fields: Record<string, unknown>) =>
        call<Record<string, unknown>>("POST", `/netsuite/records/${encodeURIComponent(recordType)}/${encodeURIComponent(id)}/change`, fields),
      /** Custom records sharing their type's natural key (e.g. one Zuora event stored twice): should be empty. */
      duplicates: () => call<{ recordType: string; key: string; value: string; ids: string[] }[]>("GET", "/netsuite/duplicates"),
      script: {
        deploy: (input: ScriptDeploymentInput) => call<ScriptDeployment>("POST", "/netsuite/script-deployments", input),
        undeploy: (id: string) => call<{ ok: true }>("DELETE", `/netsuite/script-deployments/${encodeURIComponent(id)}`),
        deployments: () => call<ScriptDeployment[]>("GET", "/netsuite/script-deployments"),
        deliveries: (filter: { recordType?: string; id?: string } = {}) => call<OutboundDelivery[]>("GET", `/netsuite/script-deliveries${query(filter)}`),
        drain: (timeoutMs = 30_000) => call<{ idle: boolean }>("POST", "/netsuite/script-deliveries/drain", { timeoutMs }),
      },
      reset: () => call<{ ok: true }>("POST", "/netsuite/reset"),
      snapshot: () => call<unknown>("GET", "/netsuite/snapshot"),
      restore: (state: unknown) => call<{ ok: true }>("POST", "/netsuite/restore", state),
    },
    ifsCloud: {
      seed: (data: Parameters<IfsControl["seed"]>[0]) => call<ReturnType<IfsControl["counts"]>>("POST", "/ifs-cloud/seed", data),
      setPeriodStatus: (input: Parameters<IfsControl["setPeriodStatus"]>[0]) => call<{ ok: true }>("PUT", "/ifs-cloud/periods", input),
      vouchers: () => call<ReturnType<IfsControl["vouchers"]>>("GET", "/ifs-cloud/vouchers"),
      /** Vouchers sharing a row ReferenceNumber in a company: should be empty. */
      duplicates: () => call<ReturnType<IfsControl["duplicates"]>>("GET", "/ifs-cloud/duplicates"),
      counts: () => call<ReturnType<IfsControl["counts"]>>("GET", "/ifs-cloud/counts"),
      settings: () => call<ReturnType<IfsControl["settings"]>>("GET", "/ifs-cloud/settings"),
      configure: (input: Parameters<IfsControl["configure"]>[0]) => call<ReturnType<IfsControl["settings"]>>("PATCH", "/ifs-cloud/settings", input),
      setClock: (input: Parameters<IfsControl["setClock"]>[0]) => call<{ now: string }>("PUT", "/ifs-cloud/clock", input),
      expireTokens: () => call<{ ok: true }>("POST", "/ifs-cloud/expire-tokens"),
      /** The next request to each projection (default all) answers 500 MI_MODIFIED_ERROR once, as after a redeployment. */
      modifyMetadata: (projections?: string[]) => call<{ ok: true }>("POST", "/ifs-cloud/metadata-modified", projections ? { projections } : {}),
      /** Another user changes the record: its ETag changes. */
      touch: (target: Parameters<IfsControl["touch"]>[0]) => call<{ ok: true }>("POST", "/ifs-cloud/touch", target),
      lock: (target: Parameters<IfsControl["lock"]>[0]) => call<{ ok: true }>("POST", "/ifs-cloud/locks", target),
      unlockAll: () => call<{ ok: true }>("DELETE", "/ifs-cloud/locks"),
      stats: () => call<ReturnType<IfsControl["stats"]>>("GET", "/ifs-cloud/stats"),
      snapshot: () => call<unknown>("GET", "/ifs-cloud/snapshot"),
      restore: (state: unknown) => call<{ ok: true }>("POST", "/ifs-cloud/restore", state),
      reset: () => call<{ ok: true }>("POST", "/ifs-cloud/reset"),
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
