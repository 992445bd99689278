/**
 * Acumatica ERP sandbox: the contract-based REST API (Default endpoint 23.200.001 / 24.200.001) at an instance URL.
 * Auth: OAuth 2.0 password/refresh_token grants at /identity/connect/token (client_id `GUID@Tenant`) or the
 * `.ASPXAUTH` cookie of /entity/auth/login. Every field is `{"value": ...}` (flat values answer 400); PUT
 * upserts by key fields; paging is `$top`/`$skip` with no next link; licence limits answer 429 (no Retry-After
 * unless asked). No idempotency key: store the source number in CustomerOrder / ExternalRef and `$filter` on it.
 */
import type { FastifyPluginAsync } from "fastify";
import { createApiPlugin, type ApiStats } from "./api-routes";
import { AcumaticaAuth, type ApiUser, type AuthSnapshot, type OAuthClient } from "./auth";
import { createControlPlugin, seedSchema } from "./control-routes";
import { DEFAULT_ENDPOINT_VERSIONS } from "./endpoint-versions";
import { type EntityName, type SandboxRules, STRICT_RULES } from "./entities";
import {
  AcumaticaInstance,
  type CustomerBalance,
  type DocumentBalance,
  type InstanceSnapshot,
  type SeedAccount,
  type SeedCustomer,
  type SeedTax,
  type SeedTaxCategory,
  type SeedTaxZone,
  type SeedInvoice,
  type SeedItem,
} from "./instance";
import { type LicenceLimits, LicenceLimiter } from "./licence";
import { type PushDelivery, type PushNotificationConfig, PushNotifier } from "./push-notifications";

export type AcumaticaSandboxOptions = {
  /** Versions of the Default endpoint this instance offers; others answer 404. Default: those a 2024 R2 build ships (20.200.001, 22.200.001, 23.200.001, 24.200.001). */
  versions?: string[];
  /** Tenant (company) name; OAuth client ids must end in `@<tenant>`. Default "Company". */
  tenant?: string;
  /** The company named in closed-period messages ("The 05-2024 financial period of the <company> company is closed ..."). Default: the tenant. */
  company?: string;
  /**
   * Refusals that can be relaxed so an older flow runs end to end. Default: all on (Acumatica's behaviour);
   * `cashAccountCurrency: false` accepts a payment whose currency differs from its cash account's,
   * `controlAccounts: false` a line posted directly to a control account (AR, AP, tax payable ...).
   */
  rules?: Partial<SandboxRules>;
  /** OAuth clients (Connected Applications, SM303010). Default: ACUMATICA_SANDBOX_DEFAULTS.client. */
  clients?: OAuthClient[];
  /** API users for the password grant and cookie login. Default: ACUMATICA_SANDBOX_DEFAULTS.user. */
  users?: ApiUser[];
  /** Access-token lifetime in seconds. Default 3600. */
  accessTokenSeconds?: number;
  /** Licence API limits; undefined = unlimited. */
  licence?: LicenceLimits;
  /** Clock for token expiry, LastModifiedDateTime, business date and the per-minute window. Default: real time. */
  now?: () => Date;
  /** Server work per `/entity` request in ms, held inside a concurrency slot (so concurrency limits can bite). Default 0. */
  processingMs?: number;
  /** Status polls answered 202 before 204 (or 500) after a long-running action, however fast it ran. Default 0. */
  actionPolls?: number;
  /**
   * How long a long-running action (ReleaseInvoice, ReleasePayment ...) runs in wall-clock ms: the document
   * keeps its state (a release: Balanced) and its Location answers 202 until then; then the action takes
   * effect and the Location answers 204, or, if the action fails then, 500 with Acumatica's reason and the
   * document is unchanged. With this and `actionPolls` both 0 the action runs at once and answers 204 (or
   * 422) itself. Default 20 (a real release takes from about a hundred ms to seconds).
   */
  actionMs?: number;
};

/** What `control.seed` accepts (flat JSON). See README.md for the field list. */
export type AcumaticaSeed = {
  accounts?: SeedAccount[];
  customers?: SeedCustomer[];
  taxes?: SeedTax[];
  taxZones?: SeedTaxZone[];
  taxCategories?: SeedTaxCategory[];
  stockItems?: SeedItem[];
  nonStockItems?: SeedItem[];
  invoices?: SeedInvoice[];
  closedPeriods?: string[];
};

export type AcumaticaControl = {
  /**
   * Upserts accounts (by AccountCD), taxes, tax zones, tax categories, customers (by CustomerID) and stock and
   * non-stock items (by InventoryID); creates and releases invoices (their reference numbers are returned);
   * closes periods (`MMYYYY`, `MM-YYYY` or `YYYY-MM`).
   */
  seed(data: AcumaticaSeed): { invoices: string[] };
  /** Opens or closes financial periods in every module (the Close Financial Periods processes). */
  setPeriodStatus(periods: string[], status: "Open" | "Closed"): void;
  /** The master calendar: every period (`MMYYYY`) with its status. */
  periods(): { period: string; status: string }[];
  /** Every AR document's balance and each customer's open balance per currency (released documents). */
  balances(): { documents: DocumentBalance[]; customers: CustomerBalance[] };
  /** Relaxes or restores refusals (see AcumaticaSandboxOptions.rules). */
  setRules(rules: Partial<SandboxRules>): void;
  /** Every record of an entity as flat JSON (values unwrapped; Details, DocumentsToApply ... nested). */
  documents(entity: EntityName): Record<string, unknown>[];
  /** Documents sharing an external reference: Invoice CustomerOrder and Payment ExternalRef (per Type), JournalTransaction Description, Customer AccountRef. */
  duplicates(): { entity: string; key: string; count: number }[];
  setLicence(l: LicenceLimits): void;
  /** Every current access token and cookie session answers 401; refresh tokens keep working. */
  expireTokens(): void;
  stats(): ApiStats;
  snapshot(): AcumaticaSnapshot;
  restore(state: unknown): void;
  /** Back to the state right after create: default chart of accounts, no customers or documents, no tokens. */
  reset(): void;
  /** Replaces the push-notification destinations (webhooks with one shared-secret header). */
  setPushNotifications(configs: PushNotificationConfig[]): void;
  pushDeliveries(): PushDelivery[];
  /** Resolves when every queued push notification is delivered or has used its 5 attempts. */
  pushIdle(): Promise<void>;
  setProcessingMs(ms: number): void;
  setActionPolls(polls: number): void;
  setActionMs(ms: number): void;
};

export type AcumaticaSandbox = {
  /** Vendor API; register with `{ prefix: "/acumatica" }` (the prefix is the instance URL path). */
  plugin: FastifyPluginAsync;
  /** Control routes; register with `{ prefix: "/_sandbox/acumatica" }`. */
  controlPlugin: FastifyPluginAsync;
  control: AcumaticaControl;
};

export type AcumaticaSnapshot = {
  format: "acumatica-sandbox/1";
  data: InstanceSnapshot;
  auth: AuthSnapshot;
  licence: LicenceLimits;
};

/**
 * Credentials a sandbox created without options accepts. The client id follows Acumatica's `<GUID>@<Tenant>`
 * form; request scope "api offline_access" to get a refresh token.
 */
export const ACUMATICA_SANDBOX_DEFAULTS = {
  tenant: "Company",
  client: { clientId: "4B3F2E1A-7C6D-4E5F-8A9B-0C1D2E3F4A5B@Company", clientSecret: "sandbox-client-secret" },
  user: { username: "admin", password: "sandbox-password" },
  versions: DEFAULT_ENDPOINT_VERSIONS,
  accessTokenSeconds: 3600,
} as const;

export { DEFAULT_ACUMATICA_ACCOUNTS } from "./instance";
export type { LicenceLimits, PushNotificationConfig, PushDelivery, SeedAccount, SeedCustomer, SeedTax, SeedTaxZone, SeedTaxCategory, SeedInvoice, SeedItem, EntityName, SandboxRules, DocumentBalance, CustomerBalance };

/** Default run time of a long-running action (see AcumaticaSandboxOptions.actionMs). */
export const DEFAULT_ACTION_MS = 20;

export const createAcumaticaSandbox = (options: AcumaticaSandboxOptions = {}): AcumaticaSandbox => {
  const now = options.now ?? (() => new Date());
  const tenant = options.tenant ?? ACUMATICA_SANDBOX_DEFAULTS.tenant;
  const versions = [...(options.versions ?? ACUMATICA_SANDBOX_DEFAULTS.versions)];
  const defaultClient = { ...ACUMATICA_SANDBOX_DEFAULTS.client, clientId: ACUMATICA_SANDBOX_DEFAULTS.client.clientId.replace(/@.*$/, `@${tenant}`) };
  let processingMs = options.processingMs ?? 0;

  const rules = (): SandboxRules => ({ ...STRICT_RULES, ...options.rules });
  const instance = new AcumaticaInstance({
    now,
    actionPolls: options.actionPolls ?? 0,
    actionMs: options.actionMs ?? DEFAULT_ACTION_MS,
    company: options.company ?? tenant,
    rules: rules(),
  });
  const auth = new AcumaticaAuth({
    now,
    tenant,
    clients: options.clients ?? [defaultClient],
    users: options.users ?? [{ ...ACUMATICA_SANDBOX_DEFAULTS.user }],
    accessTokenSeconds: options.accessTokenSeconds ?? ACUMATICA_SANDBOX_DEFAULTS.accessTokenSeconds,
  });
  const licence = new LicenceLimiter({ ...options.licence });
  const push = new PushNotifier({ tenant, now });
  instance.onChange = (event) => push.handle(event);
  const stats: ApiStats = { requests: 0, rejected429: 0, byRoute: {} };

  const control: AcumaticaControl = {
    seed: (data) => instance.seed(seedSchema.parse(data) as AcumaticaSeed),
    setPeriodStatus: (periods, status) => instance.setPeriodStatus(periods, status),
    periods: () => instance.periods(),
    balances: () => instance.balances(),
    setRules: (patch) => {
      instance.rules = { ...instance.rules, ...patch };
    },
    documents: (entity) => instance.documents(entity),
    duplicates: () => instance.duplicates(),
    setLicence: (l) => licence.set({ ...l }),
    expireTokens: () => auth.expireAll(),
    stats: () => ({ requests: stats.requests, rejected429: stats.rejected429, byRoute: { ...stats.byRoute } }),
    snapshot: () => ({ format: "acumatica-sandbox/1", data: instance.snapshot(), auth: auth.snapshot(), licence: { ...licence.limits } }),
    restore: (state) => {
      const snap = state as Partial<AcumaticaSnapshot> | null;
      if (!snap || snap.format !== "acumatica-sandbox/1" || !snap.data || snap.data.format !== "acumatica-sandbox-data/1" || !snap.auth) {
        throw new Error("restore: not an Acumatica sandbox snapshot (format acumatica-sandbox/1)");
      }
      instance.restore(snap.data);
      auth.restore(snap.auth);
      licence.set({ ...snap.licence });
    },
    reset: () => {
      instance.rules = rules();
      instance.reset();
      instance.actionPolls = options.actionPolls ?? 0;
      instance.actionMs = options.actionMs ?? DEFAULT_ACTION_MS;
      auth.reset();
      licence.set({ ...options.licence });
      push.reset();
      processingMs = options.processingMs ?? 0;
      stats.requests = 0;
      stats.rejected429 = 0;
      stats.byRoute = {};
    },
    setPushNotifications: (configs) => push.configure(configs),
    pushDeliveries: () => push.deliveries(),
    pushIdle: () => push.idle(),
    setProcessingMs: (ms) => {
      processingMs = ms;
    },
    setActionPolls: (polls) => {
      instance.actionPolls = polls;
    },
    setActionMs: (ms) => {
      instance.actionMs = ms;
    },
  };

  return {
    plugin: createApiPlugin({ instance, auth, licence, stats, versions: () => versions, now, processingMs: () => processingMs }),
    controlPlugin: createControlPlugin(control),
    control,
  };
};
