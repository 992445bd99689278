// Pure (no node: imports): the connection forms run it in the browser too.

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ipFamily = (ip: string): 0 | 4 | 6 => (IPV4.test(ip) ? 4 : ip.includes(":") ? 6 : 0);

/**
 * Hosts a tenant URL may never point at: cloud metadata services and link-local addresses
 * (169.254.0.0/16, fe80::/10, AWS's fd00:ec2::254, metadata.google.internal). A connection is
 * called by the server with stored credentials, so such a URL would leak them or the instance's
 * own cloud credentials. Loopback stays allowed (the sandbox and on-premises proxies use it).
 */
export const FORBIDDEN_HOST_MESSAGE = "This URL points at a link-local or cloud metadata address; enter your tenant's URL.";

const METADATA_NAMES = new Set(["metadata.google.internal", "metadata.google.internal.", "metadata", "instance-data", "instance-data.ec2.internal"]);

const expandIpv6 = (ip: string): number[] | null => {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const parts = v4[1]!.split(".").map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined ? (tail ? tail.split(":") : []) : [];
  const fill = text.includes("::") ? 8 - h.length - t.length : 0;
  const groups = [...h, ...Array(fill).fill("0"), ...t].map((g) => parseInt(g || "0", 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
};

/** True for an address literal in 169.254.0.0/16, fe80::/10, fd00:ec2::254 or IPv4-mapped forms of them. */
export const isForbiddenAddress = (address: string): boolean => {
  const ip = address.replace(/^\[|\]$/g, "").split("%")[0]!;
  const family = ipFamily(ip);
  if (family === 4) return ip.startsWith("169.254.");
  if (family !== 6) return false;
  const g = expandIpv6(ip);
  if (!g) return false;
  if ((g[0]! & 0xffc0) === 0xfe80) return true;
  if (g.join(":") === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(":")) return true;
  const isMapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  return isMapped && g[6]! >> 8 === 169 && (g[6]! & 0xff) === 254;
};

/** True when a URL's host is a forbidden literal or metadata name (no DNS; safe in the browser). */
export const isForbiddenTenantUrl = (url: string): boolean => {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return METADATA_NAMES.has(host) || isForbiddenAddress(host);
};

