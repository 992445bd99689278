import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import Papa from "papaparse";
import { countRecordsByStatus } from "./count-records-by-status";
import { exportRecordEventsCsv } from "./export-record-events-csv";
import { exportRecordsCsv } from "./export-records-csv";
import { listRecords } from "./list-records";
import type { RecordFilter } from "./schemas";
import { selectRecordIds } from "./select-record-ids";

type Row = { id: string; flowId: string; objectType: string; status: "pending" | "posted" | "held" | "failed" | "skipped"; naturalKey: string; createdAt: Date; targetRef: string | null; amount: number; documentDate: Date };

let t: TestDb;
const flows: string[] = [];
const rows: Row[] = [];
const STATUSES = ["posted", "posted", "held", "failed", "skipped", "pending"] as const;
const TYPES = ["invoice", "payment", "credit-memo"] as const;
const base = Date.parse("2026-10-01T00:00:00Z");

beforeAll(async () => {
  t = await createTestDb();
  const conn = (vendor: "zuora" | "acumatica") => t.db.connection.create({ data: { vendor, name: `${vendor}-${randomUUID()}`, baseUrl: "http://127.0.0.1:9", credentials: "unused" } });
  const [s, g] = [await conn("zuora"), await conn("acumatica")];
  for (const n of [1, 2]) flows.push((await t.db.flow.create({ data: { kind: "zuora-acumatica", name: `flow-${n}-${randomUUID()}`, sourceConnectionId: s.id, targetConnectionId: g.id } })).id);
  // 250 records; every 5th shares its createdAt with the previous one (ties are broken by id)
  for (let i = 0; i < 250; i++) {
    const createdAt = new Date(base + (i - (i % 5 === 0 && i > 0 ? 1 : 0)) * 3_600_000);
    rows.push({ id: randomUUID(), flowId: flows[i % 2]!, objectType: TYPES[i % 3]!, status: STATUSES[i % 6]!, naturalKey: `${TYPES[i % 3] === "invoice" ? "INV" : "DOC"}${String(i).padStart(5, "0")}`,
      createdAt,
      targetRef: STATUSES[i % 6] === "posted" ? `AR${String(i).padStart(6, "0")}` : null,
      amount: i * 1.5,
      documentDate: new Date(Date.UTC(2026, 9, 1 + (i % 30))),
    });
  }
  await t.db.syncRecord.createMany({ data: rows.map((r) => ({ ...r, sourceId: r.id, amount: r.amount.toFixed(2), currency: "USD", sourcePayload: { big: "x".repeat(1000) } })) });
});
afterAll(async () => t?.drop());

/** The expected page order: newest first, id descending on ties (what the keyset promises). */
const expected = (pred: (r: Row) => boolean) =>
  rows.filter(pred).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((r) => r.id);

const pageAll = async (filter: RecordFilter, limit: number) => {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Awaited<ReturnType<typeof listRecords>> = await listRecords({ db: t.db, filter, cursor, limit });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((r) => r.id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 100);
  return ids;
};

describe("listRecords", () => {
  it("pages through everything once, in order, across equal timestamps", async () => {
    expect(await pageAll({}, 17)).toEqual(expected(() => true));
  });

  it("filters by flow, status, object type, received days, document dates, amounts and a search in any case, on every page", async () => {
    const from = new Date(base + 40 * 3_600_000);
    const to = new Date(base + 180 * 3_600_000);
    const cases: [RecordFilter, (r: Row) => boolean][] = [
      [{ flowId: flows[0] }, (r) => r.flowId === flows[0]],
      [{ status: "held" }, (r) => r.status === "held"],
      [{ objectType: "payment" }, (r) => r.objectType === "payment"],
      [{ flowId: flows[0], status: "posted", objectType: "invoice" }, (r) => r.flowId === flows[0] && r.status === "posted" && r.objectType === "invoice"],
      [{ from, to }, (r) => r.createdAt >= from && r.createdAt < to],
      [{ q: "INV001" }, (r) => r.naturalKey.startsWith("INV001")],
      // contains, any case, on the document number, the target reference and the source id
      [{ q: "inv0012" }, (r) => r.naturalKey.includes("INV0012")],
      [{ q: "00012" }, (r) => r.naturalKey.includes("00012") || (r.targetRef ?? "").includes("00012") || r.id.includes("00012")],
      [{ q: "ar000012" }, (r) => (r.targetRef ?? "").startsWith("AR000012")],
      [{ q: rows[77]!.id.slice(9, 23).toUpperCase() }, (r) => r.id === rows[77]!.id],
      [{ documentFrom: "2026-10-05", documentTo: "2026-10-07" }, (r) => r.documentDate >= new Date("2026-10-05") && r.documentDate <= new Date("2026-10-07")],
      [{ amountMin: 30, amountMax: 60 }, (r) => r.amount >= 30 && r.amount <= 60],
      [{ q: "doc", status: "held", amountMin: 100 }, (r) => r.naturalKey.startsWith("DOC") && r.status === "held" && r.amount >= 100],
    ];
    for (const [filter, pred] of cases) {
      const want = expected(pred);
      expect(want.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(await pageAll(filter, 7), JSON.stringify(filter)).toEqual(want);
    }
  });

  it("never returns payload columns", async () => {
    const { items } = await listRecords({ db: t.db, limit: 1 });
    expect(Object.keys(items[0]!)).not.toContain("sourcePayload");
    expect(Object.keys(items[0]!)).not.toContain("mappedPayload");
  });

  it("counts per status for a filter, ignoring its status", async () => {
    const counts = await countRecordsByStatus({ db: t.db, filter: { flowId: flows[0], status: "posted" } });
    const mine = rows.filter((r) => r.flowId === flows[0]);
    expect(counts).toEqual({
      pending: mine.filter((r) => r.status === "pending").length,
      posted: mine.filter((r) => r.status === "posted").length,
      held: mine.filter((r) => r.status === "held").length,
      failed: mine.filter((r) => r.status === "failed").length,
      skipped: mine.filter((r) => r.status === "skipped").length,
    });
  });

  it("selects the records a bulk action may touch: replay takes failed/held/skipped, release only held", async () => {
    const replay = await selectRecordIds({ db: t.db, filter: { flowId: flows[1] }, action: "replay" });
    expect(new Set(replay.map((r) => r.id))).toEqual(new Set(rows.filter((r) => r.flowId === flows[1] && ["failed", "held", "skipped"].includes(r.status)).map((r) => r.id)));
    const release = await selectRecordIds({ db: t.db, filter: { objectType: "invoice" }, action: "release" });
    expect(new Set(release.map((r) => r.id))).toEqual(new Set(rows.filter((r) => r.objectType === "invoice" && r.status === "held").map((r) => r.id)));
    expect(await selectRecordIds({ db: t.db, filter: { status: "posted" }, action: "replay" })).toEqual([]);
  });

  // Last: it adds records of its own.
  it("exports the filtered records and their audit trails as CSV, formula cells neutralised", async () => {
    const collect = async (chunks: AsyncGenerator<string>) => {
      let text = "";
      for await (const c of chunks) text += c;
      return Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;
    };
    const lines = await collect(exportRecordsCsv({ db: t.db, filter: { q: "inv001" }, max: 1000 }));
    expect(lines.map((l) => l.id)).toEqual(expected((r) => r.naturalKey.startsWith("INV001")));
    const first = rows.find((r) => r.id === lines[0]!.id)!;
    expect(Number(lines[0]!.amount)).toBe(first.amount);
    expect(lines[0]).toMatchObject({ document: first.naturalKey, document_date: first.documentDate.toISOString().slice(0, 10), received_utc: first.createdAt.toISOString() });
    expect(await collect(exportRecordsCsv({ db: t.db, filter: {}, max: 30 }))).toHaveLength(30);

    const evil = await t.db.syncRecord.create({ data: { flowId: flows[0]!, objectType: "invoice", sourceId: randomUUID(), naturalKey: '=HYPERLINK("http://x.test","INV")', status: "failed", lastError: "+1-2" } });
    await t.db.recordEvent.createMany({ data: [{ recordId: evil.id, kind: "fetched", detail: { origin: "poll" } }, { recordId: evil.id, kind: "failed", detail: { error: "@SUM(A1)" } }] });
    const [line] = await collect(exportRecordsCsv({ db: t.db, filter: { q: "hyperlink" } }));
    expect(line).toMatchObject({ id: evil.id, document: `'=HYPERLINK("http://x.test","INV")`, last_error: "'+1-2" });
    const trail = await collect(exportRecordEventsCsv({ db: t.db, recordIds: [evil.id, rows[0]!.id] }));
    expect(trail.map((e) => [e.record_id, e.kind])).toEqual([[evil.id, "fetched"], [evil.id, "failed"]]);
    expect(trail[0]!.document).toBe(`'=HYPERLINK("http://x.test","INV")`);
    expect(JSON.parse(trail[1]!.detail!)).toEqual({ error: "@SUM(A1)" });
    expect((await collect(exportRecordEventsCsv({ db: t.db, filter: { q: "hyperlink" } }))).map((e) => e.kind)).toEqual(["fetched", "failed"]);
  });
});

// Last in the file: it adds records the tests above do not expect.
describe("a record retried after a failed attempt", () => {
  it("carries its next attempt time from the queue (the record:<id> job's run_at); other records carry none", async () => {
    const retried = await t.db.syncRecord.create({ data: { flowId: flows[0]!, objectType: "invoice", sourceId: "retried", naturalKey: "INV-RETRY", status: "pending", attempts: 2, lastError: "Ledger (HTTP 503)", createdAt: new Date("2030-01-01T00:00:00Z") } });
    const runAt = new Date("2030-01-01T00:00:07.389Z");
    await t.db.$executeRaw`SELECT graphile_worker.add_job('process-record', json_build_object('recordId', ${retried.id}::text), job_key => ${`record:${retried.id}`}, run_at => ${runAt}::timestamptz)`;
    const { items } = await listRecords({ db: t.db, filter: {}, limit: 3 });
    expect(items[0]).toMatchObject({ id: retried.id, attempts: 2, nextAttemptAt: runAt });
    expect(items.slice(1).map((i) => i.nextAttemptAt)).toEqual([null, null]);
  });
});
