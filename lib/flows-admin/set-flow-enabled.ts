import type { Db } from "../db";
import { AppError } from "../errors";

/** Turns a flow on (its schedule and callouts start moving records) or off. */
export const setFlowEnabled = async ({ db, flowId, enabled }: { db: Db; flowId: string; enabled: boolean }): Promise<{ id: string; enabled: boolean }> => {
  const found = await db.flow.updateMany({ where: { id: flowId }, data: { enabled } });
  if (found.count === 0) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
  return { id: flowId, enabled };
};
