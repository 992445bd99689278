import { describe, expect, it } from "vitest";
import { buildRows } from "./rows";
import type { BoardSource, MappingBoard } from "./types";

const source = (key: string, target: string | null, waiting = 0): BoardSource => ({ key, label: null, target, waiting, amountByCurrency: {}, heldMapped: 0, releasable: 0, isPartner: false });
const board = (sources: BoardSource[]): MappingBoard => ({
  kind: "customer",
  sourceLabel: "billing account",
  targetLabel: "customer",
  sources,
  targets: [],
  sourceTotal: sources.length,
  targetTotal: 0,
  sourceCount: sources.length,
  targetCount: 0,
  unmappedWaiting: 0,
  recordsWaiting: 0,
  releasableTotal: 0,
  releaseOnMapping: false,
  sourceError: null,
  targetError: null,
  readAt: new Date(0).toISOString(),
});

describe("the canvas's rows", () => {
  it("list each group once under one heading, even when mapped and unmapped values come by turns", () => {
    // the order a value saved in place leaves behind: mapped values between unmapped ones
    const rows = buildRows(board([source("A1", null), source("A2", "C1"), source("A3", null), source("A4", "C2"), source("A5", null, 2)]), { source: false, target: false }).sources;
    expect(rows.map((r) => (r.type === "heading" ? r.text : r.value.key))).toEqual(["Unmapped (2)", "A1", "A3", "Mapped (2)", "A2", "A4", "Unmapped, with held records (1)", "A5"]);
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
