import { indexValueMaps, type ValueMapIndex } from "../mapping/value-map-index";

/** The version a flow's value maps have before any was written (no ValueMapVersion row yet). */
export const NO_VALUE_MAP_VERSION = "none";

type Cached = { version: string; maps: ValueMapIndex };

/**
 * Whether maps at `version` are at least as new as those at `than`. Versions count up in commit order
 * (a reader that sees version n sees every map written by the statements that made it n), and
 * "none" comes before every count.
 */
export const isAtLeastVersion = (version: string, than: string): boolean =>
  than === NO_VALUE_MAP_VERSION || (version !== NO_VALUE_MAP_VERSION && BigInt(version) >= BigInt(than));

/**
 * The flows' value maps, per process (per database client) and flow, reused while the flow's value
 * map version (ValueMapVersion, moved by triggers on every write of a map) is not newer: a claim
 * tells which versions this process holds and gets a flow's maps back only when they moved (see
 * claimRecords), and any saved, imported or deleted map is seen by the next claim. A record uses
 * maps at least as new as those its claim saw: its batch's claims and others', whichever is newest.
 */
const caches = new WeakMap<object, Map<string, Cached>>();

/** The cache of one database client, by flow id. */
export const valueMapCacheOf = (db: object): Map<string, Cached> => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
};

/**
 * Keeps a flow's maps as read at `version` (rows as [kind, sourceKey, targetValue]), unless the cache
 * holds newer ones already (claims of concurrent batches answer in any order); answers the maps read.
 */
export const cacheValueMaps = (db: object, flowId: string, version: string, rows: readonly (readonly [string, string, string])[]): ValueMapIndex => {
  const maps = indexValueMaps(rows.map(([kind, sourceKey, targetValue]) => ({ kind, sourceKey, targetValue })));
  const cache = valueMapCacheOf(db);
  const cached = cache.get(flowId);
  if (!cached || isAtLeastVersion(version, cached.version)) cache.set(flowId, { version, maps });
  return maps;
};
