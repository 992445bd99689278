/**
 * IFS Cloud sandbox: IFS IAM (Keycloak) client-credentials tokens (180 s by default, 401 after) and OData v4
 * projections under `/main|/int/ifsapplications/projection/v1/<Projection>.svc/` with the finance model of
 * README.md (companies, accounts, code parts, accounting years and periods, voucher types, GL vouchers and
 * rows; projection and entity-set names configurable, an ASSUMPTION of vendor-apis.md §5.7). Weak ETags from
 * the object version; PATCH/DELETE and bound actions need If-Match; business rules answer IFS's DATABASE_ERROR.
 */
import type { FastifyPluginAsync } from "fastify";
import type { z } from "zod";
import type { FaultVendor } from "../core/faults";
import { createIfsControlPlugin } from "./control-plugin";
import type { IamClient, IamSnapshot } from "./iam";
import { type IfsSeed, periodStatusSchema, type VoucherWithRows } from "./ledger";
import type { KindName } from "./model";
import { DEFAULT_IFS_NAMES, DEFAULT_PAGE_SIZE, IfsState, lockTargetSchema, type IfsSettings, type IfsSettingsInput, type IfsStats, mergeNames, type IfsNamesInput } from "./state";
import { keyrefOf } from "./tables";
import { createIfsVendorPlugin } from "./vendor-plugin";

export type IfsCloudSandboxOptions = {
  /** IAM realm (the IFS system's namespace) in the token URL. Default "ifsdemo". */
  realm?: string;
  /** IAM clients with service accounts. Default: IFS_SANDBOX_DEFAULTS.client. */
  clients?: IamClient[];
  /** Access-token lifetime in seconds. Default 180. */
  accessTokenSeconds?: number;
  /** Server page size of collections. Default 1000. */
  pageSize?: number;
  /** Request-rate limit on the projections (429 + Retry-After). Default off. */
  rateLimit?: { requests: number; windowSeconds: number };
  /** Projection and entity-set names (a real tenant's differ). Default DEFAULT_IFS_NAMES. */
  names?: IfsNamesInput;
  /** Clock for token expiry and registration dates. Default real time (the control API can still set it). */
  now?: () => Date;
  /** Seed of the stale-ETag draws (`staleEtagRate`). Default 1. */
  seed?: number;
  /** Share of writes that meet a concurrent change and answer 412 (see settings). Default 0. */
  staleEtagRate?: number;
};

export const IFS_SANDBOX_DEFAULTS = {
  realm: "ifsdemo",
  client: { clientId: "ML_CONNECTOR", clientSecret: "mlc-demo-ifs-secret-3Jq8vT2nW5xR7kLp" },
  accessTokenSeconds: 180,
} as const;

export type IfsCloudSnapshot = { format: "ifs-cloud-sandbox/1"; ledger: ReturnType<IfsState["ledger"]["snapshot"]>; iam: IamSnapshot; settings: IfsSettings };

export type IfsLockTarget = z.input<typeof lockTargetSchema>;

export type IfsCloudControl = {
  /** Adds or replaces companies with their accounts, code part values, years (12 periods each) and voucher types. */
  seed(data: IfsSeed): void;
  setPeriodStatus(input: z.input<typeof periodStatusSchema>): void;
  /** Every voucher with its rows (`VoucherRowArray`), flat JSON. */
  vouchers(): VoucherWithRows[];
  /** Vouchers (not cancelled) sharing a row ReferenceNumber in a company; should be empty. */
  duplicates(): { company: string; referenceNumber: string; vouchers: string[] }[];
  counts(): Record<KindName, number>;
  settings(): IfsSettings;
  configure(input: IfsSettingsInput): IfsSettings;
  /** `{ now }` fixes the clock (null: real time again), `{ advanceSeconds }` moves it. Returns the time now. */
  setClock(input: { now?: string | null; advanceSeconds?: number }): string;
  /** Every access token answers 401 from now on. */
  expireTokens(): void;
  /** As if the projections were redeployed: the next request to each answers 500 MI_MODIFIED_ERROR once. Default all. */
  modifyMetadata(projections?: string[]): void;
  /** Another user changes the record: it gets a new objversion, so its ETag changes. */
  touch(target: IfsLockTarget): void;
  /** Another user holds the record: writes to it answer 423 until unlocked. */
  lock(target: IfsLockTarget): void;
  unlock(target?: IfsLockTarget): void;
  stats(): IfsStats;
  snapshot(): IfsCloudSnapshot;
  restore(state: unknown): void;
  /** Empty ledger, default settings, no tokens. */
  reset(): void;
};

export type IfsCloudSandbox = {
  /** Vendor host; register with `{ prefix: "/ifs-cloud" }`. */
  plugin: FastifyPluginAsync;
  /** Control routes; register with `{ prefix: "/_sandbox/ifs-cloud" }`. */
  controlPlugin: FastifyPluginAsync;
  control: IfsCloudControl;
  faultVendor: FaultVendor;
};

export const IFS_CLOUD_PREFIX = "/ifs-cloud";

export const createIfsCloudSandbox = (options: IfsCloudSandboxOptions = {}): IfsCloudSandbox => {
  const state = new IfsState({
    realm: options.realm ?? IFS_SANDBOX_DEFAULTS.realm,
    clients: options.clients ?? [{ ...IFS_SANDBOX_DEFAULTS.client }],
    now: options.now,
    seed: options.seed ?? 1,
    settings: {
      accessTokenSeconds: options.accessTokenSeconds ?? IFS_SANDBOX_DEFAULTS.accessTokenSeconds,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      rateLimit: options.rateLimit ?? null,
      staleEtagRate: options.staleEtagRate ?? 0,
      names: mergeNames(DEFAULT_IFS_NAMES, options.names),
    },
  });
  const lockKey = (target: IfsLockTarget) => {
    const t = lockTargetSchema.parse(target);
    return `${t.entity}:${keyrefOf(t.entity, t.keys)}`;
  };

  const control: IfsCloudControl = {
    seed: (data) => state.ledger.seed(data),
    setPeriodStatus: (input) => state.ledger.setPeriodStatus(input),
    vouchers: () => state.ledger.vouchers(),
    duplicates: () => state.ledger.duplicates(),
    counts: () => state.ledger.counts(),
    settings: () => structuredClone(state.settings),
    configure: (input) => {
      state.configure(input);
      return structuredClone(state.settings);
    },
    setClock: (input) => state.setClock(input),
    expireTokens: () => state.iam.expireAll(),
    modifyMetadata: (projections) => {
      for (const p of projections ?? state.projections().keys()) state.modifiedProjections.add(p);
    },
    touch: (target) => {
      const t = lockTargetSchema.parse(target);
      const record = state.ledger.tables.find(t.entity, t.keys);
      if (!record) throw Object.assign(new Error(`no ${t.entity} ${JSON.stringify(t.keys)}`), { statusCode: 404 });
      state.ledger.tables.update(record, {});
    },
    lock: (target) => {
      state.ledger.locks.add(lockKey(target));
    },
    unlock: (target) => {
      if (target) state.ledger.locks.delete(lockKey(target));
      else state.ledger.locks.clear();
    },
    stats: () => ({ ...state.stats, byRoute: { ...state.stats.byRoute } }),
    snapshot: () => ({ format: "ifs-cloud-sandbox/1", ledger: state.ledger.snapshot(), iam: state.iam.snapshot(), settings: structuredClone(state.settings) }),
    restore: (saved) => {
      const snap = saved as Partial<IfsCloudSnapshot> | null;
      if (!snap || snap.format !== "ifs-cloud-sandbox/1" || !snap.ledger || !snap.iam || !snap.settings) {
        throw Object.assign(new Error("restore: not an IFS Cloud sandbox snapshot (format ifs-cloud-sandbox/1)"), { statusCode: 400 });
      }
      state.ledger.restore(snap.ledger);
      state.iam.restore(snap.iam);
      state.settings = structuredClone(snap.settings);
    },
    reset: () => state.reset(),
  };

  return {
    plugin: createIfsVendorPlugin(state),
    controlPlugin: createIfsControlPlugin(control),
    control,
    faultVendor: {
      name: "ifs-cloud",
      prefix: IFS_CLOUD_PREFIX,
      expireTokens: () => state.iam.expireAll(),
      errorResponse: (status, retryAfterSeconds): { headers: Record<string, string>; body: unknown } =>
        status === 429
          ? { headers: { "Retry-After": String(retryAfterSeconds ?? 1) }, body: { error: { code: "TOO_MANY_REQUESTS", message: "Too many requests: the request rate limit is exceeded." } } }
          : { headers: {}, body: { error: { message: status === 500 ? "Internal Server Error" : "Service Unavailable" } } },
    },
  };
};

export { DEFAULT_IFS_NAMES, type IfsNamesInput, type IfsSettings, type IfsSettingsInput, type IfsStats };
export type { IfsSeed, VoucherWithRows, IamClient, KindName };
