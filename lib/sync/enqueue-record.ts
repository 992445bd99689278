import type { Prisma } from "../db";
import { enqueueJob } from "./enqueue-job";
import { processRecordJob } from "./job-specs";

/**
 * Queues processing of one record: one pending job per record (job key `record:<id>`). Records of one
 * target are not serialised on a queue: exactly-once comes from the record's lease (claim-record.ts)
 * and the natural-key look-up whenever an earlier attempt may have written, ordering from holds (an invoice waits for its customer, a payment for its
 * invoice), and the vendor's rate and concurrency limits from lib/http's per-connection limits shared
 * through Postgres. A serial queue per connection capped throughput at one record per vendor round trip
 * (about 1 record/s with Acumatica's release actions).
 */
export const enqueueRecord = (
  tx: Pick<Prisma.TransactionClient, "$executeRaw">,
  { recordId, runAt, refetch }: { recordId: string; runAt?: Date; refetch?: boolean },
) => enqueueJob(tx, processRecordJob, refetch ? { recordId, refetch } : { recordId }, { jobKey: `record:${recordId}`, runAt });
