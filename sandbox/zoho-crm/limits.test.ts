import { describe, expect, it } from "vitest";
import { createApiLimits, creditsPerDay } from "./limits";

describe("Zoho CRM API limits", () => {
  it("credits per day follow the edition, the users and the edition's maximum", () => {
    expect(creditsPerDay("free", 3)).toBe(5_000);
    expect(creditsPerDay("standard", 10)).toBe(52_500);
    expect(creditsPerDay("standard", 1_000)).toBe(100_000);
    expect(creditsPerDay("enterprise", 10)).toBe(60_000);
    expect(creditsPerDay("ultimate", 10_000)).toBe(20_050_000);
  });

  it("keeps a rolling 24-hour window: credits come back a day after they were used, not at midnight", () => {
    let now = Date.parse("2026-12-07T10:00:00Z");
    const limits = createApiLimits({ now: () => now, settings: () => ({ edition: "enterprise", users: 1, creditsPerDay: 10 }) });
    expect(limits.charge(6).allowed).toBe(true);
    now += 12 * 3_600_000;
    expect(limits.charge(4)).toEqual({ allowed: true, remaining: 0 });
    expect(limits.charge(1).allowed).toBe(false);
    now += 12 * 3_600_000 + 60_000;
    expect(limits.used()).toBe(4);
    expect(limits.charge(6).allowed).toBe(true);
    expect(limits.charge(1).allowed).toBe(false);
  });

  it("hands out as many concurrent slots as the edition allows, and sub-concurrency slots separately", () => {
    const limits = createApiLimits({ now: () => 0, settings: () => ({ edition: "free", users: 1 }) });
    const slots = Array.from({ length: 5 }, () => limits.acquire());
    expect(slots.every(Boolean)).toBe(true);
    expect(limits.acquire()).toBeUndefined();
    slots[0]?.();
    slots[0]?.();
    expect(limits.inFlight()).toBe(4);
    expect(limits.acquire()).toBeDefined();
    const heavy = Array.from({ length: 10 }, () => limits.acquireHeavy());
    expect(heavy.every(Boolean)).toBe(true);
    expect(limits.acquireHeavy()).toBeUndefined();
  });
});
