import { indexValueMaps, type ValueMapIndex } from "../mapping/value-map-index";

/** The version a flow's value maps have before any was written (no ValueMapVersion row yet). */
export const NO_VALUE_MAP_VERSION = "none";

type Cached = { version: string; maps: ValueMapIndex };

/**
 * The flows' value maps, per process (per database client) and flow, reused while the flow's value
 * map version (ValueMapVersion, moved by triggers on every write of a map) is unchanged: a claim
 * tells which versions this process holds and gets a flow's maps back only when they moved (see
 * claimRecords), and any saved, imported or deleted map is seen by the next claim.
 */
const caches = new WeakMap<object, Map<string, Cached>>();

/** The cache of one database client, by flow id. */
export const valueMapCacheOf = (db: object): Map<string, Cached> => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
};

/** Keeps a flow's maps as read at `version` (rows as [kind, sourceKey, targetValue]). */
export const cacheValueMaps = (db: object, flowId: string, version: string, rows: readonly (readonly [string, string, string])[]): ValueMapIndex => {
  const maps = indexValueMaps(rows.map(([kind, sourceKey, targetValue]) => ({ kind, sourceKey, targetValue })));
  valueMapCacheOf(db).set(flowId, { version, maps });
  return maps;
};
