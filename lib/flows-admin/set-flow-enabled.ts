import type { ConfigActor } from "../audit/config-change-schemas";
import { recordConfigChange } from "../audit/record-config-change";
import type { Db } from "../db";
import { AppError } from "../errors";

/** Turns a flow on (its schedule and callouts start moving records) or off. */
export const setFlowEnabled = async ({ db, flowId, enabled, actor }: { db: Db; flowId: string; enabled: boolean; actor?: ConfigActor }): Promise<{ id: string; enabled: boolean }> => {
  return db.$transaction(async (tx) => {
    const before = await tx.flow.findUnique({ where: { id: flowId }, select: { name: true, enabled: true } });
    const found = await tx.flow.updateMany({ where: { id: flowId }, data: { enabled } });
    if (found.count === 0 || !before) throw new AppError("NOT_FOUND", { userMessage: "This flow does not exist (any more)." });
    await recordConfigChange(tx, { actor, entity: "flow", entityId: flowId, label: before.name, action: "updated", before: { enabled: before.enabled }, after: { enabled }, flowId });
    return { id: flowId, enabled };
  });
};
