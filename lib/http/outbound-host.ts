import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isForbiddenAddress, isForbiddenTenantUrl } from "./is-forbidden-tenant-url";

/*
 * The outbound guard of every vendor call: a tenant URL (or a Location a vendor answered) must not
 * reach a link-local address or a cloud metadata service (169.254.0.0/16, fe80::/10, fd00:ec2::254,
 * metadata.google.internal): the server calls it with stored credentials and, on a cloud VM, such an
 * address hands out the machine's own credentials. Checked on the literal host, then on every address
 * its name resolves to (cached for a minute). Loopback and private addresses stay allowed: self-hosted
 * installs and the vendor sandbox use them. `allowLinkLocal` (a connection's explicit opt-in) turns it off.
 */

export type ResolveHost = (host: string) => Promise<{ address: string }[]>;

const defaultResolve: ResolveHost = (host) => lookup(host, { all: true });

const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; forbidden: boolean }>();

/**
 * The scheme and authority of an http(s) URL as written (up to the first "/", "?", "#" or "\\", where
 * the URL standard ends the authority of these schemes), or undefined for anything else. The host
 * the URL parser reads is a function of that text alone, so two URLs with the same prefix have the
 * same host and the same answer.
 */
const authorityOf = (url: string): string | undefined => {
  const start = url.startsWith("https://") ? 8 : url.startsWith("http://") ? 7 : -1;
  if (start === -1) return undefined;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) return url.slice(0, i);
  }
  return url;
};

/** Answers per URL prefix (authorityOf) with the default resolver, kept as long as its DNS answer: most calls skip both URL parses. */
const answers = new Map<string, { at: number; reason: string | undefined }>();

/** The reason a URL may not be called, or undefined when it may. A name that does not resolve passes (the call then fails as a network error). */
export const forbiddenHostReason = async (url: string, { resolve = defaultResolve, now = Date.now() }: { resolve?: ResolveHost; now?: number } = {}): Promise<string | undefined> => {
  const prefix = resolve === defaultResolve ? authorityOf(url) : undefined;
  const known = prefix === undefined ? undefined : answers.get(prefix);
  if (known && now - known.at < CACHE_MS) return known.reason;
  const { reason, settled } = await hostReason(url, resolve, now);
  if (prefix !== undefined && settled) {
    if (answers.size > 1_000) answers.clear();
    answers.set(prefix, { at: now, reason });
  }
  return reason;
};

/** The reason (or none) and whether it may be reused: not after a failed look-up, which is asked again next time. */
const hostReason = async (url: string, resolve: ResolveHost, now: number): Promise<{ reason: string | undefined; settled: boolean }> => {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return { reason: undefined, settled: false }; // the request reports an unparseable URL itself
  }
  const reason = `${host} is a link-local or cloud metadata address; ml-connector does not call it`;
  if (isForbiddenTenantUrl(url)) return { reason, settled: true };
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) || bare === "localhost") return { reason: undefined, settled: true };
  const hit = resolve === defaultResolve ? cache.get(bare) : undefined;
  if (hit && now - hit.at < CACHE_MS) return { reason: hit.forbidden ? `${reason} (it resolves to one)` : undefined, settled: true };
  let forbidden = false;
  try {
    forbidden = (await resolve(bare)).some((a) => isForbiddenAddress(a.address));
  } catch {
    return { reason: undefined, settled: false };
  }
  if (resolve === defaultResolve) {
    if (cache.size > 1_000) cache.clear();
    cache.set(bare, { at: now, forbidden });
  }
  return { reason: forbidden ? `${reason} (it resolves to one)` : undefined, settled: true };
};
