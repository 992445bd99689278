import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../../test/db";
import { placeSavedSource } from "./board-order";
import { exportValueMaps } from "./export-value-maps";
import { getMappingBoard } from "./get-mapping-board";
import { importValueMaps } from "./import-value-maps";
import { saveValueMap } from "./save-value-map";
import { mappingBoardQuerySchema } from "./schemas";
import { setReleaseOnMapping } from "./set-release-on-mapping";

// The vendors are unreachable here (port 9): both catalogues read empty, so the board holds what the
// maps and the held records name.
let t: TestDb;
let flowId: string;
const FLOW_NAME = `Zuora → Acumatica ${randomUUID().slice(0, 8)}`;

const createFlow = async (name: string) => {
  const conn = (vendor: "zuora" | "acumatica") => t.db.connection.create({ data: { vendor, name: `${vendor}-${randomUUID()}`, baseUrl: "http://127.0.0.1:9", credentials: "unused" } });
  const [s, g] = [await conn("zuora"), await conn("acumatica")];
  return (await t.db.flow.create({ data: { kind: "zuora-acumatica", name, sourceConnectionId: s.id, targetConnectionId: g.id } })).id;
};
const heldRecord = (sourceKey: string, flow = flowId) =>
  t.db.syncRecord.create({
    data: { flowId: flow, objectType: "invoice", sourceId: randomUUID(), naturalKey: `INV-${randomUUID().slice(0, 6)}`, status: "held", statusReason: "mapping-missing", missing: [{ kind: "customer", sourceKey }], amount: "10.00", currency: "USD" },
  });
const board = (query: Record<string, string>, flow = flowId) => getMappingBoard({ db: t.db, flowId: flow, role: "admin", query: mappingBoardQuerySchema.parse({ kind: "customer", limit: "1000", ...query }) });
const keys = (values: { key: string }[]) => values.map((v) => v.key);

beforeAll(async () => {
  t = await createTestDb();
  flowId = await createFlow(FLOW_NAME);
  await t.db.valueMap.createMany({
    data: [
      { flowId, kind: "customer", sourceKey: "A1", targetValue: "C1" },
      { flowId, kind: "customer", sourceKey: "A2", targetValue: "C2" },
      { flowId, kind: "customer", sourceKey: "A3", targetValue: "C1" },
      { flowId, kind: "customer", sourceKey: "B5", targetValue: "C3" },
    ],
  });
  await heldRecord("A9");
});
afterAll(async () => t?.drop());

describe("mapping board", () => {
  it("orders unmapped values with held records first, and mapped ones in the order of their targets", async () => {
    const b = await board({});
    expect(keys(b.sources)).toEqual(["A9", "A1", "A3", "A2", "B5"]);
    expect(keys(b.targets)).toEqual(["C1", "C2", "C3"]);
    expect(b.sources.every((s) => !s.isPartner)).toBe(true);
  });

  it("a source search keeps the found sources' partners first among the targets", async () => {
    const b = await board({ sourceQ: "a2" });
    expect(keys(b.sources)).toEqual(["A2"]);
    expect(keys(b.targets)).toEqual(["C2", "C1", "C3"]);
  });

  it("a target search keeps the sources mapped to the found targets first", async () => {
    const b = await board({ targetQ: "C1" });
    expect(keys(b.targets)).toEqual(["C1"]);
    expect(keys(b.sources).slice(0, 2)).toEqual(["A1", "A3"]);
    expect(b.sourceTotal).toBe(5);
  });

  it("with both searched, each side lists its own matches, then the other side's partners it left out", async () => {
    const b = await board({ sourceQ: "A2", targetQ: "C1" });
    expect(b.sources.map((s) => [s.key, s.isPartner])).toEqual([["A2", false], ["A1", true], ["A3", true]]);
    expect(b.targets.map((t) => [t.key, t.isPartner])).toEqual([["C1", false], ["C2", true]]);
  });

  it("counts held records still waiting on a mapped key, and releases by itself once the flow says so", async () => {
    await heldRecord("A2");
    const kept = await board({});
    expect(kept.sources.find((s) => s.key === "A2")).toMatchObject({ heldMapped: 1, releasable: 1 });
    expect(kept.releasableTotal).toBe(1);
    expect(kept.releaseOnMapping).toBe(false);

    const asked = await saveValueMap({ db: t.db, input: { flowId, kind: "customer", sourceKey: "A9", targetValue: "C3" } });
    expect(asked).toMatchObject({ released: 0, waiting: 1, releasable: 1, releaseOnMapping: false });

    await setReleaseOnMapping({ db: t.db, input: { flowId, releaseOnMapping: true } });
    await heldRecord("A7");
    const auto = await saveValueMap({ db: t.db, input: { flowId, kind: "customer", sourceKey: "A7", targetValue: "C2" } });
    expect(auto).toMatchObject({ released: 1, waiting: 0, releasable: 0, releaseOnMapping: true });
    await heldRecord("A8");
    const imported = await importValueMaps({ db: t.db, input: { flowId, csv: "kind,sourceKey,targetValue\ncustomer,A8,C1\n" }, checkTargets: false });
    expect(imported).toMatchObject({ ok: true, created: 1, released: 1 });
    expect(await t.db.syncRecord.count({ where: { flowId, status: "held" } })).toBe(2);
  });

  it("names the export after the flow, the kind and the day", async () => {
    const one = await exportValueMaps({ db: t.db, flowId, kind: "customer", now: new Date("2026-12-07T23:30:00Z") });
    expect(one.fileName).toBe(`${FLOW_NAME.replace("→", "to")} - customer mappings - 2026-12-07.csv`);
    expect(one.csv.split("\n")[0]).toBe("kind,sourceKey,targetValue,sourceLabel,targetLabel");
    expect((await exportValueMaps({ db: t.db, flowId, now: new Date("2026-12-07T00:00:00Z") })).fileName).toMatch(/ - all mappings - 2026-12-07\.csv$/);
  });
});

// The canvas places a saved value at once (placeSavedSource); the board read back after the save must
// list it in the same place, or the value jumps under the pointer a moment after the drop.
describe("a value placed by a save", () => {
  let placing: string;
  beforeAll(async () => {
    placing = await createFlow(`Placing ${randomUUID().slice(0, 8)}`);
    await t.db.valueMap.createMany({
      data: [
        { flowId: placing, kind: "customer", sourceKey: "ZA-05", targetValue: "SC23" },
        { flowId: placing, kind: "customer", sourceKey: "ZA-30", targetValue: "SC24" },
        { flowId: placing, kind: "customer", sourceKey: "ZA-31", targetValue: "SC22" },
      ],
    });
    for (const k of ["ZA-01", "ZA-02", "ZA-04", "ZA-06", "ZA-07", "ZA-07", "ZA-08"]) await heldRecord(k, placing);
  });
  const cases: { name: string; query: Record<string, string>; save: { sourceKey: string; targetValue: string } }[] = [
    { name: "no search", query: {}, save: { sourceKey: "ZA-04", targetValue: "SC24" } },
    { name: "both columns searched", query: { sourceQ: "ZA-0", targetQ: "SC2" }, save: { sourceKey: "ZA-07", targetValue: "SC24" } },
    { name: "the target column searched", query: { targetQ: "SC23" }, save: { sourceKey: "ZA-06", targetValue: "SC23" } },
    { name: "the source column searched", query: { sourceQ: "ZA-0" }, save: { sourceKey: "ZA-02", targetValue: "SC23" } },
  ];
  for (const c of cases) {
    it(`stays where the board read back lists it (${c.name})`, async () => {
      const searching = { source: "sourceQ" in c.query, target: "targetQ" in c.query };
      const before = await board(c.query, placing);
      const placed = placeSavedSource(before, searching, c.save);
      expect(keys(placed), "the saved value moved").not.toEqual(keys(before.sources));
      await saveValueMap({ db: t.db, input: { flowId: placing, kind: "customer", ...c.save } });
      expect(keys(placed)).toEqual(keys((await board(c.query, placing)).sources));
    });
  }
});
