import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { isPublicPath } from "@/lib/auth/is-public-path";
import { safeCallbackUrl } from "@/lib/auth/safe-callback-url";
import { isSessionFresh } from "@/lib/auth/session-lifetime";
import { env } from "@/lib/env";

/**
 * The first gate: no valid session JWT means a redirect to /login (pages, with a callbackUrl)
 * or 401 JSON (API). Pages, actions and route handlers still check the session and role
 * themselves (lib/auth), since a proxy matcher is easy to get wrong.
 */
export const proxy = async (request: NextRequest) => {
  const { pathname, search } = request.nextUrl;
  if (isPublicPath(pathname)) return NextResponse.next();

  const token = await getToken({ req: request, secret: env().NEXTAUTH_SECRET });
  // A token without a session version or past its lifetime is no session (lib/auth/session-lifetime.ts);
  // whether the version is still current is checked against the database behind this gate.
  if (token && typeof token.sv === "number" && isSessionFresh({ authTime: token.authTime })) return NextResponse.next();

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
  matcher: ["/((?!_next/static|_next/image|api/webhooks/|favicon.ico|robots.txt|.*\\.(?:svg|png|ico|txt)$).*)"],
};
