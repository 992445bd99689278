import { boardSourceGroup, partnersOfFoundTargets } from "@/lib/mapping-admin/board-order";
import type { BoardSource, BoardTarget, MappingBoard } from "./types";

/** Headings of the source groups, by boardSourceGroup. */
const SOURCE_GROUPS = ["Unmapped, with held records", "Unmapped", "Mapped, records still held", "Mapped"];

/** Row pitch of the two columns (a value and the gap below it), and of a group heading. */
export const ROW_HEIGHT = 52;
export const HEADING_HEIGHT = 30;

export type SourceRow = { type: "heading"; id: string; text: string } | { type: "value"; id: string; value: BoardSource };
export type TargetRow = { type: "heading"; id: string; text: string } | { type: "value"; id: string; value: BoardTarget };

/** Values as rows under a heading per group, groups in the order they first appear (a group is never split, so no heading repeats). */
const withHeadings = <V, R>(values: V[], groupOf: (v: V) => string, row: (v: V) => R, heading: (text: string, count: number) => R): R[] => {
  const groups = new Map<string, V[]>();
  for (const v of values) {
    const group = groupOf(v);
    const members = groups.get(group);
    if (members) members.push(v);
    else groups.set(group, [v]);
  }
  return [...groups].flatMap(([text, members]) => [heading(text, members.length), ...members.map(row)]);
};

/**
 * The two columns of the canvas as flat row lists with group headings, in the board's order (see
 * getMappingBoard: partners of the other side's search, then unmapped values with held records,
 * unmapped ones, mapped ones). `searching` says which side's search is active.
 */
export const buildRows = (board: MappingBoard, searching: { source: boolean; target: boolean }) => {
  const partnersOfSources = new Set(searching.source ? board.sources.flatMap((s) => (s.isPartner || s.target === null ? [] : [s.target])) : []);
  const partnersOfTargets = partnersOfFoundTargets(board, searching);
  // a partner of the other side's search: listed after this side's own matches, or first when it has no search (as the board orders them)
  const isSourcePartner = (s: BoardSource) => (searching.source ? s.isPartner : partnersOfTargets.has(s.key));
  const isTargetPartner = (t: BoardTarget) => (searching.target ? t.isPartner : partnersOfSources.has(t.key));
  const sourceGroup = (s: BoardSource) =>
    isSourcePartner(s)
      ? `Mapped to the ${board.targetLabel} found`
      : SOURCE_GROUPS[boardSourceGroup(s)]!;
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
