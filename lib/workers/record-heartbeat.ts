import type { Db } from "../db";
import type { WorkerIdentity } from "./worker-identity";

/** Marks this worker alive now; /api/health reads the newest beat. Rows of long-gone workers are pruned. */
export const recordHeartbeat = async ({ db, identity, now = new Date() }: { db: Db; identity: WorkerIdentity; now?: Date }) => {
  await db.workerHeartbeat.upsert({
    where: { workerId: identity.workerId },
    create: { ...identity, beatAt: now },
    update: { beatAt: now },
  });
  await db.workerHeartbeat.deleteMany({ where: { beatAt: { lt: new Date(now.getTime() - 24 * 3600_000) } } });
};
