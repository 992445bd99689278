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

/** The reason a URL may not be called, or undefined when it may. A name that does not resolve passes (the call then fails as a network error). */
export const forbiddenHostReason = async (url: string, { resolve = defaultResolve, now = Date.now() }: { resolve?: ResolveHost; now?: number } = {}): Promise<string | undefined> => {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined; // fetch reports an unparseable URL itself
  }
  const reason = `${host} is a link-local or cloud metadata address; ml-connector does not call it`;
  if (isForbiddenTenantUrl(url)) return reason;
  const bare = host.replace(/^\[|\]$/g, "");
  if (isIP(bare) || bare === "localhost") return undefined;
  const hit = resolve === defaultResolve ? cache.get(bare) : undefined;
  if (hit && now - hit.at < CACHE_MS) return hit.forbidden ? `${reason} (it resolves to one)` : undefined;
  let forbidden = false;
  try {
    forbidden = (await resolve(bare)).some((a) => isForbiddenAddress(a.address));
  } catch {
    return undefined;
  }
  if (resolve === defaultResolve) {
    if (cache.size > 1_000) cache.clear();
    cache.set(bare, { at: now, forbidden });
  }
  return forbidden ? `${reason} (it resolves to one)` : undefined;
};
