/**
 * Paths reachable without a session: the login page, next-auth's own endpoints, the health
 * probe and vendor webhooks (which authenticate by signature, not by session).
 */
const PUBLIC_PATHS = [/^\/login\/?$/, /^\/api\/auth(\/|$)/, /^\/api\/health\/?$/, /^\/api\/webhooks\//];

export const isPublicPath = (pathname: string): boolean => PUBLIC_PATHS.some((re) => re.test(pathname));
