/** A value map row as mapping functions see it (the ValueMap table, without bookkeeping columns). */
export type ValueMapEntry = { kind: string; sourceKey: string; targetValue: string };

/**
 * Value maps of one flow indexed by kind, then source key. Pure data: build it once per job from
 * the flow's ValueMap rows and hand it to the mapping functions.
 */
export type ValueMapIndex = ReadonlyMap<string, ReadonlyMap<string, string>>;

export const indexValueMaps = (entries: readonly ValueMapEntry[]): ValueMapIndex => {
  const index = new Map<string, Map<string, string>>();
  for (const { kind, sourceKey, targetValue } of entries) {
    let byKey = index.get(kind);
    if (!byKey) index.set(kind, (byKey = new Map()));
    byKey.set(sourceKey, targetValue);
  }
  return index;
};
