import { describe, expect, it } from "vitest";
import { cacheValueMaps, isAtLeastVersion, NO_VALUE_MAP_VERSION, valueMapCacheOf } from "./value-map-cache";

describe("value map cache", () => {
  it("orders versions as counts, with none before every count", () => {
    expect(isAtLeastVersion("10", "9")).toBe(true);
    expect(isAtLeastVersion("9", "10")).toBe(false);
    expect(isAtLeastVersion("7", "7")).toBe(true);
    expect(isAtLeastVersion("1", NO_VALUE_MAP_VERSION)).toBe(true);
    expect(isAtLeastVersion(NO_VALUE_MAP_VERSION, NO_VALUE_MAP_VERSION)).toBe(true);
    expect(isAtLeastVersion(NO_VALUE_MAP_VERSION, "1")).toBe(false);
  });

  it("keeps the newest maps when claims answer out of order", () => {
    const db = {};
    cacheValueMaps(db, "f", "5", [["gl-account", "Fee", "40100"]]);
    const older = cacheValueMaps(db, "f", "4", [["gl-account", "Fee", "40000"]]);
    expect(older.get("gl-account")?.get("Fee")).toBe("40000");
    expect(valueMapCacheOf(db).get("f")).toMatchObject({ version: "5" });
    expect(valueMapCacheOf(db).get("f")?.maps.get("gl-account")?.get("Fee")).toBe("40100");
    cacheValueMaps(db, "f", "6", []);
    expect(valueMapCacheOf(db).get("f")).toMatchObject({ version: "6" });
  });
});
