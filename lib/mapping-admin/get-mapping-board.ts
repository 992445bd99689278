import type { Db } from "../db";
import { AppError } from "../errors";
import type { UserRole } from "../users/schemas";
import { listMissingMappings } from "../sync/list-missing-mappings";
import { readCatalog } from "../sync/read-catalog";
import { compareBoardSources } from "./board-order";
import { listHeldOnMappedKeys } from "./list-held-on-mapped-keys";
import { listValueMapKinds } from "./list-value-map-kinds";
import { listValueMaps } from "./list-value-maps";
import { requireValueMapKind } from "./require-value-map-kind";
import type { MappingBoardQuery } from "./schemas";

/** A source value on the canvas with its mapping and what waits on it. */
export type BoardSource = {
  key: string;
  label: string | null;
  /** the mapped target value, null when unmapped */
  target: string | null;
  /** held records waiting on this key, and their total per currency */
  waiting: number;
  amountByCurrency: Record<string, string>;
  /** mapped, yet held records still name it: how many, and how many a release would free now */
  heldMapped: number;
  releasable: number;
  /** shown only because it is mapped to a target the target search matched */
  isPartner: boolean;
};
export type BoardTarget = {
  key: string;
  label: string | null;
  inactive?: boolean;
  mappedCount: number;
  inCatalog: boolean;
  /** shown only because a source the source search matched maps to it */
  isPartner: boolean;
};

export type MappingBoard = {
  kind: string;
  /** what each side lists, from the flow kind's declaration */
  sourceLabel: string;
  targetLabel: string;
  sources: BoardSource[];
  targets: BoardTarget[];
  /** matches of each side's search before windowing (what "showing 1-150 of N" counts) */
  sourceTotal: number;
  targetTotal: number;
  /** every value of each side before searching */
  sourceCount: number;
  targetCount: number;
  /** unmapped sources with held records, and all held records waiting on this kind (coverage summary) */
  unmappedWaiting: number;
  recordsWaiting: number;
  /** held records of this kind whose mappings all exist now (released by "Release now") */
  releasableTotal: number;
  /** the flow releases held records by itself when their mapping is saved */
  releaseOnMapping: boolean;
  sourceError: string | null;
  targetError: string | null;
  readAt: string;
};

const matches = (q: string | undefined) => {
  const needle = q?.toLowerCase();
  return (v: { key: string; label: string | null }) => !needle || v.key.toLowerCase().includes(needle) || (v.label?.toLowerCase().includes(needle) ?? false);
};

/**
 * What the mapping canvas shows for one of the flow kind's value-map kinds (its catalogue readers
 * give both sides): a window of sources and of targets, each filtered by its search, with the
 * mappings, coverage counts and what a release would free.
 *
 * A search keeps the other side's match visible: targets that matched sources map to, and sources
 * mapped to matched targets, are shown too (`isPartner`), so a found pair is always on screen.
 * Order keeps lines short and parallel: unmapped sources with held records first, then unmapped
 * ones, then mapped ones with records still held, then mapped ones, each in the order of their targets; targets in use first, by key.
 * Catalogues come from the cache (`refresh`, admins only, reads them from the vendors again); maps
 * and holds are read live.
 */
export const getMappingBoard = async ({ db, flowId, query, role }: { db: Db; flowId: string; query: MappingBoardQuery; role: UserRole }): Promise<MappingBoard> => {
  const refresh = query.refresh === "1";
  // a refresh calls the vendors (rate limits, licence): an admin's decision
  if (refresh && role !== "admin") throw new AppError("FORBIDDEN", { userMessage: "Only an admin can read the catalogues from the vendors again; the cached values are shown." });
  const kinds = await listValueMapKinds({ db, flowId });
  const declared = query.kind ? requireValueMapKind(kinds, query.kind) : kinds[0];
  if (!declared) throw new AppError("INVALID_INPUT", { userMessage: "This flow has no mappings." });
  const kind = declared.kind;
  const [sourceRead, targetRead, maps, missing, heldMapped, flow] = await Promise.all([
    readCatalog({ db, flowId, kind, side: "source", refresh }),
    readCatalog({ db, flowId, kind, side: "target", refresh }),
    listValueMaps({ db, flowId, kind }),
    listMissingMappings({ db, flowId }),
    listHeldOnMappedKeys({ db, flowId, kind }),
    db.flow.findUnique({ where: { id: flowId }, select: { releaseOnMapping: true } }),
  ]);
  const blank = (key: string, label: string | null): BoardSource => ({ key, label, target: null, waiting: 0, amountByCurrency: {}, heldMapped: 0, releasable: 0, isPartner: false });
  const sources = new Map<string, BoardSource>();
  for (const v of sourceRead.values) sources.set(v.key, blank(v.key, v.label));
  for (const m of maps) {
    const s = sources.get(m.sourceKey) ?? blank(m.sourceKey, m.sourceLabel);
    sources.set(m.sourceKey, { ...s, label: s.label ?? m.sourceLabel, target: m.targetValue });
  }
  let recordsWaiting = 0;
  for (const m of missing) {
    if (m.kind !== kind) continue;
    recordsWaiting += m.records;
    const s = sources.get(m.sourceKey) ?? blank(m.sourceKey, null);
    sources.set(m.sourceKey, { ...s, label: s.label ?? (m.label && m.label !== m.sourceKey ? m.label : null), waiting: m.records, amountByCurrency: m.amountByCurrency });
  }
  let releasableTotal = 0;
  for (const h of heldMapped) {
    const s = sources.get(h.sourceKey);
    if (s) sources.set(h.sourceKey, { ...s, heldMapped: h.held, releasable: h.releasable });
    releasableTotal += h.releasable;
  }
  const mappedCount = new Map<string, number>();
  for (const m of maps) mappedCount.set(m.targetValue, (mappedCount.get(m.targetValue) ?? 0) + 1);
  const targets = new Map<string, BoardTarget>();
  for (const v of targetRead.values) targets.set(v.key, { ...v, mappedCount: mappedCount.get(v.key) ?? 0, inCatalog: true, isPartner: false });
  for (const m of maps) if (!targets.has(m.targetValue)) targets.set(m.targetValue, { key: m.targetValue, label: m.targetLabel, mappedCount: mappedCount.get(m.targetValue) ?? 0, inCatalog: false, isPartner: false });

  const allSources = [...sources.values()];
  const byShow = (s: BoardSource) => (query.show === "unmapped" ? s.target === null : query.show === "waiting" ? s.waiting > 0 || s.heldMapped > 0 : true);
  const sourceMatches = allSources.filter(matches(query.sourceQ)).filter(byShow);
  const targetMatches = [...targets.values()].filter(matches(query.targetQ));
  // Each side's search keeps the partners of the other side's matches on screen: added after that
  // side's own matches when its own search left them out (isPartner), listed first when it has none.
  const sourceMatchKeys = new Set(sourceMatches.map((s) => s.key));
  const targetMatchKeys = new Set(targetMatches.map((t) => t.key));
  const partnersOfSources = new Set(query.sourceQ ? sourceMatches.flatMap((s) => (s.target === null ? [] : [s.target])) : []);
  const partnersOfTargets = new Set(query.targetQ ? allSources.filter((s) => s.target !== null && targetMatchKeys.has(s.target)).map((s) => s.key) : []);
  const targetRank = (t: BoardTarget) => (query.targetQ ? Number(t.isPartner) : Number(!partnersOfSources.has(t.key)));
  const sourceRank = (s: BoardSource) => (query.sourceQ ? Number(s.isPartner) : Number(!partnersOfTargets.has(s.key)));
  const shownTargets = [
    ...targetMatches,
    ...[...partnersOfSources].flatMap((k) => (targetMatchKeys.has(k) || !targets.has(k) ? [] : [{ ...targets.get(k)!, isPartner: true }])),
  ].sort((a, b) => targetRank(a) - targetRank(b) || Number(b.mappedCount > 0) - Number(a.mappedCount > 0) || a.key.localeCompare(b.key));
  const targetOrder = new Map(shownTargets.map((t, i) => [t.key, i]));
  const shownSources = [...sourceMatches, ...allSources.filter((s) => partnersOfTargets.has(s.key) && !sourceMatchKeys.has(s.key)).filter(byShow).map((s) => ({ ...s, isPartner: true }))].sort(
    compareBoardSources({ rank: sourceRank, targetOrder }),
  );
  return {
    kind,
    sourceLabel: declared.sourceLabel,
    targetLabel: declared.targetLabel,
    sources: shownSources.slice(query.sourceOffset, query.sourceOffset + query.limit),
    targets: shownTargets.slice(query.targetOffset, query.targetOffset + query.limit),
    sourceTotal: shownSources.length,
    targetTotal: shownTargets.length,
    sourceCount: allSources.length,
    targetCount: targets.size,
    unmappedWaiting: allSources.filter((s) => s.target === null && s.waiting > 0).length,
    recordsWaiting,
    releasableTotal,
    releaseOnMapping: flow?.releaseOnMapping ?? false,
    sourceError: sourceRead.error,
    targetError: targetRead.error,
    readAt: sourceRead.readAt < targetRead.readAt ? sourceRead.readAt : targetRead.readAt,
  };
};
