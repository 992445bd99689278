import type { z } from "zod";
import type { Keyring } from "../crypto";
import type { Db } from "../db";
import type { ExchangeSummary } from "../http";

/** Vendor ids: kebab-case, identical in folder name, registry key, DB enum value and URL segment. */
export type VendorId = "zuora" | "acumatica" | "qad" | "netsuite" | "zoho-crm" | "ifs-cloud";

/**
 * One row of a "Test connection" result, in the order the steps ran. Messages are written for a
 * finance admin and never contain secrets or stack traces.
 */
export type TestStep = { step: "auth" | "version" | "read"; ok: boolean; message: string };

/**
 * What a connector needs to talk to one connection. `settings` and `secrets` are unparsed: each
 * connector parses them with its own `settingsSchema`/`secretsSchema` (a ZodError names the field).
 */
export type ConnectionContext = {
  /** Connection.id; keys the shared token, rate-limit and concurrency rows */
  connectionId: string;
  /** Connection.baseUrl: the tenant/instance URL the admin entered (may carry a path) */
  baseUrl: string;
  /** Connection.settings (JSON) */
  settings: unknown;
  /** Connection.credentials after lib/crypto `decryptJson` */
  secrets: unknown;
  /** database holding the shared vendor state */
  db: Db;
  /** called after every vendor request attempt (logs, audit) */
  onExchange?: (summary: ExchangeSummary) => void;
  /** key ring for the cached tokens; default from the environment */
  keyring?: Keyring;
};

/** For "Test connection" of a connection that may not be saved yet: no database needed. */
export type TestConnectionContext = Omit<ConnectionContext, "db" | "connectionId" | "keyring">;

/**
 * The small contract every vendor folder implements (style guide §4). Vendor-specific reads and
 * writes live on the client `createClient` returns; flows call those typed methods directly.
 */
export type Connector<TClient = unknown> = {
  id: VendorId;
  label: string;
  /** static facts: token path, headers, limits, paging (the vendor's config.ts) */
  config: Readonly<Record<string, unknown>>;
  settingsSchema: z.ZodType;
  secretsSchema: z.ZodType;
  createClient(ctx: ConnectionContext): TClient;
  testConnection(ctx: TestConnectionContext): Promise<TestStep[]>;
};
