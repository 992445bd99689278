import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { recordEvent } from "../audit/record-event";
import { getRecordPage } from "./get-record-page";
import { listRecords } from "./list-records";

let t: TestDb;
let flowId = "";

beforeAll(async () => {
  t = await createTestDb();
  const conn = (vendor: string) => t.db.connection.create({ data: { vendor, name: `${vendor}-${randomUUID()}`, baseUrl: "http://127.0.0.1:9", credentials: "unused" } });
  const [s, g] = [await conn("zuora"), await conn("acumatica")];
  flowId = (await t.db.flow.create({ data: { kind: "zuora-acumatica", name: `flow-${randomUUID()}`, sourceConnectionId: s.id, targetConnectionId: g.id } })).id;
  await t.db.valueMap.createMany({
    data: [
      { flowId, kind: "gl-account", sourceKey: "Platform", targetValue: "41000" },
      { flowId, kind: "gl-account", sourceKey: "API Calls", targetValue: "40000" },
      { flowId, kind: "gl-account", sourceKey: "Storage", targetValue: "40000" },
    ],
  });
});
afterAll(async () => t?.drop());

const createRecord = (data: { objectType: string; sourceId: string; naturalKey: string; status: "failed" | "held" | "posted"; [k: string]: unknown }) =>
  t.db.syncRecord.create({ data: { flowId, ...data } as never });

describe("getRecordPage", () => {
  it("traces a refused account to the line, the charge's value map and its mappings page", async () => {
    const r = await createRecord({
      objectType: "invoice",
      sourceId: randomUUID(),
      naturalKey: "INV-T1",
      status: "failed",
      statusReason: "target-rejected",
      lastError: "Acumatica (HTTP 422): Details[2].Account: Account '40000' is inactive.",
      sourcePayload: { lines: [{ chargeName: "Platform" }, { chargeName: "API Calls" }] },
      mappedPayload: { customerId: "Z1", lines: [{ description: "Platform fee", account: "41000", unitPrice: 10 }, { description: "API Calls usage", account: "40000", unitPrice: 2 }] },
    });
    const page = await getRecordPage({ db: t.db, id: r.id });
    expect(page!.errorTrace).toHaveLength(1);
    expect(page!.errorTrace[0]).toMatchObject({ path: "Details[2].Account", line: { number: 2, description: "API Calls usage" }, field: "account", value: "40000" });
    expect(page!.errorTrace[0]!.maps.map((m) => [m.sourceKey, m.href])).toEqual([["API Calls", `/mappings?flowId=${flowId}&kind=gl-account&q=API+Calls`]]);
  });

  it("links the document in both systems as the flow's connectors build their links, from the connections' base URLs", async () => {
    const sourceId = `8a${randomUUID().replace(/-/g, "")}`;
    const posted = await createRecord({ objectType: "invoice", sourceId, naturalKey: "INV00000042", status: "posted", targetId: randomUUID(), targetRef: "AR004242" });
    expect((await getRecordPage({ db: t.db, id: posted.id }))!.links).toEqual([
      { system: "Zuora", label: "Invoice in Zuora", href: `http://127.0.0.1:9/platform/invoices/${sourceId}`, bestEffort: true },
      { system: "Acumatica", label: "AR invoice AR004242 in Acumatica", href: "http://127.0.0.1:9/Main?ScreenId=AR301000&DocType=INV&RefNbr=AR004242", bestEffort: false },
    ]);
    // not written to Acumatica yet: only the Zuora document is linked
    const pending = await createRecord({ objectType: "invoice", sourceId: randomUUID(), naturalKey: "INV00000043", status: "held" });
    expect((await getRecordPage({ db: t.db, id: pending.id }))!.links.map((l) => l.system)).toEqual(["Zuora"]);
  });

  it("labels a held payment's invoice by its number, on the page and in the list, and keeps recorded calls", async () => {
    const invoiceSourceId = `8a${randomUUID().replace(/-/g, "")}`;
    const invoice = await createRecord({ objectType: "invoice", sourceId: invoiceSourceId, naturalKey: "INV00000777", status: "failed" });
    const payment = await createRecord({
      objectType: "payment",
      sourceId: randomUUID(),
      naturalKey: "P-1",
      status: "held",
      statusReason: "waiting-for-invoice",
      missing: [{ kind: "invoice", sourceKey: invoiceSourceId, dependency: true }, { kind: "gl-account", sourceKey: "Fees", label: "charge" }],
    });
    await recordEvent(t.db, {
      recordId: payment.id,
      kind: "attempt",
      detail: {
        attempt: 1,
        request: [],
        targetStatus: 503,
        durationMs: 5,
        calls: [{ method: "PUT", url: "http://erp/entity/Payment", status: 503, durationMs: 4, startedAt: "2026-12-07T10:00:00.000Z", request: { text: '{"password":"[redacted]"}', bytes: 25, truncated: false } }],
      },
    });
    const page = await getRecordPage({ db: t.db, id: payment.id });
    expect(page!.record.missing).toEqual([
      { kind: "invoice", sourceKey: invoiceSourceId, dependency: true, label: "INV00000777", recordId: invoice.id },
      { kind: "gl-account", sourceKey: "Fees", label: "charge" },
    ]);
    const attempt = page!.record.events.find((e) => e.kind === "attempt");
    expect(attempt?.kind === "attempt" && attempt.detail.calls?.[0]?.request?.text).toBe('{"password":"[redacted]"}');

    const { items } = await listRecords({ db: t.db, filter: { flowId, status: "held" } });
    expect(items.find((i) => i.id === payment.id)?.missing?.[0]).toMatchObject({ label: "INV00000777", recordId: invoice.id });
    expect((await listRecords({ db: t.db, filter: { flowId, status: "failed" } })).items.every((i) => i.missing === null)).toBe(true);
  });
});
