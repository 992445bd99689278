import { randomBytes } from "node:crypto";
import os from "node:os";

/** Who this worker process is, for heartbeats: stable for the life of the process. */
export type WorkerIdentity = { workerId: string; hostname: string; pid: number; startedAt: Date };

export const createWorkerIdentity = (): WorkerIdentity => ({
  workerId: `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
  hostname: os.hostname(),
  pid: process.pid,
  startedAt: new Date(),
});
