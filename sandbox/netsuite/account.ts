/*
 * One NetSuite account: settings, clock, records, authentication, the concurrency governor and the outbound
 * script. The account lives under a path prefix, /netsuite/<account id as in its host name> (e.g.
 * /netsuite/1234567-sb1), standing in for https://1234567-sb1.suitetalk.api.netsuite.com: Oracle says to copy
 * the REST base URL from Company Information rather than build it (vendor-apis.md §4.1), so the connector is
 * configured with a full base URL and cannot tell a path prefix from a host name. Host names would need DNS
 * or a Host-header convention that fetch() cannot be told to use; a prefix works on one loopback port.
 */
import { z } from "zod";
import { createNetsuiteAuth } from "./auth";
import { DEFAULT_ERROR_TYPE_URI } from "./errors";
import { createOutboundScript } from "./outbound-script";
import { createNetsuiteStore } from "./store";

export const netsuiteSettingsSchema = z.strictObject({
  /** Access token lifetime; NetSuite's is 60 minutes. */
  accessTokenSeconds: z.number().int().min(1).max(3600).optional(),
  /** Parallel requests allowed per account (service tier; 15 for a Tier 1 account without SuiteCloud Plus). */
  concurrencyLimit: z.number().int().min(1).max(1000).optional(),
  /** The account's time zone (Set Preferences): q and SuiteQL read and show dates in it. */
  timeZone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "unknown time zone").optional(),
  /** Transactions dated before this day (YYYY-MM-DD) fall in closed periods and are refused; null: none closed. */
  closedPeriodsBefore: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
  /** `type` of error bodies (Oracle's examples use RFC 2616, a newer capture RFC 9110). */
  errorTypeUri: z.string().url().optional(),
});
export type NetsuiteSettingsInput = z.input<typeof netsuiteSettingsSchema>;
export type NetsuiteSettings = Required<{ [K in keyof NetsuiteSettingsInput]: Exclude<NetsuiteSettingsInput[K], undefined> }>;

export type NetsuiteSandboxOptions = {
  /** Account id as NetSuite shows it, e.g. "1234567_SB1"; default the demo account. */
  accountId?: string;
  settings?: NetsuiteSettingsInput;
  /** Clock for tests; the control API can also set or move it. */
  now?: () => Date;
};

export const DEMO_NETSUITE_ACCOUNT_ID = "1234567_SB1";

export const DEFAULT_NETSUITE_SETTINGS: NetsuiteSettings = {
  accessTokenSeconds: 3600,
  concurrencyLimit: 15,
  timeZone: "America/Los_Angeles",
  closedPeriodsBefore: null,
  errorTypeUri: DEFAULT_ERROR_TYPE_URI,
};

/** "1234567_SB1" -> "1234567-sb1", the form account ids take in host names (§4.1). */
export const accountHostLabel = (accountId: string) => accountId.toLowerCase().replaceAll("_", "-");

export type NetsuiteAccount = ReturnType<typeof createNetsuiteAccount>;

export const createNetsuiteAccount = (options: NetsuiteSandboxOptions = {}) => {
  const accountId = options.accountId ?? DEMO_NETSUITE_ACCOUNT_ID;
  const settings: NetsuiteSettings = { ...DEFAULT_NETSUITE_SETTINGS };
  let fixedNow: number | null = null;
  let offsetMs = 0;
  const now = () => fixedNow ?? (options.now ? options.now().getTime() : Date.now()) + offsetMs;

  const applySettings = (input: NetsuiteSettingsInput) => {
    const parsed = netsuiteSettingsSchema.parse(input);
    for (const [key, value] of Object.entries(parsed)) if (value !== undefined) Object.assign(settings, { [key]: value });
    return { ...settings };
  };
  if (options.settings) applySettings(options.settings);

  const store = createNetsuiteStore({ now, timeZone: () => settings.timeZone, closedPeriodsBefore: () => settings.closedPeriodsBefore });
  const auth = createNetsuiteAuth({ now, accessTokenSeconds: () => settings.accessTokenSeconds, accountId });
  const script = createOutboundScript({ accountId });
  store.onChange((event) => script.handle(event));

  const governance = { inFlight: 0, maxInFlight: 0, rejected429: 0 };
  const stats = { requests: 0, byRoute: {} as Record<string, number> };

  return {
    accountId,
    prefix: `/netsuite/${accountHostLabel(accountId)}`,
    settings,
    applySettings,
    now,
    clock: {
      /** Fix the clock at an instant (ISO), or give it back to real time (null). */
      set: (iso: string | null) => {
        fixedNow = iso === null ? null : Date.parse(iso);
        if (fixedNow !== null && Number.isNaN(fixedNow)) throw new Error(`not a date: ${iso}`);
        if (iso === null) offsetMs = 0;
      },
      advance: (seconds: number) => {
        if (fixedNow !== null) fixedNow += seconds * 1000;
        else offsetMs += seconds * 1000;
      },
      state: () => ({ now: new Date(now()).toISOString(), fixed: fixedNow !== null }),
    },
    store,
    auth,
    script,
    governance,
    stats,
  };
};
