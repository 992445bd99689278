import { randomBytes } from "node:crypto";
import { z } from "zod";
import { createApiLimits } from "./limits";
import { EDITION_MODULES, EDITIONS, STANDARD_FIELDS, type DataType, type FieldDef, type ModuleName, MODULE_NAMES } from "./metadata";
import { createNotifications } from "./notifications";
import { createRecordStore, type User } from "./records";

/*
 * One Zoho CRM org: its data center, edition, users, OAuth clients with their refresh tokens, live access
 * tokens, records, custom fields, notification channels, API limits and a clock that control tests move
 * (token and channel expiry, the rolling credit window). Everything the routes need hangs off this object.
 */

export const DATA_CENTERS = ["us", "eu", "in", "au", "cn", "jp", "ca", "sa"] as const;
export type DataCenter = (typeof DATA_CENTERS)[number];

export const DEFAULT_SCOPES = ["ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.notifications.ALL", "ZohoCRM.coql.READ", "ZohoCRM.users.READ", "ZohoCRM.org.READ"];

export type ZohoCrmClient = { clientId: string; clientSecret: string; refreshTokens: { token: string; scopes: string[] }[] };

/** The demo org's API client (Zoho's id/secret/token shapes: "1000." + 32 characters, 42-hex secret). */
export const DEMO_ZOHO_CRM_CLIENT: ZohoCrmClient = {
  clientId: "1000.SANDBOX0ZOHO0CRM0CLIENT000000001",
  clientSecret: "5d0c2b8f8e4a4c7f9b1e6a3d2c1b0a9f8e7d6c5b4a",
  refreshTokens: [{ token: "1000.5a1f0c9e8d7b6a5f4e3d2c1b0a9f8e7d.0f1e2d3c4b5a69788796a5b4c3d2e1f0", scopes: DEFAULT_SCOPES }],
};

export const zohoCrmSettingsSchema = z.strictObject({
  /** The data center the org lives in; tokens come from its accounts server and work on its API host only. */
  dataCenter: z.enum(DATA_CENTERS).optional(),
  edition: z.enum(EDITIONS).optional(),
  /** Paid user licences (credits grow with them). */
  users: z.number().int().min(1).max(100_000).optional(),
  /** Access token lifetime (Zoho: one hour). */
  accessTokenSeconds: z.number().int().min(1).max(86_400).optional(),
  /** Access tokens one refresh token may create per 10 minutes (Zoho: 10). */
  tokensPerRefreshTokenPer10Min: z.number().int().min(1).max(100_000).optional(),
  /** Override of the edition's credits per rolling 24 h (null: the edition's figure). */
  creditsPerDay: z.number().int().min(1).nullable().optional(),
  /** Override of the edition's concurrent-call limit (null: the edition's figure). */
  concurrency: z.number().int().min(1).max(1_000).nullable().optional(),
  subConcurrency: z.number().int().min(1).max(1_000).optional(),
  /** How long changes are collected into one callback per channel, module and operation. */
  callbackBatchMs: z.number().int().min(0).max(60_000).optional(),
});
export type ZohoCrmSettingsInput = z.input<typeof zohoCrmSettingsSchema>;
export type ZohoCrmSettings = {
  dataCenter: DataCenter;
  edition: (typeof EDITIONS)[number];
  users: number;
  accessTokenSeconds: number;
  tokensPerRefreshTokenPer10Min: number;
  creditsPerDay: number | null;
  concurrency: number | null;
  subConcurrency: number;
  callbackBatchMs: number;
};

export const DEFAULT_ZOHO_CRM_SETTINGS: ZohoCrmSettings = {
  dataCenter: "us",
  edition: "enterprise",
  users: 10,
  accessTokenSeconds: 3_600,
  tokensPerRefreshTokenPer10Min: 10,
  creditsPerDay: null,
  concurrency: null,
  subConcurrency: 10,
  callbackBatchMs: 200,
};

export type ZohoCrmSandboxOptions = {
  settings?: ZohoCrmSettingsInput;
  clients?: ZohoCrmClient[];
};

export type AccessToken = { clientId: string; refreshToken: string; dataCenter: DataCenter; scopes: string[]; expiresAt: number };

export const customFieldSchema = z.strictObject({
  module: z.enum(MODULE_NAMES),
  api_name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,49}$/),
  field_label: z.string().min(1).max(100).optional(),
  data_type: z.enum(["text", "textarea", "email", "phone", "website", "integer", "double", "currency", "boolean", "date", "datetime"] satisfies DataType[]),
  unique: z.boolean().default(false),
  mandatory: z.boolean().default(false),
  length: z.number().int().min(1).max(32_000).optional(),
});
export type CustomFieldInput = z.input<typeof customFieldSchema>;

export const ORG = { id: "20093210", zgid: "20093211", companyName: "Northwind Cloud (sandbox)" };
export const ADMIN_USER: User = { id: "5725767000000411001", name: "Patricia Boyle", email: "patricia.boyle@northwind.example" };

export const createZohoCrmOrg = (options: ZohoCrmSandboxOptions = {}) => {
  let settings: ZohoCrmSettings = { ...DEFAULT_ZOHO_CRM_SETTINGS, ...stripUndefined(zohoCrmSettingsSchema.parse(options.settings ?? {})) };
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  const clients = new Map<string, ZohoCrmClient>();
  const addClients = () => {
    clients.clear();
    for (const c of options.clients ?? [DEMO_ZOHO_CRM_CLIENT]) clients.set(c.clientId, { ...c, refreshTokens: c.refreshTokens.map((t) => ({ ...t, scopes: [...t.scopes] })) });
  };
  addClients();
  const tokens = new Map<string, AccessToken>();
  const refreshUse = new Map<string, number[]>();
  let customFields: (FieldDef & { module: ModuleName })[] = [];
  const stats = { requests: 0, rejected401: 0, rejected429: 0, tokensIssued: 0, tokenRefusals: 0, byRoute: {} as Record<string, number> };

  const moduleAvailable = (module: ModuleName) => EDITION_MODULES[settings.edition].includes(module);
  const fields = (module: ModuleName): readonly FieldDef[] => [...STANDARD_FIELDS[module], ...customFields.filter((f) => f.module === module)];

  const notifications = createNotifications({ now, batchMs: () => settings.callbackBatchMs, moduleAvailable });
  const store = createRecordStore({ now, fields, user: ADMIN_USER, onChange: (change) => notifications.onChange(change) });
  const limits = createApiLimits({
    now,
    settings: () => ({ edition: settings.edition, users: settings.users, creditsPerDay: settings.creditsPerDay ?? undefined, concurrency: settings.concurrency ?? undefined, subConcurrency: settings.subConcurrency }),
  });

  const newToken = () => `1000.${randomBytes(16).toString("hex")}.${randomBytes(16).toString("hex")}`;

  return {
    get settings() {
      return settings;
    },
    applySettings: (input: ZohoCrmSettingsInput) => {
      settings = { ...settings, ...stripUndefined(zohoCrmSettingsSchema.parse(input)) };
      return settings;
    },
    now,
    /** Moves the org's clock: to `now` (ISO) or by `advanceSeconds`. */
    setClock: (input: { now?: string; advanceSeconds?: number }) => {
      if (input.now !== undefined) clockOffsetMs = Date.parse(input.now) - Date.now();
      if (input.advanceSeconds !== undefined) clockOffsetMs += input.advanceSeconds * 1000;
      return { now: new Date(now()).toISOString(), offsetMs: clockOffsetMs };
    },
    clockOffsetMs: () => clockOffsetMs,
    clients,
    tokens,
    stats,
    store,
    limits,
    notifications,
    fields,
    moduleAvailable,
    customFields: () => customFields,
    addCustomField: (input: CustomFieldInput): FieldDef => {
      const parsed = customFieldSchema.parse(input);
      if (fields(parsed.module).some((f) => f.api_name === parsed.api_name)) throw Object.assign(new Error(`${parsed.module}.${parsed.api_name} exists`), { statusCode: 409 });
      const { module, ...rest } = parsed;
      const field = { ...rest, module, field_label: parsed.field_label ?? parsed.api_name.replaceAll("_", " "), custom_field: true, length: parsed.length ?? (parsed.data_type === "textarea" ? 32_000 : parsed.data_type === "text" ? 255 : undefined) };
      customFields = [...customFields, field];
      store.reindex();
      return field;
    },
    /** Issues an access token for a refresh token, or says why not (Zoho's accounts-server error string). */
    refresh: (input: { clientId: string; clientSecret: string; refreshToken: string; dataCenter: DataCenter }): { ok: true; token: string; entry: AccessToken } | { ok: false; error: string; description?: string } => {
      const client = clients.get(input.clientId);
      // A client is registered in the org's data center only; other accounts servers do not know it.
      if (!client || input.dataCenter !== settings.dataCenter || client.clientSecret !== input.clientSecret) return { ok: false, error: "invalid_client" };
      const refresh = client.refreshTokens.find((t) => t.token === input.refreshToken);
      if (!refresh) return { ok: false, error: "invalid_code" };
      const t = now();
      const recent = (refreshUse.get(refresh.token) ?? []).filter((at) => at > t - 600_000);
      if (recent.length >= settings.tokensPerRefreshTokenPer10Min) {
        refreshUse.set(refresh.token, recent);
        stats.tokenRefusals += 1;
        return { ok: false, error: "Access Denied", description: "You have made too many requests continuously. Please try again after some time." };
      }
      recent.push(t);
      refreshUse.set(refresh.token, recent);
      const token = newToken();
      const entry: AccessToken = { clientId: client.clientId, refreshToken: refresh.token, dataCenter: settings.dataCenter, scopes: refresh.scopes, expiresAt: t + settings.accessTokenSeconds * 1000 };
      tokens.set(token, entry);
      stats.tokensIssued += 1;
      return { ok: true, token, entry };
    },
    /** Adds a refresh token to a client (e.g. with narrower scopes); the demo client when none is named. */
    issueRefreshToken: (input: { clientId?: string; scopes?: string[] }) => {
      const client = clients.get(input.clientId ?? [...clients.keys()][0] ?? "");
      if (!client) throw Object.assign(new Error("no such client"), { statusCode: 404 });
      const entry = { token: newToken(), scopes: input.scopes ?? DEFAULT_SCOPES };
      client.refreshTokens.push(entry);
      return { clientId: client.clientId, refreshToken: entry.token, scopes: entry.scopes };
    },
    revokeRefreshToken: (token: string) => {
      let found = false;
      for (const client of clients.values()) {
        const before = client.refreshTokens.length;
        client.refreshTokens = client.refreshTokens.filter((t) => t.token !== token);
        found ||= client.refreshTokens.length < before;
      }
      for (const [key, entry] of tokens) if (entry.refreshToken === token) tokens.delete(key);
      return found;
    },
    expireTokens: () => {
      for (const entry of tokens.values()) entry.expiresAt = 0;
    },
    resetAuth: () => {
      addClients();
      tokens.clear();
      refreshUse.clear();
    },
    resetFields: () => {
      customFields = [];
      store.reindex();
    },
    restoreFields: (fieldsState: (FieldDef & { module: ModuleName })[]) => {
      customFields = [...fieldsState];
    },
    restoreSettings: (input: ZohoCrmSettings, offsetMs: number) => {
      settings = { ...DEFAULT_ZOHO_CRM_SETTINGS, ...input };
      clockOffsetMs = offsetMs;
    },
  };
};

export type ZohoCrmOrg = ReturnType<typeof createZohoCrmOrg>;

function stripUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
