import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { AppError } from "../errors";
import { deleteValueMap } from "./delete-value-map";
import { importValueMaps } from "./import-value-maps";
import { listValueMaps } from "./list-value-maps";
import { parseValueMapCsv, formatValueMapCsv } from "./parse-value-map-csv";
import { saveValueMap } from "./save-value-map";

let t: TestDb;
let flowId: string;
const KINDS = [
  { kind: "gl-account", targetLabel: "Acumatica GL account" },
  { kind: "customer", targetLabel: "Acumatica customer" },
];

const heldRecord = (missing: { kind: string; sourceKey: string }[], amount = "100.00") =>
  t.db.syncRecord.create({
    data: { flowId, objectType: "invoice", sourceId: randomUUID(), naturalKey: `INV-${randomUUID().slice(0, 6)}`, status: "held", statusReason: "mapping-missing", missing, amount, currency: "USD" },
  });

beforeAll(async () => {
  t = await createTestDb();
  const conn = (vendor: "zuora" | "acumatica") => t.db.connection.create({ data: { vendor, name: `${vendor}-${randomUUID()}`, baseUrl: "http://127.0.0.1:9", credentials: "unused" } });
  const [s, g] = [await conn("zuora"), await conn("acumatica")];
  flowId = (await t.db.flow.create({ data: { kind: "zuora-acumatica", name: `flow-${randomUUID()}`, sourceConnectionId: s.id, targetConnectionId: g.id } })).id;
});
afterAll(async () => t?.drop());

describe("value map CRUD", () => {
  it("creates, replaces and deletes a mapping, and counts the held records it frees", async () => {
    await heldRecord([{ kind: "gl-account", sourceKey: "Training Day" }]);
    await heldRecord([{ kind: "gl-account", sourceKey: "Training Day" }]);
    await heldRecord([{ kind: "gl-account", sourceKey: "Training Day" }, { kind: "gl-account", sourceKey: "API Calls" }]);
    const first = await saveValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "Training Day", targetValue: "40200" } });
    expect(first.valueMap).toMatchObject({ sourceKey: "Training Day", targetValue: "40200" });
    // all three wait on it; the third also waits on "API Calls", so only two can be released
    expect({ waiting: first.waiting, releasable: first.releasable }).toEqual({ waiting: 3, releasable: 2 });

    const second = await saveValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "Training Day", targetValue: "40100", targetLabel: "Subscriptions" } });
    expect(second.valueMap.id).toBe(first.valueMap.id);
    const maps = await listValueMaps({ db: t.db, flowId, kind: "gl-account" });
    expect(maps.filter((m) => m.sourceKey === "Training Day")).toMatchObject([{ targetValue: "40100", targetLabel: "Subscriptions" }]);

    await deleteValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "Training Day" } });
    expect(await listValueMaps({ db: t.db, flowId, kind: "gl-account" })).toEqual([]);
    await expect(deleteValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "Training Day" } })).rejects.toBeInstanceOf(AppError);
  });

  it("refuses empty keys and unknown flows", async () => {
    await expect(saveValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "  ", targetValue: "40100" } })).rejects.toThrow(/must not be empty/);
    await expect(saveValueMap({ db: t.db, input: { flowId: randomUUID(), kind: "customer", sourceKey: "A1", targetValue: "C1" } })).rejects.toThrow(/does not exist/);
  });
});

describe("CSV import", () => {
  it("reports every bad row by line and applies nothing", async () => {
    const csv = [
      "kind,sourceKey,targetValue,sourceLabel",
      "gl-account,Premium Support,40200,",
      "gl-acount,Typo Kind,40100,",
      "customer,,C0001,",
      "gl-account,Premium Support,40300,",
      "customer,A00000001,,",
      'customer,"A00000002, Ltd",C0002,"Quoted, with comma"',
    ].join("\n");
    const result = await importValueMaps({ db: t.db, input: { flowId, csv }, checkTargets: false });
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 3, message: 'kind "gl-acount" is not one of gl-account, customer, cash-account, payment-method, tax, tax-zone, tax-category, reversed-payment, changed-payment, canceled-invoice.' },
        { line: 4, message: "sourceKey must not be empty." },
        { line: 5, message: 'gl-account "Premium Support" is already mapped on line 2.' },
        { line: 6, message: "targetValue must not be empty." },
      ],
    });
    expect(await listValueMaps({ db: t.db, flowId })).toEqual([]);
  });

  it("needs the required columns", () => {
    expect(parseValueMapCsv({ csv: "kind,source,target\ngl-account,a,b\n", flowId, kinds: KINDS }).errors).toEqual([
      { line: 1, message: "The header must name the columns kind, sourceKey, targetValue (missing: sourceKey, targetValue)." },
    ]);
  });

  it("checks targets against the target system's catalogue when it is known", () => {
    const { errors, rows } = parseValueMapCsv({ csv: "kind,sourceKey,targetValue\ngl-account,Tax,23100\ngl-account,Other,99999\n", flowId, kinds: KINDS, targets: { "gl-account": new Set(["23100"]) } });
    expect(rows.map((r) => r.sourceKey)).toEqual(["Tax"]);
    expect(errors).toEqual([{ line: 3, message: 'Acumatica GL account "99999" does not exist in the target system.' }]);
  });

  it("imports a good file in one go, counts created/updated/unchanged and round-trips through export", async () => {
    await saveValueMap({ db: t.db, input: { flowId, kind: "gl-account", sourceKey: "API Calls", targetValue: "40000" } });
    const held = await heldRecord([{ kind: "customer", sourceKey: "A00000009" }]);
    const csv = 'kind,sourceKey,targetValue,sourceLabel,targetLabel\ngl-account,API Calls,40100,,\ncustomer,A00000009,C0009,"Acme, Inc.",Acme\ncustomer,A00000010,C0010,,\n';
    const result = await importValueMaps({ db: t.db, input: { flowId, csv }, checkTargets: false });
    expect(result).toMatchObject({ ok: true, created: 2, updated: 1, unchanged: 0 });
    // only the record waiting on A00000009: the others still wait on "Training Day" (its map was deleted)
    expect(result.ok && result.releasable).toBe(1);
    expect(await t.db.syncRecord.findUniqueOrThrow({ where: { id: held.id }, select: { status: true } })).toEqual({ status: "held" });
    const exported = formatValueMapCsv(await listValueMaps({ db: t.db, flowId }));
    expect(exported).toBe(
      'kind,sourceKey,targetValue,sourceLabel,targetLabel\ncustomer,A00000009,C0009,"Acme, Inc.",Acme\ncustomer,A00000010,C0010,,\ngl-account,API Calls,40100,,\n',
    );
    expect(await importValueMaps({ db: t.db, input: { flowId, csv: exported }, checkTargets: false })).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 3 });
  });
});
