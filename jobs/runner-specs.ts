/** Slots of the control runner: one flow's polls run one at a time (their queue), a few flows at once. */
export const CONTROL_CONCURRENCY = 2;

/**
 * How long a finished job's completion (or failure) waits for others of the same runner to share one
 * statement. The record's own outcome is already committed by then (settleRecord); a job whose
 * completion a crash loses runs again and finds its record settled (claimRecord answers "not pending").
 */
const JOB_REPORT_BATCH_MS = 20;

/**
 * The worker's two job runners (graphile-worker pools):
 * - `records` (process-record, process-callout): `concurrency` slots fed by a local queue that locks
 *   and fetches up to concurrency + 1 jobs in one statement, with completions and failures reported in
 *   batches: a record job costs about 0.2 graphile statements instead of 2.2 (one fetch and one delete
 *   each), and a slot that frees takes its next job without a round trip.
 * - `control` (polls, cron sweeps, heartbeat, subscriptions): a few slots, so a poll's next page or a
 *   cron sweep never waits behind a batch of record jobs. Its local queue holds no more jobs than it has
 *   slots: it is there so that the pool, not each idle slot, looks for jobs (without it every idle slot
 *   of every process ran a fetch per poll interval and per new-job notification: 740 fetches in a
 *   185 s benchmark run, more than the record jobs' own).
 * Both LISTEN for new jobs; the poll interval only finds jobs that became due later (retries, a record
 * whose claim another attempt holds, a poll waiting for the object types before it): 1 s for `records`,
 * 2 s for `control`, whose idle pool would otherwise add a fetch a second per process to every long,
 * rate-limited run (1,136 fetches in a 569 s licence run).
 */
export const runnerSpecs = (concurrency: number) =>
  [
    {
      name: "records",
      concurrency,
      pollInterval: 1_000,
      worker: { localQueue: { size: concurrency + 1 }, completeJobBatchDelay: JOB_REPORT_BATCH_MS, failJobBatchDelay: JOB_REPORT_BATCH_MS },
    },
    { name: "control", concurrency: CONTROL_CONCURRENCY, pollInterval: 2_000, worker: { localQueue: { size: CONTROL_CONCURRENCY } } },
  ] as const;

