import { afterEach, describe, expect, it, vi } from "vitest";
import { batchReleaseChecks } from "./batch-release-checks";

/** A status read whose calls the test answers, one at a time; it takes its keys as it goes out. */
const controlledRead = () => {
  const calls: { keys: string[]; answer: (rows: Record<string, string[]>) => void; fail: (err: Error) => void }[] = [];
  const read = (take: () => string[]) =>
    new Promise<Map<string, string[]>>((resolve, reject) => calls.push({ keys: take(), answer: (rows) => resolve(new Map(Object.entries(rows))), fail: reject }));
  return { calls, read };
};

/** A status read that waits for its turn (the limiter) before it takes its keys; the test gives the turn or refuses it. */
const queuedRead = () => {
  const calls: { turn: () => string[]; answer: (rows: Record<string, string[]>) => void; fail: (err: Error) => void }[] = [];
  const read = (take: () => string[]) =>
    new Promise<Map<string, string[]>>((resolve, reject) => calls.push({ turn: take, answer: (rows) => resolve(new Map(Object.entries(rows))), fail: reject }));
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

  it("carries in a read the checks asked for while it waited for its turn, and not those asked after it was sent", async () => {
    const { calls, read } = queuedRead();
    const checks = batchReleaseChecks({ read, maxWaitMs: 10_000, maxBatchSize: 25 });
    checks.begin();
    const a = checks.check("a"); // the only release in flight: its read goes out at once
    await settle();
    expect(calls).toHaveLength(1);
    checks.begin();
    checks.begin();
    const [b, c] = [checks.check("b"), checks.check("c")]; // asked while the read waits for its turn
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.turn()).toEqual(["a", "b", "c"]);
    checks.begin();
    const d = checks.check("d"); // asked after the read was sent: the next read
    calls[0]!.answer({ a: ["Open"], b: ["Open"], c: ["Balanced"] });
    expect(await Promise.all([a, b, c])).toEqual([["Open"], ["Open"], ["Balanced"]]);
    checks.end(); // a and b are confirmed; c's release still runs and asks again, with d
    checks.end();
    await settle();
    expect(calls).toHaveLength(1);
    const c2 = checks.check("c");
    await settle();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.turn()).toEqual(["d", "c"]);
    calls[1]!.answer({ c: ["Open"], d: ["Closed"] });
    expect(await Promise.all([c2, d])).toEqual([["Open"], ["Closed"]]);
  });

  it("fails the checks waiting when a read is refused before it was sent", async () => {
    const { calls, read } = queuedRead();
    const checks = batchReleaseChecks({ read, maxWaitMs: 10_000, maxBatchSize: 25 });
    checks.begin();
    checks.begin();
    const a = checks.check("a");
    const b = checks.check("b");
    await settle();
    calls[0]!.fail(new Error("shared rate limit: the next free send time is 61000 ms away"));
    await expect(a).rejects.toThrow("rate limit");
    await expect(b).rejects.toThrow("rate limit");
    await settle();
    expect(calls).toHaveLength(1);
    expect(checks.state()).toEqual({ inFlight: 2, waiting: 0, reading: false });
  });
});
