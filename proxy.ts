import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "@/lib/auth/content-security-policy";
import { isPublicPath } from "@/lib/auth/is-public-path";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { isSessionFresh } from "@/lib/auth/session-lifetime";
import { env } from "@/lib/env";

const isDecodable = (pathname: string) => {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
};

/** Lets the request through with a fresh CSP nonce: Next reads it from the request header and puts it on its scripts. */
const next = (request: NextRequest) => {
  const csp = contentSecurityPolicy({ nonce: btoa(crypto.randomUUID()), isDev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
};

/**
 * The first gate: a path that is not valid percent-encoding is answered 400 (Next would fail on it
 * with a 500); no valid session JWT means a redirect to /login (pages, with a callbackUrl) or 401
 * JSON (API). Every page gets a Content-Security-Policy with a per-request nonce. Pages, actions
 * and route handlers still check the session and role themselves (lib/auth), since a proxy
 * matcher is easy to get wrong.
 */
export const proxy = async (request: NextRequest) => {
  const { pathname, search } = request.nextUrl;
  if (!isDecodable(pathname)) {
    return new NextResponse("Bad request: the address is not valid percent-encoding.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  if (isPublicPath(pathname)) return next(request);

  const token = await getToken({ req: request, secret: env().NEXTAUTH_SECRET });
  // A token without a session version or past its lifetime is no session (lib/auth/session-lifetime.ts);
  // whether the version is still current is checked against the database behind this gate.
  if (token && typeof token.sv === "number" && isSessionFresh({ authTime: token.authTime })) return next(request);

  if (pathname.startsWith("/api/")) {
    return NextResponse.json(
      { error: { code: "UNAUTHENTICATED", message: "Sign in to use this API." } },
      { status: 401, headers: { "Cache-Control": "no-store" } },
    );
  }
  const login = new URL("/login", request.url);
  login.searchParams.set("callbackUrl", safeCallbackUrl(`${pathname}${search}`));
  return NextResponse.redirect(login);
};

export const config = {
  // Everything except Next's static assets, files served from public/ and vendor webhooks (public by
  // isPublicPath anyway: they authenticate by signature; skipping the proxy saves ~1 ms per callout).
  matcher: ["/((?!_next/static|_next/image|api/webhooks/|favicon.ico|robots.txt|.*\\.(?:svg|png|ico|txt|webmanifest)$).*)"],
};
