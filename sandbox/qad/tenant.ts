import { z } from "zod";
import { QadAuth, type QadClient, type QadUser } from "./auth";
import { QadStore, workspaceId, yearPeriods } from "./store";
import type { GlAccount, Workspace } from "./types";

/*
 * One QAD tenant: its store, users and API clients, settings that the control API may change, and counters.
 * A fresh tenant has one domain/entity (10USA_10USACO, QAD's own demo naming), a small chart of accounts with
 * one inactive account, and open monthly GL periods for last year, this year and next year.
 */

export const QAD_SANDBOX_DEFAULTS = {
  client: { clientId: "5f0c2d9e8b7a41c3a6e4d2b1c0f9e8d7" },
  user: { username: "integration@northwind.example", password: "mlc-demo-qad-Rt5vK9pW2xLm" },
  workspace: { domainCode: "10USA", entityCode: "10USACO", sharedSetCode: "10USA", currencyCode: "USD" },
  accessTokenSeconds: 3600,
  refreshTokenSeconds: 86_400,
} as const;

/** The chart of a fresh tenant. 11000 is the customer control account (no direct postings). */
export const DEFAULT_QAD_GL_ACCOUNTS: Omit<GlAccount, "sharedSetCode">[] = [
  { glCode: "10200", glDescription: "Bank Account USD", glType: "Bank", isActive: true, currencyCode: "USD" },
  { glCode: "11000", glDescription: "Accounts Receivable Control", glType: "CustomerControl", isActive: true, currencyCode: "" },
  { glCode: "23100", glDescription: "Sales Tax Payable", glType: "Tax", isActive: true, currencyCode: "" },
  { glCode: "40000", glDescription: "Revenue", glType: "Standard", isActive: true, currencyCode: "" },
  { glCode: "40100", glDescription: "Subscription Revenue", glType: "Standard", isActive: true, currencyCode: "" },
  { glCode: "40200", glDescription: "Services Revenue", glType: "Standard", isActive: true, currencyCode: "" },
  { glCode: "49000", glDescription: "Revenue (retired)", glType: "Standard", isActive: false, currencyCode: "" },
];

export const qadSettingsSchema = z.strictObject({
  accessTokenSeconds: z.number().int().min(1).max(86_400 * 30).optional(),
  refreshTokenSeconds: z.number().int().min(1).max(86_400 * 365).optional(),
  /** HTTP Basic on API calls (observed in public clients). */
  basicAuth: z.boolean().optional(),
  /** A second document with an existing reference: "accept" (stored; see duplicates) or "reject" (field error). */
  duplicateReferences: z.enum(["accept", "reject"]).optional(),
  /** API requests per minute per tenant; 0 = unlimited (QAD publishes no limit). Over it: 429 + Retry-After. */
  requestsPerMinute: z.number().int().min(0).optional(),
  /** The largest pageSize a browse serves; larger asks are cut to it. */
  maxPageSize: z.number().int().min(1).max(1_000_000).optional(),
});
export type QadSettingsInput = z.infer<typeof qadSettingsSchema>;
export type QadSettings = Required<QadSettingsInput>;

export type QadSandboxOptions = QadSettingsInput & {
  clients?: QadClient[];
  users?: QadUser[];
  /** Workspaces of a fresh tenant. Default: QAD_SANDBOX_DEFAULTS.workspace. */
  workspaces?: Workspace[];
  /** Clock for token expiry, stamps and the rate-limit window. Default: real time (or the control API's clock). */
  now?: () => Date;
};

export type QadStats = {
  requests: number;
  tokenRequests: number;
  rejected401: number;
  rejected403: number;
  rejected429: number;
  writes: number;
  writeFailures: number;
  byRoute: Record<string, number>;
};

const newStats = (): QadStats => ({ requests: 0, tokenRequests: 0, rejected401: 0, rejected403: 0, rejected429: 0, writes: 0, writeFailures: 0, byRoute: {} });

export const createQadTenant = (options: QadSandboxOptions = {}) => {
  const defaults = (): QadSettings => ({
    accessTokenSeconds: options.accessTokenSeconds ?? QAD_SANDBOX_DEFAULTS.accessTokenSeconds,
    refreshTokenSeconds: options.refreshTokenSeconds ?? QAD_SANDBOX_DEFAULTS.refreshTokenSeconds,
    basicAuth: options.basicAuth ?? true,
    duplicateReferences: options.duplicateReferences ?? "accept",
    requestsPerMinute: options.requestsPerMinute ?? 0,
    maxPageSize: options.maxPageSize ?? 100_000,
  });
  const settings: QadSettings = defaults();
  /** A fixed clock set through the control API (tests of expiry over HTTP); undefined = options.now or real time. */
  let fixedNow: number | undefined;
  const now = () => (fixedNow !== undefined ? new Date(fixedNow) : options.now ? options.now() : new Date());

  const initialWorkspaces = options.workspaces ?? [{ ...QAD_SANDBOX_DEFAULTS.workspace }];
  const users = options.users ?? [{ ...QAD_SANDBOX_DEFAULTS.user, workspaces: initialWorkspaces.map(workspaceId) }];
  const initialUserWorkspaces = users.map((u) => [...u.workspaces]);
  const clients = options.clients ?? [{ ...QAD_SANDBOX_DEFAULTS.client }];
  const store = new QadStore(now);
  const auth = new QadAuth({
    now,
    clients: () => clients,
    users: () => users,
    accessTokenSeconds: () => settings.accessTokenSeconds,
    refreshTokenSeconds: () => settings.refreshTokenSeconds,
    basicAuth: () => settings.basicAuth,
  });

  const seedFresh = () => {
    const year = now().getUTCFullYear();
    for (const workspace of initialWorkspaces) {
      const data = store.addWorkspace(workspace);
      for (const y of [year - 1, year, year + 1]) for (const p of yearPeriods(y)) store.setPeriod(data, p);
      for (const account of DEFAULT_QAD_GL_ACCOUNTS) {
        if (!store.findGlAccount(workspace.sharedSetCode, account.glCode)) store.putGlAccount({ ...account, sharedSetCode: workspace.sharedSetCode });
      }
    }
  };
  seedFresh();

  let window = { start: 0, count: 0 };
  const stats = newStats();

  return {
    store,
    auth,
    settings,
    stats,
    users,
    clients,
    now,
    setClock: (iso: string | null) => {
      fixedNow = iso === null ? undefined : Date.parse(iso);
    },
    applySettings: (input: QadSettingsInput) => {
      Object.assign(settings, Object.fromEntries(Object.entries(qadSettingsSchema.parse(input)).filter(([, v]) => v !== undefined)));
      return { ...settings };
    },
    /** Counts a request against the per-minute limit; the seconds to wait when over it. */
    hitRateLimit: (): number | undefined => {
      if (settings.requestsPerMinute <= 0) return undefined;
      const t = now().getTime();
      const start = Math.floor(t / 60_000) * 60_000;
      if (window.start !== start) window = { start, count: 0 };
      window.count += 1;
      if (window.count <= settings.requestsPerMinute) return undefined;
      return Math.max(1, Math.ceil((start + 60_000 - t) / 1000));
    },
    /** The workspace a caller may use: by header, else the user's default. */
    resolveWorkspace: (user: QadUser, header: string | undefined) => {
      const id = header?.trim() || user.workspaces[0];
      if (!id) return { ok: false as const, message: "No workspace is assigned to the user." };
      const data = [...store.workspaces.values()].find((w) => workspaceId(w.workspace).toLowerCase() === id.toLowerCase());
      if (!data || !user.workspaces.some((w) => w.toLowerCase() === id.toLowerCase())) return { ok: false as const, message: "Access is denied" };
      return { ok: true as const, data };
    },
    reset: () => {
      store.reset();
      auth.reset();
      Object.assign(settings, defaults());
      Object.assign(stats, newStats());
      window = { start: 0, count: 0 };
      fixedNow = undefined;
      users.forEach((u, i) => {
        u.workspaces = [...(initialUserWorkspaces[i] ?? [])];
      });
      seedFresh();
    },
  };
};

export type QadTenant = ReturnType<typeof createQadTenant>;
