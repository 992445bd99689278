import type { z } from "zod";
import type { Prisma } from "../lib/generated/prisma/client";
import type { TaskDefinition } from "./define-task";

type SqlRunner = Pick<Prisma.TransactionClient, "$executeRaw">;

export type EnqueueOptions = {
  /** at most one pending job per key (graphile-worker job_key) */
  jobKey?: string;
  /** "replace" (default), "preserve_run_at" (throttle) or "unsafe_dedupe" */
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
  /** jobs of one queue run one at a time, in order */
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
};

/**
 * Adds a job in the caller's transaction (or on the client given), so the job exists exactly when
 * the business write that asked for it commits.
 */
export const enqueue = async <S extends z.ZodType>(
  tx: SqlRunner,
  task: TaskDefinition<S>,
  payload: z.input<S>,
  options: EnqueueOptions = {},
) => {
  const parsed = task.schema.parse(payload);
  await tx.$executeRaw`SELECT graphile_worker.add_job(
    identifier => ${task.name}::text,
    payload => ${JSON.stringify(parsed)}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${options.runAt ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? task.maxAttempts ?? null}::int,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${options.priority ?? null}::int,
    job_key_mode => ${options.jobKeyMode ?? null}::text
  )`;
};
