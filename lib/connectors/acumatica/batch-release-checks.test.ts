import { afterEach, describe, expect, it, vi } from "vitest";
import { batchReleaseChecks } from "./batch-release-checks";

/** A status read whose calls the test answers, one at a time. */
const controlledRead = () => {
  const calls: { keys: string[]; answer: (rows: Record<string, string[]>) => void; fail: (err: Error) => void }[] = [];
  const read = (keys: string[]) =>
    new Promise<Map<string, string[]>>((resolve, reject) => calls.push({ keys, answer: (rows) => resolve(new Map(Object.entries(rows))), fail: reject }));
  return { calls, read };
};
const settle = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  vi.useRealTimers();
});

describe("batchReleaseChecks", () => {
  it("reads a lone release's status at once", async () => {
    const { calls, read } = controlledRead();
    const checks = batchReleaseChecks({ read, maxWaitMs: 10_000, maxBatchSize: 25 });
    checks.begin();
    const a = checks.check("a");
    await settle();
    expect(calls.map((c) => c.keys)).toEqual([["a"]]);
    calls[0]!.answer({ a: ["Open"] });
    expect(await a).toEqual(["Open"]);
    checks.end();
    await settle();
    expect(checks.state()).toEqual({ inFlight: 0, waiting: 0, reading: false });
  });

  it("waits for every release in flight to ask, then answers them with one read", async () => {
    const { calls, read } = controlledRead();
    const checks = batchReleaseChecks({ read, maxWaitMs: 10_000, maxBatchSize: 25 });
    checks.begin();
    checks.begin();
    checks.begin();
    const [a, b] = [checks.check("a"), checks.check("b")];
    await settle();
    expect(calls).toHaveLength(0); // a third release is still being posted
    const c = checks.check("c");
    await settle();
    expect(calls.map((x) => x.keys)).toEqual([["a", "b", "c"]]);
    calls[0]!.answer({ a: ["Open"], c: ["Balanced"] });
    expect(await Promise.all([a, b, c])).toEqual([["Open"], [], ["Balanced"]]);
  });

  it("reads after maxWaitMs when a release in flight does not ask, and a release that ends stops being waited for", async () => {
    vi.useFakeTimers();
    const { calls, read } = controlledRead();
    const checks = batchReleaseChecks({ read, maxWaitMs: 100, maxBatchSize: 25 });
    checks.begin();
    checks.begin();
    const a = checks.check("a");
    await vi.advanceTimersByTimeAsync(99);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((x) => x.keys)).toEqual([["a"]]);
    calls[0]!.answer({ a: ["Open"] });
    await a;
    checks.end(); // a is confirmed

    checks.begin();
    const b = checks.check("b"); // two in flight (the one that never asked, and b's)
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(1);
    checks.end(); // the silent release failed at its post: b waits for nobody now
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((x) => x.keys)).toEqual([["a"], ["b"]]);
    calls[1]!.answer({});
    expect(await b).toEqual([]);
  });

  it("sends the checks asked for during a read in the next one, and fails every check of a failed read", async () => {
    const { calls, read } = controlledRead();
    const checks = batchReleaseChecks({ read, maxWaitMs: 10_000, maxBatchSize: 2 });
    for (let i = 0; i < 3; i++) checks.begin();
    const a = checks.check("a");
    const b = checks.check("b");
    const c = checks.check("c"); // three in flight, all asking: a full batch goes, c waits for it
    await settle();
    expect(calls.map((x) => x.keys)).toEqual([["a", "b"]]);
    calls[0]!.fail(new Error("503 from the instance"));
    await expect(a).rejects.toThrow("503");
    await expect(b).rejects.toThrow("503");
    checks.end(); // a and b give up (their callers retry): c waits for nobody now
    checks.end();
    await settle();
    expect(calls.map((x) => x.keys)).toEqual([["a", "b"], ["c"]]);
    calls[1]!.answer({ c: ["Closed"] });
    expect(await c).toEqual(["Closed"]);
  });
});
