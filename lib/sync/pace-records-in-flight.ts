import { performance } from "node:perf_hooks";

/**
 * How many records the batch jobs of one worker process post at once, chosen from what paces them.
 *
 * Each job slot's batch always posts one record at a time (the floor: as many records in flight as
 * job slots). A batch may post a further record at once only while the process has fewer in flight
 * than `limit`, and `limit` follows the process's event loop: while the loop sat mostly idle in the
 * last period (its records wait on vendor calls, or on the release checks those calls share), and the
 * limit was in use, it grows by `step`; once the loop is busy (the process is CPU-bound, or starved
 * of CPU by its neighbours) it falls back halfway to the floor. So with a slow vendor a process keeps
 * several records per slot in flight, and with a fast one it stays at one per slot, where more in
 * flight only costs CPU (more waits on the vendor's concurrency slots, more garbage) for no more
 * records per second (bench/README.md, "Records in flight").
 *
 * The event loop's utilisation, not the process's CPU time: it is what a record waits for when the
 * process is busy, and it rises as well when the machine's other processes take the CPU.
 */
export type RecordsInFlight = {
  /** may a batch that already posts a record start another one now? (adjusts the limit first, see above) */
  mayWiden: () => boolean;
  /** a record of a batch starts being posted */
  started: () => void;
  /** that record is settled (or failed) */
  ended: () => void;
  /** for tests and diagnostics */
  state: () => { inFlight: number; limit: number };
};

/** Event-loop utilisation (0..1) since the previous call, from perf_hooks. */
const loopUtilizationSince = () => {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    return utilization;
  };
};

export const paceRecordsInFlight = ({
  floor,
  ceiling = floor * 4,
  step = 2,
  periodMs = 250,
  widenBelow = 0.5,
  narrowAbove = 0.75,
  utilization = loopUtilizationSince(),
  now = () => performance.now(),
}: {
  /** records in flight that need no permission: the process's job slots (one record each) */
  floor: number;
  /** most records in flight the limit grows to */
  ceiling?: number;
  /** records the limit grows by per period */
  step?: number;
  /** how often the limit is adjusted (on demand: a process with no batch running does nothing) */
  periodMs?: number;
  /** the limit grows while the loop's utilisation over the last period is below this ... */
  widenBelow?: number;
  /** ... and falls back halfway to the floor when it is above this */
  narrowAbove?: number;
  /** the event loop's utilisation since the previous call (a seam for tests) */
  utilization?: () => number;
  now?: () => number;
}): RecordsInFlight => {
  let inFlight = 0;
  /** most records in flight at once during the current period: the limit grows only when it was reached */
  let peak = 0;
  let limit = floor;
  let periodStart = now();
  const adjust = () => {
    if (now() - periodStart < periodMs) return;
    const busy = utilization();
    if (busy > narrowAbove) limit = floor + Math.floor((limit - floor) / 2);
    else if (busy < widenBelow && peak >= limit) limit = Math.min(ceiling, limit + step);
    periodStart = now();
    peak = inFlight;
  };
  return {
    mayWiden: () => {
      adjust();
      return inFlight < limit;
    },
    started: () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
    },
    ended: () => {
      inFlight -= 1;
    },
    state: () => ({ inFlight, limit }),
  };
};
