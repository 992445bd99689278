/*
 * Zoho CRM v8 stand-in (vendor-apis.md §3). An accounts server per data center issues one-hour access
 * tokens from a refresh token, with api_domain pointing at this sandbox's API host path for that data
 * center; the records API covers Accounts, Products, Invoices and Deals ({"data":[...]} bodies, 100 records
 * per write, per-record results, upsert with duplicate_check_fields, page_token paging, If-Modified-Since);
 * /settings/modules, /settings/fields, /users and /org are there for Zoho's SDKs; notification channels
 * call back with ids, affected fields and the channel token; credits, concurrency and the modules of each
 * edition are enforced. README.md lists every behaviour with its source.
 */
import type { FastifyPluginAsync } from "fastify";
import type { FaultVendor } from "../core/faults";
import { createZohoCrmApiPlugin } from "./api-plugin";
import { createZohoCrmControlPlugin } from "./control-plugin";
import { zohoError } from "./errors";
import type { FieldDef, ModuleName } from "./metadata";
import type { NotificationState } from "./notifications";
import { ADMIN_USER, createZohoCrmOrg, DEMO_ZOHO_CRM_CLIENT, type AccessToken, type ZohoCrmClient, type ZohoCrmSandboxOptions, type ZohoCrmSettings } from "./org";
import type { RecordStoreState, WriteResult } from "./records";

export { DEMO_ZOHO_CRM_CLIENT, type ZohoCrmSandboxOptions, type ZohoCrmClient, type ZohoCrmSettings } from "./org";
export type { CustomFieldInput, ZohoCrmSettingsInput, DataCenter } from "./org";
export type { CallbackDelivery, CallbackMode } from "./notifications";
export type { ModuleName, Edition } from "./metadata";

export const ZOHO_CRM_PREFIX = "/zoho-crm";

/** Everything the Zoho CRM sandbox persists; changing it needs a migration of saved state files. */
export type ZohoCrmSnapshot = {
  version: 1;
  settings: ZohoCrmSettings;
  clockOffsetMs: number;
  clients: ZohoCrmClient[];
  tokens: [string, AccessToken][];
  customFields: (FieldDef & { module: ModuleName })[];
  records: RecordStoreState;
  notifications: NotificationState;
};

export type ZohoCrmSandboxControl = ReturnType<typeof buildControl>;

const buildControl = (org: ReturnType<typeof createZohoCrmOrg>) => {
  let version = 0;
  const bump = <T>(value: T): T => {
    version += 1;
    return value;
  };
  const addRecords = (module: ModuleName, records: Record<string, unknown>[]): WriteResult[] =>
    bump(records.map((record, index) => org.store.write({ module, mode: "insert", record, index })));
  const editRecord = (module: ModuleName, id: string, values: Record<string, unknown>): WriteResult => {
    if (!org.store.get(module, id)) throw Object.assign(new Error(`no ${module} record ${id}`), { statusCode: 404 });
    return bump(org.store.write({ module, mode: "update", record: { ...values, id }, index: 0 }));
  };
  return {
    addRecords,
    editRecord,
    /** A rep marks the deal won: Stage "Closed Won" (Probability follows), notifications fire. */
    winDeal: (id: string) => editRecord("Deals", id, { Stage: "Closed Won" }),
    records: (module: ModuleName) => [...org.store.all(module)].map((r) => org.store.present(r)),
    addCustomField: (input: Parameters<typeof org.addCustomField>[0]) => bump(org.addCustomField(input)),
    settings: (input?: Parameters<typeof org.applySettings>[0]) => (input ? bump(org.applySettings(input)) : { ...org.settings }),
    setClock: org.setClock,
    expireTokens: () => org.expireTokens(),
    notifications: org.notifications,
    stats: () => ({
      ...org.stats,
      byRoute: { ...org.stats.byRoute },
      accounts: org.store.count("Accounts"),
      products: org.store.count("Products"),
      invoices: org.store.count("Invoices"),
      deals: org.store.count("Deals"),
      creditsUsed: org.limits.used(),
      creditsPerDay: org.limits.limit(),
      inFlight: org.limits.inFlight(),
      liveTokens: [...org.tokens.values()].filter((t) => t.expiresAt > org.now()).length,
      callbacks: org.notifications.deliveries().length,
      ignoredFields: org.store.ignoredFields(),
    }),
    /** Changes with every API request and control edit; the state file is rewritten only when it moved. */
    version: () => version + org.stats.requests,
    snapshot: (): ZohoCrmSnapshot => ({
      version: 1,
      settings: { ...org.settings },
      clockOffsetMs: org.clockOffsetMs(),
      clients: [...org.clients.values()],
      tokens: [...org.tokens.entries()],
      customFields: [...org.customFields()],
      records: org.store.snapshot(),
      notifications: org.notifications.snapshot(),
    }),
    restore: (state: unknown) => {
      const snapshot = state as ZohoCrmSnapshot;
      if (!snapshot || snapshot.version !== 1) throw Object.assign(new Error("Not a Zoho CRM sandbox snapshot (version 1)"), { statusCode: 400 });
      org.restoreSettings(snapshot.settings, snapshot.clockOffsetMs);
      org.clients.clear();
      for (const c of snapshot.clients) org.clients.set(c.clientId, c);
      org.tokens.clear();
      for (const [k, v] of snapshot.tokens) org.tokens.set(k, v);
      org.restoreFields(snapshot.customFields);
      org.store.restore(snapshot.records);
      org.notifications.restore(snapshot.notifications);
      version += 1;
    },
    reset: () => {
      org.resetAuth();
      org.resetFields();
      org.store.restore({ nextId: 400_001, nextInvoiceNumber: 1, records: [], deleted: [] });
      org.notifications.reset();
      org.limits.reset();
      org.setClock({ advanceSeconds: -org.clockOffsetMs() / 1000 });
      Object.assign(org.stats, { requests: 0, rejected401: 0, rejected429: 0, tokensIssued: 0, tokenRefusals: 0, byRoute: {} });
      version += 1;
    },
    close: () => org.notifications.close(),
  };
};

export type ZohoCrmSandbox = {
  /** Vendor API (accounts servers and API hosts); register with { prefix: ZOHO_CRM_PREFIX }. */
  plugin: FastifyPluginAsync;
  /** Control routes; register with { prefix: "/_sandbox/zoho-crm" }. */
  controlPlugin: FastifyPluginAsync;
  control: ZohoCrmSandboxControl;
  faultVendor: FaultVendor;
  prefix: string;
  /** The demo user every record is created and modified by. */
  user: typeof ADMIN_USER;
};

export const createZohoCrmSandbox = (options: ZohoCrmSandboxOptions = {}): ZohoCrmSandbox => {
  const org = createZohoCrmOrg(options);
  const control = buildControl(org);
  return {
    plugin: createZohoCrmApiPlugin(org, ZOHO_CRM_PREFIX),
    controlPlugin: createZohoCrmControlPlugin(org, control),
    control,
    prefix: ZOHO_CRM_PREFIX,
    user: ADMIN_USER,
    faultVendor: {
      name: "zoho-crm",
      prefix: ZOHO_CRM_PREFIX,
      expireTokens: () => org.expireTokens(),
      // Zoho documents no Retry-After on 429 (vendor-apis.md §3.7), so an injected 429 carries none either.
      errorResponse: (status) => ({
        headers: {},
        body: status === 429 ? zohoError("TOO_MANY_REQUESTS", "concurrency limit exceeded") : zohoError("INTERNAL_ERROR", "Internal server error occurred."),
      }),
    },
  };
};

/** Credentials of the demo org, with URLs relative to the sandbox root. */
export const zohoCrmCredentials = (sandbox: ZohoCrmSandbox, client: ZohoCrmClient = DEMO_ZOHO_CRM_CLIENT) => {
  const dc = sandbox.control.settings().dataCenter;
  return {
    dataCenter: dc,
    accountsUrl: `${sandbox.prefix}/accounts/${dc}`,
    apiDomain: `${sandbox.prefix}/api/${dc}`,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    refreshToken: (client.refreshTokens[0] as { token: string }).token,
  };
};
