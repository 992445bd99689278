/** How long vendor catalogues (GL accounts, customers, billing accounts) are reused: 10 minutes. */
export const CATALOG_TTL_MS = 10 * 60_000;

type Entry<T> = { at: number; value: Promise<T> };

const globalForCache = globalThis as unknown as { mlcCatalogCache?: Map<string, Entry<unknown>> };
const cache = (globalForCache.mlcCatalogCache ??= new Map());

/**
 * Process-wide TTL cache of vendor reads for the mapping canvas, so opening or searching the canvas
 * costs no vendor call. A failed read is not kept (the next request tries again). Concurrent callers
 * share one in-flight read.
 */
export const cached = <T>(key: string, load: () => Promise<T>, { refresh = false, now = Date.now() }: { refresh?: boolean; now?: number } = {}): Promise<T> => {
  const hit = cache.get(key) as Entry<T> | undefined;
  if (hit && !refresh && now - hit.at < CATALOG_TTL_MS) return hit.value;
  const value = load();
  cache.set(key, { at: now, value });
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key);
  });
  return value;
};

/** Forgets every cached catalogue of a flow (e.g. after its connections changed). */
export const clearCatalogCache = (prefix = "") => {
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
};
