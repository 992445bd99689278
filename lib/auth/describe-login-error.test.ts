import { describe, expect, it } from "vitest";
import { describeLoginError } from "./describe-login-error";

describe("describeLoginError", () => {
  it("does not tell a wrong e-mail from a wrong password", () => {
    expect(describeLoginError("INVALID_CREDENTIALS")).toBe("Email or password is incorrect.");
    expect(describeLoginError("CredentialsSignin")).toBe("Email or password is incorrect.");
  });
  it("says how long to wait when throttled", () => {
    expect(describeLoginError("THROTTLED:14")).toBe("Too many attempts. Try again in 14 minutes.");
    expect(describeLoginError("THROTTLED:1")).toBe("Too many attempts. Try again in 1 minute.");
  });
  it("falls back to a generic sentence without leaking the code", () => {
    expect(describeLoginError("Configuration")).not.toContain("Configuration");
  });
});

describe("describeLoginError (server trouble)", () => {
  it("explains an unavailable database without details", () => {
    expect(describeLoginError("UNAVAILABLE")).toMatch(/^Sign-in is unavailable right now/);
  });
});
