import { describe, expect, it } from "vitest";
import { Table } from "./table";

type Row = { code: string; name: string };

describe("Table", () => {
  it("keeps records in the order they last changed and reads changes since a stamp", () => {
    const table = new Table<Row>({ name: (r) => r.name });
    table.put("a", { code: "a", name: "Alpha" }, 1, 100);
    table.put("b", { code: "b", name: "Beta" }, 2, 200);
    table.put("c", { code: "c", name: "Gamma" }, 3, 300);
    table.put("a", { code: "a", name: "Alpha 2" }, 4, 400);
    expect([...table.inOrder()].map((r) => r.key)).toEqual(["b", "c", "a"]);
    expect([...table.inOrder(250)].map((r) => r.key)).toEqual(["c", "a"]);
    expect([...table.inOrder(401)]).toEqual([]);
    expect(table.size).toBe(3);
  });

  it("indexes columns case-insensitively and follows replacements", () => {
    const table = new Table<Row>({ name: (r) => r.name });
    table.put("a", { code: "a", name: "Acme" }, 1, 1);
    table.put("b", { code: "b", name: "ACME" }, 2, 2);
    expect(table.keysWhere("name", "acme")).toEqual(["a", "b"]);
    expect(table.groups("name")).toEqual([{ value: "acme", keys: ["a", "b"] }]);
    table.put("a", { code: "a", name: "Other" }, 3, 3);
    expect(table.keysWhere("name", "acme")).toEqual(["b"]);
    expect(table.groups("name")).toEqual([]);
  });

  it("compacts its log after many replacements without losing order, and restores from a snapshot", () => {
    const table = new Table<Row>({});
    for (let i = 0; i < 3_000; i += 1) table.put(String(i % 10), { code: String(i % 10), name: `n${i}` }, i + 1, i + 1);
    const order = [...table.inOrder()].map((r) => r.record.name);
    expect(order).toEqual(Array.from({ length: 10 }, (_, k) => `n${2_990 + k}`));
    const copy = new Table<Row>({});
    copy.restore(table.snapshot());
    expect([...copy.inOrder(2_995)].map((r) => r.record.name)).toEqual(["n2994", "n2995", "n2996", "n2997", "n2998", "n2999"]);
  });
});
