import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./safe-callback-url";

describe("safeCallbackUrl", () => {
  it.each([
    ["/records?status=held", "/records?status=held"],
    ["/connections", "/connections"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["/login?callbackUrl=/x", "/"],
    ["/api/auth/signout", "/"],
    [undefined, "/"],
    [["/a", "/b"], "/"],
  ])("%j -> %s", (input, expected) => {
    expect(safeCallbackUrl(input)).toBe(expected);
  });
});
