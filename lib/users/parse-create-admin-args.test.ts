import { describe, expect, it } from "vitest";
import { parseCreateAdminArgs } from "./parse-create-admin-args";

describe("parseCreateAdminArgs", () => {
  it("defaults to an admin without a password (one is generated)", () => {
    expect(parseCreateAdminArgs(["--email", "A@B.io"])).toEqual({ email: "a@b.io", role: "admin" });
  });
  it("takes a viewer role and a password", () => {
    expect(parseCreateAdminArgs(["--email", "v@b.io", "--role", "viewer", "--password", "twelve-chars"])).toEqual({
      email: "v@b.io",
      role: "viewer",
      password: "twelve-chars",
    });
  });
  it.each([
    [["--role", "viewer"], /email/],
    [["--email", "x@y.io", "--password", "short"], /at least 12/],
    [["--email", "x@y.io", "--role", "owner"], /admin or viewer/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseCreateAdminArgs(argv)).toThrow(message);
  });
  it("rejects unknown flags", () => {
    expect(() => parseCreateAdminArgs(["--email", "x@y.io", "--admin"])).toThrow();
  });
});
