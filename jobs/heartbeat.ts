import { z } from "zod";
import { db } from "../lib/db";
import { recordHeartbeat } from "../lib/workers/record-heartbeat";
import type { WorkerIdentity } from "../lib/workers/worker-identity";
import { defineTask } from "./define-task";

/** Proves the job loop runs: scheduled every minute, and once as each worker starts. */
export const heartbeatTask = (identity: WorkerIdentity) =>
  defineTask({
    name: "heartbeat",
    schema: z.object({}).passthrough(),
    maxAttempts: 1,
    run: () => recordHeartbeat({ db: db(), identity }),
  });
