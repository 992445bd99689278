import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "../../proxy";

/*
 * The proxy's answers to hostile requests (issue 16, security 6): a path that is not valid
 * percent-encoding is a 400, not a 500; every page carries a Content-Security-Policy whose scripts
 * need a fresh nonce (no 'unsafe-inline'). That Next's own scripts carry the nonce and the pages
 * still work under it is shown by the e2e journeys (e2e/auth.spec.ts checks for CSP violations).
 */

process.env.NEXTAUTH_SECRET ??= "a-test-secret-of-sufficient-length-0000";

const get = (path: string) => proxy(new NextRequest(new URL(path, "http://127.0.0.1:3000")));

describe("proxy", () => {
  it.each(["/records/%E0%A4%A", "/records/%E0%A4", "/%", "/login/%ZZ"])("answers %s with 400", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
  });

  it("sends a nonce-based CSP with each page, a new nonce each time", async () => {
    const [a, b] = await Promise.all([get("/login"), get("/login")]);
    const csp = a.headers.get("content-security-policy") ?? "";
    const script = csp.split("; ").find((d) => d.startsWith("script-src")) ?? "";
    expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(script).not.toContain("unsafe-inline");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(b.headers.get("content-security-policy")).not.toBe(csp);
    // Next reads the nonce from the request's CSP header, which the proxy passes on
    expect(a.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
  });

  it("still sends a signed-out page visit to the login page", async () => {
    const res = await get("/records");
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get("location") ?? "");
    expect(`${location.pathname}${location.search}`).toBe("/login?callbackUrl=%2Frecords");
  });
});
