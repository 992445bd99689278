import { describe, expect, it } from "vitest";
import { fairLevel } from "./limits";

describe("fairLevel (the max-min fair split of a concurrency cap by demand)", () => {
  it("gives every demand what it asks when all fit, and the level of the rest otherwise", () => {
    expect(fairLevel(16, [3, 4])).toBe(16);
    // two busy processes: half each
    expect(fairLevel(16, [12, 20])).toBe(8);
    // one asks for less than half: it gets that, the other the rest
    expect(fairLevel(16, [5, 20])).toBe(11);
    // three, one small: the small one's demand, the two others split what is left
    expect(fairLevel(16, [1, 10, 10])).toBe(7.5);
    expect(fairLevel(3, [1, 1])).toBe(3);
    expect(fairLevel(3, [2, 2])).toBe(1.5);
  });
});
