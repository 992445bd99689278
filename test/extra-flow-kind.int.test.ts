import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { SourceDocument, TargetDocumentRef } from "../lib/connectors/ports";
import { getConnector, listConnectors, registerConnector } from "../lib/connectors/registry";
import type { Connector } from "../lib/connectors/types";
import { connectionFormSchema } from "../lib/connections/form-schemas";
import { listConnectorForms } from "../lib/connections/list-connector-forms";
import { saveConnection } from "../lib/connections/save-connection";
import { testConnection } from "../lib/connections/test-connection";
import { encryptJson } from "../lib/crypto";
import { AppError } from "../lib/errors";
import { getFlow } from "../lib/flows-admin/get-flow";
import { listFlowKindForms } from "../lib/flows-admin/list-flow-kind-forms";
import { saveFlow } from "../lib/flows-admin/save-flow";
import { flowFormSchema } from "../lib/flows-admin/schemas";
import { exportValueMaps } from "../lib/mapping-admin/export-value-maps";
import { getMappingBoard } from "../lib/mapping-admin/get-mapping-board";
import { importValueMaps } from "../lib/mapping-admin/import-value-maps";
import { listValueMapKinds } from "../lib/mapping-admin/list-value-map-kinds";
import { saveValueMap } from "../lib/mapping-admin/save-value-map";
import { mappingBoardQuerySchema } from "../lib/mapping-admin/schemas";
import { getFlowKind, listFlowKinds, registerFlowKind } from "../lib/flows/registry";
import { defineFlow } from "../lib/flows/types";
import { createMappingContext, missingKeysOf } from "../lib/mapping/create-mapping-context";
import { readCatalog } from "../lib/sync/read-catalog";
import { releaseHeldRecords } from "../lib/sync/release-held-records";
import { createTestDb, type TestDb } from "./db";
import { pollAndSettle, startWorker } from "./e2e-sync/harness";

/*
 * A further flow kind declared here and nowhere else: two in-memory vendors (a CRM holding contacts
 * and orders, a ledger taking customers and sales orders) with their connectors, and a flow between
 * them, from declarations only. It syncs end to end through the real engine (poll, ingest, plan,
 * post, holds and release) on the real queue and Postgres; contacts are `master` data, so a changed
 * contact updates its ledger customer, while a posted order is never re-posted.
 */

/* ---------- the two vendors: their data, clients and connectors ---------- */

type CrmRecord = { id: string; type: "contact" | "order"; updatedAt: string; fields: Record<string, unknown> };
const crm = new Map<string, CrmRecord>();
const ledger = new Map<string, { id: string; entity: string; key: string; fields: Record<string, unknown>; writes: number }>();
const ledgerRegions = [
  { code: "EMEA", name: "Europe, Middle East, Africa" },
  { code: "AMER", name: "Americas" },
];

type CrmClient = { records: () => CrmRecord[]; get: (id: string) => CrmRecord | undefined };
type LedgerClient = {
  find: (entity: string, key: string) => TargetDocumentRef | null;
  create: (entity: string, key: string, fields: Record<string, unknown>) => TargetDocumentRef;
  update: (entity: string, key: string, fields: Record<string, unknown>) => TargetDocumentRef;
  regions: () => typeof ledgerRegions;
};

const crmConnector: Connector<CrmClient> = {
  id: "test-crm",
  label: "Test CRM",
  config: {},
  settingsSchema: z.object({ workspace: z.string().min(1) }),
  secretsSchema: z.object({ apiKey: z.string().min(1) }),
  form: {
    baseUrl: { label: "CRM URL", placeholder: "https://crm.example.com" },
    settings: [{ name: "workspace", label: "Workspace", type: "text", required: true }],
    secrets: [{ name: "apiKey", label: "API key", type: "secret", required: true }],
  },
  createClient: () => ({ records: () => [...crm.values()], get: (id) => crm.get(id) }),
  testConnection: async () => [{ step: "auth", ok: true, message: "Signed in." }],
};

const ledgerConnector: Connector<LedgerClient> = {
  id: "test-ledger",
  label: "Test Ledger",
  config: {},
  settingsSchema: z.object({}),
  secretsSchema: z.object({ token: z.string().min(1) }),
  form: { baseUrl: { label: "Ledger URL" }, settings: [], secrets: [{ name: "token", label: "Token", type: "secret", required: true }] },
  createClient: () => ({
    find: (entity, key) => {
      const hit = ledger.get(`${entity}:${key}`);
      return hit ? { targetId: hit.id, targetRef: key } : null;
    },
    create: (entity, key, fields) => {
      const id = `L${ledger.size + 1}`;
      ledger.set(`${entity}:${key}`, { id, entity, key, fields, writes: 1 });
      return { targetId: id, targetRef: key };
    },
    update: (entity, key, fields) => {
      const hit = ledger.get(`${entity}:${key}`);
      if (!hit) throw Object.assign(new Error(`Ledger: ${entity} ${key} does not exist`), { retryable: false });
      Object.assign(hit, { fields: { ...hit.fields, ...fields }, writes: hit.writes + 1 });
      return { targetId: hit.id, targetRef: key };
    },
    regions: () => ledgerRegions,
  }),
  testConnection: async () => [{ step: "auth", ok: true, message: "Signed in." }],
};

/* ---------- the flow kind, from declarations ---------- */

const contactSchema = z.object({ name: z.string(), email: z.string(), region: z.string() });
const orderSchema = z.object({ number: z.string(), contactId: z.string(), total: z.number() });
const settingsSchema = z.object({ customerPrefix: z.string().default("C-") });

const crmLedger = defineFlow<CrmClient, LedgerClient, z.infer<typeof settingsSchema>>({
  kind: "test-crm-ledger",
  label: "Test CRM → Test Ledger",
  description: "Contacts become ledger customers (kept up to date); orders become sales orders.",
  source: "test-crm",
  target: "test-ledger",
  objects: [
    { type: "contact", label: "Contacts → customers", mode: "master" },
    { type: "order", label: "Orders → sales orders", mode: "document" },
  ],
  settings: { schema: settingsSchema, fields: [{ name: "customerPrefix", label: "Customer prefix", type: "text", defaultValue: "C-" }] },
  valueMapKinds: [
    {
      kind: "region",
      label: "Regions",
      sourceLabel: "CRM region",
      targetLabel: "Ledger region",
      readSource: ({ ledger: records }) => records.naturalKeys({ objectType: "contact", labelField: "region" }),
      readTarget: ({ vendor }) => vendor("Reading regions from the ledger", async (client) => client.regions().map((r) => ({ key: r.code, label: r.name }))),
    },
  ],
  pollOptions: () => ({ pageSize: 50, pagesPerJob: 5, overlapSeconds: 60 }),
  connect: ({ source, target, settings }) => {
    const toDocument = (r: CrmRecord): SourceDocument => ({
      objectType: r.type,
      sourceId: r.id,
      sourceVersion: r.updatedAt,
      naturalKey: r.type === "order" ? String(r.fields.number) : r.id,
      amount: r.type === "order" ? Number(r.fields.total) : null,
      currency: "EUR",
      documentDate: r.updatedAt.slice(0, 10),
      payload: r.fields,
    });
    return {
      source: {
        fetchDocument: async ({ sourceId }) => {
          const r = source.get(sourceId);
          return r ? toDocument(r) : null;
        },
        listChanged: async ({ objectType, since }) => {
          const items = source
            .records()
            .filter((r) => r.type === objectType && r.updatedAt >= since.toISOString())
            .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
            .map((r) => ({ sourceId: r.id, sourceVersion: r.updatedAt, document: toDocument(r) }));
          return { items, nextCursor: null, maxVersion: items.at(-1)?.sourceVersion ?? null };
        },
      },
      target: {
        findDocument: async ({ entity, naturalKey }) => target.find(entity, naturalKey),
        createDocument: async ({ entity, naturalKey, document }) => target.create(entity, naturalKey, document as Record<string, unknown>),
        updateDocument: async ({ entity, naturalKey, document }) => target.update(entity, naturalKey, document as Record<string, unknown>),
      },
      plan: async ({ record, maps, ledger: records }) => {
        const ctx = createMappingContext(maps);
        if (record.objectType === "contact") {
          const c = contactSchema.parse(record.sourcePayload);
          const region = ctx.lookup("region", c.region, "region");
          const mapped = ctx.finish(() => ({ customerId: `${settings.customerPrefix}${record.sourceId}`, name: c.name, email: c.email, region: region! }));
          if (!mapped.output) return { action: "hold", reason: "mapping-missing", missing: missingKeysOf(mapped.issues) };
          return { action: "post", documents: [{ entity: "Customer", naturalKey: mapped.output.customerId, document: mapped.output }], mapped: mapped.output };
        }
        const o = orderSchema.parse(record.sourcePayload);
        const customer = await records.postedRecord({ objectType: "contact", sourceId: o.contactId });
        if (!customer) return { action: "hold", reason: "waiting-for-contact", missing: [{ kind: "contact", sourceKey: o.contactId, dependency: true }], ensure: [{ objectType: "contact", sourceId: o.contactId }] };
        const doc = { number: o.number, customer: customer.targetRef, total: o.total };
        return { action: "post", documents: [{ entity: "SalesOrder", naturalKey: o.number, document: doc }], mapped: doc };
      },
    };
  },
});

/* ---------- the test ---------- */

describe("a flow kind declared in a test file syncs end to end through the engine", () => {
  let t: TestDb;
  let worker: Runner;
  let flowId: string;
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  beforeAll(async () => {
    registerConnector(crmConnector);
    registerConnector(ledgerConnector);
    registerFlowKind(crmLedger);
    t = await createTestDb();
    worker = await startWorker(t);
    const connection = async (vendor: string, secrets: Record<string, string>, settings: Record<string, string>) => {
      const row = await t.db.connection.create({ data: { vendor, name: `${vendor} ${Math.random()}`, baseUrl: `https://${vendor}.example.com`, settings, credentials: "pending" } });
      await t.db.connection.update({ where: { id: row.id }, data: { credentials: encryptJson(secrets, { context: row.id }) } });
      return row.id;
    };
    const sourceConnectionId = await connection("test-crm", { apiKey: "k" }, { workspace: "w" });
    const targetConnectionId = await connection("test-ledger", { token: "t" }, {});
    flowId = (
      await t.db.flow.create({
        data: { kind: crmLedger.kind, name: "crm -> ledger", sourceConnectionId, targetConnectionId, enabled: true, backfillFrom: new Date(Date.now() - 86_400_000), settings: { customerPrefix: "CUST-" } },
      })
    ).id;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.drop();
  });

  it("is listed with the build's kinds and connectors, and its catalogues read through the engine", async () => {
    expect(listFlowKinds().map((k) => k.kind)).toEqual(expect.arrayContaining(["zuora-acumatica", "test-crm-ledger"]));
    expect(getFlowKind("test-crm-ledger").objects.map((o) => [o.type, o.mode])).toEqual([
      ["contact", "master"],
      ["order", "document"],
    ]);
    expect(listConnectors().map((c) => c.id)).toEqual(expect.arrayContaining(["zuora", "acumatica", "test-crm", "test-ledger"]));
    expect(getConnector("test-crm").form.secrets.map((f) => f.name)).toEqual(["apiKey"]);
    expect(await readCatalog({ db: t.db, flowId, kind: "region", side: "target" })).toMatchObject({
      values: [
        { key: "AMER", label: "Americas" },
        { key: "EMEA", label: "Europe, Middle East, Africa" },
      ],
      error: null,
    });
  });

  it("posts contacts and orders (an order waits for its contact's mapping), then updates a changed contact once and never re-posts an order", async () => {
    crm.set("c1", { id: "c1", type: "contact", updatedAt: at(30), fields: { name: "Ada Lovelace", email: "ada@example.com", region: "EU" } });
    crm.set("o1", { id: "o1", type: "order", updatedAt: at(20), fields: { number: "SO-1", contactId: "c1", total: 120 } });
    await pollAndSettle(t, flowId);
    // the contact waits for its region's mapping, the order for the contact
    const held = await t.db.syncRecord.findMany({ where: { flowId }, orderBy: { objectType: "asc" }, select: { objectType: true, status: true, statusReason: true } });
    expect(held).toEqual([
      { objectType: "contact", status: "held", statusReason: "mapping-missing" },
      { objectType: "order", status: "held", statusReason: "waiting-for-contact" },
    ]);
    expect(await readCatalog({ db: t.db, flowId, kind: "region", side: "source" })).toMatchObject({ values: [{ key: "c1", label: "EU" }] });

    // the admin maps the region; both records are released and post in order
    await t.db.valueMap.create({ data: { flowId, kind: "region", sourceKey: "EU", targetValue: "EMEA" } });
    await t.db.$transaction((tx) => releaseHeldRecords({ db: t.db, tx, flowId, keys: [{ kind: "region", sourceKey: "EU" }], actorUserId: null }));
    await pollAndSettle(t, flowId);
    expect(ledger.get("Customer:CUST-c1")).toMatchObject({ fields: { customerId: "CUST-c1", name: "Ada Lovelace", region: "EMEA" }, writes: 1 });
    expect(ledger.get("SalesOrder:SO-1")).toMatchObject({ fields: { number: "SO-1", customer: "CUST-c1", total: 120 }, writes: 1 });

    // the contact changes at the source (master: updated once); the order changes too (document: noted only)
    crm.set("c1", { id: "c1", type: "contact", updatedAt: at(1), fields: { name: "Ada King", email: "ada@example.com", region: "EU" } });
    crm.set("o1", { id: "o1", type: "order", updatedAt: at(1), fields: { number: "SO-1", contactId: "c1", total: 150 } });
    await pollAndSettle(t, flowId);
    await pollAndSettle(t, flowId);
    expect(ledger.get("Customer:CUST-c1")).toMatchObject({ fields: { name: "Ada King" }, writes: 2 });
    expect(ledger.get("SalesOrder:SO-1")).toMatchObject({ fields: { total: 120 }, writes: 1 });

    const contact = await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "contact" }, include: { events: { orderBy: { id: "asc" } } } });
    expect(contact.status).toBe("posted");
    expect(contact.events.filter((e) => e.kind === "updated").map((e) => e.detail)).toEqual([
      { entity: "Customer", targetId: contact.targetId, targetRef: "CUST-c1", via: "updated", changes: [{ field: "name", from: "Ada Lovelace", to: "Ada King" }] },
    ]);
    const order = await t.db.syncRecord.findFirstOrThrow({ where: { flowId, objectType: "order" }, include: { events: { orderBy: { id: "asc" } } } });
    expect(order.status).toBe("posted");
    expect(order.events.filter((e) => e.kind === "source-updated").map((e) => (e.detail as { action: string }).action)).toEqual(["kept-posted"]);
  });
});

/* ---------- the same kind in the admin, through the functions its pages and actions call ---------- */

describe("the flow kind declared in this file shows up in the admin", () => {
  let t: TestDb;
  const ids = { crm: "", ledger: "", flow: "" };
  /** the field problems of a refused call ({} when it passed) */
  const fieldsOf = (call: Promise<unknown>) =>
    call.then(
      () => ({}),
      (err: unknown) => (err instanceof AppError ? (err.fields ?? { "": err.userMessage }) : Promise.reject(err)),
    );

  beforeAll(async () => {
    registerConnector(crmConnector);
    registerConnector(ledgerConnector);
    registerFlowKind(crmLedger);
    t = await createTestDb();
  });
  afterAll(() => t?.drop());

  it("offers both connectors in the connection form, with their declared fields, and saves a connection from each", async () => {
    const forms = listConnectorForms();
    expect(forms.map((f) => f.vendor)).toEqual(expect.arrayContaining(["zuora", "acumatica", "test-crm", "test-ledger"]));
    expect(forms.find((f) => f.vendor === "test-crm")).toEqual({
      vendor: "test-crm",
      label: "Test CRM",
      baseUrl: { label: "CRM URL", placeholder: "https://crm.example.com" },
      settings: [{ name: "workspace", label: "Workspace", type: "text", required: true }],
      secrets: [{ name: "apiKey", label: "API key", type: "secret", required: true }],
      receivesCallouts: false,
    });

    const crmForm = (over: Record<string, unknown> = {}) =>
      connectionFormSchema.parse({ vendor: "test-crm", name: "CRM", baseUrl: "http://127.0.0.1:9/crm", settings: { workspace: "sales" }, secrets: { apiKey: "crm-api-key-71" }, ...over });
    expect(await fieldsOf(saveConnection({ db: t.db, form: crmForm({ settings: { workspace: "" }, secrets: {} }) }))).toEqual({
      "settings.workspace": "Enter the workspace.",
      "secrets.apiKey": "Enter the API key.",
    });
    expect(await fieldsOf(saveConnection({ db: t.db, form: crmForm({ settings: { workspace: "sales", region: "x" } }) }))).toEqual({ "settings.region": expect.any(String) });
    const crmView = await saveConnection({ db: t.db, form: crmForm() });
    expect(crmView).toMatchObject({ vendor: "test-crm", vendorLabel: "Test CRM", settings: { workspace: "sales" }, secretsSet: ["apiKey"], subscription: null });
    expect(JSON.stringify(crmView)).not.toContain("crm-api-key-71");
    expect(await testConnection({ db: t.db, connectionId: crmView.id })).toMatchObject({ ok: true, isStored: true });

    const ledgerView = await saveConnection({ db: t.db, form: connectionFormSchema.parse({ vendor: "test-ledger", name: "Ledger", baseUrl: "http://127.0.0.1:9/ledger", secrets: { token: "ledger-token-33" } }) });
    expect(ledgerView).toMatchObject({ vendorLabel: "Test Ledger", secretsSet: ["token"] });
    // another URL needs the secret again
    expect(await fieldsOf(saveConnection({ db: t.db, form: connectionFormSchema.parse({ id: ledgerView.id, vendor: "test-ledger", name: "Ledger", baseUrl: "http://127.0.0.2:9/ledger" }) }))).toEqual({
      "secrets.token": expect.stringMatching(/^Enter the token again: the ledger URL changed/),
    });
    Object.assign(ids, { crm: crmView.id, ledger: ledgerView.id });
  });

  it("offers the kind in the flow form, with its systems, objects and settings, and saves a flow checked against it", async () => {
    expect(listFlowKindForms().find((k) => k.kind === "test-crm-ledger")).toEqual({
      kind: "test-crm-ledger",
      label: "Test CRM → Test Ledger",
      description: "Contacts become ledger customers (kept up to date); orders become sales orders.",
      source: { vendor: "test-crm", label: "Test CRM" },
      target: { vendor: "test-ledger", label: "Test Ledger" },
      objects: [
        { type: "contact", label: "Contacts → customers" },
        { type: "order", label: "Orders → sales orders" },
      ],
      settings: [{ name: "customerPrefix", label: "Customer prefix", type: "text", defaultValue: "C-" }],
    });
    const form = (over: Record<string, unknown> = {}) =>
      flowFormSchema.parse({ kind: "test-crm-ledger", name: "CRM to ledger", sourceConnectionId: ids.crm, targetConnectionId: ids.ledger, schedule: "*/30 * * * *", backfillFrom: null, settings: { customerPrefix: "K-" }, ...over });
    expect(await fieldsOf(saveFlow({ db: t.db, form: form({ sourceConnectionId: ids.ledger, targetConnectionId: ids.crm }) }))).toEqual({
      sourceConnectionId: "Choose one of your Test CRM connections as the source.",
      targetConnectionId: "Choose one of your Test Ledger connections as the target.",
    });
    expect(await fieldsOf(saveFlow({ db: t.db, form: form({ settings: { customerPrefix: true } }) }))).toEqual({ "settings.customerPrefix": expect.any(String) });

    const { id } = await saveFlow({ db: t.db, form: form() });
    expect(await getFlow({ db: t.db, flowId: id, appUrl: "https://connector.example.com" })).toMatchObject({
      kind: "test-crm-ledger",
      kindLabel: "Test CRM → Test Ledger",
      enabled: false,
      settings: { customerPrefix: "K-" },
      source: { id: ids.crm },
      target: { id: ids.ledger },
      callout: null,
    });
    ids.flow = id;
  });

  it("lists its mapping kinds with the catalogue values its readers return, and maps, imports and exports them", async () => {
    expect(await listValueMapKinds({ db: t.db, flowId: ids.flow })).toEqual([{ kind: "region", label: "Regions", sourceLabel: "CRM region", targetLabel: "Ledger region", help: null }]);
    const board = () => getMappingBoard({ db: t.db, flowId: ids.flow, query: mappingBoardQuerySchema.parse({}), role: "viewer" });
    expect(await board()).toMatchObject({
      kind: "region",
      sourceLabel: "CRM region",
      targetLabel: "Ledger region",
      targets: [
        { key: "AMER", label: "Americas", inCatalog: true, mappedCount: 0 },
        { key: "EMEA", label: "Europe, Middle East, Africa", inCatalog: true, mappedCount: 0 },
      ],
      sourceError: null,
      targetError: null,
    });

    await saveValueMap({ db: t.db, input: { flowId: ids.flow, kind: "region", sourceKey: "EU", targetValue: "EMEA" } });
    await expect(saveValueMap({ db: t.db, input: { flowId: ids.flow, kind: "gl-account", sourceKey: "EU", targetValue: "EMEA" } })).rejects.toThrow(/not one of region/);
    expect((await board()).sources).toEqual([{ key: "EU", label: null, target: "EMEA", waiting: 0, amountByCurrency: {}, heldMapped: 0, releasable: 0, isPartner: false }]);

    // the import checks targets against the ledger's catalogue, with the kind's label
    expect(await importValueMaps({ db: t.db, input: { flowId: ids.flow, csv: "kind,sourceKey,targetValue\nregion,US,AMER\nregion,APAC,ASIA\n" } })).toEqual({
      ok: false,
      errors: [{ line: 3, message: 'Ledger region "ASIA" does not exist in the target system.' }],
    });
    expect(await importValueMaps({ db: t.db, input: { flowId: ids.flow, csv: "kind,sourceKey,targetValue\nregion,US,AMER\n" } })).toMatchObject({ ok: true, created: 1, targetsChecked: true });
    expect(await exportValueMaps({ db: t.db, flowId: ids.flow, now: new Date("2026-12-07T12:00:00Z") })).toEqual({
      fileName: "CRM to ledger - all mappings - 2026-12-07.csv",
      csv: "kind,sourceKey,targetValue,sourceLabel,targetLabel\nregion,EU,EMEA,,\nregion,US,AMER,,\n",
    });
  });
});
