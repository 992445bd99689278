import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readSandboxSettings } from "./settings";

describe("readSandboxSettings", () => {
  it("reads the app's variable names, with the app's defaults", () => {
    expect(readSandboxSettings({})).toEqual({ SANDBOX_PORT: 4010, DATA_DIR: ".data" });
    expect(readSandboxSettings({ SANDBOX_PORT: "4999", DATA_DIR: "/srv/mlc", DATABASE_URL: "ignored" })).toEqual({ SANDBOX_PORT: 4999, DATA_DIR: "/srv/mlc" });
    expect(readSandboxSettings({ SANDBOX_PORT: "", DATA_DIR: "" })).toEqual({ SANDBOX_PORT: 4010, DATA_DIR: ".data" });
  });

  it("names a bad variable", () => {
    expect(() => readSandboxSettings({ SANDBOX_PORT: "seventy" })).toThrow(/SANDBOX_PORT/);
  });

  it("no sandbox file imports the app's lib/ (the sandbox is a second, independent reading)", () => {
    const files = readdirSync(import.meta.dirname, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(20);
    const importsLib = files.filter((f) => /from "(@\/lib\/|(\.\.\/)+lib\/)/.test(readFileSync(path.join(import.meta.dirname, f), "utf8")));
    expect(importsLib).toEqual([]);
  });
});
