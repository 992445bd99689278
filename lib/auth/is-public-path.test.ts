import { describe, expect, it } from "vitest";
import { isPublicPath } from "./is-public-path";

describe("isPublicPath", () => {
  it.each(["/login", "/api/auth/csrf", "/api/auth/callback/credentials", "/api/health", "/api/webhooks/zuora/abc"])("%s is public", (p) => {
    expect(isPublicPath(p)).toBe(true);
  });
  it.each(["/", "/records", "/login-as-admin", "/api/healthz", "/api/health/details", "/api/authx", "/api/webhooks", "/api/me", "/settings/users"])(
    "%s needs a session",
    (p) => {
      expect(isPublicPath(p)).toBe(false);
    },
  );
});
