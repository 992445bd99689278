import type { z } from "zod";
import type { Prisma } from "../db";
import type { JobSpec } from "./job-specs";

type SqlRunner = Pick<Prisma.TransactionClient, "$executeRaw">;

/**
 * graphile_worker.add_job in the caller's transaction, so a job exists exactly when the write that
 * asked for it commits. Takes a spec (name, schema, maxAttempts) rather than a task object, so lib/
 * never imports jobs/; the task definitions in jobs/ satisfy the same shape.
 */
export const enqueueJob = async <S extends z.ZodType>(
  tx: SqlRunner,
  spec: Pick<JobSpec<S>, "name" | "schema"> & { maxAttempts?: number },
  payload: z.input<S>,
  options: { jobKey?: string; jobKeyMode?: "replace" | "preserve_run_at"; queueName?: string; runAt?: Date } = {},
) => {
  const parsed = spec.schema.parse(payload);
  await tx.$executeRaw`SELECT graphile_worker.add_job(
    identifier => ${spec.name}::text,
    payload => ${JSON.stringify(parsed)}::json,
    queue_name => ${options.queueName ?? null}::text,
    run_at => ${options.runAt ?? null}::timestamptz,
    max_attempts => ${spec.maxAttempts ?? null}::int,
    job_key => ${options.jobKey ?? null}::text,
    job_key_mode => ${options.jobKeyMode ?? null}::text
  )`;
};
