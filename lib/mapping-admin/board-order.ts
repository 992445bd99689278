import type { BoardSource, MappingBoard } from "./get-mapping-board";

/** A source's group on the canvas, in the board's order: unmapped with held records, unmapped, mapped with records still held, mapped. */
export const boardSourceGroup = (s: BoardSource) => (s.target === null ? (s.waiting > 0 ? 0 : 1) : s.heldMapped > 0 ? 2 : 3);

/**
 * The board's order of sources, shared by the server (getMappingBoard) and the canvas's optimistic
 * save, so a value placed at once by a save does not move again when the board is read back:
 * `rank` first (where the other side's search puts partners), then the group, the held records
 * (most first), the position of the mapped target in the target column, and the key.
 */
export const compareBoardSources =
  ({ rank, targetOrder }: { rank: (s: BoardSource) => number; targetOrder: ReadonlyMap<string, number> }) =>
  (a: BoardSource, b: BoardSource) =>
    rank(a) - rank(b) ||
    boardSourceGroup(a) - boardSourceGroup(b) ||
    b.waiting - a.waiting ||
    (targetOrder.get(a.target ?? "") ?? Infinity) - (targetOrder.get(b.target ?? "") ?? Infinity) ||
    a.key.localeCompare(b.key);

/** Sources mapped to a target the target search found (not a partner shown for the source search). */
export const partnersOfFoundTargets = (board: MappingBoard, searching: { target: boolean }) => {
  const foundTargets = new Set(board.targets.flatMap((t) => (t.isPartner ? [] : [t.key])));
  return new Set(searching.target ? board.sources.flatMap((s) => (s.target !== null && foundTargets.has(s.target) ? [s.key] : [])) : []);
};

/**
 * The board's sources after saving `sourceKey` -> `targetValue`, with that value moved to where the
 * board puts it (compareBoardSources, as the server orders them), so the value does not move again
 * when the saved board is read back. A save that makes its target a new partner of a source search
 * moves that target up the target column when the board is read back, and the sources follow it then.
 */
export const placeSavedSource = (board: MappingBoard, searching: { source: boolean; target: boolean }, saved: { sourceKey: string; targetValue: string }): BoardSource[] => {
  const current = board.sources.find((s) => s.key === saved.sourceKey);
  if (!current) return board.sources;
  const rest = board.sources.filter((s) => s.key !== saved.sourceKey);
  // its held records now wait on nothing of this key (or were released, when the flow releases by itself); how many a release frees is read back
  const value = { ...current, target: saved.targetValue, waiting: 0, amountByCurrency: {}, heldMapped: board.releaseOnMapping ? current.heldMapped : current.heldMapped + current.waiting, releasable: 0 };
  const after = { ...board, sources: [...rest, value] };
  const partners = partnersOfFoundTargets(after, searching);
  const compare = compareBoardSources({
    rank: (s) => (searching.source ? Number(s.isPartner) : Number(!partners.has(s.key))),
    targetOrder: new Map(board.targets.map((t, i) => [t.key, i])),
  });
  const at = rest.findIndex((s) => compare(value, s) < 0);
  return at === -1 ? [...rest, value] : [...rest.slice(0, at), value, ...rest.slice(at)];
};
