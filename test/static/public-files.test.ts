import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { config } from "../../proxy";

/*
 * public/ holds what the pages serve as they are: the favicon, the app icons, robots.txt and the web
 * manifest. That /favicon.ico and the others answer 200 from a running app is in e2e/auth.spec.ts.
 */

const PUBLIC = path.resolve(import.meta.dirname, "../../public");
const read = (name: string) => readFileSync(path.join(PUBLIC, name));
const pngSize = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];

describe("public/", () => {
  it("favicon.ico is an icon with 16, 32 and 48 px images", () => {
    const ico = read("favicon.ico");
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + i * 16));
    expect(sizes).toEqual([16, 32, 48]);
  });

  it("has the app icons the layout and the manifest name", () => {
    expect(pngSize(read("apple-touch-icon.png"))).toEqual([180, 180]);
    expect(pngSize(read("icon-512.png"))).toEqual([512, 512]);
    expect(read("icon.svg").toString()).toMatch(/^<svg /);
    const manifest = JSON.parse(read("site.webmanifest").toString()) as { icons: { src: string }[] };
    for (const icon of manifest.icons) expect(() => read(icon.src.slice(1))).not.toThrow();
  });

  it("robots.txt keeps search engines out of a private admin app", () => {
    expect(read("robots.txt").toString()).toMatch(/User-agent: \*\nDisallow: \/\n/);
  });

  it("the proxy does not ask for a session for these files", () => {
    // The matcher is a path-to-regexp pattern that is a plain regular expression as written.
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    for (const file of ["/favicon.ico", "/icon.svg", "/apple-touch-icon.png", "/icon-512.png", "/robots.txt", "/site.webmanifest"]) {
      expect(matcher.test(file), file).toBe(false);
    }
    expect(matcher.test("/records")).toBe(true);
  });
});
