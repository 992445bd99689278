import { describe, expect, it } from "vitest";
import { createTaskList, cronItems, RECORD_TASKS, splitTaskList } from "./index";
import { CONTROL_CONCURRENCY, runnerSpecs } from "./runner-specs";

const identity = { workerId: "w", hostname: "h", pid: 1, startedAt: new Date(0) };

describe("the worker's two job runners", () => {
  it("every task runs on exactly one runner: record postings on `records`, polls and sweeps on `control`", () => {
    const all = createTaskList(identity);
    const { records, control } = splitTaskList(all);
    expect(Object.keys(records).sort()).toEqual(["process-callout", "process-record"]);
    expect(Object.keys(control)).toContain("poll-flow");
    expect(Object.keys(control)).not.toContain("process-record");
    expect([...Object.keys(records), ...Object.keys(control)].sort()).toEqual(Object.keys(all).sort());
    expect([...RECORD_TASKS].every((name) => name in all)).toBe(true);
  });

  it("the cron items (given to `control` only) name tasks that `control` runs", () => {
    const { control } = splitTaskList(createTaskList(identity));
    for (const item of cronItems) expect(Object.keys(control)).toContain(item.task);
  });

  it("`records` fetches its jobs in batches and reports them in batches; no local queue is smaller than its slots", () => {
    const [records, control] = runnerSpecs(8);
    expect(records.name).toBe("records");
    expect(records.concurrency).toBe(8);
    expect(records.worker.localQueue.size).toBe(9);
    expect(records.worker.completeJobBatchDelay).toBeGreaterThanOrEqual(0);
    expect(records.worker.failJobBatchDelay).toBeGreaterThanOrEqual(0);
    expect(control.name).toBe("control");
    expect(control.concurrency).toBe(CONTROL_CONCURRENCY);
    // graphile-worker warns (and serves slots one by one) when a local queue is smaller than the concurrency
    expect(control.worker.localQueue.size).toBeGreaterThanOrEqual(control.concurrency);
    expect(runnerSpecs(1)[0].worker.localQueue.size).toBe(2);
    // jobs due later are found by polling: records within a second, polls and sweeps within two
    expect(records.pollInterval).toBeLessThanOrEqual(1_000);
    expect(control.pollInterval).toBeLessThanOrEqual(2_000);
  });
});
