import type { Prisma } from "../db";
import { enqueueJob } from "./enqueue-job";
import { processRecordJob } from "./job-specs";

/**
 * Queues processing of one record: one pending job per record (job key `record:<id>`), writes to one
 * target connection serialised on queue `post:<targetConnectionId>`.
 */
export const enqueueRecord = (
  tx: Pick<Prisma.TransactionClient, "$executeRaw">,
  { recordId, targetConnectionId, runAt, refetch }: { recordId: string; targetConnectionId: string; runAt?: Date; refetch?: boolean },
) =>
  enqueueJob(tx, processRecordJob, refetch ? { recordId, refetch } : { recordId }, { jobKey: `record:${recordId}`, queueName: `post:${targetConnectionId}`, runAt });
