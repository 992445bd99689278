import { describe, expect, it } from "vitest";
import { callsInFlightShares } from "./record-timeline";

describe("callsInFlightShares", () => {
  it("weighs each count of calls in flight by its time, from the first call to the last answer, per second too", () => {
    const t0 = Date.parse("2026-12-07T00:00:00.000Z");
    // 0-500 ms one call, 500-1000 two, 1000-1500 one, then 500 ms none, then 1 from 2000-2500 ms
    const shares = callsInFlightShares(
      [
        { at: t0, ms: 1000 },
        { at: t0 + 500, ms: 1000 },
        { at: t0 + 2000, ms: 500 },
      ],
      2,
    );
    expect(shares.spanS).toBe(2.5);
    expect(shares.sharePct).toEqual([20, 60, 20]);
    expect(shares.shareAtCap).toBe(0.2);
    expect(shares.meanInFlight).toBe(1);
    expect(shares.perSecond).toEqual([1.5, 0.5, 0.5]);
  });

  it("counts calls beyond the cap in its last bucket", () => {
    const t0 = 1_000_000;
    const shares = callsInFlightShares(Array.from({ length: 3 }, () => ({ at: t0, ms: 100 })), 2);
    expect(shares.sharePct).toEqual([0, 0, 100]);
    expect(shares.meanInFlight).toBe(3);
  });
});
