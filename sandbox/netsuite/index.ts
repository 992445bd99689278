/*
 * Oracle NetSuite (SuiteTalk REST web services) stand-in: one account under /netsuite/<account>, OAuth 2.0
 * client credentials with a JWT assertion signed by a registered certificate, the record service (customer,
 * invoice, items, customrecord_*), SuiteQL, per-account concurrency governance and a User Event script that
 * POSTs record changes to a configured URL. Facts and choices: README.md beside this file.
 */
import type { FastifyPluginAsync } from "fastify";
import type { FaultVendor } from "../core/faults";
import { createNetsuiteAccount, type NetsuiteSandboxOptions, type NetsuiteSettingsInput } from "./account";
import type { AccessToken, Certificate, CertificateInput } from "./auth";
import { createNetsuiteControlPlugin, type NetsuiteSeedInput } from "./control-plugin";
import { CONCURRENCY_DETAIL, ERROR_MEDIA_TYPE, nsErrorBody } from "./errors";
import type { ScriptDeployment } from "./outbound-script";
import type { CustomRecordTypeInput } from "./record-types";
import type { StoreSnapshot } from "./store";
import { createNetsuiteVendorPlugin } from "./vendor-plugin";

export { DEMO_NETSUITE_ACCOUNT_ID, accountHostLabel, type NetsuiteSandboxOptions, type NetsuiteSettingsInput } from "./account";
export { DEMO_NETSUITE_CERTIFICATE_ID, DEMO_NETSUITE_CLIENT_ID, DEMO_NETSUITE_KEY } from "./demo-key";
export type { NetsuiteSeedInput } from "./control-plugin";
export type { CertificateInput, Certificate, LoginAuditEntry } from "./auth";
export type { ScriptDeploymentInput, ScriptDeployment, OutboundDelivery, OutboundEventBody } from "./outbound-script";
export type { CustomRecordTypeInput } from "./record-types";

/** Everything the NetSuite sandbox persists; changing it needs a migration of saved state files. */
export type NetsuiteSnapshot = {
  version: 1;
  settings: NetsuiteSettingsInput;
  store: StoreSnapshot;
  auth: { certificates: Certificate[]; tokens: [string, AccessToken][] };
  script: { deployments: ScriptDeployment[]; nextId: number };
};

export type NetsuiteSeedResult = Record<"customers" | "items" | "invoices" | "customRecords", { recordType: string; id: string; externalId?: string }[]>;

export type NetsuiteSandboxControl = ReturnType<typeof buildControl>;

const buildControl = (account: ReturnType<typeof createNetsuiteAccount>) => {
  const { store, auth, script } = account;
  const created = (record: { type: string; id: string; externalId?: string }) => ({
    recordType: record.type,
    id: record.id,
    ...(record.externalId !== undefined ? { externalId: record.externalId } : {}),
  });
  return {
    accountId: account.accountId,
    registerCertificate: (input: CertificateInput): Certificate => auth.addCertificate(input),
    certificates: () => auth.certificates(),
    defineCustomRecordType: (input: CustomRecordTypeInput) => store.defineCustomRecordType(input),
    defineCustomFields: (recordType: string, fields: Parameters<typeof store.defineCustomFields>[1]) => store.defineCustomFields(recordType, fields),
    /** Adds records as a CSV import would: the same validation as the REST service, and the script fires. */
    seed: (input: NetsuiteSeedInput): NetsuiteSeedResult => ({
      customers: (input.customers ?? []).map((body) => created(store.create("customer", body))),
      items: (input.items ?? []).map((body) => {
        const { recordType, ...rest } = body as { recordType?: string };
        return created(store.create(recordType ?? "serviceSaleItem", rest));
      }),
      invoices: (input.invoices ?? []).map((body) => created(store.create("invoice", body))),
      customRecords: (input.customRecords ?? []).map(({ recordType, body }) => created(store.create(recordType, body))),
    }),
    /** Edits a record as a user in the UI would. */
    changeRecord: (recordType: string, id: string, fields: Record<string, unknown>) => store.update(recordType, store.get(recordType, id), fields),
    records: (recordType: string) => store.table(recordType).order,
    /** The record with this internal id or `eid:<externalId>`, if any. */
    find: (recordType: string, key: string) => store.find(recordType, key),
    duplicates: () => store.duplicates(),
    settings: (input?: NetsuiteSettingsInput) => (input ? account.applySettings(input) : { ...account.settings }),
    expireTokens: () => auth.expireAll(),
    stats: () => {
      const count = (type: string) => store.table(type).order.length;
      return {
        ...account.stats,
        byRoute: { ...account.stats.byRoute },
        ...auth.stats,
        inFlight: account.governance.inFlight,
        maxInFlight: account.governance.maxInFlight,
        rejected429: account.governance.rejected429,
        liveTokens: auth.liveTokens(),
        customers: count("customer"),
        invoices: count("invoice"),
        items: store.items.size,
        customRecords: store
          .tables()
          .filter((t) => t.def.customPrefix === "custrecord_")
          .reduce((sum, t) => sum + t.order.length, 0),
        scriptDeliveries: script.deliveries().length,
      };
    },
    /** Bumped on every data change; the state file is rewritten only when it moved. */
    version: () => store.version() + auth.stats.tokensIssued,
    snapshot: (): NetsuiteSnapshot => ({
      version: 1,
      settings: { ...account.settings },
      store: store.snapshot(),
      auth: auth.snapshot(),
      script: script.snapshot(),
    }),
    restore: (state: unknown) => {
      const snapshot = state as NetsuiteSnapshot;
      if (!snapshot || snapshot.version !== 1) throw Object.assign(new Error("Not a NetSuite sandbox snapshot (version 1)"), { statusCode: 400 });
      account.applySettings(snapshot.settings);
      store.restore(snapshot.store);
      auth.restore(snapshot.auth);
      script.restore(snapshot.script);
    },
    reset: () => {
      store.reset();
      auth.reset();
      script.reset();
      account.clock.set(null);
      Object.assign(account.governance, { maxInFlight: account.governance.inFlight, rejected429: 0 });
      Object.assign(account.stats, { requests: 0, byRoute: {} });
    },
    script,
  };
};

export type NetsuiteSandbox = {
  /** Vendor API; register with { prefix } equal to `prefix` (/netsuite/<account host label>). */
  plugin: FastifyPluginAsync;
  /** Control routes; register with { prefix: "/_sandbox/netsuite" }. */
  controlPlugin: FastifyPluginAsync;
  control: NetsuiteSandboxControl;
  faultVendor: FaultVendor;
  prefix: string;
  accountId: string;
};

export const createNetsuiteSandbox = (options: NetsuiteSandboxOptions = {}): NetsuiteSandbox => {
  const account = createNetsuiteAccount(options);
  const control = buildControl(account);
  return {
    plugin: createNetsuiteVendorPlugin(account),
    controlPlugin: createNetsuiteControlPlugin(account, control),
    control,
    prefix: account.prefix,
    accountId: account.accountId,
    faultVendor: {
      name: "netsuite",
      // Fault rule paths start at the account's REST root: "/services/rest/record/v1/invoice*".
      prefix: account.prefix,
      expireTokens: () => account.auth.expireAll(),
      // NetSuite sends no Retry-After and no rate-limit headers (§4.5); a 429 is always the concurrency one.
      errorResponse: (status) => ({
        headers: { "content-type": ERROR_MEDIA_TYPE },
        body:
          status === 429
            ? nsErrorBody({ status, code: "CONCURRENCY_LIMIT_EXCEEDED", detail: CONCURRENCY_DETAIL, typeUri: account.settings.errorTypeUri })
            : nsErrorBody({ status, code: "UNEXPECTED_ERROR", detail: "An unexpected error occurred. Error ID: sandbox-injected-fault", typeUri: account.settings.errorTypeUri }),
      }),
    },
  };
};
