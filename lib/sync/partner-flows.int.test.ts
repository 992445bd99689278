import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDb, type TestDb } from "../../test/db";
import { pollAndSettle, startWorker } from "../../test/e2e-sync/harness";
import type { SourceDocument, SourcePort, TargetPort } from "../connectors/ports";
import { registerConnector } from "../connectors/registry";
import { encryptJson } from "../crypto";
import { registerFlowKind } from "../flows/registry";
import { defineFlow, type AnyFlowKind } from "../flows/types";
import { createMemoryConnector } from "./memory-flow.fixture";

/*
 * Paired flows: "crm -> erp" creates customers in the ERP from CRM accounts, "erp -> crm" creates CRM
 * accounts from ERP customers. Each names the other as its partner, reads the partner's ledger and
 * value maps, and so never echoes back a record the partner created: a customer created in the ERP
 * by "crm -> erp" is listed by "erp -> crm" as a new ERP customer and recognised as the partner's.
 */

type Doc = { id: string; updatedAt: string; name: string; owner: string };
/** Two systems holding accounts (CRM) and customers (ERP), by id. */
const systems = { crm: new Map<string, Doc>(), erp: new Map<string, Doc>() };
type System = keyof typeof systems;

const connectorOf = (id: System) => createMemoryConnector(`pair-${id}`, id);

const sourceOf = (system: System): SourcePort => {
  const toDoc = (d: Doc): SourceDocument => ({ objectType: "party", sourceId: d.id, sourceVersion: d.updatedAt, naturalKey: d.name, amount: null, currency: null, documentDate: null, payload: d });
  return {
    fetchDocument: async ({ sourceId }) => {
      const d = systems[system].get(sourceId);
      return d ? toDoc(d) : null;
    },
    listChanged: async ({ since }) => {
      const items = [...systems[system].values()].filter((d) => d.updatedAt >= since.toISOString()).map((d) => ({ sourceId: d.id, sourceVersion: d.updatedAt, document: toDoc(d) }));
      return { items, nextCursor: null, maxVersion: items.map((i) => i.sourceVersion).sort().at(-1) ?? null };
    },
  };
};
const targetOf = (system: System): TargetPort => ({
  findDocument: async ({ naturalKey }) => {
    const d = [...systems[system].values()].find((x) => x.name === naturalKey);
    return d ? { targetId: d.id, targetRef: d.name } : null;
  },
  createDocument: async ({ document }) => {
    const d = document as { name: string; owner: string };
    const id = `${system}-${systems[system].size + 1}`;
    systems[system].set(id, { id, updatedAt: new Date().toISOString(), ...d });
    return { targetId: id, targetRef: d.name };
  },
});

const pairFlow = (kind: string, partner: string, from: System, to: System): AnyFlowKind =>
  defineFlow<System, System, Record<string, unknown>>({
    kind,
    label: kind,
    description: kind,
    source: `pair-${from}`,
    target: `pair-${to}`,
    objects: [{ type: "party", label: "Parties", mode: "document" }],
    settings: { schema: z.record(z.string(), z.unknown()), fields: [] },
    valueMapKinds: [],
    partner,
    pollOptions: () => ({ pageSize: 50, pagesPerJob: 2, overlapSeconds: 0 }),
    connect: ({ source, target }) => ({
      source: sourceOf(source),
      target: targetOf(target),
      plan: async ({ record, maps, ledger, partnerMaps }) => {
        const partnerPosted = await ledger.partnerRecordByTarget({ objectType: "party", targetId: record.sourceId });
        if (partnerPosted) return { action: "skip", reason: `created by the partner flow from ${partnerPosted.sourceId}: not echoed back` };
        const d = record.sourcePayload as Doc;
        // An owner the partner maps the other way (its target -> our source) is known here too.
        const reverse = new Map([...(partnerMaps.get("owner") ?? [])].map(([k, v]) => [v, k]));
        const owner = maps.get("owner")?.get(d.owner) ?? reverse.get(d.owner);
        if (!owner) return { action: "hold", reason: "mapping-missing", missing: [{ kind: "owner", sourceKey: d.owner }] };
        return { action: "post", documents: [{ entity: "Party", naturalKey: d.name, document: { name: d.name, owner } }], mapped: { name: d.name, owner } };
      },
    }),
  });

describe("paired flows", () => {
  let t: TestDb;
  let worker: Runner;
  const flows = { crmToErp: "", erpToCrm: "" };

  beforeAll(async () => {
    registerConnector(connectorOf("crm"));
    registerConnector(connectorOf("erp"));
    registerFlowKind(pairFlow("pair-crm-erp", "pair-erp-crm", "crm", "erp"));
    registerFlowKind(pairFlow("pair-erp-crm", "pair-crm-erp", "erp", "crm"));
    t = await createTestDb();
    worker = await startWorker(t);
    const connection = async (vendor: string) => {
      const row = await t.db.connection.create({ data: { vendor, name: vendor, baseUrl: `https://${vendor}.example.com`, credentials: "pending" } });
      await t.db.connection.update({ where: { id: row.id }, data: { credentials: encryptJson({}, { context: row.id }) } });
      return row.id;
    };
    const crm = await connection("pair-crm");
    const erp = await connection("pair-erp");
    const since = new Date(Date.now() - 3600_000);
    flows.crmToErp = (await t.db.flow.create({ data: { kind: "pair-crm-erp", name: "crm -> erp", sourceConnectionId: crm, targetConnectionId: erp, enabled: true, backfillFrom: since } })).id;
    flows.erpToCrm = (await t.db.flow.create({ data: { kind: "pair-erp-crm", name: "erp -> crm", sourceConnectionId: erp, targetConnectionId: crm, enabled: true, backfillFrom: since } })).id;
    // owners are mapped once, on the crm -> erp flow (CRM user -> ERP salesperson)
    await t.db.valueMap.create({ data: { flowId: flows.crmToErp, kind: "owner", sourceKey: "ada@crm", targetValue: "SP-ADA" } });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.drop();
  });

  it("a record created on one side by one flow is known to its partner and never echoed back", async () => {
    systems.crm.set("crm-1", { id: "crm-1", updatedAt: new Date().toISOString(), name: "Acme", owner: "ada@crm" });
    systems.erp.set("erp-0", { id: "erp-0", updatedAt: new Date().toISOString(), name: "Globex", owner: "SP-ADA" });

    await pollAndSettle(t, flows.crmToErp);
    const created = [...systems.erp.values()].find((d) => d.name === "Acme");
    expect(created).toMatchObject({ owner: "SP-ADA" });

    // erp -> crm lists both ERP customers: Globex is new (its owner mapped through the partner's map), Acme is the partner's
    await pollAndSettle(t, flows.erpToCrm);
    const records = await t.db.syncRecord.findMany({ where: { flowId: flows.erpToCrm }, orderBy: { naturalKey: "asc" }, select: { naturalKey: true, status: true, statusReason: true } });
    expect(records).toEqual([
      { naturalKey: "Acme", status: "skipped", statusReason: "created by the partner flow from crm-1: not echoed back" },
      { naturalKey: "Globex", status: "posted", statusReason: null },
    ]);
    expect([...systems.crm.values()].map((d) => [d.name, d.owner]).sort()).toEqual([
      ["Acme", "ada@crm"],
      ["Globex", "ada@crm"],
    ]);

    // and back again: the CRM account erp -> crm created is the partner's for crm -> erp
    await pollAndSettle(t, flows.crmToErp);
    expect(await t.db.syncRecord.findFirst({ where: { flowId: flows.crmToErp, naturalKey: "Globex" }, select: { status: true } })).toEqual({ status: "skipped" });
    expect([...systems.erp.values()].filter((d) => d.name === "Globex")).toHaveLength(1);
  });
});
