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

/* ------------------------------------------------------------------------------------------------
 * Declarations the admin screens read (connection form, flow form, mapping kinds). Stable names:
 * the admin code renders these; a change here is a change of the admin's contract.
 * ---------------------------------------------------------------------------------------------- */

/** A choice of a select field (or a preset of a URL field). */
export type FieldOption = { value: string; label: string };

/**
 * One field of a form the admin renders from data (connection settings and secrets, flow settings).
 * `name` is the key in the settings or secrets object; a dotted name ("callout.headerName") is a key
 * of a nested object.
 */
export type FormField = {
  name: string;
  label: string;
  type: "text" | "url" | "secret" | "select" | "number" | "boolean";
  required?: boolean;
  help?: string;
  placeholder?: string;
  /** the choices of a `select`; for a select whose choices come from the vendor, see `Connector.fieldOptions` */
  options?: FieldOption[];
  /** a long text (PEM key, JSON) */
  multiline?: boolean;
  /** a change of this setting requires every secret to be entered again (it decides where they are sent: tenant, token endpoint) */
  guardsSecrets?: boolean;
  /** value a new connection or flow starts with */
  defaultValue?: string | number | boolean;
  /** shown only when the named boolean field is on (e.g. journal AR account when postJournal) */
  shownWhen?: string;
};

/**
 * The connection form of one vendor. The base URL always guards the secrets (a changed URL needs
 * every secret entered again). Credentials are stored encrypted together; a `secret` field is
 * write-only (blank keeps the stored value), a `text` field among them is an identifier (client ID,
 * user name) that the admin sees and edits in clear.
 */
export type ConnectorForm = {
  baseUrl: { label: string; placeholder?: string; help?: string; /** region presets, e.g. Zuora data centres */ presets?: FieldOption[] };
  settings: FormField[];
  secrets: FormField[];
};

/* ------------------------------------------------------------------------------------------------
 * Inbound events (webhooks, callouts, notifications)
 * ---------------------------------------------------------------------------------------------- */

/** One inbound event after verification: ids only (the job fetches the record), or the event itself when it is the record. */
export type InboundEvent = {
  /** the vendor's id of this delivery, stable across its retries: the dedupe key */
  vendorEventId: string;
  /** the vendor's event name, e.g. "InvoicePosted", "SubscriptionCreated" */
  eventType: string;
  /** the connector's object type the event is about ("invoice", "subscription-event" ...), null when it names none */
  objectType: string | null;
  /** the source id of that object (for events that are records themselves: the event id) */
  objectId: string | null;
  /** the parsed body (ids and event fields only, no secrets), kept for the audit trail and for event records */
  payload?: unknown;
};

/** A request's headers as a verifier reads them: `get` answers every value of a name joined by ", " (as web Headers do), null when absent. */
export type WebhookHeaders = Pick<Headers, "get">;

/** What a verifier is given: everything of the request, and the connection's decrypted settings and secrets. */
export type WebhookRequest = {
  rawBody: Uint8Array;
  headers: WebhookHeaders;
  /** the full request URL (some vendors put their shared secret or a token in it) */
  url: string;
  /** the sender's address as the server saw it (socket, or the trusted proxy's forwarded address), when known */
  remoteAddress?: string;
  connection: { id: string; baseUrl: string; settings: unknown; secrets: unknown };
};

/** The answer the vendor expects (e.g. Zuora `{"success":true}`, a handshake echo). */
export type WebhookAck = { status: number; body?: unknown; headers?: Record<string, string> };

export type WebhookVerification =
  | { ok: true; events: InboundEvent[]; ack: WebhookAck }
  | { ok: false; reason: string; /** the refusal to answer; default 401 with no detail */ ack?: WebhookAck };

/** State of a vendor subscription that expires (e.g. a Zoho notification channel), stored on the connection. */
export type SubscriptionState = {
  /** when the vendor drops the subscription unless renewed; null: does not expire */
  expiresAt: string | null;
  /** connector-owned JSON (channel ids, tokens' hashes ...), never secrets in clear */
  state: unknown;
};

/** A verifier bound to one connection version: what `ConnectorWebhooks.prepare` gives. */
export type WebhookVerifier = (request: Omit<WebhookRequest, "connection">) => WebhookVerification | Promise<WebhookVerification>;

export type ConnectorWebhooks = {
  /** Verifies one request (constant-time compares; a bad signature returns ok: false, never throws). */
  verify: (request: WebhookRequest) => WebhookVerification | Promise<WebhookVerification>;
  /**
   * Optional: `verify` bound to one version of a connection, its settings and secrets parsed once. The
   * webhook route keeps it for as long as it keeps that connection row and uses it for every request to
   * the connection; it must answer as `verify` would with that connection. Never throws.
   */
  prepare?: (connection: WebhookRequest["connection"]) => WebhookVerifier;
  /**
   * For vendors whose subscriptions expire: (re)creates them and returns the new expiry and state.
   * Run by a scheduled job per connection; `callbackUrl` is this connection's webhook URL.
   */
  renewSubscriptions?: (ctx: ConnectionContext & { callbackUrl: string; previous: SubscriptionState | null }) => Promise<SubscriptionState>;
  /** renew this long before `expiresAt` (default 1 h) */
  renewBeforeMs?: number;
};

/* ------------------------------------------------------------------------------------------------
 * Catalogues: values for mappings (GL accounts, customers, billing accounts ...)
 * ---------------------------------------------------------------------------------------------- */

/** A value of a catalogue, e.g. GL account 40100 "Subscription revenue". */
export type CatalogValue = { key: string; label: string | null; inactive?: boolean };

/** A catalogue read: the values, or an error sentence for the admin (the canvas still shows what is mapped). */
export type CatalogRead = { values: CatalogValue[]; error: string | null; readAt: string };

/** Most values read from a vendor per catalogue. */
export const MAX_CATALOG_VALUES = 20_000;

/**
 * How a vendor's error messages name the fields of a document we sent, so the records screens can
 * point at the mapped line and the value map behind a refused value (lib/records/resolve-vendor-error.ts).
 * Paths are read from "<path>: <text>" or "<path> '<value>': <text>" parts of the message.
 */
export type VendorErrorPaths = {
  /** line fields: `pattern` captures the line number (group 1) and the field (group 2) of a path such as "Details[2].Account" */
  lines?: readonly { pattern: RegExp; linesField: string; indexBase: 0 | 1; fields: Readonly<Record<string, string>> }[];
  /** document fields: the vendor's field name -> the mapped document's field, e.g. { CustomerID: "customerId" } */
  fields?: Readonly<Record<string, string>>;
};

/** A link to one document in the vendor's own UI; `bestEffort`: the vendor documents no stable URL for it (a guess that may not open). */
export type DocumentLink = { label: string; href: string; bestEffort: boolean };

/* ------------------------------------------------------------------------------------------------
 * The connector contract
 * ---------------------------------------------------------------------------------------------- */

/**
 * The small contract every vendor folder implements (style guide §4). Vendor-specific reads and
 * writes live on the client `createClient` returns; source and target adapters (source.ts,
 * target.ts) and catalogue readers (catalog.ts) take that client.
 */
export type Connector<TClient = unknown> = {
  /** the vendor id (tests and plugins may use ids outside VendorId) */
  id: VendorId | (string & {});
  label: string;
  /** static facts: token path, headers, limits, paging (the vendor's config.ts) */
  config: Readonly<Record<string, unknown>>;
  settingsSchema: z.ZodType;
  secretsSchema: z.ZodType;
  /** the connection form */
  form: ConnectorForm;
  /** choices of a select field read from the vendor (e.g. Acumatica endpoint versions); null when they cannot be read */
  fieldOptions?: (options: { field: string; ctx: TestConnectionContext }) => Promise<FieldOption[] | null>;
  createClient(ctx: ConnectionContext): TClient;
  /** sign in, check the version, read one small object; messages for an admin */
  testConnection(ctx: TestConnectionContext): Promise<TestStep[]>;
  /** inbound events: verification, acknowledgement, renewal */
  webhooks?: ConnectorWebhooks;
  /** the vendor sends callouts to us: the connection then requires a signing secret (`form.secrets` has it as required) */
  receivesCallouts?: boolean;
  /** how this vendor's error messages name the fields of a document sent to it */
  errorPaths?: VendorErrorPaths;
  /**
   * Where an admin opens a synced document in this vendor's UI: `objectType` is the flow's object type,
   * `id` the vendor's id of the document and `ref` its document number (either may be unknown), `baseUrl`
   * the connection's. Null when the vendor has no such page or the record lacks the key it needs.
   */
  documentLink?: (options: { objectType: string; id: string | null; ref: string | null; baseUrl: string }) => DocumentLink | null;
};
