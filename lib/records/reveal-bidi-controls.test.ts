import { describe, expect, it } from "vitest";
import { revealBidiControls } from "./reveal-bidi-controls";

describe("revealBidiControls", () => {
  it("makes a right-to-left override visible instead of letting it reverse the text", () => {
    expect(revealBidiControls("INV-1001\u202efdp.exe")).toBe("INV-1001<U+202E>fdp.exe");
  });

  it.each([
    ["\u061c", "<U+061C>"],
    ["\u200e", "<U+200E>"],
    ["\u200f", "<U+200F>"],
    ["\u202a\u202b\u202c\u202d", "<U+202A><U+202B><U+202C><U+202D>"],
    ["\u2066\u2067\u2068\u2069", "<U+2066><U+2067><U+2068><U+2069>"],
  ])("reveals %j", (input, shown) => {
    expect(revealBidiControls(`a${input}b`)).toBe(`a${shown}b`);
  });

  it("leaves ordinary text, right-to-left scripts and emoji alone", () => {
    for (const text of ["Acme GmbH", "שלום עולם", "شركة الأمل", "Zoë 😀 Ltd."]) expect(revealBidiControls(text)).toBe(text);
  });
});
