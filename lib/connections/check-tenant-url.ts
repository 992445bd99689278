import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "../errors";
import { FORBIDDEN_HOST_MESSAGE, isForbiddenAddress, isForbiddenTenantUrl } from "../http/is-forbidden-tenant-url";

/**
 * Server-side check before a tenant URL is stored or called: the literal check, then every
 * address its name resolves to. A name that does not resolve passes (Test connection reports it).
 */
export const checkTenantUrl = async (
  url: string,
  { resolve = (host: string): Promise<{ address: string }[]> => lookup(host, { all: true }) }: { resolve?: (host: string) => Promise<{ address: string }[]> } = {},
): Promise<void> => {
  if (isForbiddenTenantUrl(url)) throw new AppError("INVALID_INPUT", { userMessage: `baseUrl: ${FORBIDDEN_HOST_MESSAGE}` });
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return;
  let addresses: { address: string }[] = [];
  try {
    addresses = await resolve(host);
  } catch {
    return;
  }
  if (addresses.some((a) => isForbiddenAddress(a.address))) {
    throw new AppError("INVALID_INPUT", { userMessage: `baseUrl: ${FORBIDDEN_HOST_MESSAGE} (${host} resolves to one)` });
  }
};
