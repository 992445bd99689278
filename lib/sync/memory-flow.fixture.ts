import { z } from "zod";
import { createConnection } from "../connections/create-connection";
import type { SourceDocument, TargetDocumentRef } from "../connectors/ports";
import { registerConnector } from "../connectors/registry";
import type { Connector } from "../connectors/types";
import type { Db } from "../db";
import { registerFlowKind } from "../flows/registry";
import { defineFlow, type FlowRuntime } from "../flows/types";
import { createMappingContext, missingKeysOf } from "../mapping/create-mapping-context";

/*
 * An in-memory flow kind ("memory") for the engine's own tests: a source and a target held in
 * Maps, with the same contract as a real vendor pair (look-up by natural key, create, faults).
 * It is a real implementation of the ports, not a mock of our database, queue or HTTP.
 */

const invoiceSchema = z.object({ number: z.string(), lines: z.array(z.object({ key: z.string(), amount: z.number() })) });
const paymentSchema = z.object({ number: z.string(), invoiceId: z.string(), amount: z.number() });

export type MemoryWorld = {
  source: Map<string, SourceDocument>;
  target: Map<string, { entity: string; naturalKey: string; document: unknown; targetId: string }>;
  /** thrown (once each, in order) by the next target writes */
  writeFaults: Error[];
  creates: number;
  /** target look-ups by natural key */
  finds: number;
  listCalls: number;
  fetches: number;
  /** how many times a runtime was warmed (a worker's start, see warmFlows), and what the next warm-up throws */
  warms?: number;
  warmFault?: Error;
  /** runs after each listChanged call (tests change the source between pages) */
  onList?: (call: number) => void;
  /** how many times a flow's settings were parsed, and the settings the last runtime was given */
  settingsParses?: number;
  lastSettings?: unknown;
};

export const createMemoryWorld = (): MemoryWorld => ({ source: new Map(), target: new Map(), writeFaults: [], creates: 0, finds: 0, listCalls: 0, fetches: 0 });

export const memoryDocument = (objectType: string, sourceId: string, version: string, payload: unknown): SourceDocument => ({
  objectType,
  sourceId,
  sourceVersion: version,
  naturalKey: (payload as { number?: string }).number ?? null,
  amount: null,
  currency: "USD",
  documentDate: "2026-11-01",
  payload,
});

/** A connector of an in-memory vendor for engine tests: no settings, no secrets, `client` as its client. */
export const createMemoryConnector = <T>(id: string, client: T): Connector<T> => ({
  id,
  label: id,
  config: {},
  settingsSchema: z.object({}),
  secretsSchema: z.object({}),
  form: { baseUrl: { label: "URL" }, settings: [], secrets: [] },
  createClient: () => client,
  testConnection: async () => [{ step: "auth", ok: true, message: "in memory" }],
});

let current: MemoryWorld = createMemoryWorld();

/**
 * Registers the "memory" flow kind and its two in-memory connectors over `world` (explicitly, for the
 * life of the test process; a later call replaces the world).
 */
export const registerMemoryFlow = (world: MemoryWorld) => {
  current = world;
  // The client reads the world registered last: the engine caches clients, each job's runtime sees the current world.
  registerConnector(createMemoryConnector("memory-source", () => current));
  registerConnector(createMemoryConnector("memory-target", () => current));
  registerFlowKind(
    defineFlow<() => MemoryWorld, () => MemoryWorld, Record<string, unknown>>({
      kind: "memory",
      label: "Memory",
      description: "An in-memory flow for the engine's tests",
      source: "memory-source",
      target: "memory-target",
      objects: [
        { type: "invoice", label: "Invoices", mode: "document" },
        { type: "payment", label: "Payments", mode: "document" },
        // events that are records themselves (never polled): source id = the event id
        { type: "subscription-event", label: "Subscription events", mode: "document", fromEvents: true },
      ],
      settings: {
        schema: z.record(z.string(), z.unknown()).transform((settings) => {
          current.settingsParses = (current.settingsParses ?? 0) + 1;
          return settings;
        }),
        fields: [],
      },
      valueMapKinds: [],
      pollOptions: (s) => ({ pageSize: 2, pagesPerJob: 2, overlapSeconds: 60, ...s }),
      ledgerReads: { payment: [{ objectType: "invoice", path: "$.invoiceId" }] },
      connect: ({ source, settings }) => {
        current.lastSettings = settings;
        return createMemoryRuntime(source());
      },
    }),
  );
};

const createMemoryRuntime = (world: MemoryWorld): FlowRuntime => {
  const runtime: FlowRuntime = {
    warm: async () => {
      world.warms = (world.warms ?? 0) + 1;
      const fault = world.warmFault;
      world.warmFault = undefined;
      if (fault) throw fault;
    },
    source: {
      fetchDocument: async ({ objectType, sourceId }) => {
        world.fetches += 1;
        return world.source.get(`${objectType}:${sourceId}`) ?? null;
      },
      listChanged: async ({ objectType, since, cursor, pageSize }) => {
        const all = [...world.source.values()]
          .filter((d) => d.objectType === objectType && (d.sourceVersion ?? "") >= since.toISOString())
          .sort((a, b) => (a.sourceVersion! < b.sourceVersion! ? -1 : a.sourceVersion! > b.sourceVersion! ? 1 : a.sourceId < b.sourceId ? -1 : 1));
        // Offset paging over the live set, like a vendor cursor that is not a snapshot: the overlap
        // window and the (id, version) dedupe must cover what shifts between pages.
        const offset = cursor ? Number(cursor) : 0;
        const page = all.slice(offset, offset + pageSize);
        world.listCalls += 1;
        world.onList?.(world.listCalls);
        return {
          items: page.map((d) => ({ sourceId: d.sourceId, sourceVersion: d.sourceVersion! })),
          nextCursor: offset + pageSize < all.length ? String(offset + pageSize) : null,
          maxVersion: page.at(-1)?.sourceVersion ?? null,
        };
      },
    },
    target: {
      findDocument: async ({ entity, naturalKey }) => {
        world.finds += 1;
        const hit = world.target.get(`${entity}:${naturalKey}`);
        return hit ? { targetId: hit.targetId, targetRef: naturalKey } : null;
      },
      createDocument: async ({ entity, naturalKey, document }): Promise<TargetDocumentRef> => {
        const fault = world.writeFaults.shift();
        if (fault) throw fault;
        world.creates += 1;
        const targetId = `T${world.creates}`;
        world.target.set(`${entity}:${naturalKey}`, { entity, naturalKey, document, targetId });
        return { targetId, targetRef: naturalKey };
      },
    },
    plan: async ({ record, maps, ledger }) => {
      const ctx = createMappingContext(maps);
      if (record.objectType === "invoice") {
        const inv = invoiceSchema.parse(record.sourcePayload);
        const accounts = inv.lines.map((l) => ctx.lookup("gl-account", l.key, "charge"));
        const result = ctx.finish(() => ({ number: inv.number, lines: inv.lines.map((l, i) => ({ account: accounts[i]!, amount: l.amount })) }));
        if (!result.output) return { action: "hold", reason: "mapping-missing", missing: missingKeysOf(result.issues) };
        return { action: "post", documents: [{ entity: "Invoice", naturalKey: inv.number, document: result.output }], mapped: result.output };
      }
      if (record.objectType === "payment") {
        const pay = paymentSchema.parse(record.sourcePayload);
        const invoice = await ledger.postedRecord({ objectType: "invoice", sourceId: pay.invoiceId });
        if (!invoice) return { action: "hold", reason: "waiting-for-invoice", missing: [{ kind: "invoice", sourceKey: pay.invoiceId, dependency: true }] };
        const mapped = { number: pay.number, appliedTo: invoice.targetRef, amount: pay.amount };
        return { action: "post", documents: [{ entity: "Payment", naturalKey: pay.number, document: mapped }], mapped };
      }
      if (record.objectType === "subscription-event") {
        const event = z.object({ EventType: z.string(), SubscriptionId: z.string() }).parse(record.sourcePayload);
        const mapped = { event: event.EventType, subscription: event.SubscriptionId };
        return { action: "post", documents: [{ entity: "SubscriptionEvent", naturalKey: record.sourceId, document: mapped }], mapped };
      }
      return { action: "skip", reason: `object type ${record.objectType} is not synced` };
    },
  };
  return runtime;
};

/** A flow of kind "memory" between two throw-away connections, for engine tests. */
export const createMemoryFlowRow = async (db: Db) => {
  const source = await createConnection({ db, input: { vendor: "zuora", name: "src", baseUrl: "https://src.example.com", secrets: { x: "1" } } });
  const target = await createConnection({ db, input: { vendor: "acumatica", name: "tgt", baseUrl: "https://tgt.example.com", secrets: { x: "1" } } });
  const row = await db.flow.create({ data: { kind: "memory", name: "memory", sourceConnectionId: source.id, targetConnectionId: target.id, enabled: true } });
  return { id: row.id, targetConnectionId: target.id };
};
