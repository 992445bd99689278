import { describe, expect, it, vi } from "vitest";
import { coalescingLookup } from "./coalescing-lookup";

/** A look-up whose calls are answered by the test, one at a time. */
const controlledFetch = () => {
  const calls: { keys: string[]; answer: (rows: Record<string, string[]>) => void; fail: (err: Error) => void }[] = [];
  const fetch = (keys: string[]) =>
    new Promise<Map<string, string[]>>((resolve, reject) =>
      calls.push({ keys, answer: (rows) => resolve(new Map(Object.entries(rows))), fail: reject }),
    );
  return { calls, fetch };
};
const settle = () => new Promise((r) => setImmediate(r));

describe("coalescingLookup", () => {
  it("sends a lone key at once, and the keys asked for during a call together in the next one", async () => {
    const { calls, fetch } = controlledFetch();
    const lookup = coalescingLookup(fetch, { maxBatchSize: 2 });
    const a = lookup.load("a");
    await settle();
    expect(calls.map((c) => c.keys)).toEqual([["a"]]);

    const [b, c, d] = [lookup.load("b"), lookup.load("c"), lookup.load("d")];
    await settle();
    expect(calls).toHaveLength(1); // they wait for the call in flight
    calls[0]!.answer({ a: ["A1"] });
    expect(await a).toEqual(["A1"]);
    await settle();
    expect(calls.slice(1).map((x) => x.keys)).toEqual([["b", "c"], ["d"]]); // at most maxBatchSize per call
    calls[1]!.answer({ c: ["C1", "C2"] });
    calls[2]!.answer({});
    expect(await Promise.all([b, c, d])).toEqual([[], ["C1", "C2"], []]);
  });

  it("fails every key of a failed call, and the next key gets a call of its own", async () => {
    const { calls, fetch } = controlledFetch();
    const lookup = coalescingLookup(fetch);
    const [x, y] = [lookup.load("x"), lookup.load("y")];
    await settle();
    calls[0]!.fail(new Error("503 from the instance"));
    await expect(x).rejects.toThrow("503");
    await expect(y).rejects.toThrow("503");
    const z = lookup.load("x");
    await settle();
    expect(calls.map((c) => c.keys)).toEqual([["x", "y"], ["x"]]);
    calls[1]!.answer({ x: ["X1"] });
    expect(await z).toEqual(["X1"]);
  });

  it("with a window, a key that finds no call in flight waits for others, and those asked meanwhile go with it", async () => {
    // the window's clock is the test's: on a loaded machine real timers of 5 and 30 ms may fire in any order
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      const { calls, fetch } = controlledFetch();
      const lookup = coalescingLookup(fetch, { windowMs: 30 });
      const a = lookup.load("a");
      await settle();
      vi.advanceTimersByTime(5);
      const b = lookup.load("b");
      await settle();
      expect(calls).toHaveLength(0);
      vi.advanceTimersByTime(25);
      await settle();
      expect(calls.map((c) => c.keys)).toEqual([["a", "b"]]);
      calls[0]!.answer({ a: ["A1"], b: ["B1"] });
      expect(await Promise.all([a, b])).toEqual([["A1"], ["B1"]]);
    } finally {
      vi.useRealTimers();
    }
  });
});
