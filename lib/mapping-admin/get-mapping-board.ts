import type { Db } from "../db";
import { AppError } from "../errors";
import type { UserRole } from "../users/schemas";
import { listMissingMappings } from "../sync/list-missing-mappings";
import { readCatalog } from "../sync/read-catalog";
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
};
export type BoardTarget = { key: string; label: string | null; inactive?: boolean; mappedCount: number; inCatalog: boolean };

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
  sourceError: string | null;
  targetError: string | null;
  readAt: string;
};

const matches = (q: string | undefined) => {
  const needle = q?.toLowerCase();
  return (v: { key: string; label: string | null }) => !needle || v.key.toLowerCase().includes(needle) || (v.label?.toLowerCase().includes(needle) ?? false);
};

/**
 * What the mapping canvas shows for one of the flow kind's value-map kinds (its catalogue readers give both sides): a window of sources (unmapped ones with waiting records
 * first, then by key) and of targets (mapped ones first), each filtered by its search, plus the
 * mappings and coverage counts. Catalogues come from the cache (`refresh`, admins only, reads them
 * from the vendors again); maps and holds are read live.
 */
export const getMappingBoard = async ({ db, flowId, query, role }: { db: Db; flowId: string; query: MappingBoardQuery; role: UserRole }): Promise<MappingBoard> => {
  const refresh = query.refresh === "1";
  // a refresh calls the vendors (rate limits, licence): an admin's decision
  if (refresh && role !== "admin") throw new AppError("FORBIDDEN", { userMessage: "Only an admin can read the catalogues from the vendors again; the cached values are shown." });
  const kinds = await listValueMapKinds({ db, flowId });
  const declared = query.kind ? requireValueMapKind(kinds, query.kind) : kinds[0];
  if (!declared) throw new AppError("INVALID_INPUT", { userMessage: "This flow has no mappings." });
  const kind = declared.kind;
  const [sourceRead, targetRead, maps, missing] = await Promise.all([
    readCatalog({ db, flowId, kind, side: "source", refresh }),
    readCatalog({ db, flowId, kind, side: "target", refresh }),
    listValueMaps({ db, flowId, kind }),
    listMissingMappings({ db, flowId }),
  ]);
  const sources = new Map<string, BoardSource>();
  for (const v of sourceRead.values) sources.set(v.key, { key: v.key, label: v.label, target: null, waiting: 0, amountByCurrency: {} });
  for (const m of maps) {
    const s = sources.get(m.sourceKey) ?? { key: m.sourceKey, label: m.sourceLabel, target: null, waiting: 0, amountByCurrency: {} };
    sources.set(m.sourceKey, { ...s, label: s.label ?? m.sourceLabel, target: m.targetValue });
  }
  let recordsWaiting = 0;
  for (const m of missing) {
    if (m.kind !== kind) continue;
    recordsWaiting += m.records;
    const s = sources.get(m.sourceKey) ?? { key: m.sourceKey, label: null, target: null, waiting: 0, amountByCurrency: {} };
    sources.set(m.sourceKey, { ...s, label: s.label ?? (m.label && m.label !== m.sourceKey ? m.label : null), waiting: m.records, amountByCurrency: m.amountByCurrency });
  }
  const mappedCount = new Map<string, number>();
  for (const m of maps) mappedCount.set(m.targetValue, (mappedCount.get(m.targetValue) ?? 0) + 1);
  const targets = new Map<string, BoardTarget>();
  for (const v of targetRead.values) targets.set(v.key, { ...v, mappedCount: mappedCount.get(v.key) ?? 0, inCatalog: true });
  for (const m of maps) if (!targets.has(m.targetValue)) targets.set(m.targetValue, { key: m.targetValue, label: m.targetLabel, mappedCount: mappedCount.get(m.targetValue) ?? 0, inCatalog: false });

  const allSources = [...sources.values()];
  const shownSources = allSources
    .filter(matches(query.sourceQ))
    .filter((s) => (query.show === "unmapped" ? s.target === null : query.show === "waiting" ? s.waiting > 0 : true))
    .sort((a, b) => Number(a.target !== null) - Number(b.target !== null) || b.waiting - a.waiting || a.key.localeCompare(b.key));
  const shownTargets = [...targets.values()].filter(matches(query.targetQ)).sort((a, b) => Number(b.mappedCount > 0) - Number(a.mappedCount > 0) || a.key.localeCompare(b.key));
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
    sourceError: sourceRead.error,
    targetError: targetRead.error,
    readAt: sourceRead.readAt < targetRead.readAt ? sourceRead.readAt : targetRead.readAt,
  };
};
