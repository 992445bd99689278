import type { Db } from "../db";
import { claimRecords, holdLease, type Lease } from "./claim-record";
import type { RecordsInFlight } from "./pace-records-in-flight";
import { processRecord, type ProcessOutcome } from "./process-record";

/**
 * The records of one `process-records` batch job, each exactly as its own `process-record` job would
 * process it (claim, plan, write, settle: processRecord), one at a time, or more at once while the
 * worker's pacer `inFlight` has room (without one, one at a time: each job slot of a worker runs one
 * batch, so a worker has as many records in flight as with one job per record). The
 * records are claimed together in one statement first, each then holding its lease (renewed while it
 * waits its turn, see holdLease) until its own attempt settles it. Answers one
 * promise per record, in order, as graphile-worker's batch jobs expect: a rejected one (the database
 * went away, the settle itself failed) is retried alone by the batch job, with the job's attempt
 * count, which is then that record's own (every entry still in the payload failed every attempt).
 * A retryable vendor failure instead continues as the record's own keyed `process-record` job, queued
 * by the settle that records it (`requeueRetries`), so its retries, their times and the last attempt
 * are the record's own and show on its page as today.
 */
export const processRecordBatch = ({
  db,
  recordIds,
  attempt,
  maxAttempts,
  leaseOwner,
  inFlight,
}: {
  db: Db;
  recordIds: readonly string[];
  /** the batch job's attempt number (graphile-worker job.attempts) */
  attempt: number;
  maxAttempts: number;
  /** the batch job, in this worker pool: its next run may take back a claim its previous run left */
  leaseOwner: string;
  /** the worker process's records in flight: posts more than one record at once while it allows */
  inFlight?: RecordsInFlight;
}): Promise<ProcessOutcome>[] => {
  const settlers = recordIds.map(() => {
    let resolve!: (outcome: ProcessOutcome) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<ProcessOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // handled by the caller once all are settled; a rejection before that is not "unhandled"
    promise.catch(() => {});
    return { promise, resolve, reject };
  });
  void (async () => {
    const claimedAt = Date.now();
    const leases = new Map<string, Lease>();
    try {
      const claims = await claimRecords({ db, recordIds, owner: leaseOwner });
      for (const [recordId, claim] of claims) if (claim.claimed) leases.set(recordId, holdLease({ db, recordId, owner: leaseOwner, claimedAt }));
      let next = 0;
      const lanes: Promise<void>[] = [];
      /** posts records until none is left; a lane beyond the first goes on only while the pacer has room */
      const lane = async (first: boolean) => {
        while (next < recordIds.length && (first || !inFlight || inFlight.mayWiden())) {
          const i = next++;
          const recordId = recordIds[i]!;
          inFlight?.started();
          // started first: the pacer counts this record when it decides on the next lane
          if (inFlight && next < recordIds.length && inFlight.mayWiden()) lanes.push(lane(false));
          try {
            const claimed = { claim: claims.get(recordId)!, lease: leases.get(recordId) };
            settlers[i]!.resolve(await processRecord({ db, recordId, attempt, maxAttempts, leaseOwner, requeueRetries: true, claimed }));
          } catch (err) {
            settlers[i]!.reject(err);
          } finally {
            inFlight?.ended();
          }
        }
      };
      lanes.push(lane(true));
      // lanes add lanes while they run: wait until none was added meanwhile
      for (let waited = 0; waited < lanes.length; ) {
        const upTo = lanes.length;
        await Promise.all(lanes.slice(waited, upTo));
        waited = upTo;
      }
    } catch (err) {
      // the claim failed (the database went away): every entry is retried by the batch job
      for (const s of settlers) s.reject(err);
    } finally {
      for (const lease of leases.values()) lease.stop();
    }
  })();
  return settlers.map((s) => s.promise);
};
