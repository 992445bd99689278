import type { z } from "zod";
import type { SourcePort, TargetPort } from "../connectors/ports";
import type { CatalogValue, FormField } from "../connectors/types";
import type { MissingKey } from "../mapping/missing-key";
import type { ValueMapIndex } from "../mapping/value-map-index";

/*
 * A flow kind (lib/flows/<kind>/definition.ts) is a declaration plus a planner. The engine (lib/sync)
 * loads the flow's two connections, builds their clients through the connectors of `source` and
 * `target`, and hands them to `connect`; the admin renders forms and mapping kinds from the same
 * declaration. A flow never loads a connection, never decrypts, never registers itself.
 */

/**
 * How records of an object type follow their source:
 * - `document`: posted once; later source versions are noted in the trail (a posted invoice is never re-posted);
 * - `master`: created, then updated at the target whenever the source version changes.
 */
export type SyncMode = "document" | "master";

export type FlowObject = {
  /** object type as the source adapter names it ("invoice", "account", "subscription-event") */
  type: string;
  label: string;
  mode: SyncMode;
  /**
   * Records of this type are the inbound events themselves (source id = the event id, payload = the
   * event): they arrive only through webhooks and are not polled.
   */
  fromEvents?: boolean;
  /** inbound event object types that feed this type (default: an event whose objectType is `type`) */
  events?: readonly string[];
  /**
   * When the engine looks a target document up by natural key before creating it:
   * - `always`: the target may hold it whatever the flow did (master data others create too, e.g. customers);
   * - `when-unsure`: only when an earlier attempt may have written it, or on the flow's first pass
   *   (documents only the source creates, e.g. invoices).
   * Default: `always` for `master` types, `when-unsure` for `document` types.
   */
  lookUp?: "always" | "when-unsure";
  /**
   * The target entity a new record of this type creates as its first document, under the source
   * document's own natural key (e.g. "Invoice" for an invoice numbered INV001, looked up by INV001).
   * Declared where that holds: on the flow's first pass a poll page's documents of this type are then
   * looked up together (TargetPort.lookUpMany) and those the target does not hold are created without
   * a look-up of their own. Only for `when-unsure` types.
   */
  targetEntity?: string;
};

/** One target document to post for a record; the first of a plan is the record's primary document. */
export type PlannedDocument = {
  /** target entity, e.g. "Invoice", "Payment", "JournalTransaction", "Customer" */
  entity: string;
  /** value of the external-reference field looked up before creating */
  naturalKey: string;
  document: unknown;
};

/** A value map the engine writes when the record posts (e.g. account -> the customer it created). */
export type ValueMapWrite = { kind: string; sourceKey: string; sourceLabel?: string; targetValue: string; targetLabel?: string };

/**
 * What to do with a record, decided by the flow from its source payload, the value maps and
 * settings (and reads of the target where needed):
 * - `post`: create the documents unless they exist (for a `master` record already posted: update its
 *   primary document); on success, records waiting on this one (kind = its object type, sourceKey =
 *   its source id), on `satisfies` or on the written `valueMaps` are released;
 * - `hold`: wait for the `missing` keys (value maps or other records);
 * - `skip`: nothing to post, for `reason`;
 * - `fail`: the source data cannot be posted as it is (non-retryable), for `reason`.
 */
export type ProcessPlan =
  | { action: "post"; documents: [PlannedDocument, ...PlannedDocument[]]; mapped: unknown; valueMaps?: ValueMapWrite[]; satisfies?: { kind: string; sourceKey: string }[] }
  | { action: "hold"; reason: string; missing: MissingKey[]; ensure?: { objectType: string; sourceId: string }[] }
  | { action: "skip"; reason: string }
  | { action: "fail"; reason: string };

/**
 * A record as handed to a flow's planner. `posted` is set when the record was posted before and its
 * source changed (a `master` record being updated): what the target holds and the payload mapped then.
 */
export type PlannedRecord = {
  id: string;
  objectType: string;
  sourceId: string;
  naturalKey: string | null;
  sourcePayload: unknown;
  posted?: { targetId: string; targetRef: string | null; mappedPayload: unknown } | null;
  /**
   * What a first-pass poll page's batched look-up (TargetPort.lookUpMany of the type's `targetEntity`,
   * by this natural key) found at the target, `ageMs` ago: the hits as lookUpMany returned them (none:
   * the target holds none of the record's documents). Given to the record's first attempt only (no
   * attempt of it has run since); parse `found` before use. A planner may take it for the answer of
   * look-ups of its own made that long ago (e.g. of the customers a page asked for).
   */
  targetLookUp?: { ageMs: number; found: readonly unknown[] };
};

/** A record of the ledger as a planner sees it. */
export type LedgerRecord = { targetId: string; targetRef: string | null; mappedPayload: unknown };

/** Ledger records of `objectType` a planner reads, their source ids at `path` (SQL/JSON, e.g. "$.lines[*].invoiceId") in a record's sourcePayload. */
export type LedgerRead = { objectType: string; path: string };

/** Reads of our own ledger a planner may make (e.g. "is invoice X posted, and as what?"). */
export type LedgerReader = {
  postedRecord: (options: { objectType: string; sourceId: string }) => Promise<LedgerRecord | null>;
  /**
   * The partner flow's posted record whose TARGET id is `targetId` (the document it created on this
   * flow's source side), or null: a record the partner wrote is never echoed back.
   */
  partnerRecordByTarget: (options: { objectType: string; targetId: string }) => Promise<(LedgerRecord & { sourceId: string }) | null>;
  /** the partner flow's posted record by ITS source id (what it created on this flow's target side) */
  partnerRecord: (options: { objectType: string; sourceId: string }) => Promise<LedgerRecord | null>;
};

/**
 * One source document and its counterpart at the target, as the reconciliation compares them:
 * amounts and open amounts on both sides (null: that side has no such document), in the source's
 * currency, dated in the source's calendar.
 */
export type BalanceDocument = {
  /** object type of the flow's records ("invoice", "credit-memo", "payment") */
  objectType: string;
  /** the source's document number (the flow record's natural key) */
  number: string;
  currency: string;
  /** the source's party (billing account number) */
  party: string;
  /** YYYY-MM-DD */
  date: string;
  source: { amount: number; open: number } | null;
  /** `ref`: the target's document number; a reversal already netted out of `amount` */
  target: { amount: number; open: number; ref: string | null } | null;
};

/** A flow's live adapters and planner, built per job by `connect` from ready clients. */
export type FlowRuntime = {
  source: SourcePort;
  target: TargetPort;
  /**
   * Reads both systems' documents dated since `since` with their amounts and open balances, for the
   * reconciliation at close (optional: flows that can read both ledgers).
   */
  readBalances?: (options: { since: Date }) => Promise<BalanceDocument[]>;
  /** `partnerMaps`: the value maps of the partner flow (empty without one) */
  plan: (options: { record: PlannedRecord; maps: ValueMapIndex; ledger: LedgerReader; partnerMaps: ValueMapIndex }) => Promise<ProcessPlan>;
  /**
   * Readies what a process keeps between jobs (vendor tokens, connections to the vendors, caches a
   * process shares) with reads only, so a worker's first jobs do not pay for them: called once per
   * enabled flow when a worker starts (optional; see warmFlows).
   */
  warm?: () => Promise<void>;
};

/** The Flow columns the engine uses. */
export type FlowRow = {
  id: string;
  kind: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  enabled: boolean;
  schedule: string | null;
  backfillFrom: Date | null;
  settings: unknown;
  createdAt: Date;
};

/** Reads of the ledger a catalogue reader may make (values seen in records already synced). */
export type CatalogLedger = {
  /** natural keys of the flow's records of `objectType`, labelled with a source payload field */
  naturalKeys: (options: { objectType: string; labelField?: string }) => Promise<CatalogValue[]>;
  /** distinct values of `field` in the `linesField` array of the newest records of `objectTypes` */
  lineValues: (options: { objectTypes: readonly string[]; linesField: string; field: string }) => Promise<CatalogValue[]>;
};

/**
 * What a catalogue reader of one side gets: the flow's settings, its ledger, and `vendor(what, read)`,
 * which reads through the side's client (built on first use) and turns a failure into the read's
 * error sentence for the admin (`what`, e.g. "Reading GL accounts from Acumatica"), returning [].
 */
export type CatalogContext<TClient, TSettings, TOtherClient = unknown> = {
  settings: TSettings;
  ledger: CatalogLedger;
  vendor: (what: string, read: (client: TClient) => Promise<CatalogValue[]>) => Promise<CatalogValue[]>;
  /**
   * Reads through the OTHER side's client, like `vendor` (a failure becomes the read's error sentence
   * and []): e.g. a source reader labelling each Zuora account with the target customer it matches.
   */
  otherVendor: <T>(what: string, read: (client: TOtherClient) => Promise<T[]>) => Promise<T[]>;
};

/** A kind of value map of a flow (ValueMap.kind) and how the admin's mapping page reads both sides. */
export type ValueMapKindDeclaration<TSourceClient = unknown, TTargetClient = unknown, TSettings = unknown> = {
  kind: string;
  label: string;
  /** what the left column lists, e.g. "Zuora charge" */
  sourceLabel: string;
  /** what the right column lists, e.g. "Acumatica GL account" */
  targetLabel: string;
  help?: string;
  /** "compound": the source key joins several fields with " | " (e.g. company | product type) */
  keyOf?: "single" | "compound";
  readSource: (ctx: CatalogContext<TSourceClient, TSettings, TTargetClient>) => Promise<CatalogValue[]>;
  readTarget: (ctx: CatalogContext<TTargetClient, TSettings, TSourceClient>) => Promise<CatalogValue[]>;
};

/** What `connect` is given: the ready clients of both connections and the parsed settings. */
export type ConnectOptions<TSourceClient, TTargetClient, TSettings> = {
  source: TSourceClient;
  target: TTargetClient;
  settings: TSettings;
  flow: FlowRow;
};

/** Polling options of a flow. */
export type PollOptions = { pageSize: number; pagesPerJob: number; overlapSeconds: number };

export type FlowKind<TSourceClient = unknown, TTargetClient = unknown, TSettings = unknown> = {
  /** Flow.kind, e.g. "zuora-acumatica" */
  kind: string;
  label: string;
  description: string;
  /** vendor ids of the source and target connectors */
  source: string;
  target: string;
  /** object types in dependency order (earlier ones post first when polled in one sweep) */
  objects: readonly FlowObject[];
  /** Flow.settings: parsed with `schema` (a ZodError names the setting), rendered from `fields` */
  settings: { schema: z.ZodType<TSettings>; fields: FormField[] };
  valueMapKinds: readonly ValueMapKindDeclaration<TSourceClient, TTargetClient, TSettings>[];
  /** the kind of the reverse flow between the same two connections, whose ledger and maps this one reads */
  partner?: string;
  /**
   * The ledger records (LedgerReader.postedRecord) its planner reads for a record, by the record's
   * object type: each an object type and an SQL/JSON path to their source ids in the record's
   * sourcePayload. The record's claim brings those already posted in its own statement, so those
   * reads send none; any other read goes to the database as before.
   */
  ledgerReads?: Readonly<Record<string, readonly LedgerRead[]>>;
  pollOptions: (settings: TSettings) => PollOptions;
  /** The runtime of one job: adapters over the ready clients and the planner. Caches inside live for that job. */
  connect: (options: ConnectOptions<TSourceClient, TTargetClient, TSettings>) => FlowRuntime;
};

/** A flow kind with its types erased, as lists and the engine hold it. */
// The list is heterogeneous by design; each entry was checked by defineFlow.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFlowKind = FlowKind<any, any, any>;

/** Declares a flow kind with its client and settings types checked against each other. */
export const defineFlow = <TSourceClient, TTargetClient, TSettings>(definition: FlowKind<TSourceClient, TTargetClient, TSettings>): FlowKind<TSourceClient, TTargetClient, TSettings> => definition;
