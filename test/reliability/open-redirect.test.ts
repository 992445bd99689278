import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "../../lib/auth/safe-callback-url";

/*
 * Open redirect after sign-in (issue 16, security 3): every callbackUrl the login page and the proxy
 * accept must land on the app's own origin once a browser resolves it. The journeys through the
 * real server (form sign-in and the 307 of an already signed-in visit) are in e2e/auth.spec.ts.
 */

const ORIGINS = ["http://127.0.0.1:3000", "https://connector.example.com"];

const HOSTILE = [
  "/\t/evil.example/phish", // what ?callbackUrl=%2F%09%2Fevil.example%2Fphish decodes to
  "/\n/evil.example",
  "/\r/evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "\\/evil.example",
  "//evil.example",
  "///evil.example",
  "/\t\\evil.example",
  "https://evil.example",
  "https:evil.example",
  "http:evil.example",
  " https://evil.example",
  "\u0000//evil.example",
  "javascript:alert(document.cookie)",
  "data:text/html,<script>alert(1)</script>",
];

describe("callbackUrl after sign-in", () => {
  it.each(HOSTILE)("%j stays on the app's origin", (value) => {
    for (const origin of ORIGINS) expect(new URL(safeCallbackUrl(value), origin).origin).toBe(origin);
  });

  it("keeps an ordinary deep link as it is", () => {
    expect(safeCallbackUrl("/records?status=held&flow=abc")).toBe("/records?status=held&flow=abc");
  });
});
