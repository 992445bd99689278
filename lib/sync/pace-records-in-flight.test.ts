import { describe, expect, it } from "vitest";
import { paceRecordsInFlight } from "./pace-records-in-flight";

/** A pacer on a clock and an event-loop utilisation the test sets. */
const pacer = (floor = 4, opts: { ceiling?: number } = {}) => {
  const world = { at: 0, busy: 0 };
  const p = paceRecordsInFlight({ floor, ...opts, step: 2, periodMs: 100, widenBelow: 0.5, narrowAbove: 0.75, utilization: () => world.busy, now: () => world.at });
  const start = (n: number) => {
    for (let i = 0; i < n; i++) p.started();
  };
  /** one period later, with the loop this busy during it */
  const period = (busy: number) => {
    world.busy = busy;
    world.at += 100;
    return p.mayWiden();
  };
  return { p, start, period };
};

describe("paceRecordsInFlight", () => {
  it("allows no record beyond the job slots' own until the loop is seen idle", () => {
    const { p, start } = pacer(4);
    start(3);
    expect(p.mayWiden()).toBe(true);
    start(1);
    // within the first period nothing is adjusted: the floor holds
    expect(p.mayWiden()).toBe(false);
    expect(p.state()).toEqual({ inFlight: 4, limit: 4 });
  });

  it("grows by a step per period while the loop is idle and the limit is in use, up to the ceiling", () => {
    const { p, start, period } = pacer(4, { ceiling: 9 });
    start(4);
    expect(period(0.2)).toBe(true);
    expect(p.state().limit).toBe(6);
    start(2);
    expect(period(0.2)).toBe(true);
    expect(p.state().limit).toBe(8);
    start(2);
    expect(period(0.2)).toBe(true);
    start(1);
    expect(p.state()).toEqual({ inFlight: 9, limit: 9 });
    expect(period(0.1)).toBe(false);
    expect(p.state().limit).toBe(9);
  });

  it("does not grow a limit the process did not reach", () => {
    const { p, start, period } = pacer(4);
    start(4);
    period(0.2);
    expect(p.state().limit).toBe(6);
    p.ended();
    p.ended();
    // 2 in flight all period long: an idle loop says nothing about more records
    period(0.2);
    period(0.2);
    expect(p.state().limit).toBe(6);
  });

  it("falls back halfway to the floor once the loop is busy, and holds between the thresholds", () => {
    const { p, start, period } = pacer(4, { ceiling: 16 });
    start(4);
    for (let i = 0; i < 6; i++) {
      period(0.2);
      start(2);
    }
    expect(p.state().limit).toBe(16);
    period(0.6);
    expect(p.state().limit).toBe(16);
    period(0.9);
    expect(p.state().limit).toBe(10);
    period(0.95);
    expect(p.state().limit).toBe(7);
    period(0.95);
    period(0.95);
    expect(p.state().limit).toBe(4);
    // a busy loop never takes the job slots' own records away
    expect(period(1)).toBe(false);
    expect(p.state().limit).toBe(4);
  });
});
