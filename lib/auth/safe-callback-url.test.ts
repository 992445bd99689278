import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./safe-callback-url";

describe("safeCallbackUrl", () => {
  it.each([
    ["/records?status=held", "/records?status=held"],
    ["/connections", "/connections"],
    ["/records#top", "/records#top"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["\\\\evil.example", "/"],
    ["/\t/evil.example/phish", "/"],
    ["/\n/evil.example/phish", "/"],
    ["\t//evil.example", "/"],
    [" //evil.example", "/"],
    ["/%09/evil.example", "/%09/evil.example"],
    ["http:evil.example", "/"],
    ["javascript:alert(1)", "/"],
    ["/login?callbackUrl=/x", "/"],
    ["/api/auth/signout", "/"],
    ["", "/"],
    [undefined, "/"],
    [["/a", "/b"], "/"],
  ])("%j -> %s", (input, expected) => {
    expect(safeCallbackUrl(input)).toBe(expected);
  });

  it("returns only values a browser resolves to the same origin", () => {
    const origin = "http://127.0.0.1:3000";
    for (const hostile of ["/\t/evil.example/phish", "/\r\n/evil.example", "/\\/evil.example", "https:/\\evil.example"]) {
      expect(new URL(safeCallbackUrl(hostile), origin).origin).toBe(origin);
    }
  });
});
