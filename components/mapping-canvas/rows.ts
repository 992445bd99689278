import type { BoardSource, BoardTarget, MappingBoard } from "./types";

/** Row pitch of the two columns (a value and the gap below it), and of a group heading. */
export const ROW_HEIGHT = 52;
export const HEADING_HEIGHT = 30;

export type SourceRow = { type: "heading"; id: string; text: string } | { type: "value"; id: string; value: BoardSource };
export type TargetRow = { type: "heading"; id: string; text: string } | { type: "value"; id: string; value: BoardTarget };

const withHeadings = <V, R>(values: V[], groupOf: (v: V) => string, row: (v: V) => R, heading: (text: string, count: number) => R): R[] => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(groupOf(v), (counts.get(groupOf(v)) ?? 0) + 1);
  const rows: R[] = [];
  let current: string | null = null;
  for (const v of values) {
    const group = groupOf(v);
    if (group !== current) rows.push(heading(group, counts.get(group) ?? 0));
    current = group;
    rows.push(row(v));
  }
  return rows;
};

/**
 * The two columns of the canvas as flat row lists with group headings, in the board's order (see
 * getMappingBoard: partners of the other side's search, then unmapped values with held records,
 * unmapped ones, mapped ones). `searching` says which side's search is active.
 */
export const buildRows = (board: MappingBoard, searching: { source: boolean; target: boolean }) => {
  const partnersOfSources = new Set(searching.source ? board.sources.flatMap((s) => (s.isPartner || s.target === null ? [] : [s.target])) : []);
  const foundTargets = new Set(board.targets.flatMap((t) => (t.isPartner ? [] : [t.key])));
  const partnersOfTargets = new Set(searching.target ? board.sources.flatMap((s) => (s.target !== null && foundTargets.has(s.target) ? [s.key] : [])) : []);
  // a partner of the other side's search: listed after this side's own matches, or first when it has no search (as the board orders them)
  const isSourcePartner = (s: BoardSource) => (searching.source ? s.isPartner : partnersOfTargets.has(s.key));
  const isTargetPartner = (t: BoardTarget) => (searching.target ? t.isPartner : partnersOfSources.has(t.key));
  const sourceGroup = (s: BoardSource) =>
    isSourcePartner(s)
      ? `Mapped to the ${board.targetLabel} found`
      : s.target === null
        ? s.waiting > 0
          ? "Unmapped, with held records"
          : "Unmapped"
        : s.heldMapped > 0
          ? "Mapped, records still held"
          : "Mapped";
  const targetGroup = (t: BoardTarget) => (isTargetPartner(t) ? `Partners of the ${board.sourceLabel} found` : t.mappedCount > 0 ? "In use" : "Not used yet");
  const sources = withHeadings<BoardSource, SourceRow>(
    board.sources,
    sourceGroup,
    (value) => ({ type: "value", id: `s:${value.key}`, value }),
    (text, count) => ({ type: "heading", id: `sh:${text}`, text: `${text} (${count.toLocaleString("en-US")})` }),
  );
  const targets = withHeadings<BoardTarget, TargetRow>(
    board.targets,
    targetGroup,
    (value) => ({ type: "value", id: `t:${value.key}`, value }),
    (text, count) => ({ type: "heading", id: `th:${text}`, text: `${text} (${count.toLocaleString("en-US")})` }),
  );
  const targetIndex = new Map<string, number>();
  targets.forEach((r, i) => r.type === "value" && targetIndex.set(r.value.key, i));
  const sourceIndex = new Map<string, number>();
  sources.forEach((r, i) => r.type === "value" && sourceIndex.set(r.value.key, i));
  // the sources mapped to each target, for the partner shown on a target
  const mappedFrom = new Map<string, string[]>();
  for (const s of board.sources) if (s.target !== null) mappedFrom.set(s.target, [...(mappedFrom.get(s.target) ?? []), s.key]);
  return { sources, targets, sourceIndex, targetIndex, mappedFrom };
};
